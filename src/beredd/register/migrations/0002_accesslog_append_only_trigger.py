"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE on the access log (PDL: logs are kept unaltered)."""

from typing import Any

from django.db import migrations

SQL_UP = """
CREATE OR REPLACE FUNCTION register_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table %% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS register_accesslog_append_only ON register_accesslog;
CREATE TRIGGER register_accesslog_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON register_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION register_refuse_change();
"""
SQL_DOWN = "DROP TRIGGER IF EXISTS register_accesslog_append_only ON register_accesslog;"


def up(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL_UP)


def down(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL_DOWN)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
