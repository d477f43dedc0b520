"""Reads are scoped and run a fixed number of queries whatever the number of units."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beredd.core.exceptions import NotFoundError
from beredd.preparedness import selectors, self_assessment, services


def _plan(unit: Any, actor: Any) -> None:
    plan = services.plan_create(
        organisation=unit,
        actor=actor,
        values={
            "title": f"Plan {unit.name}",
            "critical_activities": "x",
            "max_tolerable_outage": "24h",
            "owner": "o",
            "review_date": dt.date(2030, 1, 1),
        },
    )
    services.plan_dependency_set(plan=plan, actor=actor, kind="power", values={"backup_routine": "b"})
    services.plan_contact_add(plan=plan, actor=actor, values={"name": "n", "phone": "1"})


def _count(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_unit_plan_status_does_not_grow_with_the_number_of_units(ref: Any, make_unit: Any, make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    for _ in range(2):
        _plan(make_unit(ref["gavle"]), coordinator)
    few = _count(lambda: selectors.units_plan_status(user=coordinator, org=ref["gavle"]))
    for _ in range(6):
        _plan(make_unit(ref["gavle"]), coordinator)
    many = _count(lambda: selectors.units_plan_status(user=coordinator, org=ref["gavle"]))
    assert few == many


def test_the_comparison_runs_a_fixed_number_of_queries(ref: Any, make_user: Any) -> None:
    viewer = make_user(ref["gavle"], "viewer")
    selectors_calls = _count(lambda: self_assessment.comparison_for_user(user=viewer, org=ref["gavle"], year=2026))
    assert selectors_calls <= 6  # policy check, ancestors, counts, lacking units, per service kind


def test_plans_of_another_kommun_are_not_found(ref: Any, make_unit: Any, make_user: Any) -> None:
    unit = make_unit(ref["gavle"])
    _plan(unit, make_user(ref["gavle"], "coordinator"))
    plan_id = unit.continuity_plans.get().pk
    with pytest.raises(NotFoundError):
        selectors.plan_get_for_user(user=make_user(ref["sandviken"], "coordinator"), plan_id=plan_id)
    with pytest.raises(NotFoundError):
        selectors.plan_get_for_user(user=make_user(ref["gavle"], "coordinator"), plan_id=plan_id + 999)


def test_a_unit_does_not_list_the_kommuns_rsa_it_may_not_open(client: Any, ref: Any, make_unit: Any, make_user: Any) -> None:
    from django.urls import reverse

    unit = make_unit(ref["gavle"], name="Enheten")
    coordinator = make_user(ref["gavle"], "coordinator")
    rsa = services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2022)
    reporter = make_user(unit, "reporter")
    with pytest.raises(NotFoundError):
        selectors.rsa_get_for_user(user=reporter, rsa_id=rsa.pk)
    assert list(selectors.rsa_list_for_user(user=reporter, org=unit)) == []
    # The kommun's coordinator looking at the unit may open the RSA, so it is listed for them.
    assert list(selectors.rsa_list_for_user(user=coordinator, org=unit)) == [rsa]
    client.force_login(reporter)
    body = client.get(reverse("preparedness:index") + f"?org={unit.pk}").content.decode()
    assert reverse("preparedness:rsa-detail", args=[rsa.pk]) not in body
