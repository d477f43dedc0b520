"""Exercises: lessons learned tracked to closure, the coverage of units exercised and managers trained, training
dates in order."""

import datetime as dt
from typing import Any

import pytest

from beredd.core.exceptions import ValidationFailed
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
