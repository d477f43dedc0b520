"""RSA: periods, due date, handbook risks, score validation, matrix."""

import datetime as dt
from typing import Any

import pytest

from beredd.core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from beredd.preparedness import selectors, services
from beredd.preparedness.models import RiskItem

pytestmark = pytest.mark.frozen_now  # an RSA is overdue after its due date; risk actions are due in 2027


def test_the_rsa_is_due_31_october_the_year_after_the_election(ref: Any, make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    rsa = services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2026)
    assert rsa.due_date == dt.date(2027, 10, 31)
    assert rsa.mandate_period == "2027–2030"
    with pytest.raises(ConflictError):
        services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2026)
    with pytest.raises(ValidationFailed):
        services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2025)


def test_handbook_risks_are_offered_once(ref: Any, make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    rsa = services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2022)
    added = services.risks_add_from_handbook(rsa=rsa, actor=coordinator)
    assert {r.title for r in added} == {"Personalbortfall", "Elavbrott", "It-störning", "Värmebölja", "Epidemi och pandemi"}
    assert services.risks_add_from_handbook(rsa=rsa, actor=coordinator) == []
    matrix = selectors.risk_matrix(selectors.risks_of(rsa))
    placed = [r.title for row in matrix for cell in row["cells"] for r in cell["risks"]]
    assert sorted(placed) == sorted(r.title for r in added)
    pandemic = next(r for r in added if r.title == "Epidemi och pandemi")
    row = next(row for row in matrix if row["likelihood"] == 3)
    assert pandemic in row["cells"][4]["risks"]  # consequence 5 = worst protected value


def test_scores_outside_one_to_five_are_refused(ref: Any, make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    rsa = services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2022)
    values = {
        "title": "Skogsbrand",
        "likelihood": 6,
        "consequence_life": "0",
        "consequence_society": "x",
        "consequence_democracy": 1,
        "consequence_environment": 3,
    }
    with pytest.raises(ValidationFailed) as exc:
        services.risk_add(rsa=rsa, actor=coordinator, values=values)
    assert {d["field"] for d in exc.value.details} == {"likelihood", "consequence_life", "consequence_society"}
    assert not RiskItem.objects.exists()


def test_an_action_needs_an_owner(ref: Any, make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    rsa = services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2022)
    risk = services.risks_add_from_handbook(rsa=rsa, actor=coordinator)[0]
    with pytest.raises(ValidationFailed):
        services.risk_action_add(
            risk=risk, actor=coordinator, values={"description": "Köp reservkraft", "owner": "", "due_date": dt.date(2027, 1, 1)}
        )
    services.risk_action_add(
        risk=risk,
        actor=coordinator,
        values={"description": "Köp reservkraft", "owner": "Fastighetschef", "due_date": dt.date(2027, 1, 1)},
    )
    assert risk.actions.count() == 1


def test_a_reporter_cannot_create_an_rsa(ref: Any, make_user: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.rsa_create(kommun=ref["gavle"], actor=make_user(ref["gavle"], "reporter"), election_year=2022)


def test_a_risk_cannot_link_another_kommuns_plan(ref: Any, make_unit: Any, make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    rsa = services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2022)
    risk = services.risks_add_from_handbook(rsa=rsa, actor=coordinator)[0]
    elsewhere = make_unit(ref["sandviken"])
    plan = services.plan_create(
        organisation=elsewhere,
        actor=make_user(elsewhere, "reporter"),
        values={
            "title": "P",
            "critical_activities": "x",
            "max_tolerable_outage": "4h",
            "owner": "o",
            "review_date": dt.date(2030, 1, 1),
        },
    )
    values = {
        f: getattr(risk, f)
        for f in (
            "title",
            "likelihood",
            "consequence_life",
            "consequence_society",
            "consequence_democracy",
            "consequence_environment",
            "status",
        )
    }
    with pytest.raises(ValidationFailed):
        services.risk_update(risk=risk, actor=coordinator, values=values | {"continuity_plans": [plan]})
    assert not risk.continuity_plans.exists()
