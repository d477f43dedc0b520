"""Reads for forums, their meetings, attachments and actions.

A forum is visible to the people of its owner organisation (and the levels above, through the tree), to its
named users, and to the people of its member organisations. Managing needs ``collab.manage`` at the owner.
Missing and not-yours both raise NotFoundError.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.collab.models import (
    Action,
    Forum,
    ForumMember,
    Meeting,
    MeetingAttachment,
)
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

FORUM_SORTS = {"name": "name", "-name": "-name", "owner": "owner__name", "-owner": "-owner__name"}
ACTION_SORTS = {"due": "due_date", "-due": "-due_date", "title": "title", "owner": "owner_org__name"}


def _visible_forum_filter(user: Actor) -> Q:
    visible = policy.visible_organisations(user, "collab.view").values("pk")
    return Q(owner__in=visible) | Q(members__user=user) | Q(members__organisation__in=visible)


def forums_for_user(*, user: Actor, query: str = "", sort: str = "name") -> QuerySet[Forum]:
    if not getattr(user, "is_authenticated", False):
        return Forum.objects.none()
    ids = Forum.objects.filter(_visible_forum_filter(user)).values("pk")
    qs = Forum.objects.filter(pk__in=ids).select_related("owner").annotate(n_meetings=Count("meetings", distinct=True))
    query = query.strip()[:100]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(owner__name__icontains=query) | Q(description__icontains=query))
    return qs.order_by(FORUM_SORTS.get(sort, "name"), "pk")


def can_manage(user: Actor, forum: Forum) -> bool:
    return policy.can(user, "collab.manage", forum.owner)


def forum_get_for_user(*, user: Actor, forum_id: int, manage: bool = False) -> Forum:
    forum = Forum.objects.select_related("owner").filter(pk=forum_id).first()
    if forum is None:
        raise NotFoundError("forum", forum_id)
    if manage and not can_manage(user, forum):
        raise NotFoundError("forum", forum_id)
    if not manage and not Forum.objects.filter(_visible_forum_filter(user), pk=forum.pk).exists():
        raise NotFoundError("forum", forum_id)
    return forum


def meeting_get_for_user(*, user: Actor, meeting_id: int, manage: bool = False) -> Meeting:
    meeting = Meeting.objects.select_related("forum__owner").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundError("meeting", meeting_id)
    forum_get_for_user(user=user, forum_id=meeting.forum_id, manage=manage)
    return meeting


def attachment_get_for_user(*, user: Actor, attachment_id: int) -> MeetingAttachment:
    attachment = MeetingAttachment.objects.select_related("meeting").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFoundError("attachment", attachment_id)
    meeting_get_for_user(user=user, meeting_id=attachment.meeting_id)
    return attachment


def members_of(forum: Forum) -> QuerySet[ForumMember]:
    return forum.members.select_related("organisation", "user")


def meetings_of(forum: Forum) -> QuerySet[Meeting]:
    return forum.meetings.order_by("-starts_at")


def action_get_for_user(*, user: Actor, action_id: int) -> Action:
    """An action is visible to the meeting's audience and to the people of its owner organisation."""
    action = Action.objects.select_related("meeting__forum__owner", "owner_org", "owner_user").filter(pk=action_id).first()
    if action is None:
        raise NotFoundError("action", action_id)
    if policy.can(user, "collab.view", action.owner_org) or action.owner_user_id == getattr(user, "pk", None):
        return action
    meeting_get_for_user(user=user, meeting_id=action.meeting_id)
    return action


def actions_for_owner(
    *, user: Actor, org: Organisation, status: str = "open", query: str = "", sort: str = "due"
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


def member_org_choices(*, user: Actor, forum: Forum) -> QuerySet[Organisation]:
    """Organisations that can be invited: anything but units; regions and other counties are partners, so the whole
    tree is offered (the list is bounded: 1 + 6 + 21 + 290 + 21)."""
    return Organisation.objects.active().exclude(kind=Organisation.Kind.UNIT).order_by("depth", "name")


def can_create_forum(user: Actor, org: Organisation) -> bool:
    return org.kind != Organisation.Kind.UNIT and policy.can(user, "collab.manage", org)
