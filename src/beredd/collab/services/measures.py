"""Measures per priority area: each kommun reports its measures for a year (status, responsible, due date).

Needs ``collab.act`` at the kommun (its reporters, coordinators, MAS, or a level above). The county's action plan
and the national follow-up are read-only roll-ups of these rows (see ``selectors.measure_rollup``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.collab.models import Measure, PriorityArea
from beredd.collab.services._common import fail, text
from beredd.collab.services._uploads import check_version, clean_date
from beredd.core import audit
from beredd.orgs.models import Organisation

ACT = "collab.act"
FIELDS = ["year", "priority_area", "title", "description", "status", "responsible", "due_date"]


def _clean(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {
        "title": text(values, "title", 200),
        "description": str(values.get("description") or "").strip()[:4000],
        "responsible": text(values, "responsible", 200),
        "priority_area": str(values.get("priority_area") or ""),
        "status": str(values.get("status") or Measure.Status.PLANNED),
    }
    if not clean["title"]:
        errors["title"] = _("Describe the measure.")
    if clean["priority_area"] not in PriorityArea.values:
        errors["priority_area"] = _("Choose the priority area the measure belongs to.")
    if clean["status"] not in Measure.Status.values:
        errors["status"] = _("Choose one of the listed statuses.")
    if not clean["responsible"]:
        errors["responsible"] = _("Name who is responsible for the measure.")
    this_year = timezone.localdate().year
    try:
        year = int(values.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if not this_year - 5 <= year <= this_year + 5:
        errors["year"] = _("Give a year between %(low)d and %(high)d.") % {"low": this_year - 5, "high": this_year + 5}
    clean["year"] = year
    clean["due_date"] = clean_date(values.get("due_date"), "due_date", errors, required=False)
    if clean["due_date"] and "year" not in errors and clean["due_date"].year < year:
        errors["due_date"] = _("The due date must not be before the measure's year.")
    return clean, errors


@transaction.atomic
def measure_create(*, actor: Actor, kommun: Organisation, values: dict[str, Any], via: str = "ui") -> Measure:
    require(actor, ACT, kommun)
    if kommun.kind != Organisation.Kind.KOMMUN:
        fail({"kommun": _("Measures are reported by a kommun.")})
    clean, errors = _clean(values)
    fail(errors)
    measure = Measure.objects.create(kommun=kommun, kommun_path=kommun.path, created_by=actor, **clean)
    audit.record(
        actor=actor,
        action="collab.measure_create",
        target=measure,
        changes=audit.diff({}, audit.snapshot(measure, FIELDS)),
        via=via,
    )
    return measure


@transaction.atomic
def measure_update(
    *, actor: Actor, measure: Measure, values: dict[str, Any], expected_version: int | None, via: str = "ui"
) -> Measure:
    """Change a measure (status, responsible, due date ...); 409 if it changed since ``expected_version``."""
    require(actor, ACT, measure.kommun)
    measure = Measure.objects.select_for_update().select_related("kommun").get(pk=measure.pk)
    check_version(measure.lock_version, expected_version)
    before = audit.snapshot(measure, FIELDS)
    clean, errors = _clean({f: getattr(measure, f) for f in FIELDS} | values)
    fail(errors)
    for key, value in clean.items():
        setattr(measure, key, value)
    measure.lock_version += 1
    measure.save()
    audit.record(
        actor=actor,
        action="collab.measure_update",
        target=measure,
        changes=audit.diff(before, audit.snapshot(measure, FIELDS)),
        via=via,
    )
    return measure
