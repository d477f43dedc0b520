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
from beredd.accounts.types import Actor
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation
from beredd.register import access
from beredd.register.models import AccessLog, Incident, Person, PersonDevice

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


def _atom_ok(total: int, primaries: int, secondaries: int) -> bool:
    """Whether an atom (hidden cells whose sum a reader can work out) protects its small cells.

    A reader knows the sum, that each "<5" is 1–4 and that each "×" is at least 5 (it would say "<5" otherwise).
    Every small cell must keep at least two possible values, and the small cells' sum must not be known to be
    under 5.
    """
    if primaries == 0:
        return True
    if secondaries == 0:
        return primaries >= 2 and max(5, primaries + 1) <= total <= 4 * primaries - 1
    return total >= 5 * secondaries + primaries + 1


def suppress_tree(values: dict[Any, int], parent: dict[Any, Any]) -> set[Any]:
    """The cells to hide in a hierarchical table where every inner node is the sum of its children.

    ``values`` holds every published cell (leaves and sums), ``parent`` maps each cell to its parent (None at the
    root); leaves are the cells that are nobody's parent. Cells 1–4 are hidden (primary, "<5"). Whatever a reader
    combines, the only exact facts left about hidden leaves are the sums of their "atoms": the hidden leaves whose
    nearest shown ancestor is the same cell (that shown sum minus the shown cells and atoms below it; atoms are
    disjoint). Secondary cells ("×", the smallest that suffice) are hidden until every atom passes ``_atom_ok``, so
    that no hidden cell and no group of them can be recovered as 1–4. Deterministic: the same table always gives the
    same cells, so any part of it (one kommun, one län) is shown with the same pattern.
    """
    is_parent = {p for p in parent.values() if p is not None}
    leaves = sorted((n for n in values if n not in is_parent), key=str)
    ancestors: dict[Any, list[Any]] = {}
    for leaf in leaves:
        chain, node = [], parent.get(leaf)
        while node is not None:
            chain.append(node)
            node = parent.get(node)
        ancestors[leaf] = chain
    hidden = {n for n, v in values.items() if 1 <= v <= 4}
    while True:
        atoms: dict[Any, list[int]] = {}
        for leaf in leaves:
            if leaf in hidden:
                owner = next((a for a in ancestors[leaf] if a not in hidden), None)
                if owner is not None:
                    atom = atoms.setdefault(owner, [0, 0, 0])
                    atom[0] += values[leaf]
                    atom[1 if values[leaf] <= 4 else 2] += 1
        bad = next((o for o in sorted(atoms, key=str) if not _atom_ok(*atoms[o])), None)
        if bad is None:
            return hidden
        total, primaries, secondaries = atoms[bad]
        best: tuple[tuple[int, int, int, str], list[Any]] | None = None
        for leaf in leaves:
            v = values[leaf]
            if leaf in hidden or v <= 0 or bad not in ancestors[leaf]:
                continue
            between = ancestors[leaf][: ancestors[leaf].index(bad)]
            path = [leaf, *(a for a in between if a not in hidden)]
            passes = _atom_ok(total + v, primaries, secondaries + 1)
            # Prefer a cell that settles the atom (fewest hidden, smallest); else the largest one.
            key = (0 if passes else 1, len(path), v if passes else -v, str(leaf))
            if best is None or key < best[0]:
                best = (key, path)
        if best is not None:
            hidden.update(best[1])
        else:
            hidden.add(bad)


def _cell(value: int, hidden: bool) -> Cell:
    if not hidden:
        return Cell(value, str(value))
    return Cell(value, SMALL if 1 <= value <= 4 else SECONDARY)


def suppress(rows: list[dict[str, int]], columns: list[str]) -> tuple[list[dict[str, Cell]], dict[str, Cell]]:
    """A one-level table (rows and their total), suppressed per column with ``suppress_tree``."""
    parent: dict[Any, Any] = {"total": None, **{i: "total" for i in range(len(rows))}}
    table: list[dict[str, Cell]] = [{} for _ in rows]
    totals: dict[str, Cell] = {}
    for c in columns:
        values: dict[Any, int] = {"total": sum(r[c] for r in rows), **{i: r[c] for i, r in enumerate(rows)}}
        hidden = suppress_tree(values, parent)
        for i in range(len(rows)):
            table[i][c] = _cell(values[i], i in hidden)
        totals[c] = _cell(values["total"], "total" in hidden)
    return table, totals


def _kommun_counts() -> dict[int, dict[str, int]]:
    """Active residents per kommun and category, for every kommun with any (a handful of grouped queries)."""
    base = Person.objects.filter(status=Person.Status.ACTIVE)
    devices = PersonDevice.objects.filter(person__status=Person.Status.ACTIVE)
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
    electric = dict(
        devices.values("person__kommun_id").annotate(n=Count("person_id", distinct=True)).values_list("person__kommun_id", "n")
    )
    life = dict(
        devices.filter(device__life_sustaining=True)
        .values("person__kommun_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("person__kommun_id", "n")
    )
    out: dict[int, dict[str, int]] = {}
    for kid in set(per) | set(electric) | set(life):
        r: dict[str, Any] = dict(per.get(kid, {}))
        out[kid] = {
            "total": r.get("total", 0),
            "electricity_dependent": electric.get(kid, 0),
            "life_sustaining": life.get(kid, 0),
            "cannot_evacuate": r.get("cannot_evacuate", 0),
            "heat_sensitive": r.get("heat_sensitive", 0),
            "communication": r.get("communication", 0),
        }
    return out


def suppressed_counts() -> dict[int, dict[str, Cell]]:
    """Every published count cell, keyed by organisation id: each kommun and each organisation above kommuner.

    The suppression is computed once on the whole national hierarchy (kommun → län → civilområde → nation, each sum
    published to someone), and every view of any part of it reuses those cells. So a reader who combines the county
    table with a single kommun, or one län with the nation, meets the same hidden cells and cannot subtract their way
    to a small number.
    """
    kommuner = list(Organisation.objects.filter(kind=Organisation.Kind.KOMMUN).values_list("pk", "path"))
    parent: dict[Any, Any] = {}
    for pk, path in kommuner:
        chain = [int(x) for x in path.strip("/").split("/") if x]
        if not chain or chain[-1] != pk:
            chain = [*chain, pk]
        for i, org_id in enumerate(chain):
            parent.setdefault(org_id, chain[i - 1] if i else None)
    per = _kommun_counts()
    kommun_ids = {pk for pk, _path in kommuner}
    cells: dict[int, dict[str, Cell]] = {n: {} for n in parent}
    for c in COUNT_COLUMNS:
        values = dict.fromkeys(parent, 0)
        for kid in kommun_ids:
            v = per.get(kid, {}).get(c, 0)
            node: int | None = kid
            while node is not None:
                values[node] += v
                node = parent[node]
        hidden = suppress_tree(values, parent)
        for n, v in values.items():
            cells[n][c] = _cell(v, n in hidden)
    return cells


def counts_for_user(*, user: Actor, org: Organisation) -> tuple[list[tuple[Organisation, dict[str, Cell]]], dict[str, Cell]]:
    """Active residents per kommun in ``org``'s subtree and per category, suppressed. Never names.

    Every cell comes from ``suppressed_counts()`` (one pattern for the whole country), whoever asks and at whatever
    level, so that no combination of answers reveals a value 1–4. Raises NotFoundError when the user may not see
    counts at ``org``.
    """
    if not policy.can(user, "register.view_counts", org):
        raise NotFoundError("organisation", org.pk)
    kommuner = list(Organisation.objects.subtree_of(org).filter(kind=Organisation.Kind.KOMMUN).order_by("name"))
    cells = suppressed_counts()
    zero = {c: Cell(0, "0") for c in COUNT_COLUMNS}
    rows = [(k, cells.get(k.pk, zero)) for k in kommuner]
    totals = cells.get(org.pk, zero) if kommuner else zero
    return rows, totals


def suppress_one(counts: dict[str, int]) -> dict[str, str]:
    """Suppress a single set of counts (an incident seen by someone without identity access)."""
    table, _totals = suppress([counts], list(counts))
    return {c: cell.shown for c, cell in table[0].items()}


def suppress_progress(progress: dict[str, int]) -> dict[str, str]:
    """An incident's progress for someone without identity access: residents and unreached, suppressed so that
    neither they nor the reached (residents minus unreached) reveal a value 1–4."""
    total, unreached = progress["total"], progress["unreached"]
    values = {"total": total, "unreached": unreached, "reached": total - unreached}
    hidden = suppress_tree(values, {"total": None, "unreached": "total", "reached": "total"})
    return {k: _cell(values[k], k in hidden).shown for k in ("total", "unreached")}


# --- incidents ------------------------------------------------------------------------------------


def incidents_for_user(*, user: Actor, org: Organisation) -> QuerySet[Incident]:
    """Incidents of the kommuner in ``org``'s subtree that the user may see counts for, newest first."""
    if not policy.can(user, "register.view_counts", org):
        return Incident.objects.none()
    return Incident.objects.filter(kommun__path__startswith=org.path).select_related("kommun")


def incident_get_for_user(*, user: Actor, incident_id: int) -> Incident:
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


def review_kommun_for_user(*, user: Actor, kommun_id: int | None = None) -> Organisation:
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
    user: Actor,
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
    return list(
        AccessLog.objects.filter(kommun=kommun, person_id=person_id)
        .select_related("organisation", "incident")
        .order_by("at", "id")
    )


def overdue_reviews_count(*, kommun: Organisation) -> int:
    """Active records whose review date has passed (a count: no identities, no access-log row needed)."""
    return Person.objects.filter(kommun=kommun, status=Person.Status.ACTIVE, review_date__lt=timezone.localdate()).count()


# --- crisis communication (used by comms: counts and units, never names) --------------------------

NEEDS_COLUMNS = ["total", "home_care", "interpreter", "easy_swedish", "hearing_impaired", "vision_impaired"]


@dataclass
class AreaNeeds:
    """What a message to an incident area must reach: counts per need and per language, shown as cells."""

    cells: dict[str, Cell]
    languages: list[tuple[str, dict[str, Cell]]]
    suppressed: bool


def incident_needs_counts(*, user: Actor, incident: Incident) -> AreaNeeds:
    """Active residents in the incident area who need adapted communication: home-care clients, interpreter, easy
    Swedish, hearing or vision impairment, and per language (how many speak it, how many of them need an
    interpreter). Anyone without identity access to the incident gets the register's small-number suppression
    (``suppress``: a cell 1–4 and whatever would reveal it hidden). Never names. NotFoundError without count access.
    """
    if not (policy.can(user, "register.view_counts", incident.kommun) or access.incident_scope(user, incident) is not None):
        raise NotFoundError("incident", incident.pk)
    people = Person.objects.filter(status=Person.Status.ACTIVE, pk__in=incident.residents.values("person_id"))
    raw = people.aggregate(
        total=Count("id"),
        home_care=Count("id", filter=Q(unit__service_kind="hemtjanst")),
        interpreter=Count("id", filter=Q(interpreter=True)),
        easy_swedish=Count("id", filter=Q(easy_swedish=True)),
        hearing_impaired=Count("id", filter=Q(hearing_impaired=True)),
        vision_impaired=Count("id", filter=Q(vision_impaired=True)),
    )
    per_language = list(
        people.exclude(language="")
        .values("language")
        .annotate(speakers=Count("id"), interpreter=Count("id", filter=Q(interpreter=True)))
        .order_by("language")
    )
    show_all = access.incident_scope(user, incident) is not None
    if show_all:
        cells = {c: Cell(raw[c], str(raw[c])) for c in NEEDS_COLUMNS}
        languages = [(r["language"], {k: Cell(r[k], str(r[k])) for k in ("speakers", "interpreter")}) for r in per_language]
        return AreaNeeds(cells=cells, languages=languages, suppressed=False)
    table, _totals = suppress([{c: raw[c] for c in NEEDS_COLUMNS}], NEEDS_COLUMNS)
    lang_rows, _lang_totals = suppress(
        [{"speakers": r["speakers"], "interpreter": r["interpreter"]} for r in per_language], ["speakers", "interpreter"]
    )
    languages = [(r["language"], cells) for r, cells in zip(per_language, lang_rows, strict=True)]
    return AreaNeeds(cells=table[0], languages=languages, suppressed=True)


def incident_units(*, user: Actor, incident: Incident) -> QuerySet[Organisation]:
    """The units (care providers) whose active residents are in the incident area: organisations, never residents."""
    if not policy.can(user, "register.view_counts", incident.kommun):
        raise NotFoundError("incident", incident.pk)
    unit_ids = Person.objects.filter(status=Person.Status.ACTIVE, pk__in=incident.residents.values("person_id")).values("unit_id")
    return Organisation.objects.filter(pk__in=unit_ids, is_active=True).order_by("name")
