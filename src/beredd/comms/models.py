"""Messages the product sends, one delivery row per recipient, the message bank and public notices.

Every e-mail Beredd sends is a ``Message`` with ``Delivery`` rows (see ``comms.services.messages``): queued in the
same transaction as the write that caused it, delivered by the ``comms.tasks.deliver`` task, each row ending as
sent or failed (with the reason) after retries with back-off.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message (SMS)")
    PRINT = "print", _("Printable notice")
    PUBLIC = "public", _("Public page")
    CAP = "cap", _("CAP alert file")


class Message(TimeStampedModel):
    """One send: what was sent on whose behalf. The rendered text per recipient is on its deliveries."""

    class Kind(models.TextChoices):
        ROUND_ISSUED = "round_issued", _("Situational report issued")
        ROUND_REMINDER = "round_reminder", _("Situational report reminder")
        REPORT_RETURNED = "report_returned", _("Report returned for completion")
        FEEDBACK = "feedback", _("Feedback published")
        INCIDENT = "incident", _("Incident notice to the MAS")
        REVIEW_REMINDER = "review_reminder", _("Register review reminder")
        INVITATION = "invitation", _("Invitation to Beredd")
        LOGIN_ALERT = "login_alert", _("Log-in warning")
        MEETING_INVITATION = "meeting_invitation", _("Meeting invitation")
        MINUTES = "minutes", _("Minutes")
        ACTION_REMINDER = "action_reminder", _("Action reminder")
        DIRECTION_REMINDER = "direction_reminder", _("Planning direction reminder")
        SHORTCOMING_ANSWER = "shortcoming_answer", _("Answer on a shortcoming")
        AGREEMENT_REMINDER = "agreement_reminder", _("Agreement reminder")
        CRISIS = "crisis", _("Crisis message")
        LEVEL_RAISED = "level_raised", _("Readiness level raised")
        EXPORT_READY = "export_ready", _("Export ready")

    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    subject = models.CharField(max_length=255)
    is_exercise = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("comms.BankVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    incident = models.ForeignKey("register.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A prepared message's filled texts per language {"sv": [subject, body], ...}: the printable notice shows them all.
    texts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # "What was sent on our behalf": one organisation's messages, newest first.
            models.Index(fields=["organisation", "-created_at"], name="comms_message_org_created"),
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One recipient of one message on one channel: queued, then sent or failed (with the reason)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    address = models.CharField(max_length=254, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=16, default="sv")
    subject = models.CharField(max_length=255)
    body = models.TextField(max_length=12000)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=255, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    confirm_token = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["pk"]
        indexes = [
            # The worker: a message's deliveries still to send.
            models.Index(fields=["message", "status"], name="comms_delivery_msg_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["confirm_token"], condition=~Q(confirm_token=""), name="comms_delivery_unique_token"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}→{self.address or self.organisation_id}"

    @property
    def language_label(self) -> str:
        return str(Language(self.language).label) if self.language in Language.values else self.language


class Attachment(models.Model):
    """A file sent with every delivery of a message (a calendar invitation, minutes as PDF)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename


# --- the message bank -----------------------------------------------------------------------------


class Scenario(models.TextChoices):
    POWER_CUT = "power_cut", _("Power cut")
    HEAT_WAVE = "heat_wave", _("Heat wave")
    WATER_OUTAGE = "water_outage", _("Water outage")
    IT_OUTAGE = "it_outage", _("IT outage")
    EVACUATION = "evacuation", _("Evacuation")
    PANDEMIC = "pandemic", _("Pandemic")
    HEIGHTENED_ALERT = "heightened_alert", _("Heightened alert")


class Audience(models.TextChoices):
    NURSING_HOME = "nursing_home", _("Residents in nursing homes")
    HOME_CARE = "home_care", _("Home-care clients")
    RELATIVES = "relatives", _("Relatives")
    STAFF = "staff", _("Staff")
    PROVIDERS = "providers", _("Private providers")
    PUBLIC = "public", _("The public")


class Language(models.TextChoices):
    SV = "sv", _("Swedish")
    SV_EASY = "sv-easy", _("Easy Swedish (lättläst)")
    EN = "en", _("English")
    AR = "ar", _("Arabic")
    SO = "so", _("Somali")
    FI = "fi", _("Finnish")
    TI = "ti", _("Tigrinya")


RTL_LANGUAGES = {"ar"}


class BankMessage(TimeStampedModel):
    """A prepared message of one organisation for one scenario and audience; its texts are versions."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    scenario = models.CharField(_("scenario"), max_length=32, choices=Scenario.choices)
    audience = models.CharField(_("target group"), max_length=32, choices=Audience.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "title"], name="comms_bankmessage_unique_title")]

    def __str__(self) -> str:
        return self.title


class BankVersion(TimeStampedModel):
    """One language version of a prepared message. Edits make a new version; approval takes two roles.

    Drafted (anyone who may draft) → reviewed by communications (``comms.review``) → approved by the MAS
    (``comms.approve``), by two different people. Only the newest approved version of a language is sent.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed by communications")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Replaced by a newer version")

    bank_message = models.ForeignKey(BankMessage, on_delete=models.PROTECT, related_name="versions")
    language = models.CharField(_("language"), max_length=16, choices=Language.choices)
    number = models.PositiveIntegerField()
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=5000)
    is_demo_translation = models.BooleanField(_("demo translation"), default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bank_message", "language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["bank_message", "language", "number"], name="comms_bankversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.bank_message} ({self.language} v{self.number})"


# --- public notices and CAP -------------------------------------------------------------------------


class PublicNotice(TimeStampedModel):
    """A message published on a kommun's public page and as a CAP 1.2 alert; updates reference the earlier one."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        REPLACED = "replaced", _("Replaced by an update")
        CANCELLED = "cancelled", _("Cancelled")

    class MsgType(models.TextChoices):
        ALERT = "Alert", _("New")
        UPDATE = "Update", _("Update")
        CANCEL = "Cancel", _("Cancellation")

    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bank_message = models.ForeignKey(BankMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="notices")
    incident = models.ForeignKey("register.Incident", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scenario = models.CharField(max_length=32, choices=Scenario.choices)
    identifier = models.CharField(max_length=100, unique=True)
    msg_type = models.CharField(max_length=8, choices=MsgType.choices, default=MsgType.ALERT)
    references = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    is_exercise = models.BooleanField(default=False)
    # [{"language": "sv", "headline": ..., "description": ..., "instruction": ...}, ...]
    texts = models.JSONField(default=list)
    expires_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The kommun's public page: its current notices, newest first.
            models.Index(fields=["kommun", "status", "-created_at"], name="comms_notice_kommun_status"),
        ]

    def __str__(self) -> str:
        return self.identifier

    @property
    def headline(self) -> str:
        return str(self.texts[0].get("headline", "")) if self.texts else ""


class WarningImport(TimeStampedModel):
    """An uploaded SMHI warnings file and the heat activations it proposes per kommun, until the coordinator confirms."""

    class Source(models.TextChoices):
        SMHI = "smhi", _("SMHI warnings")
        CAP = "cap", _("CAP alert")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.SMHI)
    # A CAP alert: {"identifier", "event", "headline", "description", "kind", "ends_at", "exercise", "area"}
    event = models.JSONField(default=dict, blank=True)
    # [{"kommun_code", "kommun_name", "level", "valid_from", "valid_until", "areas": [...]}]
    proposals = models.JSONField(default=list)
    other_events = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename
