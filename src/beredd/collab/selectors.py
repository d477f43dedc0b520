"""Reads for collaboration, limited to what the user may see.

A forum is visible to the people of its owner organisation (and the levels above, through the tree), to its
named users, and to the people of its member organisations. Managing needs ``collab.manage`` at the owner.
Missing and not-yours both raise NotFoundError.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from beredd.accounts import policy
from beredd.collab.models import Action, Direction, Forum, ForumMember, Meeting, MeetingAttachment, PriorityArea, Shortcoming
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

FORUM_SORTS = {"name": "name", "-name": "-name", "owner": "owner__name", "-owner": "-owner__name"}
ACTION_SORTS = {"due": "due_date", "-due": "-due_date", "title": "title", "owner": "owner_org__name"}


def _visible_forum_filter(user: Any) -> Q:
    visible = policy.visible_organisations(user, "collab.view").values("pk")
    return Q(owner__in=visible) | Q(members__user=user) | Q(members__organisation__in=visible)


def forums_for_user(*, user: Any, query: str = "", sort: str = "name") -> QuerySet[Forum]:
    if not getattr(user, "is_authenticated", False):
        return Forum.objects.none()
    ids = Forum.objects.filter(_visible_forum_filter(user)).values("pk")
    qs = Forum.objects.filter(pk__in=ids).select_related("owner").annotate(n_meetings=Count("meetings", distinct=True))
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(owner__name__icontains=query) | Q(description__icontains=query))
    return qs.order_by(FORUM_SORTS.get(sort, "name"), "pk")


def can_manage(user: Any, forum: Forum) -> bool:
    return policy.can(user, "collab.manage", forum.owner)


def forum_get_for_user(*, user: Any, forum_id: int, manage: bool = False) -> Forum:
    forum = Forum.objects.select_related("owner").filter(pk=forum_id).first()
    if forum is None:
        raise NotFoundError("forum", forum_id)
    if manage and not can_manage(user, forum):
        raise NotFoundError("forum", forum_id)
    if not manage and not Forum.objects.filter(_visible_forum_filter(user), pk=forum.pk).exists():
        raise NotFoundError("forum", forum_id)
    return forum


def meeting_get_for_user(*, user: Any, meeting_id: int, manage: bool = False) -> Meeting:
    meeting = Meeting.objects.select_related("forum__owner").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundError("meeting", meeting_id)
    forum_get_for_user(user=user, forum_id=meeting.forum_id, manage=manage)
    return meeting


def attachment_get_for_user(*, user: Any, attachment_id: int) -> MeetingAttachment:
    attachment = MeetingAttachment.objects.select_related("meeting").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError("attachment", attachment_id)
    meeting_get_for_user(user=user, meeting_id=attachment.meeting_id)
    return attachment


def members_of(forum: Forum) -> QuerySet[ForumMember]:
    return forum.members.select_related("organisation", "user")


def meetings_of(forum: Forum) -> QuerySet[Meeting]:
    return forum.meetings.order_by("-starts_at")


def action_get_for_user(*, user: Any, action_id: int) -> Action:
    """An action is visible to the meeting's audience and to the people of its owner organisation."""
    action = Action.objects.select_related("meeting__forum__owner", "owner_org", "owner_user").filter(pk=action_id).first()
    if action is None:
        raise NotFoundError("action", action_id)
    if policy.can(user, "collab.view", action.owner_org) or action.owner_user_id == getattr(user, "pk", None):
        return action
    meeting_get_for_user(user=user, meeting_id=action.meeting_id)
    return action


def actions_for_owner(
    *, user: Any, org: Organisation, status: str = "open", query: str = "", sort: str = "due"
) -> QuerySet[Action]:
    """Actions owned by ``org`` (or assigned to the user by name), for the owner's list and dashboard."""
    if not policy.can(user, "collab.view", org):
        raise NotFoundError("organisation", org.pk)
    qs = Action.objects.filter(Q(owner_org=org) | Q(owner_user=user)).select_related("owner_org", "owner_user", "meeting__forum")
    if status in Action.Status.values:
        qs = qs.filter(status=status)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(meeting__title__icontains=query) | Q(meeting__forum__name__icontains=query))
    return qs.order_by(ACTION_SORTS.get(sort, "due_date"), "pk")


def owner_org_choices(forum: Forum) -> QuerySet[Organisation]:
    """The forum's owner and its member organisations: who can own an action."""
    ids = list(forum.members.filter(kind=ForumMember.Kind.ORGANISATION).values_list("organisation_id", flat=True))
    return Organisation.objects.filter(pk__in=[forum.owner_id, *ids]).order_by("depth", "name")


def member_org_choices(*, user: Any, forum: Forum) -> QuerySet[Organisation]:
    """Organisations that can be invited: anything but units; regions and other counties are partners, so the whole
    tree is offered (the list is bounded: 1 + 6 + 21 + 290 + 21)."""
    return Organisation.objects.active().exclude(kind=Organisation.Kind.UNIT).order_by("depth", "name")


def can_create_forum(user: Any, org: Organisation) -> bool:
    return org.kind != Organisation.Kind.UNIT and policy.can(user, "collab.manage", org)


# --- Planning directions ------------------------------------------------------------------------------


def directions_for_user(*, user: Any, query: str = "", sort: str = "-created") -> QuerySet[Direction]:
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


def direction_get_for_user(*, user: Any, direction_id: int) -> Direction:
    direction = directions_for_user(user=user).filter(pk=direction_id).first()
    if direction is None:
        raise NotFoundError("direction", direction_id)
    return direction


def direction_is_sender(user: Any, direction: Direction) -> bool:
    return policy.can(user, "reporting.issue", direction.sender)


def direction_completeness(*, direction: Direction) -> Any:
    """The reporting engine's roll-up of the direction's round at the sender, per kommun: n of m answered."""
    from beredd.reporting import rollup

    instance = direction.round.instances.order_by("-number").first()
    if instance is None:
        return None
    return rollup.rollup(instance=instance, org=direction.sender, by="kommun")


def direction_own_submissions(*, user: Any, direction: Direction) -> list[Any]:
    """The submissions of the direction that the user can answer for (their kommun's)."""
    from beredd.reporting.models import Submission

    visible = policy.visible_organisations(user, "reporting.submit").values("pk")
    return list(
        Submission.objects.filter(instance__round=direction.round, organisation__in=visible).select_related("organisation")
    )


def direction_sender_choices(*, user: Any) -> list[Organisation]:
    return [o for o in policy.orgs_with_permission(user, "reporting.issue") if o.kind in {"nation", "civilomrade", "lan"}]


def direction_root_choices(*, sender: Organisation) -> QuerySet[Organisation]:
    return (
        Organisation.objects.subtree_of(sender)
        .active()
        .filter(kind__in=["nation", "civilomrade", "lan", "kommun"])
        .order_by("depth", "name")
    )


# --- Shortcomings and needs ---------------------------------------------------------------------------

SHORTCOMING_SORTS = {"-created": "-created_at", "created": "created_at", "title": "title", "status": "status"}


def _shortcoming_filter(user: Any) -> Q:
    visible = policy.visible_organisations(user, "collab.view").values("pk")
    return Q(raised_by__in=visible) | Q(level__in=visible) | Q(merged__raised_by__in=visible)


def shortcomings_for_user(
    *,
    user: Any,
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


def shortcoming_get_for_user(*, user: Any, shortcoming_id: int) -> Shortcoming:
    item = shortcomings_for_user(user=user).filter(pk=shortcoming_id).first()
    if item is None:
        raise NotFoundError("shortcoming", shortcoming_id)
    return item


def shortcoming_handles(user: Any, item: Shortcoming) -> bool:
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


def shortcoming_summary(*, user: Any, org: Organisation, year: int) -> list[dict[str, Any]]:
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
