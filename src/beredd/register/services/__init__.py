"""Writes and identifiable reads of the register. ``person_open`` is the one door to a record (CONTRIBUTING.md)."""

from beredd.register.services.devices import device_save
from beredd.register.services.importer import import_commit, import_preview, import_rows
from beredd.register.services.incidents import (
    followup_record,
    impact_query,
    incident_activate,
    incident_call_list,
    incident_change,
    incident_counts,
    incident_progress,
    incident_refresh,
)
from beredd.register.services.logs import log_extract
from beredd.register.services.persons import (
    PersonRecord,
    grant_create,
    grant_revoke,
    person_end,
    person_export_csv,
    person_list,
    person_open,
    person_purge_ended,
    person_save,
    rotate_keys,
)

__all__ = [
    "PersonRecord",
    "device_save",
    "followup_record",
    "grant_create",
    "grant_revoke",
    "impact_query",
    "import_commit",
    "import_preview",
    "import_rows",
    "incident_activate",
    "incident_call_list",
    "incident_change",
    "incident_counts",
    "incident_progress",
    "incident_refresh",
    "log_extract",
    "person_end",
    "person_export_csv",
    "person_list",
    "person_open",
    "person_purge_ended",
    "person_save",
    "rotate_keys",
]
