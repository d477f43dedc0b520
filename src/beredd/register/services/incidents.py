"""Emergency activation: the incident area, its prioritised call list and the follow-up of each resident."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beredd.accounts.models import Membership, Role
from beredd.accounts.types import Actor
from beredd.core import audit, timefmt
from beredd.core.exceptions import FieldError, NotFoundError, ValidationFailed
from beredd.orgs.models import Organisation
from beredd.orgs.validators import parse_postcode
from beredd.register import access, geo
from beredd.register.models import (
    AccessLog,
    FollowUp,
    Incident,
    IncidentDesignation,
    IncidentResident,
    Person,
)

CATEGORIES = ["total", "life_sustaining", "electricity_dependent", "cannot_evacuate", "heat_sensitive", "communication"]
COMMUNICATION = ~Q(language="") | Q(interpreter=True) | Q(easy_swedish=True) | Q(hearing_impaired=True) | Q(vision_impaired=True)
UNREACHED = {"", FollowUp.Outcome.NOT_REACHED}


@dataclass(slots=True)
class Impact:
    person_id: int
    unit_id: int
    tier: int
    min_battery: Decimal | None
    life: bool
    electric: bool
    cannot_evacuate: bool
    heat: bool
    communication: bool

    @property
    def sort_key(self) -> tuple[int, Decimal, int]:
        return (self.tier, self.min_battery if self.min_battery is not None else Decimal(0), self.person_id)


def _tier(life_with_battery: bool, life: bool, cannot_evacuate: bool, heat: bool) -> int:
    tiers = IncidentResident.Tier
    if life_with_battery:
        return tiers.LIFE_BATTERY
    if life:
        return tiers.LIFE_OTHER
    if cannot_evacuate:
        return tiers.CANNOT_EVACUATE
    if heat:
        return tiers.HEAT
    return tiers.OTHER


def impact_query(
    *, kommun_id: int, area: Any = None, postcodes: Sequence[str] = (), localities: Sequence[str] = ()
) -> list[Impact]:
    """Active residents of the kommun inside the polygon(s) or the postcodes/localities, in call-list order.

    One query (bounding box on the indexed lat/lon, plus postcodes/localities; the device summary is on the row),
    then a vectorised point-in-polygon. Order: shortest battery among life-sustaining
    devices first, then other life-sustaining devices, then cannot evacuate, then heat-sensitive, then the rest.
    """

    def where(prefix: str = "") -> Q:
        condition = Q()
        if area is not None:
            minx, miny, maxx, maxy = area.bounds
            condition |= Q(
                **{f"{prefix}lat__gte": miny, f"{prefix}lat__lte": maxy, f"{prefix}lon__gte": minx, f"{prefix}lon__lte": maxx}
            )
        if postcodes:
            condition |= Q(**{f"{prefix}postcode__in": list(postcodes)})
        if localities:
            condition |= Q(**{f"{prefix}locality__in": list(localities)})
        return condition & Q(**{f"{prefix}kommun_id": kommun_id, f"{prefix}status": Person.Status.ACTIVE})

    if area is None and not postcodes and not localities:
        return []
    # The communication needs come back as one boolean computed in SQL (fewer columns to transfer and convert).
    needs_comm = ExpressionWrapper(COMMUNICATION, output_field=BooleanField())
    rows = list(
        Person.objects.filter(where())
        .order_by()
        .annotate(comm=needs_comm)
        .values_list(
            "pk",
            "lat",
            "lon",
            "postcode",
            "locality",
            "cannot_evacuate",
            "heat_sensitive",
            "comm",
            "has_device",
            "has_life_device",
            "life_battery_hours",
            "unit_id",
        )
    )
    if area is not None:
        lats = np.fromiter((r[1] if r[1] is not None else np.nan for r in rows), dtype=float, count=len(rows))
        lons = np.fromiter((r[2] if r[2] is not None else np.nan for r in rows), dtype=float, count=len(rows))
        inside = geo.points_inside_array(area, lats, lons)
        if postcodes or localities:
            codes, places = set(postcodes), set(localities)
            rows = [r for flag, r in zip(inside.tolist(), rows, strict=True) if flag or r[3] in codes or r[4] in places]
        else:
            rows = [r for flag, r in zip(inside.tolist(), rows, strict=True) if flag]
    out = [
        Impact(r[0], r[11], _tier(r[10] is not None, r[9], r[5], r[6]), r[10], r[9], r[8], r[5], r[6], bool(r[7])) for r in rows
    ]
    out.sort(key=lambda i: i.sort_key)
    return out


def _clean_area(area_geojson: Any, postcodes: list[str], localities: list[str]) -> tuple[Any, list[str], list[str]]:
    errors = []
    area = None
    if area_geojson:
        try:
            area = geo.parse_area(area_geojson)
        except geo.GeoError as exc:
            errors.append(FieldError(row=None, field="area", message=str(exc)))
    codes = []
    for code in postcodes:
        clean = parse_postcode(code)
        if clean is None:
            errors.append(FieldError(row=None, field="postcodes", message=_("“%(code)s” is not a postcode.") % {"code": code}))
        else:
            codes.append(clean)
    places = [p.strip() for p in localities if p.strip()]
    if not errors and area is None and not codes and not places:
        errors.append(FieldError(row=None, field="area", message=_("Give an area, postcodes or localities.")))
    if errors:
        raise ValidationFailed(details=errors)
    return area, codes, places


def incident_activate(
    *,
    actor: Actor,
    kommun: Organisation,
    kind: str,
    reason: str,
    ends_at: dt.datetime,
    area_geojson: Any = None,
    postcodes: Sequence[str] = (),
    localities: Sequence[str] = (),
    designations: Sequence[tuple[Organisation, str]] = (),
    is_exercise: bool = False,
    confirm_outside: bool = False,
    via: str = "ui",
) -> Incident:
    """Activate an incident for an area of ``kommun`` and snapshot its residents in call-list order.

    An area that reaches outside the kommun's boundary is refused with a warning on ``area`` unless
    ``confirm_outside`` (the user has checked it and confirms).

    Logged in the access log and the audit log; the kommun's MAS is e-mailed after commit.
    Raises ValidationFailed for a bad area, reason or end time; refuses users who may not activate.
    """
    scope = access.can_activate(actor, kommun)
    if scope is None:
        access.refuse(user=actor, kommun=kommun, what="incident.activate", via=via)
    assert scope is not None
    errors = []
    if kind not in Incident.Kind.values:
        errors.append(FieldError(row=None, field="kind", message=_("Unknown incident kind.")))
    if not reason.strip():
        errors.append(FieldError(row=None, field="reason", message=_("A reason is required.")))
    if ends_at <= timezone.now():
        errors.append(FieldError(row=None, field="ends_at", message=_("The end time must be in the future.")))
    if errors:
        raise ValidationFailed(details=errors)
    area, codes, places = _clean_area(area_geojson, list(postcodes), list(localities))
    if area is not None and not confirm_outside and geo.outside_kommun(area, kommun.code):
        raise ValidationFailed(
            details=[
                FieldError(
                    row=None,
                    field="area",
                    message=_(
                        "The area reaches outside %(kommun)s. Check that it is the right area; to activate it anyway, "
                        "tick “The area is right although it reaches outside the kommun”."
                    )
                    % {"kommun": kommun.name},
                    code="area_outside_kommun",
                )
            ]
        )
    with transaction.atomic():
        incident = Incident.objects.create(
            kommun=kommun,
            kind=kind,
            reason=reason.strip(),
            area_geojson=area_geojson or {},
            postcodes=codes,
            localities=places,
            ends_at=ends_at,
            activated_by=actor,
            is_exercise=is_exercise,
        )
        pairs = {(kommun.pk, Role.COORDINATOR), *((o.pk, r) for o, r in designations)}
        IncidentDesignation.objects.bulk_create(
            [IncidentDesignation(incident=incident, organisation_id=o, role=r) for o, r in pairs]
        )
        _snapshot(incident, area)
        access.log(user=actor, scope=scope, action=AccessLog.Action.ACTIVATE, purpose=reason[:200], via=via)
        audit.record(
            actor=actor,
            action="register.incident_activate",
            target=incident,
            organisation=kommun,
            changes={"kind": kind, "ends_at": ends_at, "residents": incident.residents.count(), "is_exercise": is_exercise},
            via=via,
        )
        transaction.on_commit(lambda: notify_mas(incident_id=incident.pk, event="activated"))
    return incident


def _snapshot(incident: Incident, area: Any) -> None:
    impacts = impact_query(kommun_id=incident.kommun_id, area=area, postcodes=incident.postcodes, localities=incident.localities)
    previous = {r.person_id: r for r in IncidentResident.objects.filter(incident=incident)}
    IncidentResident.objects.filter(incident=incident).delete()
    IncidentResident.objects.bulk_create(
        [
            IncidentResident(
                incident=incident,
                person_id=i.person_id,
                rank=n,
                tier=i.tier,
                min_battery_hours=i.min_battery,
                outcome=previous[i.person_id].outcome if i.person_id in previous else "",
                outcome_at=previous[i.person_id].outcome_at if i.person_id in previous else None,
            )
            for n, i in enumerate(impacts, start=1)
        ],
        batch_size=1000,
    )


def incident_change(
    *, actor: Actor, incident: Incident, ends_at: dt.datetime | None = None, end_now: bool = False, via: str = "ui"
) -> Incident:
    """Extend an incident's end time or end it now. Logged; the MAS is notified."""
    scope = access.can_activate(actor, incident.kommun)
    if scope is None:
        access.refuse(user=actor, kommun=incident.kommun, what="incident.change", via=via)
    assert scope is not None
    with transaction.atomic():
        if end_now:
            incident.ended_at = timezone.now()
            action, event = AccessLog.Action.END, "ended"
        else:
            if ends_at is None or ends_at <= timezone.now():
                raise ValidationFailed(
                    details=[FieldError(row=None, field="ends_at", message=_("The end time must be in the future."))]
                )
            incident.ends_at = ends_at
            action, event = AccessLog.Action.EXTEND, "extended"
        incident.save(update_fields=["ended_at", "ends_at", "updated_at"])
        access.log(
            user=actor,
            scope=access.Scope(kommun=scope.kommun, organisation=scope.organisation, role=scope.role, incident=incident),
            action=action,
            via=via,
        )
        audit.record(
            actor=actor,
            action="register.incident_ended" if end_now else "register.incident_extended",
            target=incident,
            organisation=incident.kommun,
            via=via,
        )
        transaction.on_commit(lambda: notify_mas(incident_id=incident.pk, event=event))
    return incident


def incident_refresh(*, actor: Actor, incident: Incident, via: str = "ui") -> int:
    """Recompute the residents in the area from the current register (outcomes already recorded are kept).

    For the kommun's coordinator or MAS while the incident is active. Returns the number of residents.
    """
    scope = access.can_activate(actor, incident.kommun)
    if scope is None or not incident.is_active:
        access.refuse(user=actor, kommun=incident.kommun, what="incident.refresh", via=via)
    assert scope is not None
    area = geo.parse_area(incident.area_geojson) if incident.area_geojson else None
    with transaction.atomic():
        _snapshot(incident, area)
        count = incident.residents.count()
        audit.record(
            actor=actor,
            action="register.incident_refresh",
            target=incident,
            organisation=incident.kommun,
            changes={"residents": count},
            via=via,
        )
    return count


def notify_mas(*, incident_id: int, event: str) -> int:
    """E-mail the kommun's MAS that an incident was activated, extended or ended (no names in the mail)."""
    from beredd.comms.models import Message
    from beredd.comms.services import mail_send

    incident = Incident.objects.select_related("kommun").get(pk=incident_id)
    recipients = sorted(
        set(
            Membership.objects.current().filter(organisation=incident.kommun, role=Role.MAS).values_list("user__email", flat=True)
        )
    )
    words = {"activated": gettext_lazy("activated"), "extended": gettext_lazy("extended"), "ended": gettext_lazy("ended")}
    return mail_send(
        kind=Message.Kind.INCIDENT,
        to=recipients,
        organisation=incident.kommun,
        is_exercise=incident.is_exercise,
        incident=incident,
        subject=gettext_lazy("Beredd: incident %(event)s in %(kommun)s"),
        subject_params={"event": words[event], "kommun": incident.kommun.name},
        body=gettext_lazy(
            "Incident: %(kind)s\nReason: %(reason)s\nEnds: %(ends)s\nResidents in the area: %(count)s\n\n"
            "Every access to identities during the incident is in the access log."
        ),
        context={
            "kind": Incident.Kind(incident.kind).label,
            "reason": incident.reason,
            "ends": timefmt.local(incident.ends_at),
            "count": incident.residents.count(),
        },
    )


def incident_call_list(
    *,
    user: Actor,
    incident: Incident,
    purpose: str = "",
    via: str = "ui",
    action: str = AccessLog.Action.CALL_LIST,
    outcomes: Collection[str] | None = None,
    person_ids: Collection[int] | None = None,
) -> list[IncidentResident]:
    """The incident's residents in priority order with their records, devices, contacts and latest note.

    Designated roles only; every row returned is logged. ``outcomes`` keeps only residents whose latest outcome
    is one of them (``""``: not called yet), so a filtered list logs only the residents it shows.
    """
    scope = access.incident_scope(user, incident)
    if scope is None:
        access.refuse(user=user, kommun=incident.kommun, what=f"{action}:incident {incident.pk}", via=via)
    assert scope is not None
    with transaction.atomic():
        rows = IncidentResident.objects.filter(incident=incident)
        if outcomes is not None:
            rows = rows.filter(outcome__in=list(outcomes))
        if person_ids is not None:
            rows = rows.filter(person_id__in=list(person_ids))
        residents = list(
            rows.select_related("person", "person__unit").prefetch_related("person__devices__device", "person__contacts")
        )
        # The note of each resident's latest follow-up ("needs help: no water"), read with the list it belongs to.
        latest: dict[int, str] = {}
        notes = FollowUp.objects.filter(incident=incident)
        if person_ids is not None:
            notes = notes.filter(person_id__in=list(person_ids))
        for person_id, note in notes.order_by("-at", "-id").values_list("person_id", "note"):
            latest.setdefault(person_id, note)
        for r in residents:
            r.latest_note = latest.get(r.person_id, "")  # type: ignore[attr-defined]  # shown beside the outcome
        access.log(
            user=user,
            scope=scope,
            action=action,
            persons=[(r.person_id, r.person.unit_id) for r in residents],
            purpose=purpose or incident.reason[:200],
            via=via,
        )
    return residents


def followup_record(
    *, user: Actor, incident: Incident, person_id: int, outcome: str, note: str = "", via: str = "ui"
) -> IncidentResident:
    """Record the outcome of a call to one resident of the incident. Logged as a follow-up access."""
    scope = access.incident_scope(user, incident)
    if scope is None:
        access.refuse(user=user, kommun=incident.kommun, what=f"follow_up:incident {incident.pk}", person_id=person_id, via=via)
    assert scope is not None
    if outcome not in FollowUp.Outcome.values:
        raise ValidationFailed(details=[FieldError(row=None, field="outcome", message=_("Unknown outcome."))])
    with transaction.atomic():
        resident = (
            IncidentResident.objects.select_for_update()
            .select_related("person")
            .filter(incident=incident, person_id=person_id)
            .first()
        )
        if resident is None:
            raise NotFoundError("person", person_id)
        now = timezone.now()
        FollowUp.objects.create(incident=incident, person_id=person_id, outcome=outcome, note=note[:300], at=now, by=user)
        resident.outcome, resident.outcome_at = outcome, now
        resident.save(update_fields=["outcome", "outcome_at"])
        access.log(
            user=user,
            scope=scope,
            action=AccessLog.Action.FOLLOW_UP,
            persons=[(person_id, resident.person.unit_id)],
            purpose=outcome,
            via=via,
        )
    return resident


def incident_progress(incident: Incident) -> dict[str, int]:
    """Residents in the area, how many are still unreached, and counts per outcome (no identities)."""
    outcomes = dict(IncidentResident.objects.filter(incident=incident).values_list("outcome").annotate(n=Count("id")))
    total = sum(outcomes.values())
    unreached = sum(n for o, n in outcomes.items() if o in UNREACHED)
    return {"total": total, "unreached": unreached, **{o: outcomes.get(o, 0) for o in FollowUp.Outcome.values}}


def incident_counts(incident: Incident) -> dict[str, int]:
    """Counts per category of the incident's residents (no identities)."""
    qs = IncidentResident.objects.filter(incident=incident)
    life = Q(person__devices__device__life_sustaining=True)
    return {
        "total": qs.count(),
        "life_sustaining": qs.filter(life).values("person_id").distinct().count(),
        "electricity_dependent": qs.filter(person__devices__isnull=False).values("person_id").distinct().count(),
        "cannot_evacuate": qs.filter(person__cannot_evacuate=True).count(),
        "heat_sensitive": qs.filter(person__heat_sensitive=True).count(),
        "communication": qs.filter(
            ~Q(person__language="")
            | Q(person__interpreter=True)
            | Q(person__easy_swedish=True)
            | Q(person__hearing_impaired=True)
            | Q(person__vision_impaired=True)
        ).count(),
    }
