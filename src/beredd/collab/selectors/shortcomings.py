"""Reads for shortcomings and needs (brister och behov), their merging, lifting and yearly summary."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.collab.models import (
    PriorityArea,
    Shortcoming,
)
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

SHORTCOMING_SORTS = {"-created": "-created_at", "created": "created_at", "title": "title", "status": "status"}


def _shortcoming_filter(user: Actor) -> Q:
    visible = policy.visible_organisations(user, "collab.view").values("pk")
    return Q(raised_by__in=visible) | Q(level__in=visible) | Q(merged__raised_by__in=visible)


def shortcomings_for_user(
    *,
    user: Actor,
    query: str = "",
    status: str = "",
    category: str = "",
    priority_area: str = "",
    held_by: Organisation | None = None,
    sort: str = "-created",
) -> QuerySet[Shortcoming]:
    """Issues the user's organisations raised, hold (as the level above), or raised one merged into."""
    ids = Shortcoming.objects.filter(_shortcoming_filter(user)).values("pk")
    qs = Shortcoming.objects.filter(pk__in=ids).select_related("raised_by", "level", "merged_into")
    if status in Shortcoming.Status.values:
        qs = qs.filter(status=status)
    if category in Shortcoming.Category.values:
        qs = qs.filter(category=category)
    if priority_area in PriorityArea.values:
        qs = qs.filter(priority_area=priority_area)
    if held_by is not None:
        qs = qs.filter(level=held_by)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(description__icontains=query) | Q(raised_by__name__icontains=query))
    return qs.order_by(SHORTCOMING_SORTS.get(sort, "-created_at"), "pk")


def shortcoming_get_for_user(*, user: Actor, shortcoming_id: int) -> Shortcoming:
    item = shortcomings_for_user(user=user).filter(pk=shortcoming_id).first()
    if item is None:
        raise NotFoundError("shortcoming", shortcoming_id)
    return item


def shortcoming_handles(user: Actor, item: Shortcoming) -> bool:
    return item.status not in ("answered", "merged") and policy.can(user, "collab.manage", item.level)


def shortcoming_merge_candidates(item: Shortcoming) -> QuerySet[Shortcoming]:
    return (
        Shortcoming.objects.filter(level=item.level, merged_into__isnull=True)
        .exclude(pk=item.pk)
        .exclude(status__in=["answered", "merged"])
        .order_by("title")
    )


def shortcoming_lift_targets(item: Shortcoming) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=item.level.ancestor_ids).exclude(pk=item.level_id).order_by("depth")


def shortcoming_summary(*, user: Actor, org: Organisation, year: int) -> list[dict[str, Any]]:
    """Per priority area: issues raised in ``org``'s subtree in ``year``, by status. One grouped query."""
    if not policy.can(user, "collab.view", org):
        raise NotFoundError("organisation", org.pk)
    rows = (
        Shortcoming.objects.filter(year=year, raised_path__startswith=org.path)
        .values("priority_area", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[str, str], int] = {(r["priority_area"], r["status"]): r["n"] for r in rows}
    out = []
    for value, label in PriorityArea.choices:
        by_status = {s: counts.get((value, s), 0) for s in Shortcoming.Status.values}
        out.append({"area": label, "by_status": by_status, "total": sum(by_status.values())})
    return out
