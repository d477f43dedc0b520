"""Exercises (övningar) with lessons learned, and training records."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel


class Exercise(TimeStampedModel):
    class Kind(models.TextChoices):
        TABLETOP = "tabletop", _("Tabletop")
        FUNCTIONAL = "functional", _("Functional")
        FULL_SCALE = "full_scale", _("Full-scale")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="exercises")
    title = models.CharField(max_length=200)
    scenario = models.TextField(max_length=10_000)
    held_on = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    participants = models.ManyToManyField("orgs.Organisation", blank=True, related_name="exercises_participated")
    participant_roles = models.TextField(
        blank=True, help_text=_("Roles that took part, e.g. MAS, unit managers"), max_length=10_000
    )
    evaluation = models.TextField(blank=True, max_length=10_000)

    class Meta:
        ordering = ["-held_on"]
        indexes = [
            # Coverage: exercises under a kommun in the last 12 months.
            models.Index(fields=["organisation", "held_on"], name="prep_exercise_org_date"),
        ]

    def __str__(self) -> str:
        return self.title


class LessonLearned(TimeStampedModel):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="lessons")
    description = models.TextField(max_length=10_000)
    action = models.TextField(blank=True, max_length=10_000)
    owner = models.CharField(max_length=200)
    due_date = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.TextField(blank=True, max_length=10_000)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(owner=""), name="preparedness_lessonlearned_has_owner"),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class TrainingRecord(TimeStampedModel):
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="training_records")
    person_name = models.CharField(max_length=200)
    is_manager = models.BooleanField(default=False)
    course = models.CharField(max_length=200)
    completed_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("completed_on")),
                name="preparedness_trainingrecord_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.course}"
