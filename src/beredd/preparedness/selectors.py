"""Reads for preparedness, limited to what the user may see. Missing and forbidden both raise NotFoundError."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation
from beredd.preparedness.models import (
    BinderSnapshot,
    ContinuityPlan,
    Exercise,
    HeatActivation,
    HeatNotice,
    LessonLearned,
    ProviderContract,
    RiskAnalysis,
    TrainingRecord,
    UnitProfile,
)

VIEW = "preparedness.view"


def org_get_for_user(*, user: Actor, org_id: int, permission: str = VIEW) -> Organisation:
    org = Organisation.objects.filter(pk=org_id).select_related("parent").first()
    if org is None or not policy.can(user, permission, org):
        raise NotFoundError("organisation", org_id)
    return org


def _check(user: Actor, permission: str, org: Organisation, kind: str, pk: Any) -> None:
    if not policy.can(user, permission, org):
        raise NotFoundError(kind, pk)


# Continuity plans ---------------------------------------------------------------------------------------------


def plan_get_for_user(*, user: Actor, plan_id: int, permission: str = VIEW) -> ContinuityPlan:
    plan = (
        ContinuityPlan.objects.select_related("organisation")
        .prefetch_related("dependencies", "contacts")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise NotFoundError("plan", plan_id)
    _check(user, permission, plan.organisation, "plan", plan_id)
    return plan


@dataclass
class Check:
    label: str
    ok: bool


def plan_completeness(plan: ContinuityPlan, *, today: dt.date | None = None) -> tuple[list[Check], bool]:
    """Öppna jämförelser 2024: a plan counts only if it is current and has backup, restoration and return
    routines and the necessary contact details. Returns the checks and whether all pass (uses prefetched rows)."""
    today = today or timezone.localdate()
    deps = list(plan.dependencies.all())
    checks = [
        Check(_("Current (review date not passed)"), plan.status_on(today) != ContinuityPlan.Status.OVERDUE),
        Check(_("Backup routine (reservrutin)"), any(d.backup_routine for d in deps)),
        Check(_("Restoration routine (återställningsrutin)"), any(d.restoration_routine for d in deps)),
        Check(_("Return routine (återgångsrutin)"), any(d.return_routine for d in deps)),
        Check(_("Necessary contact details"), bool(list(plan.contacts.all()))),
    ]
    return checks, all(c.ok for c in checks)


def units_plan_status(*, user: Actor, org: Organisation, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each unit under ``org`` with its best plan's status and ÖJ completeness: who lacks a current plan."""
    _check(user, VIEW, org, "organisation", org.pk)
    today = today or timezone.localdate()
    plans = Prefetch("continuity_plans", queryset=ContinuityPlan.objects.prefetch_related("dependencies", "contacts"))
    units = (
        Organisation.objects.subtree_of(org)
        .filter(kind=Organisation.Kind.UNIT, is_active=True)
        .prefetch_related(plans)
        .select_related("preparedness_profile")
        .order_by("name")
    )
    rows = []
    for unit in units:
        unit_plans = list(unit.continuity_plans.all())
        complete = [p for p in unit_plans if plan_completeness(p, today=today)[1]]
        best = complete[0] if complete else (max(unit_plans, key=lambda p: p.review_date) if unit_plans else None)
        profile = getattr(unit, "preparedness_profile", None)
        rows.append(
            {
                "unit": unit,
                "plan": best,
                "status": best.status_on(today) if best else "",
                "meets_oj": bool(complete),
                "heat_sensitive": bool(profile and profile.heat_sensitive),
            }
        )
    return rows


def unit_profile_for(unit: Organisation) -> UnitProfile | None:
    return UnitProfile.objects.filter(unit=unit).first()


# RSA -----------------------------------------------------------------------------------------------------------


def rsa_get_for_user(*, user: Actor, rsa_id: int, permission: str = VIEW) -> RiskAnalysis:
    rsa = RiskAnalysis.objects.select_related("kommun").filter(pk=rsa_id).first()
    if rsa is None:
        raise NotFoundError("rsa", rsa_id)
    _check(user, permission, rsa.kommun, "rsa", rsa_id)
    return rsa


def rsa_list_for_user(*, user: Actor, org: Organisation) -> QuerySet[RiskAnalysis]:
    """RSAs in ``org``'s subtree; for a unit, its kommun's RSAs only if the user may open them (as
    ``rsa_get_for_user`` decides): a unit-level member must not even see the titles of the kommun's analysis."""
    _check(user, VIEW, org, "organisation", org.pk)
    if org.kind == Organisation.Kind.UNIT:
        kommun = org.parent
        if kommun is None or not policy.can(user, VIEW, kommun):
            return RiskAnalysis.objects.none()
        return RiskAnalysis.objects.filter(kommun=kommun).select_related("kommun")
    return RiskAnalysis.objects.filter(kommun__path__startswith=org.path).select_related("kommun")


def risks_of(rsa: RiskAnalysis) -> list[Any]:
    return list(rsa.risks.prefetch_related("actions", "continuity_plans", "exercises").order_by("-likelihood", "title"))


def risk_matrix(risks: list[Any]) -> list[dict[str, Any]]:
    """Rows from likelihood 5 down to 1, each with cells for consequence 1..5 holding the risks there."""
    return [
        {
            "likelihood": lk,
            "cells": [
                {
                    "consequence": c,
                    "level": _level(lk * c),
                    "risks": [r for r in risks if r.likelihood == lk and r.consequence == c],
                }
                for c in range(1, 6)
            ],
        }
        for lk in range(5, 0, -1)
    ]


def _level(score: int) -> str:
    return "bad" if score >= 15 else "warn" if score >= 8 else "ok"


# Exercises and training ---------------------------------------------------------------------------------------


def exercise_get_for_user(*, user: Actor, exercise_id: int, permission: str = VIEW) -> Exercise:
    exercise = (
        Exercise.objects.select_related("organisation").prefetch_related("lessons", "participants").filter(pk=exercise_id).first()
    )
    if exercise is None:
        raise NotFoundError("exercise", exercise_id)
    _check(user, permission, exercise.organisation, "exercise", exercise_id)
    return exercise


def exercise_list_for_user(*, user: Actor, org: Organisation) -> QuerySet[Exercise]:
    _check(user, VIEW, org, "organisation", org.pk)
    return (
        Exercise.objects.filter(organisation__path__startswith=org.path)
        .select_related("organisation")
        .prefetch_related("lessons")
    )


def lesson_get_for_user(*, user: Actor, lesson_id: int, permission: str = VIEW) -> LessonLearned:
    lesson = LessonLearned.objects.select_related("exercise__organisation").filter(pk=lesson_id).first()
    if lesson is None:
        raise NotFoundError("lesson", lesson_id)
    _check(user, permission, lesson.exercise.organisation, "lesson", lesson_id)
    return lesson


def training_list_for_user(*, user: Actor, org: Organisation) -> QuerySet[TrainingRecord]:
    _check(user, VIEW, org, "organisation", org.pk)
    return TrainingRecord.objects.filter(organisation__path__startswith=org.path).select_related("organisation")


def coverage(*, user: Actor, org: Organisation, today: dt.date | None = None) -> dict[str, Any]:
    """Share of units under ``org`` exercised in the last 12 months, and share of units with a trained manager
    (training valid today)."""
    _check(user, VIEW, org, "organisation", org.pk)
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=365)
    unit_ids = set(
        Organisation.objects.subtree_of(org).filter(kind=Organisation.Kind.UNIT, is_active=True).values_list("pk", flat=True)
    )
    recent = Exercise.objects.filter(organisation__path__startswith=org.path, held_on__gte=since, held_on__lte=today)
    exercised = set(recent.values_list("organisation_id", flat=True)) | set(recent.values_list("participants__id", flat=True))
    # Kommun-wide exercises with no listed participants do not count for any unit: coverage must be earned per unit.
    exercised &= unit_ids
    trained = set(
        TrainingRecord.objects.filter(organisation_id__in=unit_ids, is_manager=True, completed_on__lte=today)
        .exclude(valid_until__lt=today)
        .values_list("organisation_id", flat=True)
    )
    total = len(unit_ids)
    return {
        "units": total,
        "exercised": len(exercised),
        "exercised_pct": round(100 * len(exercised) / total) if total else None,
        "trained": len(trained),
        "trained_pct": round(100 * len(trained) / total) if total else None,
    }


# Providers -----------------------------------------------------------------------------------------------------


def contract_get_for_user(*, user: Actor, contract_id: int, permission: str = VIEW) -> ProviderContract:
    contract = ProviderContract.objects.select_related("kommun", "provider_unit").filter(pk=contract_id).first()
    if contract is None:
        raise NotFoundError("contract", contract_id)
    # The kommun that holds the contract and the provider unit itself may both read it.
    if not (policy.can(user, permission, contract.kommun) or policy.can(user, permission, contract.provider_unit)):
        raise NotFoundError("contract", contract_id)
    return contract


def provider_status(*, user: Actor, org: Organisation, year: int) -> list[dict[str, Any]]:
    """Contracts under ``org`` with this year's declaration: declared (all met / gaps) or missing."""
    _check(user, VIEW, org, "organisation", org.pk)
    if org.kind == Organisation.Kind.UNIT:
        qs = ProviderContract.objects.filter(provider_unit=org)
    else:
        qs = ProviderContract.objects.filter(kommun__path__startswith=org.path)
    rows = []
    for contract in qs.select_related("kommun", "provider_unit").prefetch_related("declarations"):
        declaration = next((d for d in contract.declarations.all() if d.year == year), None)
        status = "missing" if declaration is None else ("ok" if declaration.fulfilled_all else "gaps")
        rows.append({"contract": contract, "declaration": declaration, "status": status})
    return rows


def provider_status_by_kommun(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per kommun: how many provider contracts have this year's declaration with all clauses met, with gaps, or none."""
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        kommun = row["contract"].kommun
        entry = out.setdefault(kommun.pk, {"kommun": kommun, "ok": 0, "gaps": 0, "missing": 0})
        entry[row["status"]] += 1
    return sorted(out.values(), key=lambda e: e["kommun"].name)


# Heat ----------------------------------------------------------------------------------------------------------


def heat_activation_get_for_user(*, user: Actor, activation_id: int, permission: str = VIEW) -> HeatActivation:
    activation = HeatActivation.objects.select_related("organisation").filter(pk=activation_id).first()
    if activation is None:
        raise NotFoundError("heat", activation_id)
    _check(user, permission, activation.organisation, "heat", activation_id)
    return activation


def heat_activations_for_user(*, user: Actor, org: Organisation) -> QuerySet[HeatActivation]:
    """Activations set at ``org``, above it (its county) or below it."""
    _check(user, VIEW, org, "organisation", org.pk)
    return (
        (
            HeatActivation.objects.filter(organisation__path__startswith=org.path)
            | HeatActivation.objects.filter(organisation_id__in=org.ancestor_ids)
        )
        .select_related("organisation")
        .distinct()
    )


def heat_notices_of(activation: HeatActivation) -> list[HeatNotice]:
    return list(activation.notices.select_related("unit", "acknowledged_by").order_by("acknowledged_at", "unit__name"))


def heat_notice_get_for_user(*, user: Actor, notice_id: int, permission: str = VIEW) -> HeatNotice:
    notice = HeatNotice.objects.select_related("unit", "activation__organisation").filter(pk=notice_id).first()
    if notice is None:
        raise NotFoundError("heat_notice", notice_id)
    _check(user, permission, notice.unit, "heat_notice", notice_id)
    return notice


def heat_notices_open_for_user(*, user: Actor, org: Organisation) -> QuerySet[HeatNotice]:
    _check(user, VIEW, org, "organisation", org.pk)
    return HeatNotice.objects.filter(
        unit__path__startswith=org.path, acknowledged_at__isnull=True, activation__ended_at__isnull=True
    ).select_related("unit", "activation")


# Binders -------------------------------------------------------------------------------------------------------


def binders_for_user(*, user: Actor, unit: Organisation) -> QuerySet[BinderSnapshot]:
    _check(user, VIEW, unit, "organisation", unit.pk)
    return BinderSnapshot.objects.filter(unit=unit).defer("content")


def binder_get_for_user(*, user: Actor, binder_id: int) -> BinderSnapshot:
    binder = BinderSnapshot.objects.select_related("unit").filter(pk=binder_id).first()
    if binder is None:
        raise NotFoundError("binder", binder_id)
    _check(user, VIEW, binder.unit, "binder", binder_id)
    return binder
