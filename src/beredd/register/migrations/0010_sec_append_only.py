"""The access log is append-only on SQLite too (triggers refusing UPDATE and DELETE), and refuses TRUNCATE on
PostgreSQL for every role but a superuser. See ``core/append_only.py``."""

from django.db import migrations

from beredd.core.append_only import migration_operations

up, down = migration_operations("register_accesslog")


class Migration(migrations.Migration):
    dependencies = [("register", "0009_reliab_import_staging"), ("core", "0003_sec_append_only")]
    operations = [migrations.RunPython(up, down)]
