"""Reads for crisis command, limited to what the user may see. Missing and not-yours both raise NotFoundError."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.command.models import LEVEL_RANK, Alert, Level, LogEntry, ReadinessChange, RequestStep, SupportRequest
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.reporting.models import Event, Round, SubmissionVersion, TemplateField

K = Organisation.Kind
# Which kinds a board over an organisation lists by default: a county lists its kommuner, a kommun its units.
BOARD_KIND = {K.NATION: K.LAN, K.CIVILOMRADE: K.LAN, K.LAN: K.KOMMUN, K.KOMMUN: K.UNIT, K.UNIT: K.UNIT}
BOARD_SORTS = {
    "name": "name",
    "-name": "-name",
    "level": "level_rank",
    "-level": "-level_rank",
    "changed": "changed_at",
    "-changed": "-changed_at",
}


# --- Readiness ---------------------------------------------------------------------------------------


def current_level(*, organisation: Organisation, service_kind: str = "", at: dt.datetime | None = None) -> ReadinessChange | None:
    return (
        ReadinessChange.objects.filter(
            organisation=organisation, service_kind=service_kind, applies_from__lte=at or timezone.now()
        )
        .order_by("-applies_from", "-id")
        .first()
    )


def with_current_levels(orgs: QuerySet[Organisation], *, service_kind: str = "") -> QuerySet[Organisation]:
    """Annotate ``level``, ``previous_level``, ``changed_at`` (latest change in force) on each organisation:
    one correlated subquery per column on the (organisation, service_kind, applies_from) index."""
    latest = ReadinessChange.objects.filter(
        organisation=OuterRef("pk"), service_kind=service_kind, applies_from__lte=timezone.now()
    ).order_by("-applies_from", "-id")
    return orgs.annotate(
        level=Subquery(latest.values("level")[:1]),
        previous_level=Subquery(latest.values("previous_level")[:1]),
        changed_at=Subquery(latest.values("applies_from")[:1]),
    )


def latest_changes(*, org_ids: list[int], service_kind: str = "") -> dict[int, tuple[str, str, dt.datetime]]:
    """Organisation id → (level, previous level, applies from) of the change in force now. On PostgreSQL one
    ``DISTINCT ON`` over the (organisation, service_kind, applies_from) index; elsewhere a correlated subquery."""
    from django.db import connection

    if not org_ids:
        return {}
    changes = ReadinessChange.objects.filter(service_kind=service_kind, applies_from__lte=timezone.now())
    if connection.vendor == "postgresql":
        rows = (
            changes.filter(organisation_id__in=org_ids)
            .order_by("organisation_id", "-applies_from", "-id")
            .distinct("organisation_id")
            .values_list("organisation_id", "level", "previous_level", "applies_from")
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}
    latest = changes.filter(organisation=OuterRef("pk")).order_by("-applies_from", "-id").values("pk")[:1]
    ids = Organisation.objects.filter(pk__in=org_ids).annotate(change=Subquery(latest)).values_list("change", flat=True)
    return {
        c.organisation_id: (c.level, c.previous_level, c.applies_from)
        for c in ReadinessChange.objects.filter(pk__in=[i for i in ids if i])
    }


def board(
    *,
    user: Actor,
    org: Organisation,
    kind: str = "",
    service_kind: str = "",
    query: str = "",
    level: str = "",
    sort: str = "name",
) -> list[dict[str, Any]]:
    """Current level of every organisation of ``kind`` in ``org``'s subtree (default: the level below), with its
    trend (up, down, same against the previous level). Sorted and filtered in Python on a bounded list."""
    if not policy.can(user, "command.view", org):
        raise NotFoundError("organisation", org.pk)
    kind = kind if kind in K.values and kind != K.NATION else BOARD_KIND[K(org.kind)]
    qs = Organisation.objects.subtree_of(org).active().filter(kind=kind)
    if kind == K.UNIT and service_kind in Organisation.ServiceKind.values:
        qs = qs.filter(service_kind=service_kind)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code=query))
    area = service_kind if service_kind in Organisation.ServiceKind.values and kind != K.UNIT else ""
    orgs = list(qs.only("id", "name", "kind", "code", "path", "service_kind"))
    latest = latest_changes(org_ids=[o.pk for o in orgs], service_kind=area)
    rows: list[dict[str, Any]] = []
    for o in orgs:
        change = latest.get(o.pk)
        current = change[0] if change else Level.NORMAL
        previous = (change[1] or Level.NORMAL) if change else Level.NORMAL
        rank, before = LEVEL_RANK[current], LEVEL_RANK[previous]
        rows.append(
            {
                "org": o,
                "level": current,
                "level_label": Level(current).label,
                "level_rank": rank,
                "changed_at": change[2] if change else None,
                "trend": "up" if rank > before else "down" if rank < before else "same",
                "set": change is not None,
            }
        )
    if level in Level.values:
        rows = [r for r in rows if r["level"] == level]
    key = BOARD_SORTS.get(sort, "name")
    field = key.lstrip("-")
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (r[field] or epoch) if field == "changed_at" else (r["org"].name if field == "name" else r[field]))
    if key.startswith("-"):
        rows.reverse()
    return rows


def level_counts(rows: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    counts = {v: 0 for v in Level.values}
    for r in rows:
        counts[r["level"]] += 1
    return [(v, str(label), counts[v]) for v, label in Level.choices]


def board_map(*, org: Organisation, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The offline kommun map (reporting.map) coloured by level, for boards that list kommuner."""
    from beredd.reporting import map as kommun_map

    kommuner = [r for r in rows if r["org"].kind == K.KOMMUN]
    if not kommuner:
        return None
    shapes = kommun_map.kommun_shapes()
    items = [
        {"d": shapes[r["org"].code].d, "cls": r["level"], "title": f"{r['org'].name}: {r['level_label']}"}
        for r in kommuner
        if r["org"].code in shapes
    ]
    return {"items": items, "view_box": kommun_map.view_box([r["org"].code for r in kommuner])}


def history(*, user: Actor, org: Organisation) -> QuerySet[ReadinessChange]:
    if not policy.can(user, "command.view", org):
        raise NotFoundError("organisation", org.pk)
    return ReadinessChange.objects.filter(organisation=org).select_related("set_by", "event").order_by("-applies_from", "-id")


def can_set_level(user: Actor, org: Organisation) -> bool:
    return policy.can(user, "command.set_level", org)


def raised_below(*, user: Actor, org: Organisation, since: dt.timedelta = dt.timedelta(hours=48)) -> list[ReadinessChange]:
    """Raises in ``org``'s subtree (not ``org`` itself) within ``since``: the dashboard's notice."""
    if not policy.can(user, "command.view", org):
        return []
    changes = (
        ReadinessChange.objects.filter(org_path__startswith=org.path, created_at__gte=timezone.now() - since)
        .exclude(organisation=org)
        .select_related("organisation")
        .order_by("-created_at")[:50]
    )
    return [c for c in changes if LEVEL_RANK[c.level] > LEVEL_RANK.get(c.previous_level or "normal", 0)][:10]


# --- Heightened alert --------------------------------------------------------------------------------


def alerts_in_force() -> list[Alert]:
    return list(Alert.objects.filter(ended_at__isnull=True, starts_at__lte=timezone.now()).select_related("scope"))


def alert_in_force(*, org_path: str, exercise: bool | None = None) -> Alert | None:
    """The alert in force over an organisation (its scope is the org or an ancestor)."""
    for alert in alerts_in_force():
        if org_path.startswith(alert.scope_path) and (exercise is None or alert.is_exercise == exercise):
            return alert
    return None


def heightened_hours(round_: Round) -> int | None:
    """The round's heightened interval if it has one and a real alert is in force over its issuer."""
    from beredd.command.models import HeightenedSchedule

    schedule = HeightenedSchedule.objects.filter(round=round_).first()
    if schedule is None or round_.is_exercise:
        return None
    if alert_in_force(org_path=round_.issuer.path, exercise=False) is None:
        return None
    return int(schedule.every_hours)


def alert_list(*, user: Actor) -> QuerySet[Alert]:
    return (
        Alert.objects.select_related("scope", "set_by", "ended_by")
        .prefetch_related("checklist_rounds")
        .order_by("-starts_at", "-id")
    )


def alert_get(*, user: Actor, alert_id: int) -> Alert:
    alert = Alert.objects.select_related("scope").filter(pk=alert_id).first()
    if alert is None or not policy.can(user, "command.alert", alert.scope):
        raise NotFoundError("alert", alert_id)
    return alert


def alert_scopes(*, user: Actor) -> list[Organisation]:
    return [
        o
        for o in Organisation.objects.filter(kind__in=[K.NATION, K.CIVILOMRADE]).order_by("depth", "name")
        if policy.can(user, "command.alert", o)
    ]


# --- Event log ---------------------------------------------------------------------------------------

LOG_SORTS = {"-time": ("-occurred_at", "-id"), "time": ("occurred_at", "id")}


def log_for_user(
    *,
    user: Actor,
    org: Organisation,
    query: str = "",
    kind: str = "",
    event_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    sort: str = "-time",
) -> QuerySet[LogEntry]:
    """The log of ``org`` (its own entries), newest first; readable by anyone who may view the organisation."""
    if not policy.can(user, "command.view", org):
        raise NotFoundError("organisation", org.pk)
    qs = (
        LogEntry.objects.filter(organisation=org)
        .select_related("author", "event", "corrects")
        .annotate(n_corrections=Count("corrections"))
    )
    if kind in LogEntry.Kind.values:
        qs = qs.filter(kind=kind)
    if event_id:
        qs = qs.filter(event_id=event_id)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(occurred_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(occurred_at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(text__icontains=query) | Q(source__icontains=query))
    return qs.order_by(*LOG_SORTS.get(sort, LOG_SORTS["-time"]))


def log_entry_get(*, user: Actor, org: Organisation, entry_id: int) -> LogEntry:
    entry = LogEntry.objects.filter(pk=entry_id, organisation=org).first()
    if entry is None or not policy.can(user, "command.view", org):
        raise NotFoundError("log_entry", entry_id)
    return entry


def can_write_log(user: Actor, org: Organisation) -> bool:
    return policy.can(user, "command.log", org)


def events_for(org: Organisation) -> QuerySet[Event]:
    """Events (reporting.Event) of the last year owned by the org or an organisation above it (a form's choices:
    not sliced, so the form can validate against it)."""
    from beredd.reporting.models import Event

    since = timezone.now() - dt.timedelta(days=365)
    return Event.objects.filter(owner_id__in=org.ancestor_ids, started_at__gte=since).order_by("-started_at")


# --- Support requests --------------------------------------------------------------------------------

REQUEST_SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "needed": ("needed_by", "id"),
    "priority": ("priority", "needed_by"),
}


def _request_filter(user: Actor) -> Q:
    visible = policy.visible_organisations(user, "command.view").values("pk")
    asked = RequestStep.objects.filter(kind=RequestStep.Kind.ASKED, other_org__in=visible).values("request_id")
    return Q(requester__in=visible) | Q(holder__in=visible) | Q(pk__in=asked)


def requests_for_user(
    *,
    user: Actor,
    query: str = "",
    status: str = "",
    item: str = "",
    priority: str = "",
    held_by: Organisation | None = None,
    sort: str = "-created",
) -> QuerySet[SupportRequest]:
    qs = SupportRequest.objects.filter(_request_filter(user)).select_related("requester", "holder", "merged_into")
    if status == "open":
        qs = qs.filter(status__in=SupportRequest.OPEN_STATUSES)
    elif status in SupportRequest.Status.values:
        qs = qs.filter(status=status)
    from beredd.command.models import Item, Priority

    if item in Item.values:
        qs = qs.filter(item=item)
    if priority in Priority.values:
        qs = qs.filter(priority=priority)
    if held_by is not None:
        qs = qs.filter(holder=held_by)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(description__icontains=query) | Q(requester__name__icontains=query) | Q(delivery_point__icontains=query))
    return qs.order_by(*REQUEST_SORTS.get(sort, REQUEST_SORTS["-created"]))


def request_get_for_user(*, user: Actor, request_id: int) -> SupportRequest:
    item = SupportRequest.objects.filter(_request_filter(user), pk=request_id).select_related("requester", "holder").first()
    if item is None:
        raise NotFoundError("support_request", request_id)
    return item


def request_chain(request: SupportRequest) -> list[SupportRequest]:
    """The request and every joint request it was merged into, bottom up."""
    chain = [request]
    seen = {request.pk}
    while chain[-1].merged_into_id and chain[-1].merged_into_id not in seen:
        nxt = SupportRequest.objects.select_related("requester", "holder").get(pk=chain[-1].merged_into_id)
        seen.add(nxt.pk)
        chain.append(nxt)
    return chain


def request_steps(request: SupportRequest) -> list[RequestStep]:
    """Every step the requester sees: its own and those of each joint request above it, in time order."""
    ids = [r.pk for r in request_chain(request)]
    return list(
        RequestStep.objects.filter(request_id__in=ids)
        .select_related("actor", "actor_org", "other_org", "request")
        .order_by("at", "id")
    )


def request_roles(user: Actor, request: SupportRequest) -> dict[str, bool]:
    asked = list(request.steps.filter(kind=RequestStep.Kind.ASKED).values_list("other_org_id", flat=True))
    handles = request.is_open and policy.can(user, "command.handle", request.holder)
    return {
        "handles": handles,
        "pledges_as_asked": request.is_open
        and not handles
        and any(policy.can(user, "command.handle", o) for o in Organisation.objects.filter(pk__in=asked)),
        "requester": policy.can(user, "command.request", request.requester),
    }


def supplier_choices(request: SupportRequest) -> QuerySet[Organisation]:
    """The organisations a request's holder may allocate from or ask to pledge: every active one but units and
    the holder itself, from the top of the tree down."""
    return (
        Organisation.objects.active().exclude(kind=Organisation.Kind.UNIT).exclude(pk=request.holder_id).order_by("depth", "name")
    )


def forward_targets(request: SupportRequest) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=request.holder.ancestor_ids).exclude(pk=request.holder_id).order_by("-depth")


def merge_candidates(request: SupportRequest) -> QuerySet[SupportRequest]:
    return (
        SupportRequest.objects.filter(
            holder=request.holder,
            status__in=SupportRequest.OPEN_STATUSES,
            item=request.item,
            competence=request.competence,
            unit=request.unit,
            requester_path__startswith=request.holder.path,
        )
        .exclude(requester=request.holder)
        .select_related("requester")
        .order_by("created_at")
    )


def asked_orgs_for(user: Actor, request: SupportRequest) -> list[Organisation]:
    asked = request.steps.filter(kind=RequestStep.Kind.ASKED).values_list("other_org_id", flat=True)
    return [o for o in Organisation.objects.filter(pk__in=asked) if policy.can(user, "command.handle", o)]


def open_needs(*, user: Actor, org: Organisation) -> list[dict[str, Any]]:
    """Open needs in ``org``'s subtree per item (and competence) and priority: sums of what remains, oldest first.
    Merged originals are not counted twice (their joint request carries them)."""
    if not policy.can(user, "command.view", org):
        raise NotFoundError("organisation", org.pk)
    return open_needs_rows(org_path=org.path)


def open_needs_rows(*, org_path: str) -> list[dict[str, Any]]:
    from beredd.command.models import PRIORITY_RANK, Competence, Item, Priority

    rows = (
        SupportRequest.objects.filter(status__in=SupportRequest.OPEN_STATUSES, requester_path__startswith=org_path)
        .values("item", "competence", "unit", "priority")
        .annotate(left=Sum(F("quantity") - F("covered")), requests=Count("id"), oldest=Min("created_at"))
    )
    out = []
    for r in rows:
        label = Competence(r["competence"]).label if r["competence"] else Item(r["item"]).label
        out.append(
            r
            | {
                "item_label": str(label),
                "priority_label": str(Priority(r["priority"]).label),
                "rank": PRIORITY_RANK[r["priority"]],
                "remaining": r["left"],
            }
        )
    out.sort(key=lambda r: (r["oldest"], r["rank"]))
    return out


def support_answers_for(*, user: Actor, org: Organisation, submission_id: str) -> tuple[SubmissionVersion, dict[str, Any]] | None:
    """The latest submitted version of ``org``'s report with "begäran om stöd" answers (support needed = yes), if
    the user may see it; None otherwise (a bad id is simply ignored)."""
    if not submission_id.isdigit():
        return None
    from beredd.reporting import selectors as reporting_selectors

    try:
        submission = reporting_selectors.submission_get_for_user(user=user, submission_id=int(submission_id))
    except NotFoundError:
        return None
    if submission.organisation_id != org.pk:
        return None
    version = submission.versions.order_by("-number").first()
    if version is None or str(version.data.get("support_needed")) not in ("yes", "True", "true"):
        return None
    return version, dict(version.data)


def log_for_event(*, user: Actor, event: Event | None, limit: int = 10) -> list[LogEntry]:
    """The newest log entries about ``event`` in the organisations the user may see (shown beside its rounds)."""
    visible = policy.visible_organisations(user, "command.view").values("pk")
    return list(
        LogEntry.objects.filter(event=event, organisation__in=visible)
        .select_related("organisation", "author")
        .order_by("-occurred_at", "-id")[:limit]
    )


def level_prefill(*, organisation: Organisation, fields: Iterable[TemplateField]) -> dict[str, str]:
    """Values for a report's status fields on the beredskapsläge scale (reporting ``preparedness`` scale, the same
    four values) from the organisation's current level: its own service area's level for a unit, else its own."""
    keys = [f.key for f in fields if f.type == "status" and (f.options or {}).get("scale") == "preparedness"]
    if not keys:
        return {}
    change = current_level(organisation=organisation)
    if change is None:
        return {}
    return dict.fromkeys(keys, change.level)
