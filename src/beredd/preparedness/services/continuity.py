"""Writes for continuity plans and unit profiles."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import FieldError
from beredd.orgs.models import Organisation
from beredd.preparedness.models import ContinuityPlan, PlanContact, PlanDependency, UnitProfile
from beredd.preparedness.services._common import check_order, check_required, raise_if, require_kind
from beredd.preparedness.services.heat import heat_notices_for_late_unit

PLAN_FIELDS = ["title", "critical_activities", "max_tolerable_outage", "owner", "approved_by", "approved_on", "review_date"]
DEPENDENCY_FIELDS = ["backup_routine", "restoration_routine", "return_routine"]


@transaction.atomic
def unit_profile_set(*, unit: Organisation, actor: Actor | None, heat_sensitive: bool) -> UnitProfile:
    """Create or change a unit's preparedness profile. Audited as ``preparedness.unit_profile``.

    A unit flagged heat-sensitive while a heat warning is in force for its kommun or county (a unit created or
    flagged after the warning was set) gets that warning's checklist to acknowledge at once.
    """
    policy.require(actor, "preparedness.edit", unit)
    require_kind(unit, Organisation.Kind.UNIT)
    profile, _created = UnitProfile.objects.select_for_update().get_or_create(unit=unit)
    before = audit.snapshot(profile, ["heat_sensitive"])
    profile.heat_sensitive = heat_sensitive
    profile.save()
    changes = audit.diff(before, audit.snapshot(profile, ["heat_sensitive"]))
    if heat_sensitive and unit.is_active:
        notices = heat_notices_for_late_unit(unit)
        if notices:
            changes["heat_notices"] = {"before": None, "after": [n.activation_id for n in notices]}
    audit.record(
        actor=actor,
        action="preparedness.unit_profile",
        target=profile,
        organisation=unit,
        changes=changes,
    )
    return profile


def _validate_plan(values: dict[str, Any]) -> None:
    errors = check_required(values, "title", "critical_activities", "max_tolerable_outage", "owner", "review_date")
    if values.get("max_tolerable_outage") and values["max_tolerable_outage"] not in ContinuityPlan.Outage.values:
        errors.append(FieldError(row=None, field="max_tolerable_outage", message=_("Choose one of the listed values.")))
    errors += check_order(values.get("approved_on"), values.get("review_date"), "review_date")
    raise_if(errors)


def _plan_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (values.get(k) or None) if k.endswith("_on") else values.get(k, "") for k in PLAN_FIELDS}


@transaction.atomic
def plan_create(*, organisation: Organisation, actor: Actor | None, values: dict[str, Any]) -> ContinuityPlan:
    policy.require(actor, "preparedness.edit", organisation)
    require_kind(organisation, Organisation.Kind.UNIT, Organisation.Kind.KOMMUN)
    _validate_plan(values)
    plan = ContinuityPlan.objects.create(organisation=organisation, **_plan_values(values))
    audit.record(
        actor=actor,
        action="preparedness.plan_create",
        target=plan,
        organisation=organisation,
        changes=audit.diff({}, audit.snapshot(plan, PLAN_FIELDS)),
    )
    return plan


@transaction.atomic
def plan_update(*, plan: ContinuityPlan, actor: Actor | None, values: dict[str, Any]) -> ContinuityPlan:
    policy.require(actor, "preparedness.edit", plan.organisation)
    _validate_plan(values)
    before = audit.snapshot(plan, PLAN_FIELDS)
    for name, value in _plan_values(values).items():
        setattr(plan, name, value)
    plan.save()
    audit.record(
        actor=actor,
        action="preparedness.plan_update",
        target=plan,
        organisation=plan.organisation,
        changes=audit.diff(before, audit.snapshot(plan, PLAN_FIELDS)),
    )
    return plan


@transaction.atomic
def plan_dependency_set(*, plan: ContinuityPlan, actor: Actor | None, kind: str, values: dict[str, Any]) -> PlanDependency:
    """Create or replace the routines for one dependency of the plan."""
    policy.require(actor, "preparedness.edit", plan.organisation)
    if kind not in PlanDependency.Kind.values:
        raise_if([FieldError(row=None, field="kind", message=_("Choose one of the listed values."))])
    dep, _created = PlanDependency.objects.get_or_create(plan=plan, kind=kind)
    before = audit.snapshot(dep, DEPENDENCY_FIELDS)
    for name in DEPENDENCY_FIELDS:
        setattr(dep, name, (values.get(name) or "").strip())
    dep.save()
    audit.record(
        actor=actor,
        action="preparedness.plan_dependency",
        target=plan,
        organisation=plan.organisation,
        changes={kind: audit.diff(before, audit.snapshot(dep, DEPENDENCY_FIELDS))},
    )
    return dep


@transaction.atomic
def plan_contact_add(*, plan: ContinuityPlan, actor: Actor | None, values: dict[str, Any]) -> PlanContact:
    policy.require(actor, "preparedness.edit", plan.organisation)
    errors = check_required(values, "name")
    if not values.get("phone") and not values.get("email"):
        errors.append(FieldError(row=None, field="phone", message=_("A phone number or an e-mail address is required.")))
    raise_if(errors)
    contact = PlanContact.objects.create(plan=plan, **{k: values.get(k, "") for k in ("name", "role", "phone", "email")})
    audit.record(
        actor=actor,
        action="preparedness.plan_contact_add",
        target=plan,
        organisation=plan.organisation,
        changes={"contact": {"before": None, "after": contact.name}},
    )
    return contact
