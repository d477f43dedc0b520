"""The append-only log tables (the audit log and the register's access log), enforced by the database.

The models and their querysets refuse changes, but the ORM has ways round that (``_base_manager``, a bare
``QuerySet(model=...)``, ``_raw_delete()``) and raw SQL has no model at all. So the database itself refuses:

- **PostgreSQL**: statement triggers refuse UPDATE and DELETE (core 0002, register 0002/0007) and TRUNCATE
  (core 0003, register 0010) for every role except a superuser (who could disable any trigger anyway; test
  databases are flushed with TRUNCATE as one). A table's *owner* can still ``ALTER TABLE ... DISABLE TRIGGER``,
  so in production the application connects as a role that owns nothing and may only SELECT and INSERT on the
  log tables (``deploy/postgres/roles.sql``); ``check_log_table_privileges`` refuses to start otherwise.
- **SQLite**: BEFORE UPDATE and BEFORE DELETE triggers raise unless ``beredd_append_only()`` returns 0. That
  function is registered on each of the application's connections and returns 1 (refuse) except inside
  :func:`maintenance`, which only the test suite's database flush uses; a connection without the function (the
  ``sqlite3`` shell) fails with "no such function", so it is refused too.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

LOG_TABLES = ("core_auditevent", "register_accesslog")
SQLITE_FUNCTION = "beredd_append_only"

_maintenance: contextvars.ContextVar[bool] = contextvars.ContextVar("beredd_log_maintenance", default=False)


@contextlib.contextmanager
def maintenance() -> Iterator[None]:
    """Let this thread delete log rows on SQLite (test-database flushes only; never called by the app)."""
    token = _maintenance.set(True)
    try:
        yield
    finally:
        _maintenance.reset(token)


def _refuse() -> int:
    return 0 if _maintenance.get() else 1


def install_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: the function the SQLite triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, _refuse)


def sqlite_triggers_sql(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"WHEN {SQLITE_FUNCTION}() BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END"
        for op in ("UPDATE", "DELETE")
    ]


def sqlite_drop_sql(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]


PG_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION beredd_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN NULL;  -- a superuser can disable any trigger anyway; test databases are flushed by one
    END IF;
    RAISE EXCEPTION 'table %% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def pg_truncate_trigger_sql(table: str) -> str:
    return (
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION beredd_refuse_truncate();"
    )


def migration_operations(table: str) -> tuple[Any, Any]:
    """(up, down) for a RunPython migration that installs the triggers of ``table`` on either database."""

    def up(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            for sql in sqlite_triggers_sql(table):
                schema_editor.execute(sql)
        elif vendor == "postgresql":
            schema_editor.execute(PG_TRUNCATE_FUNCTION)
            schema_editor.execute(pg_truncate_trigger_sql(table))

    def down(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            for sql in sqlite_drop_sql(table):
                schema_editor.execute(sql)
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")

    return up, down


def log_table_problems(connection: Any) -> list[str]:
    """What is wrong with the connected PostgreSQL role for an append-only log (empty when all is well)."""
    if connection.vendor != "postgresql":
        return []
    problems: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        role, superuser = (row[0], bool(row[1])) if row else ("?", False)
        if superuser:
            problems.append(f"the role {role} is a superuser")
        cursor.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner),"
            " pg_has_role(current_user, c.relowner, 'USAGE'),"
            " has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'),"
            " has_table_privilege(c.oid, 'TRUNCATE')"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND c.relname = ANY(%s) AND n.nspname = ANY(current_schemas(false))",
            [list(LOG_TABLES)],
        )
        for table, owner, owns, update, delete, truncate in cursor.fetchall():
            if owns and not superuser:
                problems.append(f"the role {role} owns {table} (owner {owner}) and could disable its triggers")
            granted = [name for name, has in (("UPDATE", update), ("DELETE", delete), ("TRUNCATE", truncate)) if has]
            if granted and not superuser and not owns:
                problems.append(f"the role {role} has {', '.join(granted)} on {table}")
    return problems
