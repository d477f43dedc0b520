"""Kommun–region agreements (avtal och överenskommelser), issue 13 item 6 / brief item 5.

Seed 001 ("Avtal och överenskommelser", "Ansvar och roller – Regionen"): the kommun must have agreements with the
region on physicians, medicines, medical devices and assistive devices, infection control and hygiene, and shared
IT systems, and with private providers on how a crisis is handled. Each agreement belongs to one kommun; its
parties (the region, another kommun, the county) see it too, as does every level above the kommun.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel

# An agreement "expires soon" (dashboard, reminder to the MAS and coordinator) this many days before its end or
# review date.
EXPIRY_NOTICE_DAYS = 60


def agreement_file_path(instance: Agreement, filename: str) -> str:
    # Stored with the app under MEDIA_ROOT, never served directly: the download view checks access.
    return f"collab/agreements/{instance.kommun_id}/{uuid.uuid4().hex}/{filename}"


class Agreement(TimeStampedModel):
    class Area(models.TextChoices):
        # The areas named in seed 001 and the handbook's checklist (questions A1, A2, A4, A5), plus transport.
        PHYSICIANS = "physicians", _("Physician involvement")
        MEDICINES = "medicines", _("Medicines")
        DEVICES = "devices", _("Medical devices and assistive devices")
        INFECTION = "infection", _("Infection control and hygiene")
        IT = "it", _("IT systems and records")
        TRANSPORT = "transport", _("Transport")
        PROVIDERS = "providers", _("Private providers")
        OTHER = "other", _("Other")

    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="collab_agreements")
    # Copy of kommun.path: "the county's agreements" is one prefix query.
    kommun_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("title"), max_length=200)
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    parties = models.ManyToManyField("orgs.Organisation", related_name="collab_agreements_party", blank=True)
    other_parties = models.CharField(_("other parties"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    responsible_name = models.CharField(_("responsible person"), max_length=200)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    crisis_terms = models.TextField(_("what it says about crises"), max_length=4000, blank=True)
    file = models.FileField(upload_to=agreement_file_path, max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    file_type = models.CharField(max_length=100, blank=True)
    lock_version = models.PositiveIntegerField(default=1)
    # Each reminder is sent once; a changed date clears its mark so the new date is reminded again.
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)
    review_reminded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["valid_until", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="collab_agreement_ends_after_start",
            ),
        ]
        indexes = [
            # The list over a subtree (county, nation) and the dashboard panel.
            models.Index(fields=["kommun_path"], name="collab_agr_path", opclasses=["varchar_pattern_ops"]),
            # The daily reminder job: agreements ending soon.
            models.Index(fields=["valid_until"], name="collab_agr_valid_until"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation(self) -> models.Model:
        return self.kommun

    def status_on(self, day: dt.date) -> str:
        if self.valid_from > day:
            return "upcoming"
        if self.valid_until is not None and self.valid_until < day:
            return "expired"
        soon = day + dt.timedelta(days=EXPIRY_NOTICE_DAYS)
        if (self.valid_until is not None and self.valid_until <= soon) or (
            self.review_date is not None and self.review_date <= soon
        ):
            return "expiring"
        return "active"

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


STATUS_LABELS = {
    "upcoming": _("Not yet in force"),
    "active": _("In force"),
    "expiring": _("Expires or due for review soon"),
    "expired": _("Expired"),
}
