"""Keep refusing UPDATE and DELETE on the access log, but let TRUNCATE through (test databases are flushed with it).

In production, grant the application's database role no TRUNCATE privilege on register_accesslog.
"""

from typing import Any

from django.db import migrations

SQL_UP = """
DROP TRIGGER IF EXISTS register_accesslog_append_only ON register_accesslog;
CREATE TRIGGER register_accesslog_append_only BEFORE UPDATE OR DELETE ON register_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION register_refuse_change();
"""
SQL_DOWN = """
DROP TRIGGER IF EXISTS register_accesslog_append_only ON register_accesslog;
CREATE TRIGGER register_accesslog_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON register_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION register_refuse_change();
"""


def up(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL_UP)


def down(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL_DOWN)


class Migration(migrations.Migration):
    dependencies = [("register", "0006_person_device_summary")]
    operations = [migrations.RunPython(up, down)]
