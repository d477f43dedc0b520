"""The knowledge library (kunskapsbank), issue 13 item 7.

Guidance, templates, links and lessons learned per priority area (e.g. Kunskapsguiden, MSB's handbook, the
organisation's own routines). The national or county level publishes down the tree; a kommun keeps items for
itself (and its units). Links are stored URLs only: nothing is fetched.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from beredd.collab.models.meetings import PriorityArea
from beredd.core.models import TimeStampedModel


def library_file_path(instance: LibraryItem, filename: str) -> str:
    return f"collab/library/{instance.publisher_id}/{uuid.uuid4().hex}/{filename}"


class LibraryItem(TimeStampedModel):
    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("Guidance")
        TEMPLATE = "template", _("Template")
        LINK = "link", _("Link")
        LESSON = "lesson", _("Lesson learned")
        ROUTINE = "routine", _("Routine")

    publisher = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="collab_library_items")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=8000, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    priority_area = models.CharField(_("priority area"), max_length=16, choices=PriorityArea.choices, blank=True)
    # Topics as a normalised, comma-separated list (lower case, no duplicates): searched with icontains.
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    file = models.FileField(upload_to=library_file_path, max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    file_type = models.CharField(max_length=100, blank=True)
    # Raised on every change; also the optimistic-concurrency token of the edit form.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["title", "id"]
        indexes = [
            # The library list: what a publisher (an ancestor of the user's organisation) shares, by area.
            models.Index(fields=["publisher", "priority_area"], name="collab_lib_pub_area"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> models.Model:
        return self.publisher

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]


class LibraryLink(TimeStampedModel):
    """A library item linked to a meeting, a planning direction or a reporting round (issue 13 item 7: "a link can be
    attached to a round, ... a direction or a meeting"). Viewers see a linked item only if the library lets them see it."""

    item = models.ForeignKey(LibraryItem, on_delete=models.PROTECT, related_name="links")
    meeting = models.ForeignKey("collab.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="library_links")
    direction = models.ForeignKey(
        "collab.Direction", null=True, blank=True, on_delete=models.CASCADE, related_name="library_links"
    )
    round = models.ForeignKey("reporting.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="library_links")
    # A question of a template (e.g. a checklist question of the self-assessment): respondents see it beside the question.
    field = models.ForeignKey(
        "reporting.TemplateField", null=True, blank=True, on_delete=models.CASCADE, related_name="library_links"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(meeting__isnull=False, direction__isnull=True, round__isnull=True, field__isnull=True)
                | models.Q(meeting__isnull=True, direction__isnull=False, round__isnull=True, field__isnull=True)
                | models.Q(meeting__isnull=True, direction__isnull=True, round__isnull=False, field__isnull=True)
                | models.Q(meeting__isnull=True, direction__isnull=True, round__isnull=True, field__isnull=False),
                name="collab_librarylink_one_target",
            ),
            models.UniqueConstraint(
                fields=["item", "field"], condition=models.Q(field__isnull=False), name="collab_librarylink_unique_field"
            ),
            models.UniqueConstraint(
                fields=["item", "round"], condition=models.Q(round__isnull=False), name="collab_librarylink_unique_round"
            ),
            models.UniqueConstraint(
                fields=["item", "meeting"], condition=models.Q(meeting__isnull=False), name="collab_librarylink_unique_meeting"
            ),
            models.UniqueConstraint(
                fields=["item", "direction"],
                condition=models.Q(direction__isnull=False),
                name="collab_librarylink_unique_direction",
            ),
        ]

    def __str__(self) -> str:
        return str(self.item)
