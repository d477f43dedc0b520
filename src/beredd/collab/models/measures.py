"""Measures per priority area (åtgärder per prioriterat område), issue 13 item 5 / brief item 6.

Each kommun records its planned and completed measures for a year in the six priority areas of seed 000. The
county's action plan (handlingsplan) and the national yearly follow-up are roll-ups of these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from beredd.collab.models.meetings import PriorityArea
from beredd.core.models import TimeStampedModel


class Measure(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("In progress")
        DONE = "done", _("Completed")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="collab_measures")
    # Copy of kommun.path: the county's and the nation's roll-ups are one grouped prefix query.
    kommun_path = models.CharField(max_length=255, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    priority_area = models.CharField(_("priority area"), max_length=16, choices=PriorityArea.choices)
    title = models.CharField(pgettext_lazy("priority area", "measure"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    responsible = models.CharField(_("responsible"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["priority_area", "title", "id"]
        indexes = [
            # Roll-ups per year over a subtree (the county's action plan, the national follow-up).
            models.Index(fields=["year", "kommun_path"], name="collab_measure_year_path"),
            # One kommun's list for a year.
            models.Index(fields=["kommun", "year"], name="collab_measure_kommun_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> models.Model:
        return self.kommun
