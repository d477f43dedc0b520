"""Continuity plans (kontinuitetsplaner, MSB1406 / SS-ISO 22301) and the per-unit preparedness profile."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel

# A plan whose review date falls within this many days is "due" (reminder window).
REVIEW_DUE_DAYS = 30


class UnitProfile(TimeStampedModel):
    """Preparedness facts about a unit that the org tree does not hold (until the register can feed them)."""

    unit = models.OneToOneField("orgs.Organisation", on_delete=models.PROTECT, related_name="preparedness_profile")
    heat_sensitive = models.BooleanField(
        default=False, help_text=_("The unit has residents or clients who are sensitive to heat")
    )

    def __str__(self) -> str:
        return f"{self.unit} ({'heat-sensitive' if self.heat_sensitive else 'not heat-sensitive'})"


class ContinuityPlanQuerySet(models.QuerySet["ContinuityPlan"]):
    def in_subtree(self, path: str) -> ContinuityPlanQuerySet:
        return self.filter(organisation__path__startswith=path)


class ContinuityPlan(TimeStampedModel):
    class Outage(models.TextChoices):
        H4 = "4h", _("4 hours")
        H24 = "24h", _("24 hours")
        H72 = "72h", _("72 hours")
        W1 = "1w", _("1 week")

    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        DUE = "due", _("Review due")
        OVERDUE = "overdue", _("Overdue")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="continuity_plans")
    title = models.CharField(max_length=200)
    critical_activities = models.TextField(help_text=_("Activities that must go on during a disruption"), max_length=10_000)
    max_tolerable_outage = models.CharField(max_length=4, choices=Outage.choices)
    owner = models.CharField(max_length=200, help_text=_("Name and role of the person responsible for the plan"))
    approved_by = models.CharField(max_length=200, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    review_date = models.DateField(help_text=_("When the plan must next be reviewed"))

    objects = ContinuityPlanQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__path", "title"]
        indexes = [
            # Coordinator list: plans under a kommun ordered by review date (status and reminders).
            models.Index(fields=["organisation", "review_date"], name="prep_plan_org_review"),
        ]

    def __str__(self) -> str:
        return self.title

    def status_on(self, today: dt.date) -> str:
        if self.review_date < today:
            return self.Status.OVERDUE
        if self.review_date <= today + dt.timedelta(days=REVIEW_DUE_DAYS):
            return self.Status.DUE
        return self.Status.CURRENT

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)


class PlanDependency(models.Model):
    class Kind(models.TextChoices):
        POWER = "power", _("Power")
        WATER = "water", _("Water")
        HEATING = "heating", _("Heating")
        IT = "it", _("IT systems")
        TELEPHONY = "telephony", _("Telephony")
        TRANSPORT = "transport", _("Transport")
        MEDICINES = "medicines", _("Medicines")
        DEVICES = "devices", _("Medical devices")
        FOOD = "food", _("Food")
        STAFF = "staff", _("Staff")
        SUPPLIERS = "suppliers", _("Suppliers")

    plan = models.ForeignKey(ContinuityPlan, on_delete=models.CASCADE, related_name="dependencies")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    backup_routine = models.TextField(blank=True, help_text=_("Reservrutin: how work goes on without it"), max_length=10_000)
    restoration_routine = models.TextField(blank=True, help_text=_("Återställningsrutin: how it is restored"), max_length=10_000)
    return_routine = models.TextField(blank=True, help_text=_("Återgångsrutin: how work returns to normal"), max_length=10_000)

    class Meta:
        ordering = ["plan", "kind"]
        constraints = [
            # One row per dependency kind and plan; the form edits it in place.
            models.UniqueConstraint(fields=["plan", "kind"], name="preparedness_plandependency_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_kind_display()}"


class PlanContact(models.Model):
    plan = models.ForeignKey(ContinuityPlan, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["plan", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email=""), name="preparedness_plancontact_reachable"),
        ]

    def __str__(self) -> str:
        return self.name
