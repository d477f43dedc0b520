"""Writes for exercises, lessons learned and training records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import FieldError
from beredd.orgs.models import Organisation
from beredd.preparedness.models import Exercise, LessonLearned, TrainingRecord
from beredd.preparedness.services._common import check_order, check_required, raise_if

EXERCISE_FIELDS = ["title", "scenario", "held_on", "kind", "participant_roles", "evaluation"]


@transaction.atomic
def exercise_create(*, organisation: Organisation, actor: Actor | None, values: dict[str, Any]) -> Exercise:
    policy.require(actor, "preparedness.edit", organisation)
    errors = check_required(values, "title", "scenario", "held_on", "kind")
    if values.get("kind") and values["kind"] not in Exercise.Kind.values:
        errors.append(FieldError(row=None, field="kind", message=_("Choose one of the listed values.")))
    participants = list(values.get("participants") or [])
    outside = [p for p in participants if not p.path.startswith(organisation.path) and not organisation.path.startswith(p.path)]
    if outside:
        errors.append(
            FieldError(row=None, field="participants", message=_("Participants must belong to the same part of the tree."))
        )
    raise_if(errors)
    exercise = Exercise.objects.create(organisation=organisation, **{k: values.get(k, "") for k in EXERCISE_FIELDS})
    exercise.participants.set(participants)
    audit.record(
        actor=actor,
        action="preparedness.exercise_create",
        target=exercise,
        organisation=organisation,
        changes=audit.diff({}, audit.snapshot(exercise, EXERCISE_FIELDS)),
    )
    return exercise


@transaction.atomic
def lesson_add(*, exercise: Exercise, actor: Actor | None, values: dict[str, Any]) -> LessonLearned:
    """A lesson needs an owner and a due date on or after the exercise; otherwise ValidationFailed."""
    policy.require(actor, "preparedness.edit", exercise.organisation)
    errors = check_required(values, "description", "owner", "due_date")
    errors += check_order(exercise.held_on, values.get("due_date"), "due_date")
    raise_if(errors)
    lesson = LessonLearned.objects.create(
        exercise=exercise,
        description=values["description"],
        action=values.get("action", ""),
        owner=values["owner"],
        due_date=values["due_date"],
    )
    audit.record(
        actor=actor,
        action="preparedness.lesson_add",
        target=exercise,
        organisation=exercise.organisation,
        changes={"lesson": {"before": None, "after": f"{lesson.description} ({lesson.owner}, {lesson.due_date})"}},
    )
    return lesson


@transaction.atomic
def lesson_close(*, lesson: LessonLearned, actor: Actor | None, note: str, closed_on: dt.date | None = None) -> LessonLearned:
    policy.require(actor, "preparedness.edit", lesson.exercise.organisation)
    if not note.strip():
        raise_if([FieldError(row=None, field="closing_note", message=_("Say what was done."))])
    lesson.closed_on = closed_on or timezone.localdate()
    lesson.closing_note = note.strip()
    lesson.save(update_fields=["closed_on", "closing_note", "updated_at"])
    audit.record(
        actor=actor,
        action="preparedness.lesson_close",
        target=lesson.exercise,
        organisation=lesson.exercise.organisation,
        changes={"lesson_closed": {"before": None, "after": lesson.pk}},
    )
    return lesson


@transaction.atomic
def training_add(*, organisation: Organisation, actor: Actor | None, values: dict[str, Any]) -> TrainingRecord:
    policy.require(actor, "preparedness.edit", organisation)
    errors = check_required(values, "person_name", "course", "completed_on")
    errors += check_order(values.get("completed_on"), values.get("valid_until"), "valid_until")
    raise_if(errors)
    record = TrainingRecord.objects.create(
        organisation=organisation,
        person_name=values["person_name"],
        is_manager=bool(values.get("is_manager")),
        course=values["course"],
        completed_on=values["completed_on"],
        valid_until=values.get("valid_until") or None,
    )
    audit.record(
        actor=actor,
        action="preparedness.training_add",
        target=record,
        organisation=organisation,
        changes={"training": {"before": None, "after": str(record)}},
    )
    return record
