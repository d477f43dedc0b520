"""Risk and vulnerability analysis (RSA) per kommun and mandate period, MSBFS 2015:5."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel

# MSBFS 2015:5 5 §: the seven sections the RSA report must contain, in order (field name, label).
SECTIONS: list[tuple[str, Any]] = [
    ("area_description", _("1. The municipality and its geographical area")),
    ("process_method", _("2. Process and method")),
    ("critical_services", _("3. Critical services")),
    ("critical_dependencies", _("4. Critical dependencies")),
    ("risks_summary", _("5. Identified and analysed risks")),
    ("vulnerabilities", _("6. Vulnerabilities and shortcomings")),
    ("actions_needed", _("7. Needed actions")),
]

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class RiskAnalysis(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ADOPTED = "adopted", _("Adopted")

    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="risk_analyses")
    election_year = models.PositiveSmallIntegerField(help_text=_("The general election that starts the mandate period"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(null=True, blank=True)
    area_description = models.TextField(blank=True, max_length=10_000)
    process_method = models.TextField(blank=True, max_length=10_000)
    critical_services = models.TextField(blank=True, max_length=10_000)
    critical_dependencies = models.TextField(blank=True, max_length=10_000)
    risks_summary = models.TextField(blank=True, max_length=10_000)
    vulnerabilities = models.TextField(blank=True, max_length=10_000)
    actions_needed = models.TextField(blank=True, max_length=10_000)

    class Meta:
        ordering = ["kommun__name", "-election_year"]
        constraints = [
            # One RSA per kommun and mandate period.
            models.UniqueConstraint(fields=["kommun", "election_year"], name="preparedness_riskanalysis_one_per_period"),
            # Swedish general elections fall every fourth year from 2022.
            models.CheckConstraint(condition=Q(election_year__gte=2014), name="preparedness_riskanalysis_sane_year"),
        ]

    def __str__(self) -> str:
        return f"RSA {self.kommun} {self.mandate_period}"

    @property
    def mandate_period(self) -> str:
        return f"{self.election_year + 1}–{self.election_year + 4}"

    @property
    def due_date(self) -> dt.date:
        # MSBFS 2015:5 6 §: the RSA is reported to the länsstyrelse by 31 October the year after an election.
        return dt.date(self.election_year + 1, 10, 31)

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status == self.Status.DRAFT and timezone.localdate() > self.due_date

    def sections(self) -> list[tuple[str, str, str]]:
        return [(name, str(label), getattr(self, name)) for name, label in SECTIONS]


class RiskItem(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TREATED = "treated", _("Treated")
        ACCEPTED = "accepted", _("Accepted")

    analysis = models.ForeignKey(RiskAnalysis, on_delete=models.CASCADE, related_name="risks")
    title = models.CharField(max_length=200)
    scenario = models.TextField(blank=True, max_length=10_000)
    likelihood = models.PositiveSmallIntegerField(validators=SCALE)
    # Consequence 1–5 per protected value (skyddsvärde) as in MSB's guidance on RSA.
    consequence_life = models.PositiveSmallIntegerField(validators=SCALE, verbose_name=_("Life and health"))
    consequence_society = models.PositiveSmallIntegerField(validators=SCALE, verbose_name=_("Functioning of society"))
    consequence_democracy = models.PositiveSmallIntegerField(
        validators=SCALE, verbose_name=_("Democracy, rule of law and human rights")
    )
    consequence_environment = models.PositiveSmallIntegerField(
        validators=SCALE, verbose_name=_("Environment and economic values")
    )
    controls = models.TextField(blank=True, help_text=_("Existing controls"), max_length=10_000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    continuity_plans = models.ManyToManyField("preparedness.ContinuityPlan", blank=True, related_name="risks")
    exercises = models.ManyToManyField("preparedness.Exercise", blank=True, related_name="risks")

    class Meta:
        ordering = ["analysis", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5)
                & Q(consequence_life__gte=1, consequence_life__lte=5)
                & Q(consequence_society__gte=1, consequence_society__lte=5)
                & Q(consequence_democracy__gte=1, consequence_democracy__lte=5)
                & Q(consequence_environment__gte=1, consequence_environment__lte=5),
                name="preparedness_riskitem_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def consequence(self) -> int:
        """The worst consequence over the protected values places the risk in the matrix."""
        return max(self.consequence_life, self.consequence_society, self.consequence_democracy, self.consequence_environment)

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence


class RiskAction(TimeStampedModel):
    risk = models.ForeignKey(RiskItem, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(max_length=10_000)
    owner = models.CharField(max_length=200)
    due_date = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            # An action nobody owns is never done: the owner is required.
            models.CheckConstraint(condition=~Q(owner=""), name="preparedness_riskaction_has_owner"),
        ]

    def __str__(self) -> str:
        return self.description[:60]
