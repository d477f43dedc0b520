"""The organisation tree: nation → civilområde → län → kommun → unit (verksamhet); regions beside the kommuner.

Every node stores its materialised ``path`` ("/1/4/27/312/"), so "everything under Gävleborgs län" is one
indexed prefix query (``path LIKE '/1/4/27/%'``) and roll-ups never recurse in Python.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beredd.core.models import ImportBatch, TimeStampedModel


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def subtree_of(self, org: Organisation, *, include_self: bool = True) -> OrganisationQuerySet:
        qs = self.filter(path__startswith=org.path)
        return qs if include_self else qs.exclude(pk=org.pk)

    def of_kind(self, kind: str) -> OrganisationQuerySet:
        return self.filter(kind=kind)


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        NATION = "nation", _("Nation")
        CIVILOMRADE = "civilomrade", _("Civil area")
        LAN = "lan", _("County")
        KOMMUN = "kommun", _("Municipality")
        UNIT = "unit", _("Unit")
        # A region (21, one per län) hangs under its län as a partner beside the kommuner, never a parent.
        REGION = "region", _("Region")

    class ServiceKind(models.TextChoices):
        SABO = "sabo", _("Nursing home (SÄBO)")
        HEMTJANST = "hemtjanst", _("Home care")
        HSL = "hsl", _("Municipal health care (incl. home health care)")
        LSS_VUXNA = "lss_vuxna", _("LSS residence, adults")
        LSS_BARN = "lss_barn", _("LSS residence, children")
        DAGLIG_VERKSAMHET = "daglig_verksamhet", _("Daily activities (LSS)")
        HVB = "hvb", _("Residential care for children and young people (HVB)")
        STODBOENDE = "stodboende", _("Supported housing")
        PSYKIATRI_BOENDE = "psykiatri_boende", _("Housing for people with mental disabilities")
        OTHER = "other", _("Other")

    class Regi(models.TextChoices):
        KOMMUNAL = "kommunal", _("Municipal")
        PRIVAT = "privat", _("Private")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    code = models.CharField(max_length=32, blank=True, help_text=_("Official code: 4 digits for a municipality, 2 for a county"))
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    service_kind = models.CharField(max_length=32, choices=ServiceKind.choices, blank=True)
    regi = models.CharField(max_length=16, choices=Regi.choices, blank=True)
    org_number = models.CharField(max_length=11, blank=True, help_text=_("Organisation number, NNNNNN-NNNN"))
    street_address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=6, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            # Reference codes are unique per kind (kommun 0180, län 01 ...); units may leave the code empty.
            models.UniqueConstraint(fields=["kind", "code"], condition=~Q(code=""), name="orgs_organisation_unique_code"),
            models.UniqueConstraint(fields=["path"], condition=~Q(path=""), name="orgs_organisation_unique_path"),
            models.CheckConstraint(
                condition=Q(kind="unit") | (Q(service_kind="") & Q(regi="")),
                name="orgs_organisation_service_only_on_units",
            ),
        ]
        indexes = [
            # Subtree queries: path LIKE 'prefix%' needs the pattern opclass on PostgreSQL (ignored on SQLite).
            models.Index(fields=["path"], name="orgs_org_path_prefix", opclasses=["varchar_pattern_ops"]),
            # Search by name in the org picker and the API.
            models.Index(fields=["kind", "name"], name="orgs_org_kind_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this node, read off the path (no query)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def is_unit(self) -> bool:
        return self.kind == self.Kind.UNIT

    @property
    def display_kind(self) -> str:
        if self.kind == self.Kind.UNIT and self.service_kind:
            return str(self.get_service_kind_display())
        return str(self.get_kind_display())


class UnitImportBatch(ImportBatch):
    """A checked unit import waiting for its uploader's confirmation (``core.models.ImportBatch``: the uploader's
    own, for a day, committed once). ``rows`` are the preview's cleaned rows, each with its spreadsheet ``row``."""

    rows = models.JSONField(default=list)


# The level below each kind; units may only hang under a kommun.
CHILD_KIND = {
    Organisation.Kind.NATION: Organisation.Kind.CIVILOMRADE,
    Organisation.Kind.CIVILOMRADE: Organisation.Kind.LAN,
    Organisation.Kind.LAN: Organisation.Kind.KOMMUN,
    Organisation.Kind.KOMMUN: Organisation.Kind.UNIT,
}
