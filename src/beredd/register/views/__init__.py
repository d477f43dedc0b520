"""Register pages. Thin: access via selectors/services, which log every identifiable read."""

from beredd.register.views.incidents import (
    call_list,
    followup,
    followup_record_view,
    incident_change_view,
    incident_create,
    incident_detail,
)
from beredd.register.views.logs import log_extract_view, log_review
from beredd.register.views.persons import (
    counts,
    devices,
    export_csv,
    import_commit_view,
    import_view,
    index,
    person_detail,
    person_form,
)

__all__ = [
    "call_list",
    "counts",
    "devices",
    "export_csv",
    "followup",
    "followup_record_view",
    "import_commit_view",
    "import_view",
    "incident_change_view",
    "incident_create",
    "incident_detail",
    "index",
    "log_extract_view",
    "log_review",
    "person_detail",
    "person_form",
]
