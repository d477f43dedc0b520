"""Heat-wave activation (SMHI levels) with acknowledgements per unit, and stored backup binders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from beredd.core import timefmt
from beredd.core.models import TimeStampedModel


class HeatActivation(TimeStampedModel):
    class Level(models.TextChoices):
        # SMHI's current system (smhi.se, "Varning för höga temperaturer").
        MEDDELANDE = "meddelande", _("Message about high temperatures (26–30 °C three days)")
        GUL = "gul", _("Yellow warning (≥ 30 °C three to four days)")
        ORANGE = "orange", _("Orange warning (≥ 30 °C five days or ≥ 33 °C three days)")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Set by hand")
        FILE = "file", _("Warning file")

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="heat_activations")
    level = models.CharField(max_length=16, choices=Level.choices)
    valid_from = models.DateField()
    valid_until = models.DateField()
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    note = models.TextField(blank=True, max_length=2_000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="preparedness_heatactivation_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} – {self.organisation}"


class HeatNotice(models.Model):
    """The heat checklist sent to one heat-sensitive unit; acknowledged_at empty = straggler."""

    activation = models.ForeignKey(HeatActivation, on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="heat_notices")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_items = models.JSONField(default=list)

    class Meta:
        ordering = ["unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["activation", "unit"], name="preparedness_heatnotice_one_per_unit"),
        ]
        indexes = [
            # A unit's open notices (dashboard panel).
            models.Index(fields=["unit", "acknowledged_at"], name="prep_heatnotice_unit_ack"),
        ]

    def __str__(self) -> str:
        return f"{self.activation}: {self.unit}"


class BinderSnapshot(models.Model):
    """One generated backup binder (beredskapspärm) PDF, kept with its date."""

    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="binders")
    generated_at = models.DateTimeField()
    content = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["-generated_at"]
        indexes = [
            # Latest binder per unit.
            models.Index(fields=["unit", "generated_at"], name="prep_binder_unit_date"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {timefmt.local(self.generated_at, '%Y-%m-%d')}"
