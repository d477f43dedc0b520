"""A small Gävle world for the view tests on the root ``personas``: Gävle's coordinator (``personas.member``), two
units, a plan, an RSA, an exercise, a contract, a heat warning."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from beredd.preparedness import services


@pytest.fixture
def world(personas: Any, make_unit: Any) -> SimpleNamespace:
    gavle = personas.kommun
    unit = make_unit(gavle, name="Strömsbro äldreboende")
    private = make_unit(gavle, name="Solrosen", regi="privat")
    coordinator = personas.member
    services.unit_profile_set(unit=unit, actor=coordinator, heat_sensitive=True)
    plan = services.plan_create(
        organisation=unit,
        actor=coordinator,
        values={
            "title": "Plan Strömsbro",
            "critical_activities": "Mat",
            "max_tolerable_outage": "24h",
            "owner": "Anna",
            "review_date": dt.date(2030, 1, 1),
        },
    )
    rsa = services.rsa_create(kommun=gavle, actor=coordinator, election_year=2022)
    risk = services.risks_add_from_handbook(rsa=rsa, actor=coordinator)[0]
    exercise = services.exercise_create(
        organisation=gavle,
        actor=coordinator,
        values={
            "title": "Elavbrott",
            "scenario": "s",
            "held_on": dt.date(2025, 10, 1),
            "kind": "tabletop",
            "participants": [unit],
        },
    )
    lesson = services.lesson_add(
        exercise=exercise, actor=coordinator, values={"description": "L", "owner": "MAS", "due_date": dt.date(2026, 1, 1)}
    )
    contract = services.contract_create(
        kommun=gavle,
        actor=coordinator,
        values={"provider_unit": private, "reference": "U-1", "valid_from": dt.date(2025, 1, 1), "clause_codes": ["technical"]},
    )
    activation = services.heat_activate(
        organisation=gavle, actor=coordinator, level="gul", valid_from=dt.date(2026, 6, 20), valid_until=dt.date(2026, 6, 23)
    )
    return SimpleNamespace(
        gavle=gavle,
        unit=unit,
        private=private,
        coordinator=coordinator,
        plan=plan,
        rsa=rsa,
        risk=risk,
        exercise=exercise,
        lesson=lesson,
        contract=contract,
        activation=activation,
        notice=activation.notices.get(),
    )
