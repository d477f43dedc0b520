"""The audit log and the register's access log are append-only in the database itself, on SQLite and on
PostgreSQL, whatever way round the models' own guards a caller takes (core/append_only.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, models, transaction
from django.db.models import QuerySet

from beredd.core import append_only, audit
from beredd.core.models import AuditEvent
from beredd.register.models import AccessLog

REPO = Path(__file__).resolve().parents[4]
pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles and TRUNCATE exist on PostgreSQL")


@pytest.fixture
def rows(ref: dict[str, Any]) -> dict[str, models.Model]:
    event = audit.record(actor=None, action="test.event", organisation=ref["gavle"])
    entry = AccessLog.objects.create(user_label="x", role="mas", kommun=ref["gavle"], person_id=1, action="view")
    return {"core_auditevent": event, "register_accesslog": entry}


def _bypasses(model: type[models.Model], pk: int) -> dict[str, Callable[[], Any]]:
    field = "action" if model is AuditEvent else "purpose"
    table = model._meta.db_table
    return {
        "base_manager.update": lambda: model._base_manager.filter(pk=pk).update(**{field: "x"}),
        "base_manager.delete": lambda: model._base_manager.filter(pk=pk).delete(),
        "bare_queryset.update": lambda: QuerySet(model=model).filter(pk=pk).update(**{field: "x"}),
        "bare_queryset.delete": lambda: QuerySet(model=model).filter(pk=pk).delete(),
        "raw_delete": lambda: QuerySet(model=model).filter(pk=pk)._raw_delete(using="default"),
        "model.save": lambda: models.Model.save(model._base_manager.get(pk=pk), force_update=True),
        "model.delete": lambda: models.Model.delete(model._base_manager.get(pk=pk)),
        "raw_update": lambda: connection.cursor().execute(f"UPDATE {table} SET {field} = 'x' WHERE id = %s", [pk]),
        "raw_delete_sql": lambda: connection.cursor().execute(f"DELETE FROM {table} WHERE id = %s", [pk]),
    }


BYPASSES = list(_bypasses(AuditEvent, 0))


@pytest.mark.parametrize("table", append_only.LOG_TABLES)
@pytest.mark.parametrize("bypass", BYPASSES)
def test_every_way_round_the_models_is_refused_by_the_database(rows: dict[str, models.Model], table: str, bypass: str) -> None:
    row = rows[table]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _bypasses(type(row), row.pk)[bypass]()
    fresh = type(row)._base_manager.get(pk=row.pk)
    assert getattr(fresh, "action") == getattr(row, "action")  # noqa: B009  # both models have it; unchanged


def test_inserting_still_works_and_the_test_flush_alone_may_delete() -> None:
    # The maintenance switch is what the test suite's flush uses (conftest.py); the app never calls it.
    assert append_only._refuse() == 1
    with append_only.maintenance():
        assert append_only._refuse() == 0
    assert append_only._refuse() == 1


def test_a_sqlite_connection_without_the_apps_function_is_refused_too() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE register_accesslog (id INTEGER PRIMARY KEY, purpose TEXT)")
    for sql in append_only.sqlite_triggers_sql("register_accesslog"):
        db.execute(sql)
    db.execute("INSERT INTO register_accesslog (purpose) VALUES ('a')")
    for sql in ("UPDATE register_accesslog SET purpose = 'x'", "DELETE FROM register_accesslog"):
        with pytest.raises(sqlite3.OperationalError, match="no such function"):
            db.execute(sql)
    assert db.execute("SELECT purpose FROM register_accesslog").fetchall() == [("a",)]


# --- PostgreSQL: TRUNCATE, the owner, and the two-role set-up of deploy/postgres/roles.sql ---------------------


def _as_role(cursor: Any, role: str) -> None:
    # The rows inserted above leave deferred foreign-key checks pending, which would block TRUNCATE and ALTER.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(f"SET LOCAL ROLE {role}")


@pg_only
@pytest.mark.parametrize("table", append_only.LOG_TABLES)
def test_truncate_is_refused_even_for_a_role_holding_the_privilege(rows: dict[str, models.Model], table: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE beredd_test_truncater NOLOGIN")
        cursor.execute(f"GRANT SELECT, TRUNCATE ON {table} TO beredd_test_truncater")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _as_role(cursor, "beredd_test_truncater")
            cursor.execute(f"TRUNCATE {table}")
        cursor.execute("RESET ROLE")
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] >= 1
        transaction.set_rollback(True)


@pg_only
def test_an_owner_could_disable_the_triggers_so_the_check_refuses_an_owning_role(rows: dict[str, models.Model]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("CREATE ROLE beredd_test_owner NOLOGIN")
        cursor.execute("ALTER TABLE core_auditevent OWNER TO beredd_test_owner")
        _as_role(cursor, "beredd_test_owner")
        problems = append_only.log_table_problems(connection)
        assert any("owns core_auditevent" in p for p in problems)
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")  # what the owner could do: hence two roles
        transaction.set_rollback(True)


@pg_only
def test_a_superuser_is_refused_by_the_check(db: Any) -> None:
    assert any("superuser" in p for p in append_only.log_table_problems(connection))


@pg_only
def test_the_app_role_of_roles_sql_may_read_and_append_but_not_change_the_logs(rows: dict[str, models.Model]) -> None:
    script = (REPO / "deploy" / "postgres" / "roles.sql").read_text(encoding="utf-8")
    event = rows["core_auditevent"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(script)
        _as_role(cursor, "beredd_app")
        assert append_only.log_table_problems(connection) == []
        audit.record(actor=None, action="test.appended")  # INSERT works
        cursor.execute("SELECT count(*) FROM core_auditevent")
        for sql in (
            f"UPDATE core_auditevent SET action = 'x' WHERE id = {event.pk}",
            f"DELETE FROM core_auditevent WHERE id = {event.pk}",
            "TRUNCATE core_auditevent",
            "TRUNCATE register_accesslog",
            "ALTER TABLE core_auditevent DISABLE TRIGGER USER",
        ):
            with pytest.raises(DatabaseError, match="permission denied|must be owner|append-only"), transaction.atomic():
                cursor.execute(sql)
        cursor.execute("SELECT count(*) FROM reporting_round")  # ordinary tables stay usable
        transaction.set_rollback(True)


@pg_only
def test_production_refuses_to_start_as_a_role_that_may_change_the_logs(db: Any, settings: Any) -> None:
    from beredd.core.checks import check_log_table_privileges

    settings.PRODUCTION = True
    errors = check_log_table_privileges(databases=["default"])  # the test role is a superuser
    assert [e.id for e in errors] == ["beredd.E002"]
    assert check_log_table_privileges(databases=None) == []  # not during migrate (no database named)
    settings.PRODUCTION = False
    assert check_log_table_privileges(databases=["default"]) == []


@pg_only
def test_production_starts_as_the_app_role_of_roles_sql(rows: dict[str, models.Model], settings: Any) -> None:
    from beredd.core.checks import check_log_table_privileges

    settings.PRODUCTION = True
    script = (REPO / "deploy" / "postgres" / "roles.sql").read_text(encoding="utf-8")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(script)
        _as_role(cursor, "beredd_app")
        assert check_log_table_privileges(databases=["default"]) == []
        transaction.set_rollback(True)
