"""The task worker exits (for its supervisor) on repeated database errors, and /healthz notices a worker that
does not pick up due tasks."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

REPO = Path(__file__).resolve().parents[4]
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _due_task(**fields: Any) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="beredd.reporting.tasks.send_reminders",
        backend_name="default",
        run_after=fields.pop("run_after", get_date_max()),
        exception_class_path="",
        traceback="",
        **fields,
    )


def test_healthz_is_unhealthy_when_a_due_task_waits_longer_than_the_bound(client: Client, db: Any, settings: Any) -> None:
    settings.TASKS = DB_BACKEND
    settings.TASKS_MAX_PICKUP_DELAY_S = 60
    task = _due_task()
    assert client.get("/healthz").status_code == 200  # just enqueued: a worker has time to pick it up
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - dt.timedelta(seconds=120))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"]["error"] == "worker_not_picking_up"
    # Picked up (running): healthy again.
    DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING")
    assert client.get("/healthz").status_code == 200


def test_healthz_counts_a_scheduled_task_from_its_run_after_not_from_when_it_was_enqueued(
    client: Client, db: Any, settings: Any
) -> None:
    settings.TASKS = DB_BACKEND
    settings.TASKS_MAX_PICKUP_DELAY_S = 60
    now = timezone.now()
    task = _due_task(run_after=now + dt.timedelta(hours=1))
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=now - dt.timedelta(days=1))
    assert client.get("/healthz").status_code == 200  # not due yet
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=now - dt.timedelta(seconds=90))
    assert client.get("/healthz").status_code == 503


def test_the_worker_exits_with_status_3_after_repeated_database_errors(tmp_path: Path) -> None:
    """A database the worker cannot use (here: no task table) must end the process, DEBUG on or off; upstream's
    db_worker with --reload (the DEBUG default) kept the process alive with its worker thread dead."""
    env = os.environ | {
        "DJANGO_ENV": "development",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "BEREDD_VAR_DIR": str(tmp_path),
    }
    proc = subprocess.run(
        [sys.executable, "manage.py", "beredd_worker", "--no-startup-delay", "--db-error-pause", "0.1", "--max-db-errors", "3"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3
    assert proc.stderr.count("database error") == 3 and "supervisor restarts it" in proc.stderr
