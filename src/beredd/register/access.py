"""Need-to-know access to identities and the PDL access log.

Who may see identities (HSLF-FS 2016:40 4 kap. 2 §: access is limited to what each user needs):
- the MAS/MAR holding that role at the owning kommun itself (not a län or national role above it): all
  of the kommun's residents;
- users holding a role at a unit of the kommun that the kommun granted (``RegisterGrant``), or a MAS
  membership at the unit: that unit's own residents only;
- while an incident is active, users holding a designated role (``IncidentDesignation``): the residents in the
  incident area only, through the incident's call list.
Everyone else is refused, and the refusal itself is logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core.exceptions import NotFoundError, PermissionDeniedError
from beredd.orgs.models import Organisation
from beredd.register.models import AccessLog, Incident, RegisterGrant

IDENTITY_ROLES = policy.PERMISSIONS["register.view_identities"]


@dataclass(frozen=True)
class Scope:
    """What one user may see in one kommun, and through which membership (for the log)."""

    kommun: Organisation
    organisation: Organisation
    role: str
    unit_ids: frozenset[int] | None = None  # None: every resident of the kommun
    incident: Incident | None = None

    @property
    def whole_kommun(self) -> bool:
        return self.unit_ids is None and self.incident is None

    def allows_unit(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids


def identity_scope(user: Actor, kommun: Organisation) -> Scope | None:
    """The user's standing access to identities in ``kommun`` (not through an incident), or None."""
    units: dict[int, tuple[Organisation, str]] = {}
    for m in policy.memberships(user):
        org = m.organisation
        if org.pk == kommun.pk and m.role in IDENTITY_ROLES:
            return Scope(kommun=kommun, organisation=org, role=m.role)
        if org.kind == Organisation.Kind.UNIT and org.parent_id == kommun.pk:
            units[org.pk] = (org, m.role)
    if not units:
        return None
    granted = {
        (unit_id, role)
        for unit_id, role in RegisterGrant.objects.filter(kommun=kommun, unit_id__in=units, revoked_at__isnull=True).values_list(
            "unit_id", "role"
        )
    }
    allowed = {uid: pair for uid, pair in units.items() if pair[1] in IDENTITY_ROLES or (uid, pair[1]) in granted}
    if not allowed:
        return None
    org, role = next(iter(allowed.values()))
    return Scope(kommun=kommun, organisation=org, role=role, unit_ids=frozenset(allowed))


def incident_scope(user: Actor, incident: Incident) -> Scope | None:
    """Access to an incident's call list: standing access, or a designated role while the incident is active."""
    standing = identity_scope(user, incident.kommun)
    if standing is not None and standing.whole_kommun:
        return Scope(kommun=incident.kommun, organisation=standing.organisation, role=standing.role, incident=incident)
    if not incident.is_active:
        return None
    wanted = {(d.organisation_id, d.role) for d in incident.designations.all()}
    for m in policy.memberships(user):
        if (m.organisation_id, m.role) in wanted:
            return Scope(kommun=incident.kommun, organisation=m.organisation, role=m.role, incident=incident)
    return None


def can_activate(user: Actor, kommun: Organisation) -> Scope | None:
    """Coordinators and the MAS of the kommun itself activate incidents (held at the kommun, not above it)."""
    granted = policy.PERMISSIONS["register.activate_incident"]
    for m in policy.memberships(user):
        if m.organisation_id == kommun.pk and m.role in granted:
            return Scope(kommun=kommun, organisation=m.organisation, role=m.role)
    return None


def log(
    *,
    user: Actor,
    scope: Scope,
    action: str,
    persons: Iterable[tuple[int, int]] = (),
    purpose: str = "",
    via: str = "ui",
    batch_size: int | None = None,
) -> int:
    """Write one access-log row per (person_id, unit_id), or one row without a person. Returns rows written.

    HSLF-FS 2016:40 4 kap. 9 §: every access to identifiable data is logged, with who, when, which unit,
    which patient and what action. Call inside the transaction that reads the data.
    """
    now = timezone.now()
    pairs = list(persons)
    label = str(getattr(user, "email", "") or getattr(user, "pk", "") or "anonymous")
    common = {
        "at": now,
        "user": user if getattr(user, "pk", None) else None,
        "user_label": label[:254],
        "role": scope.role,
        "organisation": scope.organisation,
        "kommun": scope.kommun,
        "incident": scope.incident,
        "action": action,
        "purpose": purpose[:200],
        "via": via,
        "batch_size": batch_size if batch_size is not None else max(len(pairs), 1),
    }
    if len(pairs) > 1 and connection.vendor == "postgresql":
        return _log_many_postgres(common, pairs)
    rows = [AccessLog(person_id=pid, person_unit_id=uid, **common) for pid, uid in pairs] or [AccessLog(**common)]
    AccessLog.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _log_many_postgres(common: dict[str, Any], pairs: list[tuple[int, int]]) -> int:
    """One INSERT ... SELECT FROM unnest(...) for a whole list: no model instances (keeps list pages fast)."""
    values = [
        common["at"],
        getattr(common["user"], "pk", None),
        common["user_label"],
        common["role"],
        getattr(common["organisation"], "pk", None),
        getattr(common["kommun"], "pk", None),
        getattr(common["incident"], "pk", None),
        common["action"],
        common["purpose"],
        common["via"],
        common["batch_size"],
        [p for p, _u in pairs],
        [u for _p, u in pairs],
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO register_accesslog (at, user_id, user_label, role, organisation_id, kommun_id, incident_id, action,"
            " purpose, via, batch_size, person_id, person_unit_id)"
            " SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, t.p, t.u FROM unnest(%s::bigint[], %s::bigint[]) AS t(p, u)",
            values,
        )
    return len(pairs)


def refuse(
    *,
    user: Actor,
    kommun: Organisation | None,
    what: str,
    person_id: int | None = None,
    via: str = "ui",
    forbidden: bool = False,
    hidden: bool = False,
) -> None:
    """Log a refused attempt (committed even though the caller then fails), then raise.

    Upper levels (county, national) and other roles in the kommun get 403; outsiders get 404 so that ids
    reveal nothing. ``forbidden`` gives 403 to everyone (a request naming no record, e.g. a kommun's list),
    ``hidden`` 404 to everyone (see ``refuse_record``).
    """
    memberships = policy.memberships(user)
    role = ",".join(sorted({m.role for m in memberships}))[:32]
    org = memberships[0].organisation if memberships else None
    with transaction.atomic():
        AccessLog.objects.create(
            user=user if getattr(user, "pk", None) else None,
            user_label=str(getattr(user, "email", "") or "anonymous")[:254],
            role=role,
            organisation=org,
            kommun=kommun,
            person_id=person_id,
            action=AccessLog.Action.DENIED,
            purpose=what[:200],
            via=via,
        )
    if hidden:
        raise NotFoundError("person", person_id)
    if forbidden or (kommun is not None and policy.can(user, "register.view_counts", kommun)):
        raise PermissionDeniedError()
    raise NotFoundError("person", person_id)


def refuse_record(*, user: Actor, kommun: Organisation | None, what: str, person_id: int, via: str = "ui") -> None:
    """Refuse a request naming one record, the same way whether the record exists or not (no id oracle).

    The answer depends on the user only, never on the record: a user who may see a kommun's (or a county's, the
    nation's) register counts but open no record anywhere (county, national, a kommun's coordinator or viewer)
    gets 403 for every record id; everyone else (who may open some records, or only belongs to a unit) gets 404
    for every record they may not open and for ids that do not exist. Both are logged; ``kommun`` is the
    record's kommun when it exists (so its MAS sees the attempt), else None.
    """
    counts = policy.PERMISSIONS["register.view_counts"]
    forbidden = not kommuner_with_identity_access(user) and any(
        m.role in counts and m.organisation.kind != Organisation.Kind.UNIT for m in policy.memberships(user)
    )
    refuse(user=user, kommun=kommun, what=what, person_id=person_id, via=via, forbidden=forbidden, hidden=not forbidden)


def require_identity_scope(*, user: Actor, kommun: Organisation, what: str, via: str = "ui") -> Scope:
    scope = identity_scope(user, kommun)
    if scope is None:
        refuse(user=user, kommun=kommun, what=what, via=via)
        raise AssertionError("unreachable")  # pragma: no cover
    return scope


def require_kommun_mas(*, user: Actor, kommun: Organisation, what: str, via: str = "ui") -> Scope:
    """Whole-kommun access (the kommun's own MAS/MAR): needed for edits, import and export."""
    scope = identity_scope(user, kommun)
    if scope is None or not scope.whole_kommun:
        refuse(user=user, kommun=kommun, what=what, via=via)
        raise AssertionError("unreachable")  # pragma: no cover
    return scope


def kommuner_with_identity_access(user: Actor) -> list[Organisation]:
    """Kommuner where the user has standing identity access (for menus and the API's default kommun)."""
    out: dict[int, Organisation] = {}
    for m in policy.memberships(user):
        org = m.organisation
        if org.kind == Organisation.Kind.KOMMUN and m.role in IDENTITY_ROLES:
            out[org.pk] = org
        elif org.kind == Organisation.Kind.UNIT and org.parent_id and org.parent_id not in out:
            kommun = Organisation.objects.filter(pk=org.parent_id).first()
            if kommun is not None and identity_scope(user, kommun) is not None:
                out[kommun.pk] = kommun
    return list(out.values())


def can_manage_devices(user: Actor) -> bool:
    """The device catalogue is national: only a national administrator changes it."""
    nation = Organisation.objects.filter(kind=Organisation.Kind.NATION).first()
    return policy.can(user, "register.manage_devices", nation)
