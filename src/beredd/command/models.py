"""Crisis command (issue 11): readiness levels, heightened alert, the event log and support requests.

Levels and the request flow follow ``data/README.md`` (copied from the project's notes on Socialstyrelsen's
beredskapslägen and the COVID-19 request flow). Every row here is history: readiness changes, log entries and
request steps are only ever inserted; a correction or a new level is a new row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel


class Level(models.TextChoices):
    """Beredskapslägen (Socialstyrelsen's terms), lowest first: the order is the scale."""

    NORMAL = "normal", _("Normal (normalläge)")
    STAB = "stab", _("Staff alert (stabsläge)")
    FORSTARKNING = "forstarkning", _("Reinforcement (förstärkningsläge)")
    KATASTROF = "katastrof", _("Disaster (katastrofläge)")


LEVEL_RANK = {value: rank for rank, value in enumerate(Level.values)}


class ReadinessChange(models.Model):
    """One setting of an organisation's readiness level (optionally for one service kind). Never updated."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="readiness_changes")
    # Copy of organisation.path: the board over a subtree is one prefix query.
    org_path = models.CharField(max_length=255, editable=False)
    # Blank: the whole organisation; else one service kind (Organisation.ServiceKind) within it.
    service_kind = models.CharField(_("service area"), max_length=32, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    previous_level = models.CharField(_("previous level"), max_length=16, choices=Level.choices, blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    applies_from = models.DateTimeField(_("applies from"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey("reporting.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-applies_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["normal", "stab", "forstarkning", "katastrof"]),
                name="command_readinesschange_level_on_scale",
            ),
        ]
        indexes = [
            # The current level of one organisation (and service kind): latest applies_from.
            models.Index(fields=["organisation", "service_kind", "-applies_from", "-id"], name="command_ready_current"),
            # The board over a subtree.
            models.Index(fields=["org_path"], name="command_ready_path", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_level_display()}"

    @property
    def rank(self) -> int:
        return LEVEL_RANK.get(self.level, 0)

    @property
    def service_kind_label(self) -> str:
        from beredd.orgs.models import Organisation

        return str(Organisation.ServiceKind(self.service_kind).label) if self.service_kind else ""


class Alert(models.Model):
    """Höjd beredskap decided by the government: skärpt or högsta, for the country or one civilområde."""

    class Kind(models.TextChoices):
        SKARPT = "skarpt", _("Heightened alert (skärpt beredskap)")
        HOGSTA = "hogsta", _("Highest alert (högsta beredskap)")

    kind = models.CharField(_("alert"), max_length=8, choices=Kind.choices)
    scope = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("applies to"))
    scope_path = models.CharField(max_length=255, editable=False)
    decision_reference = models.CharField(_("decision reference"), max_length=200)
    decided_at = models.DateTimeField(_("decided at"))
    starts_at = models.DateTimeField(_("in force from"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    is_exercise = models.BooleanField(_("exercise"), default=False)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The checklists (templates marked ``opens_on_alert``) opened for the units when the alert was set; closed at its end.
    checklist_rounds = models.ManyToManyField("reporting.Round", blank=True, related_name="+", verbose_name=_("checklists"))

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            # The banner on every page: alerts in force (ended_at IS NULL).
            models.Index(fields=["ended_at", "is_exercise"], name="command_alert_in_force"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.scope}"

    @property
    def organisation(self) -> models.Model:
        return self.scope


class HeightenedSchedule(models.Model):
    """A recurring round's schedule while heightened alert is in force (e.g. every 6 hours instead of daily)."""

    round = models.OneToOneField("reporting.Round", on_delete=models.CASCADE, related_name="heightened_schedule")
    every_hours = models.PositiveSmallIntegerField(_("every N hours under heightened alert"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(every_hours__gte=1) & Q(every_hours__lte=168), name="command_heightenedschedule_hours_range"
            )
        ]

    def __str__(self) -> str:
        return str(self.round)


class ClassifiedConfirmation(models.Model):
    """The respondent's "no classified information is entered here", recorded with the submitted version."""

    version = models.OneToOneField(
        "reporting.SubmissionVersion", on_delete=models.PROTECT, related_name="classified_confirmation"
    )
    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.version_id)


class LogEntry(models.Model):
    """One entry of an organisation's event log (händelselogg). Never edited; a correction points to the entry."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information received")
        DECISION = "decision", _("Decision")
        ACTION = "action", _("Action")
        CONTACT = "contact", _("Contact")
        STATUS = "status", _("Status change")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="command_log")
    org_path = models.CharField(max_length=255, editable=False)
    event = models.ForeignKey(
        "reporting.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("entry"), max_length=4000)
    source = models.CharField(_("source"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects")
    )
    is_automatic = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # The log of one organisation (and event), newest first.
            models.Index(fields=["organisation", "-occurred_at"], name="command_log_org_time"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Item(models.TextChoices):
    """The catalogue of resources a request can ask for (product proposal, see data/README.md)."""

    FFP2 = "ffp2", _("Respirator masks FFP2")
    SURGICAL_MASK = "surgical_mask", _("Surgical masks (IIR)")
    GLOVES = "gloves", _("Examination gloves")
    APRONS = "aprons", _("Protective aprons")
    VISORS = "visors", _("Visors")
    SANITISER = "sanitiser", _("Hand sanitiser")
    MEDICINES = "medicines", _("Medicines")
    GENERATOR = "generator", _("Backup generator")
    WATER = "water", _("Drinking water")
    FUEL = "fuel", _("Fuel")
    BEDS = "beds", _("Beds")
    TRANSPORT = "transport", _("Transport")
    STAFF = "staff", _("Staff")
    OTHER = "other", _("Other")


class Competence(models.TextChoices):
    SJUKSKOTERSKA = "sjukskoterska", _("Registered nurse (sjuksköterska)")
    UNDERSKOTERSKA = "underskoterska", _("Assistant nurse (undersköterska)")
    VARDBITRADE = "vardbitrade", _("Care assistant (vårdbiträde)")
    LAKARE = "lakare", _("Physician (läkare, via the region)")
    ARBETSTERAPEUT = "arbetsterapeut", _("Occupational therapist")
    FYSIOTERAPEUT = "fysioterapeut", _("Physiotherapist")
    OTHER = "other", _("Other competence")


class Priority(models.TextChoices):
    ACUTE = "acute", _("Acute (within 48 hours)")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


PRIORITY_RANK = {"acute": 0, "high": 1, "normal": 2}


class SupportRequest(TimeStampedModel):
    """A begäran om stöd: one item (or one staff competence), held by the level that handles it now."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FORWARDED = "forwarded", _("Forwarded upward")
        MERGED = "merged", _("Merged into a joint request")
        ALLOCATED = "allocated", _("Fully covered")
        DELIVERED = "delivered", _("Delivered")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")

    OPEN_STATUSES = ("open", "forwarded")

    requester = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="support_requests", verbose_name=_("requested by")
    )
    requester_path = models.CharField(max_length=255, editable=False)
    holder = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("handled by"))
    item = models.CharField(_("item"), max_length=16, choices=Item.choices)
    competence = models.CharField(_("competence"), max_length=16, choices=Competence.choices, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=32)
    covered = models.PositiveIntegerField(default=0)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    needed_by = models.DateTimeField(_("needed by"))
    delivery_point = models.CharField(_("delivery point"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged", verbose_name=_("merged into")
    )
    event = models.ForeignKey("reporting.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=128, blank=True)
    # The submitted answers of a "begäran om stöd" round this request was made from (round meets request handling).
    source_version = models.OneToOneField(
        "reporting.SubmissionVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="support_request"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="command_supportrequest_quantity_positive"),
            models.CheckConstraint(
                condition=Q(covered__lte=models.F("quantity")), name="command_supportrequest_covered_le_quantity"
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="command_supportrequest_unique_idempotency",
            ),
        ]
        indexes = [
            # The open-needs board: open requests in a subtree grouped by item and priority.
            models.Index(fields=["status", "item", "priority"], name="command_req_open_item"),
            models.Index(fields=["requester_path"], name="command_req_path", opclasses=["varchar_pattern_ops"]),
            # What a level handles now.
            models.Index(fields=["holder", "status"], name="command_req_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.item_label} × {self.quantity} {self.unit}"

    @property
    def organisation(self) -> models.Model:
        return self.requester

    @property
    def item_label(self) -> str:
        if self.item == Item.STAFF and self.competence:
            return str(self.get_competence_display())
        return str(self.get_item_display())

    @property
    def remaining(self) -> int:
        return max(self.quantity - self.covered, 0)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class RequestStep(models.Model):
    """One step taken on a request: who, when, which organisation, how much. Never updated."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Request made")
        PLEDGED = "pledged", _("Pledged")
        FORWARDED = "forwarded", _("Forwarded upward")
        MERGED = "merged", _("Merged into a joint request")
        ASKED = "asked", _("Another organisation asked to pledge")
        ALLOCATED = "allocated", _("Allocated")
        DELIVERED = "delivered", _("Delivered")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    # The organisation the step names: the supplier of a pledge or allocation, the level forwarded or asked to.
    other_org = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="command_step_request")]

    def __str__(self) -> str:
        return str(self.get_kind_display())
