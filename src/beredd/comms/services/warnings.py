"""SMHI warnings file → proposed heat activations per kommun → the coordinator confirms (then preparedness activates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.types import Actor
from beredd.comms import warnings
from beredd.comms.models import WarningImport
from beredd.comms.services.bank import _require
from beredd.core import audit
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.models import Organisation
from beredd.preparedness.models import HeatActivation
from beredd.preparedness.services.heat import heat_activate


def _is_cap(content: bytes) -> bool:
    return content.lstrip()[:1] == b"<"


@transaction.atomic
def cap_upload(*, actor: Actor, organisation: Organisation, filename: str, content: bytes, via: str = "ui") -> WarningImport:
    """A CAP alert as the start of an event: one proposed incident per kommun of ``organisation`` in its area."""
    event = warnings.parse_cap(content)
    kommuner = {o.code: o for o in Organisation.objects.subtree_of(organisation).filter(kind=Organisation.Kind.KOMMUN)}
    mine = [c for c in event.kommun_codes if c in kommuner]
    if not mine:
        message = _("No area of the alert covers a kommun in %(org)s.") % {"org": organisation.name}
        raise ValidationFailed(message, details=[FieldError(row=None, field="file", message=message)])
    ends = event.expires or timezone.now() + dt.timedelta(hours=12)
    imp = WarningImport.objects.create(
        organisation=organisation,
        filename=filename[:200],
        source=WarningImport.Source.CAP,
        uploaded_by=actor,
        event={
            "identifier": event.identifier[:100],
            "event": event.event,
            "headline": event.headline,
            "description": event.description,
            "kind": event.kind,
            "ends_at": ends.isoformat(),
            "exercise": event.is_exercise,
            "area": event.area_geojson,
        },
        proposals=[{"kommun_code": c, "kommun_name": kommuner[c].name} for c in mine],
    )
    audit.record(
        actor=actor,
        action="comms.warnings_upload",
        target=imp,
        organisation=organisation,
        changes={"kommuner": len(mine), "source": "cap"},
        via=via,
    )
    return imp


@transaction.atomic
def warnings_upload(*, actor: Actor, organisation: Organisation, filename: str, content: bytes, via: str = "ui") -> WarningImport:
    """Read the file (SMHI's JSON, or a CAP alert) and store the proposals for the kommuner in ``organisation``."""
    _require(actor, "preparedness.manage", organisation)
    if _is_cap(content):
        return cap_upload(actor=actor, organisation=organisation, filename=filename, content=content, via=via)
    proposals, other = warnings.parse(content)
    kommuner = {o.code: o for o in Organisation.objects.subtree_of(organisation).filter(kind=Organisation.Kind.KOMMUN)}
    mine = [p for p in proposals if p.kommun_code in kommuner]
    if not mine:
        message = _("No warning area in the file covers a kommun in %(org)s.") % {"org": organisation.name}
        raise ValidationFailed(message, details=[FieldError(row=None, field="file", message=message)])
    imp = WarningImport.objects.create(
        organisation=organisation,
        filename=filename[:200],
        other_events=other,
        uploaded_by=actor,
        proposals=[
            {
                "kommun_code": p.kommun_code,
                "kommun_name": kommuner[p.kommun_code].name,
                "level": p.level,
                "valid_from": p.valid_from.isoformat(),
                "valid_until": p.valid_until.isoformat(),
                "areas": p.areas,
            }
            for p in mine
        ],
    )
    audit.record(
        actor=actor,
        action="comms.warnings_upload",
        target=imp,
        organisation=organisation,
        changes={"kommuner": len(mine)},
        via=via,
    )
    return imp


@transaction.atomic
def warnings_confirm(*, actor: Actor, imp: WarningImport, kommun_codes: Collection[str], via: str = "ui") -> list[HeatActivation]:
    """Activate heat for the chosen kommuner as proposed; all or none."""
    locked = WarningImport.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=imp.pk)
    _require(actor, "preparedness.manage", locked.organisation)
    if locked.confirmed_at is not None:
        raise ValidationFailed(_("These proposals have already been confirmed."))
    chosen = [p for p in locked.proposals if p["kommun_code"] in set(kommun_codes)]
    if not chosen:
        raise ValidationFailed(
            _("Choose at least one kommun."),
            details=[FieldError(row=None, field="kommun", message=_("Choose at least one kommun."))],
        )
    kommuner = {
        o.code: o for o in Organisation.objects.filter(kind=Organisation.Kind.KOMMUN, code__in=[p["kommun_code"] for p in chosen])
    }
    if locked.source == WarningImport.Source.CAP:
        from beredd.register import services as register_services

        e = locked.event
        incidents = [
            register_services.incident_activate(
                actor=actor,
                kommun=kommuner[p["kommun_code"]],
                kind=e["kind"],
                reason=f"{e['headline']} (CAP {e['identifier']})"[:500],
                ends_at=dt.datetime.fromisoformat(e["ends_at"]),
                area_geojson=e["area"] or None,
                is_exercise=bool(e["exercise"]),
                via=via,
            )
            for p in chosen
        ]
        locked.confirmed_at, locked.confirmed_by = timezone.now(), actor
        locked.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
        audit.record(
            actor=actor,
            action="comms.warnings_confirm",
            target=locked,
            organisation=locked.organisation,
            changes={"incidents": len(incidents)},
            via=via,
        )
        return []
    out = [
        heat_activate(
            organisation=kommuner[p["kommun_code"]],
            actor=actor,
            level=p["level"],
            valid_from=dt.date.fromisoformat(p["valid_from"]),
            valid_until=dt.date.fromisoformat(p["valid_until"]),
            note=f"SMHI: {', '.join(p['areas'])[:150]}",
            source=HeatActivation.Source.FILE,
            via=via,
        )
        for p in chosen
    ]
    locked.confirmed_at, locked.confirmed_by = timezone.now(), actor
    locked.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    audit.record(
        actor=actor,
        action="comms.warnings_confirm",
        target=locked,
        organisation=locked.organisation,
        changes={"kommuner": len(out)},
        via=via,
    )
    return out
