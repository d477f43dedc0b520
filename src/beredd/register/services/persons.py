"""Person records: write them, and read identifiable data (always through here, always logged)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from beredd.accounts.types import Actor
from beredd.core import audit, spreadsheet
from beredd.core.exceptions import FieldError, NotFoundError, ValidationFailed
from beredd.orgs.models import Organisation
from beredd.register import access, crypto
from beredd.register.models import AccessLog, Contact, Device, Person, PersonDevice, RegisterGrant
from beredd.register.services.validation import CARE_FIELDS, PLACE_FIELDS, CleanPerson, PnrError, clean_person, normalise_pnr

LIST_LIMIT = 100


@dataclass
class PersonRecord:
    """An opened record: the person with the decrypted personnummer (never stored in clear)."""

    person: Person
    personnummer: str

    @property
    def personnummer_display(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"


def unit_lookup(kommun: Organisation) -> dict[str, Organisation]:
    """The kommun's units keyed by lower-cased name and by id (how forms and imports name them)."""
    units = Organisation.objects.filter(parent=kommun, kind=Organisation.Kind.UNIT, is_active=True)
    out: dict[str, Organisation] = {}
    for unit in units:
        out[unit.name.lower()] = unit
        out[str(unit.pk)] = unit
    return out


def device_catalogue() -> dict[str, Device]:
    return {d.code: d for d in Device.objects.filter(is_active=True)}


def _find_by_pnr(kommun: Organisation, pnr: str) -> Person | None:
    return Person.objects.filter(kommun=kommun, pnr_hash__in=crypto.search_hashes(pnr)).first()


def _apply(person: Person, clean: CleanPerson) -> None:
    for name, value in clean.values.items():
        setattr(person, name, value)
    person.unit = clean.unit
    person.pnr_encrypted = crypto.encrypt(clean.pnr)
    person.pnr_hash = crypto.search_hash(clean.pnr)
    person.is_coordination_number = clean.is_coordination_number
    person.birth_year = clean.birth_year
    set_device_summary(person, clean.devices)


def set_device_summary(person: Person, devices: list[tuple[Device, Decimal | None]]) -> None:
    """Keep the row's device summary in step with its devices (call before saving the person)."""
    life = [hours for device, hours in devices if device.life_sustaining]
    person.has_device = bool(devices)
    person.has_life_device = bool(life)
    person.life_battery_hours = min((h for h in life if h is not None), default=None)


def refresh_device_summary(person: Person) -> None:
    """Recompute and save the summary from the stored devices (for code that writes PersonDevice rows directly)."""
    set_device_summary(person, [(d.device, d.battery_hours) for d in person.devices.select_related("device")])
    person.save(update_fields=["has_device", "has_life_device", "life_battery_hours"])


def _replace_children(person: Person, clean: CleanPerson) -> None:
    PersonDevice.objects.filter(person=person).delete()
    PersonDevice.objects.bulk_create(
        [PersonDevice(person=person, device=device, battery_hours=hours) for device, hours in clean.devices]
    )
    if clean.contact:
        Contact.objects.filter(person=person).delete()
        Contact.objects.create(person=person, name=clean.contact[0], phone=clean.contact[1])


def person_save(
    *, actor: Actor, kommun: Organisation, data: dict[str, Any], person_id: int | None = None, via: str = "ui"
) -> Person:
    """Create or update one record from raw input. Only the kommun's MAS edits (``register.edit`` at the kommun).

    Raises ValidationFailed (details per field) or the refusal from ``access.refuse``. Logs an EDIT row.
    """
    scope = access.identity_scope(actor, kommun)
    if scope is None or not scope.whole_kommun:
        access.refuse(user=actor, kommun=kommun, what="person.save", person_id=person_id, via=via)
    assert scope is not None
    return _person_save(actor=actor, scope=scope, kommun=kommun, data=data, person_id=person_id, via=via)


@transaction.atomic
def _person_save(
    *, actor: Actor, scope: access.Scope, kommun: Organisation, data: dict[str, Any], person_id: int | None, via: str
) -> Person:
    clean, errors = clean_person(data, units=unit_lookup(kommun), catalogue=device_catalogue())
    if clean is None:
        raise ValidationFailed(details=[FieldError(row=None, field=f, message=m) for f, m in errors])
    existing = _find_by_pnr(kommun, clean.pnr)
    if person_id is None:
        if existing is not None:
            raise ValidationFailed(details=[FieldError(row=None, field="personnummer", message="duplicate")])
        person = Person(kommun=kommun)
    else:
        person = Person.objects.select_for_update().filter(kommun=kommun, pk=person_id).first()  # type: ignore[assignment]  # Person | None, narrowed by the check below
        if person is None:
            raise NotFoundError("person", person_id)
        if existing is not None and existing.pk != person.pk:
            raise ValidationFailed(details=[FieldError(row=None, field="personnummer", message="duplicate")])
    _apply(person, clean)
    person.save()
    _replace_children(person, clean)
    access.log(user=actor, scope=scope, action=AccessLog.Action.EDIT, persons=[(person.pk, person.unit_id)], via=via)
    audit.record(
        actor=actor, action="register.person_save", target=person, organisation=kommun, target_label=f"#{person.pk}", via=via
    )
    return person


def person_open(
    *, user: Actor, person_id: int, purpose: str = "", via: str = "ui", action: str = AccessLog.Action.VIEW
) -> PersonRecord:
    """Open one identifiable record for ``user``: checks need-to-know and logs the access in one transaction.

    Refusals answer the same for an id that exists and one that does not (``access.refuse_record``: 403 for
    users who may open no record at all, 404 for the others) and are logged either way.
    """
    person = Person.objects.select_related("kommun", "unit").filter(pk=person_id).first()
    scope = access.identity_scope(user, person.kommun) if person is not None else None
    if person is None or scope is None or not scope.allows_unit(person.unit_id):
        kommun = person.kommun if person is not None else None
        access.refuse_record(user=user, kommun=kommun, what=f"{action}:{purpose}", person_id=person_id, via=via)
        raise AssertionError("unreachable")  # pragma: no cover (refuse_record raises)
    with transaction.atomic():
        access.log(user=user, scope=scope, action=action, persons=[(person.pk, person.unit_id)], purpose=purpose, via=via)
        record = PersonRecord(person=person, personnummer=crypto.decrypt(person.pnr_encrypted))
    return record


def person_list(
    *,
    user: Actor,
    kommun: Organisation,
    query: str = "",
    status: str = Person.Status.ACTIVE,
    purpose: str = "",
    via: str = "ui",
    limit: int = LIST_LIMIT,
    offset: int = 0,
) -> list[Person]:
    """The residents ``user`` may see in ``kommun`` (a unit: only its own), filtered by name or personnummer.

    Every returned person gets an access-log row (action list, or search when ``query`` is given).
    """
    scope = access.require_identity_scope(user=user, kommun=kommun, what=f"list:{purpose}", via=via)
    qs = Person.objects.filter(kommun=kommun).select_related("unit").prefetch_related("devices__device")
    if scope.unit_ids is not None:
        qs = qs.filter(unit_id__in=scope.unit_ids)
    if status:
        qs = qs.filter(status=status)
    query = query.strip()
    if query:
        qs = qs.filter(_search_condition(query))
    with transaction.atomic():
        people = list(qs[offset : offset + limit])
        action = AccessLog.Action.SEARCH if query else AccessLog.Action.LIST
        if people:
            access.log(
                user=user, scope=scope, action=action, persons=[(p.pk, p.unit_id) for p in people], purpose=purpose, via=via
            )
    return people


def _search_condition(query: str) -> Q:
    if re.fullmatch(r"[\d\s+-]{10,13}", query):
        try:
            pnr, _c, _y = normalise_pnr(query)
        except PnrError:
            return Q(pk__in=[])
        return Q(pnr_hash__in=crypto.search_hashes(pnr))
    condition = Q()
    for word in query.split()[:3]:
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(address__icontains=word)
    return condition


EXPORT_COLUMNS = ["personnummer", *PLACE_FIELDS, "unit", "devices", *CARE_FIELDS, "status"]


def person_export_csv(*, user: Actor, kommun: Organisation, purpose: str = "", via: str = "ui") -> str:
    """The kommun's whole register as CSV (the import format). Only the kommun's own MAS; one log row per person."""
    scope = access.identity_scope(user, kommun)
    if scope is None or not scope.whole_kommun:
        access.refuse(user=user, kommun=kommun, what=f"export:{purpose}", via=via)
    assert scope is not None
    table: list[list[Any]] = []
    with transaction.atomic():
        people = list(Person.objects.filter(kommun=kommun).select_related("unit").prefetch_related("devices__device"))
        for p in people:
            devices = ";".join(
                f"{d.device.code}:{d.battery_hours}" if d.battery_hours is not None else d.device.code for d in p.devices.all()
            )
            table.append(
                [
                    crypto.decrypt(p.pnr_encrypted),
                    p.first_name,
                    p.last_name,
                    p.phone,
                    p.address,
                    p.postcode,
                    p.locality,
                    "" if p.lat is None else p.lat,
                    "" if p.lon is None else p.lon,
                    p.unit.name,
                    devices,
                    *("ja" if v else "nej" for v in (p.cannot_evacuate,)),
                    p.transport_need,
                    *("ja" if v else "nej" for v in (p.heat_sensitive,)),
                    p.language,
                    *("ja" if v else "nej" for v in (p.interpreter, p.easy_swedish, p.hearing_impaired, p.vision_impaired)),
                    p.legal_basis,
                    p.legal_note,
                    p.review_date.isoformat(),
                    p.status,
                ]
            )
        access.log(
            user=user,
            scope=scope,
            action=AccessLog.Action.EXPORT,
            persons=[(p.pk, p.unit_id) for p in people],
            purpose=purpose,
            via=via,
        )
        audit.record(actor=user, action="register.export", organisation=kommun, changes={"rows": len(people)}, via=via)
    # Names, addresses and notes are free text: neutralised against formula injection (core.spreadsheet).
    return spreadsheet.csv_text(EXPORT_COLUMNS, table)


def person_end(*, actor: Actor, person: Person, via: str = "ui") -> Person:
    """End a record (it is purged after the retention period). Only the kommun's MAS."""
    scope = access.identity_scope(actor, person.kommun)
    if scope is None or not scope.whole_kommun:
        access.refuse(user=actor, kommun=person.kommun, what="person.end", person_id=person.pk, via=via)
    assert scope is not None
    with transaction.atomic():
        _end(actor=actor, scope=scope, person=person, via=via)
    return person


def _end(*, actor: Actor, scope: access.Scope, person: Person, via: str) -> None:
    person.status = Person.Status.ENDED
    person.ended_at = timezone.now()
    person.save(update_fields=["status", "ended_at", "updated_at"])
    access.log(user=actor, scope=scope, action=AccessLog.Action.EDIT, persons=[(person.pk, person.unit_id)], via=via)
    audit.record(
        actor=actor, action="register.person_end", target=person, organisation=person.kommun, target_label=f"#{person.pk}"
    )


@transaction.atomic
def person_purge_ended(*, now: dt.datetime | None = None) -> int:
    """Delete records ended longer ago than REGISTER_RETENTION_DAYS. Their access logs stay (no foreign key)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.REGISTER_RETENTION_DAYS)
    stale = Person.objects.filter(status=Person.Status.ENDED, ended_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        from beredd.register.models import FollowUp, IncidentResident

        FollowUp.objects.filter(person_id__in=ids).delete()
        IncidentResident.objects.filter(person_id__in=ids).delete()
        Person.objects.filter(pk__in=ids).delete()
        audit.record(actor="system", action="register.purge", changes={"count": len(ids)}, via="system")
    return len(ids)


def rotate_keys(*, batch: int = 1000) -> int:
    """Re-encrypt every personnummer and import file under the newest key, in small transactions (no downtime).

    Readers keep working throughout: decryption accepts every configured key and searches match every hash.
    """
    done = 0
    last = 0
    while True:
        with transaction.atomic():
            rows = list(Person.objects.select_for_update().filter(pk__gt=last).order_by("pk")[:batch])
            if not rows:
                break
            for p in rows:
                p.pnr_encrypted = crypto.rotate(p.pnr_encrypted)
                p.pnr_hash = crypto.search_hash(crypto.decrypt(p.pnr_encrypted))
            Person.objects.bulk_update(rows, ["pnr_encrypted", "pnr_hash"])
            last = rows[-1].pk
            done += len(rows)
    from beredd.register.models import ImportBatch

    for b in ImportBatch.objects.filter(committed_at__isnull=True):
        b.content_encrypted = crypto.rotate(b.content_encrypted)
        b.save(update_fields=["content_encrypted"])
    audit.record(actor="system", action="register.rotate_key", changes={"count": done}, via="cli")
    return done


@transaction.atomic
def grant_create(*, actor: Actor, kommun: Organisation, unit: Organisation, role: str) -> RegisterGrant:
    """The kommun's MAS lets ``role`` at one of its units see that unit's own residents."""
    scope = access.identity_scope(actor, kommun)
    if scope is None or not scope.whole_kommun or unit.parent_id != kommun.pk:
        raise NotFoundError("grant")
    grant, _created = RegisterGrant.objects.get_or_create(
        unit=unit, role=role, revoked_at=None, defaults={"kommun": kommun, "granted_by": actor}
    )
    audit.record(actor=actor, action="register.grant", target=grant, organisation=kommun, changes={"unit": unit.pk, "role": role})
    return grant


@transaction.atomic
def grant_revoke(*, actor: Actor, grant: RegisterGrant) -> RegisterGrant:
    scope = access.identity_scope(actor, grant.kommun)
    if scope is None or not scope.whole_kommun:
        raise NotFoundError("grant")
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at", "updated_at"])
    audit.record(actor=actor, action="register.grant_revoke", target=grant, organisation=grant.kommun)
    return grant
