"""Reads for the ground floor: the task queue's health."""

from __future__ import annotations

from typing import Any


def task_queue_health() -> dict[str, Any]:
    """Report whether the task queue's table is reachable and how many tasks wait."""
    from django.conf import settings

    backend = settings.TASKS["default"]["BACKEND"]
    if "django_tasks_db" not in backend:
        return {"status": "ok", "backend": backend.rsplit(".", 1)[-1]}
    try:
        from django.db.models import Min, Q
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult, get_date_max

        due = DBTaskResult.objects.ready()
        oldest = due.aggregate(
            at=Min("run_after", filter=~Q(run_after=get_date_max())),
            enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
        )
        waiting = DBTaskResult.objects.filter(status="READY").count()
    except Exception as exc:  # table missing or database error
        return {"status": "error", "error": type(exc).__name__}
    times = [t for t in (oldest["at"], oldest["enqueued"]) if t is not None]
    delay = max(0.0, (timezone.now() - min(times)).total_seconds()) if times else 0.0
    limit = settings.TASKS_MAX_PICKUP_DELAY_S
    out = {"status": "ok", "backend": "database", "waiting": waiting, "oldest_due_s": round(delay, 1), "max_pickup_s": limit}
    if delay > limit:
        # A due task nobody picked up: the worker is down, stuck or dead (e-mails and reminders are waiting).
        out["status"] = "error"
        out["error"] = "worker_not_picking_up"
    return out
