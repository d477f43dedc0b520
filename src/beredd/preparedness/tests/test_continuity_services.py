"""Continuity plans: validation, status, ÖJ completeness, audit."""

import datetime as dt
from typing import Any

import pytest

from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent
from beredd.preparedness import selectors, services
from beredd.preparedness.models import ContinuityPlan

TODAY = dt.date(2026, 3, 10)


def plan_values(**over: Any) -> dict[str, Any]:
    return {
        "title": "Kontinuitetsplan",
        "critical_activities": "Läkemedel, mat, tillsyn",
        "max_tolerable_outage": "24h",
        "owner": "Enhetschef Anna",
        "approved_by": "",
        "approved_on": None,
        "review_date": dt.date(2026, 12, 1),
    } | over


def test_a_complete_plan_meets_the_oj_2024_indicator_only_with_all_four_parts(ref: Any, make_unit: Any, make_user: Any) -> None:
    unit = make_unit(ref["gavle"])
    manager = make_user(unit, "reporter")
    plan = services.plan_create(organisation=unit, actor=manager, values=plan_values())
    services.plan_dependency_set(
        plan=plan,
        actor=manager,
        kind="power",
        values={"backup_routine": "Reservkraft", "restoration_routine": "Ring elbolaget", "return_routine": ""},
    )
    checks, ok = selectors.plan_completeness(selectors.plan_get_for_user(user=manager, plan_id=plan.pk), today=TODAY)
    assert not ok
    assert [c.ok for c in checks] == [True, True, True, False, False]
    services.plan_dependency_set(
        plan=plan,
        actor=manager,
        kind="power",
        values={"backup_routine": "Reservkraft", "restoration_routine": "Ring", "return_routine": "Efterregistrera"},
    )
    services.plan_contact_add(plan=plan, actor=manager, values={"name": "Jour", "phone": "026-123 45"})
    assert selectors.plan_completeness(selectors.plan_get_for_user(user=manager, plan_id=plan.pk), today=TODAY)[1]
    assert AuditEvent.objects.filter(action__startswith="preparedness.plan").count() == 4


def test_plan_status_follows_the_review_date() -> None:
    plan = ContinuityPlan(review_date=dt.date(2026, 3, 1))
    assert plan.status_on(dt.date(2026, 3, 2)) == "overdue"
    assert plan.status_on(dt.date(2026, 2, 15)) == "due"
    assert plan.status_on(dt.date(2025, 12, 1)) == "current"


def test_bad_plan_input_is_refused_and_nothing_is_saved(ref: Any, make_unit: Any, make_user: Any) -> None:
    unit = make_unit(ref["gavle"])
    manager = make_user(unit, "reporter")
    with pytest.raises(ValidationFailed) as exc:
        services.plan_create(
            organisation=unit,
            actor=manager,
            values=plan_values(
                owner="", max_tolerable_outage="2d", approved_on=dt.date(2026, 5, 1), review_date=dt.date(2026, 4, 1)
            ),
        )
    fields = {d["field"] for d in exc.value.details}
    assert fields == {"owner", "max_tolerable_outage", "review_date"}
    assert not ContinuityPlan.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="preparedness").exists()


def test_a_contact_needs_a_phone_or_email(ref: Any, make_unit: Any, make_user: Any) -> None:
    unit = make_unit(ref["gavle"])
    manager = make_user(unit, "reporter")
    plan = services.plan_create(organisation=unit, actor=manager, values=plan_values())
    with pytest.raises(ValidationFailed):
        services.plan_contact_add(plan=plan, actor=manager, values={"name": "Ingen"})


def test_a_viewer_or_another_kommun_cannot_write(ref: Any, make_unit: Any, make_user: Any) -> None:
    unit = make_unit(ref["gavle"])
    for user in (make_user(unit, "viewer"), make_user(ref["sandviken"], "coordinator")):
        with pytest.raises(PermissionDeniedError):
            services.plan_create(organisation=unit, actor=user, values=plan_values())


def test_units_plan_status_shows_who_lacks_a_current_plan(ref: Any, make_unit: Any, make_user: Any) -> None:
    with_plan, without = make_unit(ref["gavle"], name="A"), make_unit(ref["gavle"], name="B")
    coordinator = make_user(ref["gavle"], "coordinator")
    services.plan_create(organisation=with_plan, actor=coordinator, values=plan_values())
    services.unit_profile_set(unit=without, actor=coordinator, heat_sensitive=True)
    rows = selectors.units_plan_status(user=coordinator, org=ref["gavle"], today=TODAY)
    by_name = {r["unit"].name: r for r in rows}
    assert by_name["A"]["status"] == "current" and not by_name["A"]["meets_oj"]
    assert by_name["B"]["plan"] is None and by_name["B"]["heat_sensitive"]
