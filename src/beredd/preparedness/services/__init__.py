"""Every write in preparedness: keyword-only, atomic, audited in the same transaction."""

from beredd.preparedness.services.continuity import (
    plan_contact_add,
    plan_create,
    plan_dependency_set,
    plan_update,
    unit_profile_set,
)
from beredd.preparedness.services.exercises import exercise_create, lesson_add, lesson_close, training_add
from beredd.preparedness.services.exports import binder_generate, binder_pdf, rsa_export_docx, rsa_export_pdf
from beredd.preparedness.services.heat import (
    heat_acknowledge,
    heat_activate,
    heat_activate_from_file,
    heat_checklist,
    heat_end,
    parse_warning_file,
)
from beredd.preparedness.services.providers import clause_library, contract_create, declaration_submit
from beredd.preparedness.services.rsa import (
    handbook_risks,
    risk_action_add,
    risk_add,
    risk_update,
    risks_add_from_handbook,
    rsa_create,
    rsa_update_sections,
)

__all__ = [
    "binder_generate",
    "binder_pdf",
    "clause_library",
    "contract_create",
    "declaration_submit",
    "exercise_create",
    "handbook_risks",
    "heat_acknowledge",
    "heat_activate",
    "heat_activate_from_file",
    "heat_checklist",
    "heat_end",
    "lesson_add",
    "lesson_close",
    "parse_warning_file",
    "plan_contact_add",
    "plan_create",
    "plan_dependency_set",
    "plan_update",
    "risk_action_add",
    "risk_add",
    "risk_update",
    "risks_add_from_handbook",
    "rsa_create",
    "rsa_export_docx",
    "rsa_export_pdf",
    "rsa_update_sections",
    "training_add",
    "unit_profile_set",
]
