"""The audit log is append-only on SQLite too (triggers refusing UPDATE and DELETE), and refuses TRUNCATE on
PostgreSQL for every role but a superuser. See ``core/append_only.py``."""

from django.db import migrations

from beredd.core.append_only import migration_operations

up, down = migration_operations("core_auditevent")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]
    operations = [migrations.RunPython(up, down)]
