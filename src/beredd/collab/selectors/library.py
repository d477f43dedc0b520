"""Reads for the knowledge library and its links."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.collab.models import (
    Direction,
    LibraryItem,
    Meeting,
    PriorityArea,
)
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.reporting.models import Round

LIBRARY_SORTS = {"title": "title", "-updated": "-updated_at", "publisher": "publisher__name", "area": "priority_area"}


def _library_publisher_ids(user: Actor) -> Q:
    """Items published at or above any of the user's organisations (down the tree), or anywhere in the subtrees the
    user oversees (a county sees what its kommuner keep for themselves)."""
    above: set[int] = set()
    for org in policy.orgs_with_permission(user, "collab.view"):
        above.update(org.ancestor_ids)
    visible = policy.visible_organisations(user, "collab.view").values("pk")
    return Q(publisher_id__in=above) | Q(publisher__in=visible)


def library_for_user(
    *, user: Actor, query: str = "", area: str = "", kind: str = "", topic: str = "", sort: str = "title"
) -> QuerySet[LibraryItem]:
    if not getattr(user, "is_authenticated", False) or not policy.orgs_with_permission(user, "collab.view"):
        return LibraryItem.objects.none()
    qs = LibraryItem.objects.filter(_library_publisher_ids(user)).select_related("publisher")
    if area in PriorityArea.values:
        qs = qs.filter(priority_area=area)
    if kind in LibraryItem.Kind.values:
        qs = qs.filter(kind=kind)
    topic = " ".join(topic.split()).lower()[:40]
    if topic:
        qs = qs.filter(topics__icontains=topic)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(topics__icontains=query)
            | Q(publisher__name__icontains=query)
        )
    return qs.order_by(LIBRARY_SORTS.get(sort, "title"), "pk")


def library_get_for_user(*, user: Actor, item_id: int, manage: bool = False) -> LibraryItem:
    item = library_for_user(user=user).filter(pk=item_id).first()
    if item is None or (manage and not library_can_manage(user, item)):
        raise NotFoundError("library_item", item_id)
    return item


def library_can_manage(user: Actor, item: LibraryItem) -> bool:
    return policy.can(user, "collab.manage", item.publisher)


def library_publisher_choices(*, user: Actor) -> list[Organisation]:
    """Where the user may publish: their own organisations with collab.manage (nation, civil area, county, kommun)."""
    return [o for o in policy.orgs_with_permission(user, "collab.manage") if o.kind in {"nation", "civilomrade", "lan", "kommun"}]


def library_links_for(*, user: Actor, target: Meeting | Direction | Round) -> list[LibraryItem]:
    """The library items linked to a meeting, direction or round that ``user`` may see in the library."""
    from beredd.collab.models import LibraryLink
    from beredd.reporting.models import Round

    where: dict[str, Any]
    if isinstance(target, Direction):
        where = {"direction": target}
    elif isinstance(target, Round):
        where = {"round": target}
    else:
        where = {"meeting": target}
    ids = LibraryLink.objects.filter(**where).values("item_id")
    return list(library_for_user(user=user).filter(pk__in=ids).order_by("title"))


def library_link_choices(*, user: Actor) -> QuerySet[LibraryItem]:
    """Items the user can link (what they see in the library), at most 500, by title."""
    return library_for_user(user=user).order_by("title")


def library_links_by_field(*, user: Actor, field_ids: list[int]) -> dict[int, list[LibraryItem]]:
    """For questions of a template: the linked library items ``user`` may see, per question id (two queries)."""
    from beredd.collab.models import LibraryLink

    if not field_ids:
        return {}
    links = list(LibraryLink.objects.filter(field_id__in=field_ids).values_list("field_id", "item_id"))
    visible = {i.pk: i for i in library_for_user(user=user).filter(pk__in={item for _f, item in links})}
    out: dict[int, list[LibraryItem]] = {}
    for field_id, item_id in links:
        if item_id in visible:
            out.setdefault(field_id, []).append(visible[item_id])
    for items in out.values():
        items.sort(key=lambda i: i.title)
    return out
