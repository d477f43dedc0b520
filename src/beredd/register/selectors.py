"""Reads without identities: counts (with small-number suppression), incidents, and the MAS's log review.

Identifiable reads are in ``register.services`` (they must write the access log).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from beredd.accounts import policy
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation
from beredd.register.models import AccessLog, Incident, Person, PersonDevice
from beredd.register.services import access

COUNT_COLUMNS = ["total", "electricity_dependent", "life_sustaining", "cannot_evacuate", "heat_sensitive", "communication"]
SMALL = "<5"
SECONDARY = "×"
BULK_THRESHOLD = 50
NIGHT_START, NIGHT_END = 22, 6


@dataclass
class Cell:
    value: int
    shown: str

    @property
    def suppressed(self) -> bool:
        return self.shown in {SMALL, SECONDARY}


def _primary(n: int) -> str:
    return SMALL if 1 <= n <= 4 else str(n)


def suppress(rows: list[dict[str, int]], columns: list[str]) -> tuple[list[dict[str, Cell]], dict[str, Cell]]:
    """Cells 1–4 become "<5". Where a column has exactly one such cell, a second cell (the smallest other
    non-zero one, or else the total) is also hidden, so that the total minus the others cannot reveal it."""
    table = [{c: Cell(r[c], _primary(r[c])) for c in columns} for r in rows]
    totals = {c: Cell(sum(r[c] for r in rows), _primary(sum(r[c] for r in rows))) for c in columns}
    for c in columns:
        hidden = [row[c] for row in table if row[c].shown == SMALL]
        if len(hidden) != 1 or totals[c].suppressed:
            continue
        others = [row[c] for row in table if not row[c].suppressed and row[c].value > 0]
        if others:
            min(others, key=lambda cell: cell.value).shown = SECONDARY
        else:
            totals[c].shown = SECONDARY
    return table, totals


def counts_for_user(*, user: Any, org: Organisation) -> tuple[list[tuple[Organisation, dict[str, Cell]]], dict[str, Cell]]:
    """Active residents per kommun in ``org``'s subtree and per category, suppressed. Never names.

    Raises NotFoundError when the user may not see counts at ``org``.
    """
    if not policy.can(user, "register.view_counts", org):
        raise NotFoundError("organisation", org.pk)
    kommuner = list(Organisation.objects.subtree_of(org).filter(kind=Organisation.Kind.KOMMUN).order_by("name"))
    ids = [k.pk for k in kommuner]
    base = Person.objects.filter(kommun_id__in=ids, status=Person.Status.ACTIVE)
    comm = ~Q(language="") | Q(interpreter=True) | Q(easy_swedish=True) | Q(hearing_impaired=True) | Q(vision_impaired=True)
    per = {
        r["kommun_id"]: r
        for r in base.values("kommun_id").annotate(
            total=Count("id"),
            cannot_evacuate=Count("id", filter=Q(cannot_evacuate=True)),
            heat_sensitive=Count("id", filter=Q(heat_sensitive=True)),
            communication=Count("id", filter=comm),
        )
    }
    devices = PersonDevice.objects.filter(person__kommun_id__in=ids, person__status=Person.Status.ACTIVE)
    electric = dict(
        devices.values("person__kommun_id").annotate(n=Count("person_id", distinct=True)).values_list("person__kommun_id", "n")
    )
    life = dict(
        devices.filter(device__life_sustaining=True)
        .values("person__kommun_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("person__kommun_id", "n")
    )
    rows = []
    for k in kommuner:
        r: dict[str, Any] = dict(per.get(k.pk, {}))
        rows.append(
            {
                "total": r.get("total", 0),
                "electricity_dependent": electric.get(k.pk, 0),
                "life_sustaining": life.get(k.pk, 0),
                "cannot_evacuate": r.get("cannot_evacuate", 0),
                "heat_sensitive": r.get("heat_sensitive", 0),
                "communication": r.get("communication", 0),
            }
        )
    table, totals = suppress(rows, COUNT_COLUMNS)
    return list(zip(kommuner, table, strict=True)), totals


def suppress_one(counts: dict[str, int]) -> dict[str, str]:
    """Suppress a single set of counts (an incident seen by someone without identity access)."""
    table, _totals = suppress([counts], list(counts))
    return {c: cell.shown for c, cell in table[0].items()}


# --- incidents ------------------------------------------------------------------------------------


def incidents_for_user(*, user: Any, org: Organisation) -> QuerySet[Incident]:
    """Incidents of the kommuner in ``org``'s subtree that the user may see counts for, newest first."""
    if not policy.can(user, "register.view_counts", org):
        return Incident.objects.none()
    return Incident.objects.filter(kommun__path__startswith=org.path).select_related("kommun")


def incident_get_for_user(*, user: Any, incident_id: int) -> Incident:
    """One incident: for counts roles above or in the kommun, and for designated roles. Else NotFoundError."""
    incident = Incident.objects.select_related("kommun", "activated_by").filter(pk=incident_id).first()
    if incident is None:
        raise NotFoundError("incident", incident_id)
    if policy.can(user, "register.view_counts", incident.kommun) or access.incident_scope(user, incident) is not None:
        return incident
    raise NotFoundError("incident", incident_id)


# --- the MAS's log review -------------------------------------------------------------------------


def _night() -> Q:
    return Q(at__hour__gte=NIGHT_START) | Q(at__hour__lt=NIGHT_END)


def anomaly_condition() -> Q:
    """Rows worth a second look (HSLF-FS 2016:40 4 kap. 9 §: systematic log review)."""
    bulk = Q(batch_size__gte=BULK_THRESHOLD, action__in=["list", "search", "export", "print", "call_list"])
    outside = Q(organisation__kind=Organisation.Kind.UNIT, person_id__isnull=False) & ~Q(person_unit_id=F("organisation_id"))
    no_incident = Q(incident__isnull=True, person_id__isnull=False) & ~Q(organisation_id=F("kommun_id"))
    return Q(action=AccessLog.Action.DENIED) | bulk | outside | no_incident | _night()


def anomalies(entry: AccessLog) -> list[str]:
    """Names of the hints that apply to one row (for the review table)."""
    hints = []
    if entry.action == AccessLog.Action.DENIED:
        hints.append("denied")
    if (
        entry.organisation is not None
        and entry.organisation.kind == Organisation.Kind.UNIT
        and entry.person_id
        and entry.person_unit_id != entry.organisation_id
    ):
        hints.append("outside_unit")
    if entry.batch_size >= BULK_THRESHOLD and entry.action in {"list", "search", "export", "print", "call_list"}:
        hints.append("bulk")
    hour = timezone.localtime(entry.at).hour
    if hour >= NIGHT_START or hour < NIGHT_END:
        hints.append("night")
    if entry.incident_id is None and entry.person_id and entry.organisation_id != entry.kommun_id:
        hints.append("no_incident")
    return hints


def review_kommun_for_user(*, user: Any, kommun_id: int | None = None) -> Organisation:
    """The kommun whose log the user reviews: only the kommun's own MAS. Else NotFoundError."""
    for k in access.kommuner_with_identity_access(user):
        scope = access.identity_scope(user, k)
        if (
            scope is not None
            and scope.whole_kommun
            and (kommun_id is None or k.pk == kommun_id)
            and policy.can(user, "register.review_log", k)
        ):
            return k
    raise NotFoundError("access_log", kommun_id)


def access_log_for_user(
    *,
    user: Any,
    kommun: Organisation,
    actor: str = "",
    action: str = "",
    person_id: str = "",
    date_from: str = "",
    date_to: str = "",
    only_anomalies: bool = False,
) -> QuerySet[AccessLog]:
    """The kommun's access log for its MAS, newest first, filtered."""
    review_kommun_for_user(user=user, kommun_id=kommun.pk)
    qs = AccessLog.objects.filter(kommun=kommun).select_related("organisation", "incident")
    if actor:
        qs = qs.filter(user_label__icontains=actor)
    if action in AccessLog.Action.values:
        qs = qs.filter(action=action)
    if person_id.isdigit():
        qs = qs.filter(person_id=int(person_id))
    for value, lookup in ((date_from, "at__date__gte"), (date_to, "at__date__lte")):
        try:
            qs = qs.filter(**{lookup: dt.date.fromisoformat(value)}) if value else qs
        except ValueError:
            continue
    if only_anomalies:
        qs = qs.filter(anomaly_condition())
    return qs


def log_extract_rows(*, kommun: Organisation, person_id: int) -> list[AccessLog]:
    """Every access to one person's record, oldest first (the patient's right to a log extract, PDL 8 kap. 1 §)."""
    return list(AccessLog.objects.filter(kommun=kommun, person_id=person_id).select_related("organisation").order_by("at", "id"))


def overdue_reviews_count(*, kommun: Organisation) -> int:
    """Active records whose review date has passed (a count: no identities, no access-log row needed)."""
    return Person.objects.filter(kommun=kommun, status=Person.Status.ACTIVE, review_date__lt=timezone.localdate()).count()


def prefill_counts(*, user: Any, org: Organisation) -> dict[str, str]:
    """Suppressed counts for ``org``'s subtree keyed ``register.<category>``, for filling a reporting field.

    Returns the totals row (a kommun gets its own counts, a län the sum over its kommuner), never names.
    """
    _rows, totals = counts_for_user(user=user, org=org)
    return {f"register.{c}": cell.shown for c, cell in totals.items()}
