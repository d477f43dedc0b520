"""Heat-wave activation: set SMHI's level by hand or from a warning file, notify heat-sensitive units, acknowledge.

Warning file formats (no network; the coordinator uploads what SMHI/länsstyrelsen sent):

JSON: {"warnings": [{"kommun_code": "2180", "level": "gul", "valid_from": "2026-06-20", "valid_until": "2026-06-23"}]}
CSV (comma or semicolon): kommun_code,level,valid_from,valid_until
Levels: meddelande, gul, orange.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from importlib import resources
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import ConflictError, FieldError, ValidationFailed
from beredd.orgs.models import Organisation
from beredd.preparedness.models import HeatActivation, HeatNotice
from beredd.preparedness.services._common import check_order, raise_if, require_kind

LEVEL_ORDER = ["meddelande", "gul", "orange"]
MAX_FILE_BYTES = 256 * 1024


def checklists_by_level() -> dict[str, list[dict[str, str]]]:
    text = resources.files("beredd.preparedness").joinpath("data/heat_checklists.json").read_text(encoding="utf-8")
    data: dict[str, list[dict[str, str]]] = json.loads(text)
    return data


def heat_checklist(level: str) -> list[dict[str, str]]:
    """Checklist items for ``level``: each level adds to the ones below it (before 1 May, then meddelande, gul, orange)."""
    data = checklists_by_level()
    items: list[dict[str, str]] = []
    for name in LEVEL_ORDER[: LEVEL_ORDER.index(level) + 1]:
        items += data[name]
    return items


def _heat_sensitive_units(org: Organisation) -> list[Organisation]:
    return list(
        Organisation.objects.subtree_of(org)
        .filter(kind=Organisation.Kind.UNIT, is_active=True, preparedness_profile__heat_sensitive=True)
        .order_by("name")
    )


def heat_activations_in_force(unit: Organisation, *, today: dt.date | None = None) -> list[HeatActivation]:
    """Activations set at the unit's kommun or county that have not been ended and whose period has not passed."""
    today = today or timezone.localdate()
    return list(
        HeatActivation.objects.filter(
            organisation_id__in=unit.ancestor_ids, ended_at__isnull=True, valid_until__gte=today
        ).order_by("valid_from", "pk")
    )


def heat_notices_for_late_unit(unit: Organisation) -> list[HeatNotice]:
    """Send the checklist of every activation in force to a heat-sensitive unit that did not get it when the level
    was set (created or flagged later). Called inside the caller's transaction; returns the notices created."""
    activations = heat_activations_in_force(unit)
    have = set(HeatNotice.objects.filter(unit=unit, activation__in=activations).values_list("activation_id", flat=True))
    missing = [HeatNotice(activation=a, unit=unit) for a in activations if a.pk not in have]
    return HeatNotice.objects.bulk_create(missing)


@transaction.atomic
def heat_activate(
    *,
    organisation: Organisation,
    actor: Actor | None,
    level: str,
    valid_from: dt.date,
    valid_until: dt.date,
    note: str = "",
    source: str = HeatActivation.Source.MANUAL,
    via: str = "ui",
) -> HeatActivation:
    """Set the heat level for a kommun or a county and send the checklist to every heat-sensitive unit below it."""
    policy.require(actor, "preparedness.manage", organisation)
    require_kind(organisation, Organisation.Kind.KOMMUN, Organisation.Kind.LAN)
    errors = []
    if level not in HeatActivation.Level.values:
        errors.append(FieldError(row=None, field="level", message=_("Choose one of the listed values.")))
    errors += check_order(valid_from, valid_until, "valid_until")
    raise_if(errors)
    activation = HeatActivation.objects.create(
        organisation=organisation,
        level=level,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
        source=source,
        created_by=actor,
    )
    units = _heat_sensitive_units(organisation)
    HeatNotice.objects.bulk_create([HeatNotice(activation=activation, unit=u) for u in units])
    audit.record(
        actor=actor,
        action="preparedness.heat_activate",
        target=activation,
        organisation=organisation,
        changes={"level": {"before": None, "after": level}, "units": {"before": None, "after": len(units)}},
        via=via,
    )
    return activation


def parse_warning_file(*, name: str, content: bytes) -> list[dict[str, Any]]:
    """Return rows {kommun_code, level, valid_from, valid_until}; any bad row raises ValidationFailed naming it."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed(_("The file is too large."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(_("The file must be UTF-8 text (JSON or CSV).")) from None
    rows: list[dict[str, Any]]
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
            rows = list(data["warnings"])
        except (ValueError, KeyError, TypeError):
            raise ValidationFailed(_('The JSON file must have a list called "warnings".')) from None
    else:
        delimiter = "," if text.count(",") >= text.count(";") else ";"
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise ValidationFailed(_("The file contains no warnings."))
    errors: list[FieldError] = []
    parsed: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            errors.append(FieldError(row=number, field="", message=_("Each warning must be an object.")))
            continue
        level = str(row.get("level") or "").strip().lower()
        if level not in LEVEL_ORDER:
            errors.append(FieldError(row=number, field="level", message=_("Unknown level; use meddelande, gul or orange.")))
        dates = {}
        for field in ("valid_from", "valid_until"):
            try:
                dates[field] = dt.date.fromisoformat(str(row.get(field) or "").strip())
            except ValueError:
                errors.append(FieldError(row=number, field=field, message=_("Give the date as YYYY-MM-DD.")))
        if len(dates) == 2 and dates["valid_until"] < dates["valid_from"]:
            errors.append(FieldError(row=number, field="valid_until", message=_("The end date must be after the start date.")))
        parsed.append({"kommun_code": str(row.get("kommun_code") or "").strip(), "level": level, **dates})
    raise_if(errors)
    return parsed


@transaction.atomic
def heat_activate_from_file(
    *, organisation: Organisation, actor: Actor | None, name: str, content: bytes
) -> list[HeatActivation]:
    """Apply a warning file for ``organisation`` (a kommun or a county). All rows or none."""
    policy.require(actor, "preparedness.manage", organisation)
    rows = parse_warning_file(name=name, content=content)
    kommuner = {o.code: o for o in Organisation.objects.subtree_of(organisation).filter(kind=Organisation.Kind.KOMMUN)}
    errors = [
        FieldError(row=n, field="kommun_code", message=_("This municipality is not within %(org)s.") % {"org": organisation.name})
        for n, row in enumerate(rows, start=1)
        if row["kommun_code"] not in kommuner
    ]
    raise_if(errors)
    return [
        heat_activate(
            organisation=kommuner[row["kommun_code"]],
            actor=actor,
            level=row["level"],
            valid_from=row["valid_from"],
            valid_until=row["valid_until"],
            source=HeatActivation.Source.FILE,
            note=name,
        )
        for row in rows
    ]


@transaction.atomic
def heat_acknowledge(*, notice: HeatNotice, actor: Actor | None, checked_items: list[str], via: str = "ui") -> HeatNotice:
    """The unit confirms it has gone through the checklist. Acknowledging twice raises ConflictError."""
    policy.require(actor, "preparedness.edit", notice.unit)
    notice = HeatNotice.objects.select_for_update().select_related("activation").get(pk=notice.pk)
    if notice.acknowledged_at is not None:
        raise ConflictError(_("This heat checklist has already been acknowledged."))
    known = {item["code"] for item in heat_checklist(notice.activation.level)}
    if set(checked_items) - known:
        raise_if([FieldError(row=None, field="checked_items", message=_("Choose one of the listed values."))])
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = actor
    notice.checked_items = sorted(checked_items)
    notice.save(update_fields=["acknowledged_at", "acknowledged_by", "checked_items"])
    audit.record(
        actor=actor,
        action="preparedness.heat_acknowledge",
        target=notice.activation,
        organisation=notice.unit,
        changes={"checked_items": {"before": [], "after": notice.checked_items}},
        via=via,
    )
    return notice


@transaction.atomic
def heat_end(*, activation: HeatActivation, actor: Actor | None) -> HeatActivation:
    policy.require(actor, "preparedness.manage", activation.organisation)
    if activation.ended_at is None:
        activation.ended_at = timezone.now()
        activation.save(update_fields=["ended_at", "updated_at"])
        audit.record(actor=actor, action="preparedness.heat_end", target=activation, organisation=activation.organisation)
    return activation
