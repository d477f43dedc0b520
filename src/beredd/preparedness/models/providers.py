"""Crisis clauses in contracts with private providers and their yearly self-declarations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beredd.core.models import TimeStampedModel


class ProviderContract(TimeStampedModel):
    kommun = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="provider_contracts")
    provider_unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="provider_contracts_as_unit")
    reference = models.CharField(max_length=100, help_text=_("Contract or procurement reference"))
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    clause_codes = models.JSONField(default=list, help_text=_("Codes from the clause library"))

    class Meta:
        ordering = ["kommun__name", "provider_unit__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="preparedness_providercontract_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_unit} ({self.reference})"


class ProviderDeclaration(TimeStampedModel):
    contract = models.ForeignKey(ProviderContract, on_delete=models.CASCADE, related_name="declarations")
    year = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict, help_text=_("Clause code → fulfilled (true/false)"))
    comment = models.TextField(blank=True, max_length=10_000)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="preparedness_providerdeclaration_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.year}"

    @property
    def fulfilled_all(self) -> bool:
        return bool(self.answers) and all(self.answers.values())
