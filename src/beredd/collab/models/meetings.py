"""Collaboration across levels (issue 13): forums, meetings, decisions and actions.

A forum belongs to one organisation (its owner: a kommun's crisis-management group, a county's forum for
municipal care, a civilområde's forum, the national beredskapsforum). Members are organisations, named users
or external participants who never get an account (name, organisation, e-mail: they are only mailed).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel


class Forum(TimeStampedModel):
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="collab_forums")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="collab_forum_unique_name_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation(self) -> models.Model:
        return self.owner  # for core.audit: events are filed under the owner


class ForumMember(TimeStampedModel):
    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        USER = "user", _("Named user")
        EXTERNAL = "external", _("External participant (no account)")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # External participants: never an account, only these three fields.
    name = models.CharField(_("name"), max_length=200, blank=True)
    external_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="organisation") & Q(organisation__isnull=False) & Q(user__isnull=True))
                | (Q(kind="user") & Q(user__isnull=False) & Q(organisation__isnull=True))
                | (Q(kind="external") & Q(user__isnull=True) & Q(organisation__isnull=True) & ~Q(email="")),
                name="collab_forummember_kind_matches_fields",
            ),
            models.UniqueConstraint(
                fields=["forum", "organisation"], condition=Q(kind="organisation"), name="collab_forummember_unique_org"
            ),
            models.UniqueConstraint(fields=["forum", "user"], condition=Q(kind="user"), name="collab_forummember_unique_user"),
            models.UniqueConstraint(
                fields=["forum", "email"], condition=Q(kind="external"), name="collab_forummember_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == self.Kind.ORGANISATION and self.organisation is not None:
            return self.organisation.name
        if self.kind == self.Kind.USER and self.user is not None:
            return str(getattr(self.user, "full_name", "") or self.user.email)
        return f"{self.name} ({self.external_organisation})" if self.external_organisation else self.name


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        MINUTES_PUBLISHED = "minutes_published", _("Minutes published")
        CANCELLED = "cancelled", _("Cancelled")

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True, max_length=20000)
    notes = models.TextField(_("notes"), blank=True, max_length=50000)
    is_ad_hoc = models.BooleanField(_("ad hoc meeting"), default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # iCalendar identity: the same UID with a higher SEQUENCE updates the event in calendar programs.
    ical_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    ical_sequence = models.PositiveIntegerField(default=0)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="collab_meeting_ends_after_start"),
        ]
        indexes = [
            # A forum's meetings, newest first.
            models.Index(fields=["forum", "-starts_at"], name="collab_meeting_forum_start"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> models.Model:
        return self.forum.owner


def attachment_path(instance: MeetingAttachment, filename: str) -> str:
    # Stored with the app under MEDIA_ROOT, never served directly: the download view checks access.
    return f"collab/meetings/{instance.meeting_id}/{uuid.uuid4().hex}/{filename}"


class MeetingAttachment(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    is_agenda = models.BooleanField(_("agenda document"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(ForumMember, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="collab_attendance_unique")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class Decision(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveIntegerField()
    text = models.TextField(_("decision"), max_length=4000)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="collab_decision_unique_number")]

    def __str__(self) -> str:
        return f"§{self.number}"


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status=Action.Status.OPEN)


class Action(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("action"), max_length=300)
    owner_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="collab_actions")
    # The responsible person: a user with an account, or just a name (someone at the region, say).
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(_("responsible person"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reminded_before_at = models.DateTimeField(null=True, blank=True)
    reminded_after_at = models.DateTimeField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            # The dashboard panel and the daily reminder job: open actions of an owner by due date.
            models.Index(fields=["owner_org", "status", "due_date"], name="collab_action_owner_open"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> models.Model:
        return self.owner_org

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()

    @property
    def person_label(self) -> str:
        if self.owner_user is not None:
            return str(getattr(self.owner_user, "full_name", "") or self.owner_user.email)
        return self.owner_name


class ActionComment(TimeStampedModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=4000)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Direction(TimeStampedModel):
    """A planning direction (planeringsinriktning) from a national or county organisation to the kommuner of a
    subtree. The acknowledgement and each kommun's answer are a round of the reporting engine (one form engine):
    completeness, reminders and the kommun's answer form are the engine's."""

    sender = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="collab_directions_sent")
    recipient_root = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("direction"), max_length=20000)
    scenario = models.TextField(_("scenario"), blank=True, max_length=4000)
    requirement = models.TextField(_("requirement"), blank=True, max_length=4000)
    due_date = models.DateField(_("answer by"))
    round = models.OneToOneField("reporting.Round", on_delete=models.PROTECT, related_name="collab_direction")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> models.Model:
        return self.sender


def direction_attachment_path(instance: DirectionAttachment, filename: str) -> str:
    return f"collab/directions/{instance.direction_id}/{uuid.uuid4().hex}/{filename}"


class DirectionAttachment(TimeStampedModel):
    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=direction_attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.original_name


class PriorityArea(models.TextChoices):
    """The six priority areas of seed 000 (Socialstyrelsen and the county boards' final report)."""

    PLANNING = "planering", _("Planning prerequisites (planeringsförutsättningar)")
    ORDINARY = "ordinarie", _("Maintaining ordinary operations")
    COLLABORATION = "samverkan", _("Collaboration and command")
    TRAINING = "utbildning", _("Training and exercises")
    PROCUREMENT = "upphandling", _("Procurement and private actors")
    COMMUNICATION = "kommunikation", _("Target-group-adapted crisis communication")


class Shortcoming(TimeStampedModel):
    """A shortcoming or need (brist eller behov) raised by a kommun or county, handled by the level above it,
    possibly lifted further up to national level (seed 000: "fånga upp brister och behov ... som behöver lyftas")."""

    class Category(models.TextChoices):
        REGULATION = "regulation", _("Regulation")
        GUIDANCE = "guidance", _("Guidance")
        RESOURCES = "resources", _("Resources")
        AGREEMENTS = "agreements", _("Agreements")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        LIFTED = "lifted", _("Lifted to a higher level")
        ANSWERED = "answered", _("Answered")
        MERGED = "merged", _("Merged with a similar issue")

    raised_by = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="collab_shortcomings_raised")
    # Copy of raised_by.path: "everything raised under Gävleborg" is one prefix query (yearly summary).
    raised_path = models.CharField(max_length=255, editable=False)
    level = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="collab_shortcomings_held")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    priority_area = models.CharField(_("priority area"), max_length=16, choices=PriorityArea.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=8000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    answer = models.TextField(_("answer"), blank=True, max_length=8000)
    answered_by = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    year = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The yearly summary per priority area over a subtree.
            models.Index(fields=["raised_path"], name="collab_short_path", opclasses=["varchar_pattern_ops"]),
            # The list at a level (what the county or national level must handle).
            models.Index(fields=["level", "status"], name="collab_short_level_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> models.Model:
        return self.raised_by
