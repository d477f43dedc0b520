"""Reads for measures per priority area and their roll-up."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.collab.models import (
    Measure,
    PriorityArea,
)
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

MEASURE_SORTS = {
    "area": "priority_area",
    "title": "title",
    "status": "status",
    "due": "due_date",
    "kommun": "kommun__name",
}


def measure_scope(*, user: Actor, org: Organisation) -> Organisation:
    if not policy.can(user, "collab.view", org):
        raise NotFoundError("organisation", org.pk)
    return org


def measures_for_user(
    *,
    user: Actor,
    org: Organisation,
    year: int,
    area: str = "",
    status: str = "",
    query: str = "",
    sort: str = "area",
) -> QuerySet[Measure]:
    """Measures reported in ``org``'s subtree for ``year`` (the drill-down of the roll-up)."""
    measure_scope(user=user, org=org)
    qs = Measure.objects.filter(year=year, kommun_path__startswith=org.path).select_related("kommun")
    if area in PriorityArea.values:
        qs = qs.filter(priority_area=area)
    if status in Measure.Status.values:
        qs = qs.filter(status=status)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(responsible__icontains=query)
            | Q(kommun__name__icontains=query)
        )
    return qs.order_by(MEASURE_SORTS.get(sort, "priority_area"), "kommun__name", "title", "pk")


def measure_get_for_user(*, user: Actor, measure_id: int) -> Measure:
    measure = Measure.objects.select_related("kommun").filter(pk=measure_id).first()
    if measure is None or not policy.can(user, "collab.view", measure.kommun):
        raise NotFoundError("measure", measure_id)
    return measure


def measure_can_edit(user: Actor, kommun: Organisation) -> bool:
    return kommun.kind == Organisation.Kind.KOMMUN and policy.can(user, "collab.act", kommun)


def measure_rollup(*, user: Actor, org: Organisation, year: int) -> dict[str, Any]:
    """The action plan (county) or yearly follow-up (nation): per priority area the number of measures by status,
    and per child organisation (the county's kommuner, the nation's counties) the same by status. Two grouped
    queries, however large the subtree."""
    measure_scope(user=user, org=org)
    base = Measure.objects.filter(year=year, kommun_path__startswith=org.path)
    counts = {(r["priority_area"], r["status"]): r["n"] for r in base.values("priority_area", "status").annotate(n=Count("id"))}
    statuses = Measure.Status.values
    areas = []
    for value, label in PriorityArea.choices:
        by_status = [counts.get((value, s), 0) for s in statuses]
        areas.append(
            {"value": value, "label": label, "counts": list(zip(statuses, by_status, strict=True)), "total": sum(by_status)}
        )
    totals = [sum(a["counts"][i][1] for a in areas) for i in range(len(statuses))]
    # Per child: the kommun's path or the child's path prefix decides where a measure counts.
    if org.kind == Organisation.Kind.NATION:  # the national follow-up is per county, across the civil areas
        children = list(Organisation.objects.filter(kind=Organisation.Kind.LAN).order_by("code"))
    else:
        children = list(Organisation.objects.filter(parent=org, kind__in=["lan", "kommun"]).order_by("name"))
    child_rows = []
    if children:
        by_path: dict[tuple[str, str], int] = {}
        for r in base.values("kommun_path", "status").annotate(n=Count("id")):
            by_path[(r["kommun_path"], r["status"])] = r["n"]
        for child in children:
            per = [sum(n for (path, s), n in by_path.items() if s == st and path.startswith(child.path)) for st in statuses]
            child_rows.append({"org": child, "counts": list(zip(statuses, per, strict=True)), "total": sum(per)})
    return {
        "areas": areas,
        "statuses": Measure.Status.choices,
        "totals": list(zip(statuses, totals, strict=True)),
        "total": sum(totals),
        "children": child_rows,
    }
