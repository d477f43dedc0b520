"""core.prepared: the submit's own statements are prepared on PostgreSQL after a few runs, never behind a
transaction-mode pooler, and Django's ORM statements never are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beredd.core import prepared
from beredd.core.models import AuditEvent

REPO = Path(__file__).resolve().parents[4]
SQL = f"SELECT COUNT(*) FROM {AuditEvent._meta.db_table} WHERE action = %s"


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db
def test_a_statement_run_through_the_prepared_cursor_is_prepared_and_logged() -> None:
    with CaptureQueriesContext(connection) as captured:
        for _ in range(6):
            with prepared.cursor(connection) as cursor:
                cursor.execute(SQL, ["test.prepared"])
                assert cursor.fetchone() == (0,)
    assert len(captured) == 6  # seen by Django's query log like any query
    assert any("WHERE action = $1" in s for s in _prepared_statements())
    AuditEvent.objects.filter(action="test.orm").count()
    AuditEvent.objects.filter(action="test.orm").count()
    assert not any("test.orm" in s or 'action" = $1' in s for s in _prepared_statements())


def _options(extra: dict[str, str]) -> Any:
    code = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    env = (
        os.environ | {"DJANGO_SETTINGS_MODULE": "beredd.settings", "DJANGO_ENV": "test", "PYTHONPATH": str(REPO / "src")} | extra
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_preparation_is_on_for_postgresql_and_off_behind_a_transaction_mode_pooler() -> None:
    url = "postgres://postgres@127.0.0.1:5432/beredd_settings_probe"
    assert _options({"DATABASE_URL": url})["prepare_threshold"] == 5
    assert _options({"DATABASE_URL": url, "DATABASE_POOLER_TRANSACTION_MODE": "true"})["prepare_threshold"] is None
    assert "prepare_threshold" not in _options({"DATABASE_URL": "sqlite:///:memory:"})
