"""On PostgreSQL, refuse UPDATE and DELETE on the audit table with a trigger (append-only at the database).

TRUNCATE is left to the table owner (test-database flushes, retention jobs run by the DBA); the application
role in production should not own the tables (see README, Production)."""

from typing import Any

from django.db import migrations

SQL_UP = """
CREATE OR REPLACE FUNCTION beredd_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table %% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION beredd_refuse_change();
"""
SQL_DOWN = "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;"


def up(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL_UP)


def down(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
