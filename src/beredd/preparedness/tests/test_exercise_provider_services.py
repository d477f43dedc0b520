"""Exercises, lessons learned, training coverage; provider contracts and declarations."""

import datetime as dt
from typing import Any

import pytest

from beredd.core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from beredd.preparedness import selectors, services

TODAY = dt.date(2026, 3, 10)


def test_lessons_are_tracked_to_closure(ref: Any, make_unit: Any, make_user: Any) -> None:
    mas = make_user(ref["gavle"], "mas")
    unit = make_unit(ref["gavle"])
    exercise = services.exercise_create(
        organisation=ref["gavle"],
        actor=mas,
        values={
            "title": "Elavbrott",
            "scenario": "48 h elavbrott",
            "held_on": dt.date(2025, 10, 15),
            "kind": "tabletop",
            "participants": [unit],
        },
    )
    with pytest.raises(ValidationFailed):
        services.lesson_add(
            exercise=exercise, actor=mas, values={"description": "x", "owner": "", "due_date": dt.date(2025, 9, 1)}
        )
    lesson = services.lesson_add(
        exercise=exercise,
        actor=mas,
        values={"description": "Reservkraft saknas", "owner": "MAS", "due_date": dt.date(2026, 2, 1)},
    )
    with pytest.raises(ValidationFailed):
        services.lesson_close(lesson=lesson, actor=mas, note=" ")
    services.lesson_close(lesson=lesson, actor=mas, note="Avtal tecknat", closed_on=dt.date(2026, 1, 20))
    lesson.refresh_from_db()
    assert lesson.closed_on == dt.date(2026, 1, 20)


def test_coverage_counts_units_exercised_and_managers_trained(ref: Any, make_unit: Any, make_user: Any) -> None:
    mas = make_user(ref["gavle"], "mas")
    a, b, _c, _d = (make_unit(ref["gavle"]) for _ in range(4))
    services.exercise_create(
        organisation=ref["gavle"],
        actor=mas,
        values={"title": "Värme", "scenario": "s", "held_on": dt.date(2025, 10, 1), "kind": "tabletop", "participants": [a]},
    )
    services.exercise_create(
        organisation=b,
        actor=mas,
        values={"title": "Gammal", "scenario": "s", "held_on": dt.date(2024, 1, 1), "kind": "functional"},
    )
    services.training_add(
        organisation=a,
        actor=mas,
        values={
            "person_name": "Chef A",
            "is_manager": True,
            "course": "Krisledning",
            "completed_on": dt.date(2025, 5, 1),
            "valid_until": dt.date(2027, 5, 1),
        },
    )
    services.training_add(
        organisation=b,
        actor=mas,
        values={
            "person_name": "Chef B",
            "is_manager": True,
            "course": "Krisledning",
            "completed_on": dt.date(2023, 5, 1),
            "valid_until": dt.date(2025, 5, 1),
        },
    )
    cov = selectors.coverage(user=mas, org=ref["gavle"], today=TODAY)
    assert cov == {"units": 4, "exercised": 1, "exercised_pct": 25, "trained": 1, "trained_pct": 25}


def test_training_dates_in_the_wrong_order_are_refused(ref: Any, make_user: Any) -> None:
    mas = make_user(ref["gavle"], "mas")
    with pytest.raises(ValidationFailed):
        services.training_add(
            organisation=ref["gavle"],
            actor=mas,
            values={"person_name": "X", "course": "Y", "completed_on": dt.date(2026, 1, 2), "valid_until": dt.date(2026, 1, 1)},
        )


def test_a_provider_declares_once_a_year_and_the_kommun_sees_the_status(ref: Any, make_unit: Any, make_user: Any) -> None:
    private = make_unit(ref["gavle"], regi="privat", name="Solrosen")
    own = make_unit(ref["gavle"], regi="kommunal")
    coordinator = make_user(ref["gavle"], "coordinator")
    values = {"provider_unit": own, "reference": "UPH-1", "valid_from": dt.date(2025, 1, 1), "clause_codes": ["technical"]}
    with pytest.raises(ValidationFailed):
        services.contract_create(kommun=ref["gavle"], actor=coordinator, values=values)
    with pytest.raises(ValidationFailed):
        services.contract_create(
            kommun=ref["gavle"], actor=coordinator, values=values | {"provider_unit": private, "clause_codes": ["nope"]}
        )
    contract = services.contract_create(
        kommun=ref["gavle"],
        actor=coordinator,
        values=values | {"provider_unit": private, "clause_codes": ["technical", "continuity"]},
    )
    assert selectors.provider_status(user=coordinator, org=ref["gavle"], year=2026)[0]["status"] == "missing"
    provider = make_user(private, "reporter")
    with pytest.raises(ValidationFailed):
        services.declaration_submit(contract=contract, actor=provider, year=2026, answers={"technical": True})
    services.declaration_submit(contract=contract, actor=provider, year=2026, answers={"technical": True, "continuity": False})
    assert selectors.provider_status(user=coordinator, org=ref["gavle"], year=2026)[0]["status"] == "gaps"
    with pytest.raises(ConflictError):
        services.declaration_submit(contract=contract, actor=provider, year=2026, answers={"technical": True, "continuity": True})
    with pytest.raises(PermissionDeniedError):
        services.declaration_submit(
            contract=contract, actor=make_user(own, "reporter"), year=2027, answers={"technical": True, "continuity": True}
        )
