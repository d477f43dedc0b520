"""The register of vulnerable residents and its PDL access log.

Identities (personnummer) are stored encrypted with a key from ``settings.REGISTER_KEYS`` plus a keyed hash
for search (see ``register.crypto``). Every read of identifiable data goes through ``register.services`` and
writes an ``AccessLog`` row in the same transaction (PDL 2008:355 4 kap. 3 §, HSLF-FS 2016:40 4 kap. 9 §).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.accounts.models import Role
from beredd.core import timefmt
from beredd.core.models import ImportBatch as ImportBatchBase
from beredd.core.models import TimeStampedModel


class Device(TimeStampedModel):
    """An electricity-dependent medical device kind. The catalogue is extended by a national admin."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    life_sustaining = models.BooleanField(_("life-sustaining"), default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-life_sustaining", "name"]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(status=Person.Status.ACTIVE)


class Person(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        CARE = "care", _("Care relationship (PDL)")
        OTHER = "other", _("Other (see note)")

    class Transport(models.TextChoices):
        NONE = "", _("None")
        WALKER = "walker", _("Walking aid, needs escort")
        WHEELCHAIR = "wheelchair", _("Wheelchair transport")
        STRETCHER = "stretcher", _("Stretcher transport")

    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    # Personnummer or samordningsnummer as 12 digits, Fernet-encrypted; pnr_hash is an HMAC for search.
    pnr_encrypted = models.TextField()
    pnr_hash = models.CharField(max_length=64, db_index=True)
    is_coordination_number = models.BooleanField(default=False)
    birth_year = models.PositiveSmallIntegerField()
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=6, db_index=True)
    locality = models.CharField(_("locality"), max_length=100)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    cannot_evacuate = models.BooleanField(_("cannot evacuate unaided"), default=False)
    transport_need = models.CharField(_("transport need"), max_length=16, choices=Transport.choices, blank=True)
    heat_sensitive = models.BooleanField(_("heat-sensitive"), default=False)
    language = models.CharField(_("language (if not Swedish)"), max_length=40, blank=True)
    interpreter = models.BooleanField(_("needs interpreter"), default=False)
    easy_swedish = models.BooleanField(_("easy Swedish"), default=False)
    hearing_impaired = models.BooleanField(_("hearing impairment"), default=False)
    vision_impaired = models.BooleanField(_("vision impairment"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=16, choices=LegalBasis.choices, default=LegalBasis.CARE)
    legal_note = models.TextField(_("legal basis or consent note"), blank=True, max_length=2_000)
    review_date = models.DateField(_("review date"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Summary of the devices, written with them by register.services (the call list's order, without a join).
    has_device = models.BooleanField(default=False)
    has_life_device = models.BooleanField(default=False)
    life_battery_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            # One record per person and kommun (duplicates are resolved at import).
            models.UniqueConstraint(fields=["kommun", "pnr_hash"], name="register_person_unique_pnr"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True) | Q(lat__gte=55.0, lat__lte=69.1, lon__gte=10.9, lon__lte=24.2),
                name="register_person_in_sweden",
            ),
        ]
        indexes = [
            # Incident impact query: a bounding box within one kommun's active residents.
            models.Index(fields=["kommun", "status", "lat", "lon"], name="register_person_bbox"),
            # A unit sees only its own residents; counts group by kommun.
            models.Index(fields=["unit", "status"], name="register_person_unit"),
            # The resident list: one kommun's active residents in name order, first page without a sort.
            models.Index(fields=["kommun", "status", "last_name", "first_name", "id"], name="register_person_list"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def communication_needs(self) -> bool:
        return bool(self.language or self.interpreter or self.easy_swedish or self.hearing_impaired or self.vision_impaired)

    @property
    def review_overdue(self) -> bool:
        return self.status == self.Status.ACTIVE and self.review_date < timezone.localdate()


class PersonDevice(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="devices")
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="+")
    battery_hours = models.DecimalField(_("battery hours"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "device"], name="register_persondevice_unique")]

    def __str__(self) -> str:
        return f"{self.device} ({self.battery_hours or '–'} h)"


class Contact(models.Model):
    class Kind(models.TextChoices):
        RELATIVE = "relative", _("Relative")
        PROVIDER = "provider", _("Care provider")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.RELATIVE)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class RegisterGrant(TimeStampedModel):
    """The owning kommun lets users holding ``role`` at ``unit`` see that unit's own residents."""

    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "role"], condition=Q(revoked_at__isnull=True), name="register_grant_unique_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} / {self.role}"


class Incident(TimeStampedModel):
    """An emergency activation: designated roles see identifiable lists for the area until ``ends_at``."""

    class Kind(models.TextChoices):
        POWER_CUT = "power_cut", _("Power cut")
        HEAT_WAVE = "heat_wave", _("Heat wave")
        EVACUATION = "evacuation", _("Evacuation")
        OTHER = "other", _("Other")

    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=2_000)
    area_geojson = models.JSONField(default=dict, blank=True)
    postcodes = models.JSONField(default=list, blank=True)
    localities = models.JSONField(default=list, blank=True)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"))
    ended_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # An exercise (ÖVNING): marked on every page, print and mail, and never counted with real incidents.
    is_exercise = models.BooleanField(_("exercise"), default=False)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            # "Is an incident active in this kommun now?" is asked on every identifiable read.
            models.Index(fields=["kommun", "ends_at"], name="register_incident_active"),
        ]

    def __str__(self) -> str:
        label = f"{self.get_kind_display()} {timefmt.local(self.starts_at)}"
        return f"ÖVNING: {label}" if self.is_exercise else label

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.ended_at is None and self.starts_at <= now < self.ends_at


class IncidentDesignation(models.Model):
    """Users holding ``role`` at ``organisation`` may see the incident's identifiable call list."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="designations")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "organisation", "role"], name="register_designation_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.role}"


class IncidentResident(models.Model):
    """A resident inside the incident area, in call-list order, with the latest follow-up outcome."""

    class Tier(models.IntegerChoices):
        LIFE_BATTERY = 0, _("Life-sustaining device, battery time known")
        LIFE_OTHER = 1, _("Other life-sustaining device")
        CANNOT_EVACUATE = 2, _("Cannot evacuate unaided")
        HEAT = 3, _("Heat-sensitive")
        OTHER = 4, _("Other")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="residents")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField()
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    min_battery_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["incident", "person"], name="register_incidentresident_unique")]

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.rank}"

    @property
    def outcome_label(self) -> str:
        """The latest outcome as its label ("" when nobody has called yet)."""
        return str(FollowUp.Outcome(self.outcome).label) if self.outcome in FollowUp.Outcome.values else ""


class FollowUp(models.Model):
    class Outcome(models.TextChoices):
        REACHED_OK = "reached_ok", _("Reached, fine")
        NEEDS_HELP = "needs_help", _("Needs help")
        MOVED = "moved", _("Moved elsewhere")
        NOT_REACHED = "not_reached", _("Not reached")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="followups")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {timefmt.local(self.at, '%H:%M')}"


class ImportBatch(ImportBatchBase):
    """An uploaded file waiting for commit after its dry run (``core.models.ImportBatch``: the uploader's own, for
    a day). The content is encrypted like personnummer and blanked when the batch is committed."""

    content_encrypted = models.TextField()


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The access log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The access log is append-only")


class AccessLog(models.Model):
    """One read (or refused read) of identifiable register data. Append-only; kept at least 5 years.

    HSLF-FS 2016:40 4 kap. 9 §: the log shows who, when, which unit, which patient and what action.
    ``person_id`` is a plain integer, not a foreign key, so that purging an ended record keeps its log.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed record")
        LIST = "list", _("Listed")
        SEARCH = "search", _("Searched")
        EXPORT = "export", _("Exported")
        PRINT = "print", _("Printed")
        CALL_LIST = "call_list", _("Call list")
        FOLLOW_UP = "follow_up", _("Follow-up recorded")
        EDIT = "edit", _("Edited")
        IMPORT = "import", _("Imported")
        LOG_EXTRACT = "log_extract", _("Log extract")
        ACTIVATE = "activate", _("Incident activated")
        EXTEND = "extend", _("Incident extended")
        END = "end", _("Incident ended")
        DENIED = "denied", _("Refused")

    class Purpose(models.TextChoices):
        """Purposes stored as codes (the list's and record's purpose choice, and the service's own reads)."""

        CARE = "care", _("Care and nursing")
        PREPAREDNESS = "preparedness", _("Preparedness planning")
        INCIDENT = "incident", _("Ongoing incident")
        REVIEW = "review", _("Review of the record")
        REQUEST = "request", _("Request from the resident")
        EDIT = "edit", _("Editing the record")
        EXPORT = "export", _("Export")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    user_label = models.CharField(max_length=254)
    role = models.CharField(max_length=32, blank=True)
    organisation = models.ForeignKey("orgs.Organisation", null=True, on_delete=models.PROTECT, related_name="+")
    kommun = models.ForeignKey("orgs.Organisation", null=True, on_delete=models.PROTECT, related_name="+")
    person_id = models.BigIntegerField(null=True, blank=True)
    person_unit_id = models.BigIntegerField(null=True, blank=True)
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    purpose = models.CharField(max_length=200, blank=True)
    via = models.CharField(max_length=8, default="ui")
    batch_size = models.PositiveIntegerField(default=1)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The MAS reviews her kommun's log by time; the log extract reads one person's rows.
            models.Index(fields=["kommun", "-at"], name="register_accesslog_kommun_at"),
            models.Index(fields=["person_id", "-at"], name="register_accesslog_person_at"),
        ]

    def __str__(self) -> str:
        return f"{timefmt.local(self.at)} {self.user_label} {self.get_action_display()} {self.person_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The access log is append-only")

    @property
    def role_display(self) -> str:
        """The role(s) as labels (a refusal records every role the user holds, comma-separated)."""
        return ", ".join(_label(ROLE_LABELS, r) for r in self.role.split(",") if r) or "–"

    @property
    def purpose_display(self) -> str:
        """The purpose as words: codes become labels; a refusal's "what" (``view:care``) is read part by part."""
        if not self.purpose:
            return "–"
        if self.action == self.Action.DENIED:
            return ": ".join(purpose_label(part.strip()) for part in self.purpose.split(":"))
        return purpose_label(self.purpose)


ROLE_LABELS = {value: label for value, label in Role.choices}
# What a refusal names besides access-log actions and purposes (``access.refuse(what=...)``).
REFUSED_WHAT = {
    "person.save": _("Save a record"),
    "person.new": _("New record"),
    "person.end": _("End a record"),
    "import.page": _("Import"),
    "export.page": _("Export"),
    "incident.activate": _("Activate an incident"),
    "incident.change": _("Change an incident"),
    "incident.refresh": _("Refresh an incident's area"),
}
FORMATS = {"pdf": "PDF", "csv": "CSV"}
_NUMBERED = [
    (re.compile(r"^incident (\d+)$"), _("incident %(n)s")),
    (re.compile(r"^kommun=(\d+)$"), _("municipality %(n)s")),
]
_IMPORTED = re.compile(r"^created (\d+), updated (\d+), skipped (\d+)$")


def _label(labels: Any, code: str) -> str:
    return str(labels.get(code, code.replace("_", " ")))


def purpose_label(text: str) -> str:
    for labels in (AccessLog.Purpose, AccessLog.Action, FollowUp.Outcome):
        if text in labels.values:
            return str(labels(text).label)
    if text in REFUSED_WHAT:
        return str(REFUSED_WHAT[text])
    if text in FORMATS:
        return FORMATS[text]
    for pattern, label in _NUMBERED:
        match = pattern.match(text)
        if match:
            return str(label) % {"n": match.group(1)}
    match = _IMPORTED.match(text)
    if match:
        created, updated, skipped = match.groups()
        return str(_("%(c)s new, %(u)s updated, %(s)s skipped")) % {"c": created, "u": updated, "s": skipped}
    return text


def _staged_person_fields() -> dict[str, Any]:
    """Person's columns (same names and types, no keys, indexes or constraints) for the import staging table."""
    out: dict[str, Any] = {}
    for f in Person._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.is_relation:
            out[f.attname] = models.BigIntegerField(db_column=f.column)
            continue
        _name, _path, args, kwargs = f.deconstruct()
        for key in ("db_index", "unique", "choices", "default", "auto_now", "auto_now_add", "verbose_name"):
            kwargs.pop(key, None)
        out[f.name] = f.__class__(*args, **kwargs)
    return out


class ImportStagedPersonBase(models.Model):
    """Rows of a large import on SQLite, written in short batches before one short transaction makes them records.

    ``stage`` names one commit attempt; ``seq`` numbers its rows (the new record gets id = base + seq);
    ``replaces_id`` is the existing record an "update duplicates" row overwrites. Readers never see these rows:
    they are not persons until ``register.services.importer`` copies them into ``register_person``.
    """

    stage = models.CharField(max_length=32)
    seq = models.PositiveIntegerField()
    replaces_id = models.BigIntegerField(null=True)
    devices = models.TextField(default="[]")  # JSON: [[device_id, battery_hours or null], ...]
    contact_name = models.CharField(max_length=200, null=True)
    contact_phone = models.CharField(max_length=40, null=True)
    staged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


ImportStagedPerson: Any = type(
    "ImportStagedPerson",
    (ImportStagedPersonBase,),
    {
        "__module__": __name__,
        "__doc__": ImportStagedPersonBase.__doc__,
        "Meta": type("Meta", (), {"indexes": [models.Index(fields=["stage", "seq"], name="register_staged_stage_seq")]}),
        **_staged_person_fields(),
    },
)
