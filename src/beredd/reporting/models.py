"""Situational reporting (lägesbild): templates, rounds, submissions, answers and compiled pictures.

Answers that count in roll-ups are copied into ``Answer`` rows when a submission is submitted, with the
recipient's ancestors denormalised (civilområde, län, kommun), so a roll-up for any organisation is a
handful of GROUP BY queries whose number does not depend on the size of the tree.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel


class FieldType(models.TextChoices):
    INTEGER = "integer", _("Integer")
    DECIMAL = "decimal", _("Decimal number")
    PERCENT = "percent", _("Percent")
    YES_NO = "yes_no", _("Yes/no")
    CHOICE = "choice", _("Single choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    STATUS = "status", _("Status level")
    IMPACT = "impact", _("Impact level (påverkansgrad)")
    DAYS_OF_STOCK = "days_of_stock", _("Days of stock (computed)")
    DATETIME = "datetime", _("Date and time")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


class Rollup(models.TextChoices):
    SUM = "sum", _("Sum")
    MEAN = "mean", _("Mean")
    WEIGHTED_MEAN = "weighted_mean", _("Weighted mean")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    COUNT_CHOICE = "count_choice", _("Count per choice")
    WORST = "worst", _("Worst status")
    COLLATE = "collate", _("Collate text")
    NONE = "none", _("Not rolled up")


class ReportTemplate(TimeStampedModel):
    """A named question set owned by an organisation. Its versions hold the fields."""

    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="report_templates")
    # A county's or kommun's extension of a (national) template version: it shares that version's fields.
    extends = models.ForeignKey("TemplateVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="extensions")
    classified_warning = models.BooleanField(
        default=False, help_text=_("Remind respondents that classified information must not be entered")
    )
    # A checklist that opens for the units (a round from the alert's scope) when heightened alert is decided.
    opens_on_alert = models.BooleanField(
        default=False, help_text=_("Opens for the units as a checklist when heightened alert is decided")
    )
    is_builtin = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="reporting_template_unique_key_per_owner")]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # Declarative cross-field rules: [{"left": key, "op": "<=", "right": key, "message_sv": .., "message_en": ..}]
    rules = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="reporting_templateversion_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class TemplateField(models.Model):
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=64)
    section = models.CharField(max_length=120, blank=True)
    order = models.PositiveIntegerField(default=0)
    type = models.CharField(max_length=16, choices=FieldType.choices)
    label_sv = models.CharField(max_length=300)
    label_en = models.CharField(max_length=300, blank=True)
    help_sv = models.TextField(blank=True, max_length=2_000)
    help_en = models.TextField(blank=True, max_length=2_000)
    required = models.BooleanField(default=False)
    min_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    rollup = models.CharField(max_length=16, choices=Rollup.choices, default=Rollup.NONE)
    # choices: [{"value": "a", "sv": "..", "en": ".."}]; status scale: "preparedness" or "traffic";
    # days_of_stock: {"stock": key, "daily_use": key}; weighted_mean: {"weight": key}
    options = models.JSONField(default=dict, blank=True)
    # True for fields copied from the template this one extends (shared fields keep roll-ups comparable).
    inherited = models.BooleanField(default=False)

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="reporting_templatefield_unique_key")]

    def __str__(self) -> str:
        return self.key

    def label(self, lang: str = "sv") -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_sv

    def help(self, lang: str = "sv") -> str:
        return self.help_en if lang == "en" and self.help_en else self.help_sv


class Event(TimeStampedModel):
    """A händelse a round can be linked to."""

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    status_level = models.CharField(max_length=32, blank=True)
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.name


class Round(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Responder(models.TextChoices):
        UNITS = "unit", _("Units")
        KOMMUNER = "kommun", _("Municipalities")
        LAN = "lan", _("Counties")

    class Recurrence(models.TextChoices):
        NONE = "none", _("Once")
        DAILY = "daily", _("Daily at a set time")
        HOURS = "hours", _("Every N hours")

    title = models.CharField(max_length=200)
    issuer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="issued_rounds")
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="rounds")
    responder = models.CharField(max_length=16, choices=Responder.choices, default=Responder.KOMMUNER)
    # Recipient filter: subtree roots (ids), service kinds and regi; or an explicit list of org ids.
    recipient_roots = models.JSONField(default=list, blank=True)
    service_kinds = models.JSONField(default=list, blank=True)
    regi = models.CharField(max_length=16, blank=True)
    explicit_recipients = models.JSONField(default=list, blank=True)
    recurrence = models.CharField(max_length=8, choices=Recurrence.choices, default=Recurrence.NONE)
    recurrence_time = models.TimeField(null=True, blank=True)
    recurrence_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_offset_hours = models.PositiveSmallIntegerField(default=24)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT, related_name="rounds")
    is_exercise = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The issuer's list of rounds and "rounds issued within my subtree".
            models.Index(fields=["issuer", "status"], name="reporting_round_issuer"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RoundInstance(TimeStampedModel):
    """One occurrence of a (possibly recurring) round: as-of time and deadline."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="instances")
    number = models.PositiveIntegerField(default=1)
    as_of = models.DateTimeField()
    deadline = models.DateTimeField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "-number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="reporting_instance_unique_number")]

    def __str__(self) -> str:
        return f"{self.round.title} #{self.number}"


# What a completeness count reads of a submission (covered by the index ``reporting_sub_inst_cover``).
COMPLETENESS_COLUMNS = (
    "id",
    "civilomrade_id",
    "lan_id",
    "kommun_id",
    "organisation_id",
    "status",
    "is_late",
    "is_empty",
    "internal",
)


class Submission(TimeStampedModel):
    """One recipient's answer to one round instance. Each submit writes an immutable ``SubmissionVersion``."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        APPROVED = "approved", _("Approved")

    ANSWERED = (Status.SUBMITTED, Status.APPROVED)
    # Only these have an editable draft; a submitted report changes only through a new submitted version.
    DRAFTABLE = (Status.NOT_STARTED, Status.DRAFT, Status.RETURNED)

    # No single-column indexes: (instance, organisation) unique and (organisation, status) lead with them, and every
    # submit updates this row (fewer indexes to maintain on the national peak's hot path).
    instance = models.ForeignKey(RoundInstance, on_delete=models.PROTECT, related_name="submissions", db_index=False)
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="submissions", db_index=False)
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="+")
    # Ancestors of the recipient, copied at issue so roll-ups group by a column instead of walking the tree.
    org_path = models.CharField(max_length=255)
    civilomrade_id = models.BigIntegerField(null=True)
    lan_id = models.BigIntegerField(null=True)
    kommun_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    draft = models.JSONField(default=dict, blank=True)
    # Optimistic concurrency: every write bumps it; a writer holding an older value gets a conflict.
    lock_version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    is_late = models.BooleanField(default=False)
    # Submitted on purpose without a single answer (confirm_empty); set at submit so the roll-up counts it without a join.
    is_empty = models.BooleanField(default=False)
    review_comment = models.TextField(blank=True, max_length=4_000)
    # A kommun may let its units answer to it ("internal" submissions); the kommun's own submission stays the
    # answer that counts above the kommun, so roll-ups above kommun level use only non-internal rows.
    internal = models.BooleanField(default=False)
    delegated_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="delegated")

    class Meta:
        ordering = ["org_path"]
        constraints = [
            models.UniqueConstraint(fields=["instance", "organisation"], name="reporting_submission_one_per_recipient"),
        ]
        indexes = [
            # Completeness per child org: WHERE instance = ? AND org_path LIKE 'prefix%' GROUP BY lan_id/kommun_id.
            # The pattern opclass lets PostgreSQL use the index for the prefix; the included columns are all that
            # query reads, so it is an index-only scan instead of reading the wide rows (a national count 13 -> 6
            # ms over 17,400 recipients). Both are ignored on SQLite.
            models.Index(
                fields=["instance", "org_path"],
                name="reporting_sub_inst_cover",
                opclasses=["int8_ops", "varchar_pattern_ops"],
                include=[*COMPLETENESS_COLUMNS],
            ),
            # "My open requests": submissions of one organisation.
            models.Index(fields=["organisation", "status"], name="reporting_sub_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.instance}"

    @property
    def is_answered(self) -> bool:
        return self.status in self.ANSWERED

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.lock_version}"'


class SubmissionVersion(models.Model):
    """An immutable submitted version of a submission's answers."""

    # Indexed through the unique (submission, number): a single-column index would only cost every submit.
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions", db_index=False)
    number = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(default=False)
    is_late = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=128, blank=True)
    # SHA-256 of the answers sent with the Idempotency-Key: a retry must send the same ones (else 422).
    request_hash = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=8, default="ui")

    class Meta:
        ordering = ["submission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="reporting_subversion_unique_number"),
            # A retried API submit with the same Idempotency-Key is stored once.
            models.UniqueConstraint(
                fields=["submission", "idempotency_key"], condition=~Q(idempotency_key=""), name="reporting_subversion_idempotent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Submitted versions are immutable")
        super().save(*args, **kwargs)


class Answer(models.Model):
    """One rolled-up value of the current submitted version (rewritten on each submit).

    Numeric kinds fill ``num`` (and ``weight`` for weighted means), choices fill ``choice`` (one row per
    selected option), text fills ``text``. Grouping columns are copied from the submission.
    """

    # A submit writes some 25 of these rows, a projection of the version it stores (rewritten in the same statement,
    # never written apart from it). No foreign-key constraints in the database: each would cost every row a check
    # at commit (some 3 us a row and key, 75 checks a submit). ``instance`` and ``organisation`` are copies of the
    # submission's own, which PROTECTs both, so neither can go while the row exists; the row goes with its
    # submission (CASCADE through the ORM; a submitted one is kept by its PROTECTed versions). ``instance`` is
    # indexed through (instance, org_path) below, ``submission`` for the rewrite's DELETE.
    instance = models.ForeignKey(
        RoundInstance, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers", db_constraint=False)
    key = models.CharField(max_length=64)
    num = models.FloatField(null=True)
    weight = models.FloatField(null=True)
    choice = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True, max_length=10_000)
    org_path = models.CharField(max_length=255)
    civilomrade_id = models.BigIntegerField(null=True)
    lan_id = models.BigIntegerField(null=True)
    kommun_id = models.BigIntegerField(null=True)
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    internal = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # Roll-up: WHERE instance = ? AND org_path LIKE 'prefix%' GROUP BY <level column>, key.
            models.Index(
                fields=["instance", "org_path"],
                name="reporting_answer_inst_prefix",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.num if self.num is not None else self.choice or self.text[:20]}"


class CompiledPicture(TimeStampedModel):
    """A level's compiled picture (samlad lägesbild) for a round instance: published down, forwarded up."""

    instance = models.ForeignKey(RoundInstance, on_delete=models.PROTECT, related_name="pictures")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(blank=True, max_length=10_000)
    assessment = models.TextField(blank=True, max_length=10_000)
    actions = models.TextField(blank=True, max_length=10_000)
    needs = models.TextField(blank=True, max_length=10_000)
    numbers = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["instance", "organisation"], name="reporting_picture_one_per_org")]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.instance}"
