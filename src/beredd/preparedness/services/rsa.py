"""Writes for the risk and vulnerability analysis (MSBFS 2015:5) and its risk register."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import ConflictError, FieldError
from beredd.orgs.models import Organisation
from beredd.preparedness.models import RiskAction, RiskAnalysis, RiskItem
from beredd.preparedness.models.rsa import SECTIONS
from beredd.preparedness.services._common import check_required, raise_if, require_kind

SCORE_FIELDS = ["likelihood", "consequence_life", "consequence_society", "consequence_democracy", "consequence_environment"]
RISK_FIELDS = ["title", "scenario", *SCORE_FIELDS, "controls", "status"]
SECTION_FIELDS = [name for name, _label in SECTIONS]


def handbook_risks() -> list[dict[str, Any]]:
    """The handbook's named risks with suggested starting scores (data/handbook_risks.json)."""
    text = resources.files("beredd.preparedness").joinpath("data/handbook_risks.json").read_text(encoding="utf-8")
    data: list[dict[str, Any]] = json.loads(text)
    return data


@transaction.atomic
def rsa_create(*, kommun: Organisation, actor: Actor | None, election_year: int) -> RiskAnalysis:
    policy.require(actor, "preparedness.manage", kommun)
    require_kind(kommun, Organisation.Kind.KOMMUN)
    # Swedish general elections: every fourth year (2014, 2018, 2022, 2026 ...).
    if election_year < 2014 or (election_year - 2014) % 4:
        raise_if(
            [FieldError(row=None, field="election_year", message=_("Give the year of a general election (2022, 2026 ...)."))]
        )
    if RiskAnalysis.objects.filter(kommun=kommun, election_year=election_year).exists():
        raise ConflictError(_("There is already an RSA for this mandate period."))
    rsa = RiskAnalysis.objects.create(kommun=kommun, election_year=election_year)
    audit.record(
        actor=actor,
        action="preparedness.rsa_create",
        target=rsa,
        organisation=kommun,
        changes={"election_year": {"before": None, "after": election_year}},
    )
    return rsa


@transaction.atomic
def rsa_update_sections(*, rsa: RiskAnalysis, actor: Actor | None, values: dict[str, Any]) -> RiskAnalysis:
    """Change the section texts and, optionally, the status; an adopted RSA needs its adoption date."""
    policy.require(actor, "preparedness.manage", rsa.kommun)
    fields = [*SECTION_FIELDS, "status", "adopted_on"]
    before = audit.snapshot(rsa, fields)
    status = values.get("status") or rsa.status
    adopted_on = values.get("adopted_on", rsa.adopted_on)
    if status not in RiskAnalysis.Status.values:
        raise_if([FieldError(row=None, field="status", message=_("Choose one of the listed values."))])
    if status == RiskAnalysis.Status.ADOPTED and not adopted_on:
        raise_if([FieldError(row=None, field="adopted_on", message=_("Give the date the RSA was adopted."))])
    for name in SECTION_FIELDS:
        if name in values:
            setattr(rsa, name, (values[name] or "").strip())
    rsa.status = status
    rsa.adopted_on = adopted_on if status == RiskAnalysis.Status.ADOPTED else None
    rsa.save()
    audit.record(
        actor=actor,
        action="preparedness.rsa_update",
        target=rsa,
        organisation=rsa.kommun,
        changes=audit.diff(before, audit.snapshot(rsa, fields)),
    )
    return rsa


def _validate_risk(values: dict[str, Any]) -> dict[str, Any]:
    errors = check_required(values, "title", *SCORE_FIELDS)
    clean: dict[str, Any] = {
        "title": values.get("title", ""),
        "scenario": values.get("scenario", ""),
        "controls": values.get("controls", ""),
        "status": values.get("status") or RiskItem.Status.OPEN,
    }
    for name in SCORE_FIELDS:
        raw = values.get(name)
        if raw in (None, ""):
            continue
        try:
            score = int(raw)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors.append(FieldError(row=None, field=name, message=_("Give a whole number from 1 to 5.")))
        clean[name] = score
    if clean["status"] not in RiskItem.Status.values:
        errors.append(FieldError(row=None, field="status", message=_("Choose one of the listed values.")))
    raise_if(errors)
    return clean


@transaction.atomic
def risk_add(*, rsa: RiskAnalysis, actor: Actor | None, values: dict[str, Any]) -> RiskItem:
    """Add a risk to the register. Scores outside 1–5 raise ValidationFailed and nothing is saved."""
    policy.require(actor, "preparedness.manage", rsa.kommun)
    risk = RiskItem.objects.create(analysis=rsa, **_validate_risk(values))
    audit.record(
        actor=actor,
        action="preparedness.risk_add",
        target=risk,
        organisation=rsa.kommun,
        changes=audit.diff({}, audit.snapshot(risk, RISK_FIELDS)),
    )
    return risk


@transaction.atomic
def risk_update(*, risk: RiskItem, actor: Actor | None, values: dict[str, Any]) -> RiskItem:
    kommun = risk.analysis.kommun
    policy.require(actor, "preparedness.manage", kommun)
    clean = _validate_risk(values)
    linked = list(values.get("continuity_plans") or []) + list(values.get("exercises") or [])
    if any(not obj.organisation.path.startswith(kommun.path) for obj in linked):
        raise_if(
            [FieldError(row=None, field="continuity_plans", message=_("Link only plans and exercises of this municipality."))]
        )
    before = audit.snapshot(risk, RISK_FIELDS)
    for name, value in clean.items():
        setattr(risk, name, value)
    risk.save()
    if "continuity_plans" in values:
        risk.continuity_plans.set(values["continuity_plans"])
    if "exercises" in values:
        risk.exercises.set(values["exercises"])
    audit.record(
        actor=actor,
        action="preparedness.risk_update",
        target=risk,
        organisation=risk.analysis.kommun,
        changes=audit.diff(before, audit.snapshot(risk, RISK_FIELDS)),
    )
    return risk


@transaction.atomic
def risks_add_from_handbook(*, rsa: RiskAnalysis, actor: Actor | None) -> list[RiskItem]:
    """Add the handbook's risks that the register does not have yet (by title). Returns the added risks."""
    policy.require(actor, "preparedness.manage", rsa.kommun)
    existing = set(rsa.risks.values_list("title", flat=True))
    added = []
    for row in handbook_risks():
        if row["title"] in existing:
            continue
        added.append(
            RiskItem.objects.create(
                analysis=rsa,
                title=row["title"],
                scenario=row["scenario"],
                likelihood=row["likelihood"],
                consequence_life=row["life"],
                consequence_society=row["society"],
                consequence_democracy=row["democracy"],
                consequence_environment=row["environment"],
            )
        )
    audit.record(
        actor=actor,
        action="preparedness.risks_from_handbook",
        target=rsa,
        organisation=rsa.kommun,
        changes={"risks": {"before": None, "after": [r.title for r in added]}},
    )
    return added


@transaction.atomic
def risk_action_add(*, risk: RiskItem, actor: Actor | None, values: dict[str, Any]) -> RiskAction:
    policy.require(actor, "preparedness.manage", risk.analysis.kommun)
    raise_if(check_required(values, "description", "owner", "due_date"))
    action = RiskAction.objects.create(
        risk=risk, description=values["description"], owner=values["owner"], due_date=values["due_date"]
    )
    audit.record(
        actor=actor,
        action="preparedness.risk_action_add",
        target=risk,
        organisation=risk.analysis.kommun,
        changes={"action": {"before": None, "after": f"{action.description} ({action.owner}, {action.due_date})"}},
    )
    return action
