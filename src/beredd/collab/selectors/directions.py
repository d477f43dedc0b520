"""Reads for planning directions (planeringsinriktningar) and their answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.collab.models import (
    Direction,
)
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.reporting.models import Submission
    from beredd.reporting.rollup import RollupResult


def directions_for_user(*, user: Actor, query: str = "", sort: str = "-created") -> QuerySet[Direction]:
    """Directions the user's organisations sent (or sit above) and those sent to the user's kommuner."""
    from beredd.reporting.models import Submission

    visible = policy.visible_organisations(user, "collab.view").values("pk")
    received = Submission.objects.filter(organisation__in=visible).values("instance__round_id")
    qs = Direction.objects.filter(Q(sender__in=visible) | Q(round_id__in=received)).select_related("sender", "recipient_root")
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(text__icontains=query) | Q(sender__name__icontains=query))
    order = {"-created": "-created_at", "due": "due_date", "title": "title"}.get(sort, "-created_at")
    return qs.order_by(order, "pk")


def direction_get_for_user(*, user: Actor, direction_id: int) -> Direction:
    direction = directions_for_user(user=user).filter(pk=direction_id).first()
    if direction is None:
        raise NotFoundError("direction", direction_id)
    return direction


def direction_is_sender(user: Actor, direction: Direction) -> bool:
    return policy.can(user, "reporting.issue", direction.sender)


def direction_completeness(*, direction: Direction) -> RollupResult | None:
    """The reporting engine's roll-up of the direction's round at the sender, per kommun: n of m answered."""
    from beredd.reporting import rollup

    instance = direction.round.instances.order_by("-number").first()
    if instance is None:
        return None
    return rollup.rollup(instance=instance, org=direction.sender, by="kommun")


def direction_own_submissions(*, user: Actor, direction: Direction) -> list[Submission]:
    """The submissions of the direction that the user can answer for (their kommun's)."""
    from beredd.reporting.models import Submission

    visible = policy.visible_organisations(user, "reporting.submit").values("pk")
    return list(
        Submission.objects.filter(instance__round=direction.round, organisation__in=visible).select_related("organisation")
    )


def direction_sender_choices(*, user: Actor) -> list[Organisation]:
    return [o for o in policy.orgs_with_permission(user, "reporting.issue") if o.kind in {"nation", "civilomrade", "lan"}]


def direction_root_choices(*, sender: Organisation) -> QuerySet[Organisation]:
    return (
        Organisation.objects.subtree_of(sender)
        .active()
        .filter(kind__in=["nation", "civilomrade", "lan", "kommun"])
        .order_by("depth", "name")
    )
