"""Reads for collaboration, limited to what the user may see.

A forum is visible to the people of its owner organisation (and the levels above, through the tree), to its
named users, and to the people of its member organisations. Managing needs ``collab.manage`` at the owner.
Missing and not-yours both raise NotFoundError.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from beredd.accounts import policy
from beredd.collab.models import (
    Action,
    Agreement,
    Direction,
    Forum,
    ForumMember,
    LibraryItem,
    Measure,
    Meeting,
    MeetingAttachment,
    PriorityArea,
    Shortcoming,
)
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


# --- Kommun–region agreements -------------------------------------------------------------------------

AGREEMENT_SORTS = {
    "until": "valid_until",
    "-until": "-valid_until",
    "title": "title",
    "kommun": "kommun__name",
    "area": "area",
    "review": "review_date",
}
AGREEMENT_STATUSES = ("active", "expiring", "expired", "upcoming")


def _agreement_status_q(status: str, today: dt.date) -> Q:
    from beredd.collab.models.agreements import EXPIRY_NOTICE_DAYS

    soon = today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)
    expired = Q(valid_until__lt=today)
    upcoming = Q(valid_from__gt=today)
    expiring = (Q(valid_until__lte=soon) | Q(review_date__lte=soon)) & ~expired & ~upcoming
    return {
        "expired": expired,
        "upcoming": upcoming,
        "expiring": expiring,
        "active": ~expired & ~upcoming & ~expiring,
    }[status]


def _agreement_filter(user: Any) -> Q:
    visible = policy.visible_organisations(user, "collab.view").values("pk")
    return Q(kommun__in=visible) | Q(parties__in=visible)


def agreements_for_user(
    *,
    user: Any,
    query: str = "",
    area: str = "",
    status: str = "",
    kommun: Organisation | None = None,
    sort: str = "until",
    today: dt.date | None = None,
) -> QuerySet[Agreement]:
    """Agreements of the user's kommuner (and those below the user's county or nation) and those the user's
    organisations are a party to."""
    if not getattr(user, "is_authenticated", False):
        return Agreement.objects.none()
    ids = Agreement.objects.filter(_agreement_filter(user)).values("pk")
    qs = Agreement.objects.filter(pk__in=ids).select_related("kommun").prefetch_related("parties")
    if area in Agreement.Area.values:
        qs = qs.filter(area=area)
    if status in AGREEMENT_STATUSES:
        qs = qs.filter(_agreement_status_q(status, today or timezone.localdate()))
    if kommun is not None:
        qs = qs.filter(kommun_path__startswith=kommun.path)
    query = query.strip()[:100]
    if query:
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(other_parties__icontains=query)
            | Q(kommun__name__icontains=query)
            | Q(responsible_name__icontains=query)
            | Q(crisis_terms__icontains=query)
        )
    return qs.order_by(AGREEMENT_SORTS.get(sort, "valid_until"), "title", "pk")


def agreement_get_for_user(*, user: Any, agreement_id: int, manage: bool = False) -> Agreement:
    item = agreements_for_user(user=user).filter(pk=agreement_id).first()
    if item is None or (manage and not agreement_can_manage(user, item)):
        raise NotFoundError("agreement", agreement_id)
    return item


def agreement_can_manage(user: Any, item: Agreement) -> bool:
    return policy.can(user, "collab.manage", item.kommun)


def agreements_expiring(*, user: Any, org: Organisation, today: dt.date | None = None) -> QuerySet[Agreement]:
    """Agreements in ``org``'s subtree that end or are due for review within the notice period (dashboard)."""
    if not policy.can(user, "collab.view", org):
        return Agreement.objects.none()
    day = today or timezone.localdate()
    return (
        Agreement.objects.filter(kommun_path__startswith=org.path)
        .filter(_agreement_status_q("expiring", day))
        .select_related("kommun")
        .order_by("valid_until", "review_date", "pk")
    )


def agreement_party_choices() -> QuerySet[Organisation]:
    """Who can be a party: regions first, then the counties and kommuner (bounded: 21 + 21 + 290 + 1)."""
    return (
        Organisation.objects.active()
        .filter(kind__in=["region", "lan", "kommun", "nation"])
        .order_by(
            models.Case(models.When(kind="region", then=0), models.When(kind="lan", then=1), default=2),
            "name",
        )
    )


def agreement_kommun_choices(*, user: Any, org: Organisation | None) -> list[Organisation]:
    """The kommuner the user may record agreements for from the current organisation: the kommun itself, or a
    county's kommuner (at most 49, Västra Götaland); nothing above county level (choose a county or kommun first)."""
    if org is None or not policy.can(user, "collab.manage", org):
        return []
    if org.kind == Organisation.Kind.KOMMUN:
        return [org]
    if org.kind == Organisation.Kind.LAN:
        return list(Organisation.objects.filter(parent=org, kind="kommun", is_active=True).order_by("name"))
    return []


def agreement_evidence(*, kommun: Organisation, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The self-assessment's agreement questions (the handbook checklist, section "Avtal och överenskommelser")
    with the agreements in force that are evidence for each. Question texts come from the preparedness app's
    copy of the checklist (preparedness/data/self_assessment.json, source noted there)."""
    from beredd.collab.agreement_questions import QUESTION_AREAS, agreement_questions

    day = today or timezone.localdate()
    in_force = list(
        Agreement.objects.filter(kommun=kommun, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("title")
    )
    out = []
    for question in agreement_questions():
        areas = QUESTION_AREAS.get(question["code"])
        if areas is None:  # A3 "followed up and evaluated": agreements with a review date
            evidence = [a for a in in_force if a.review_date is not None]
        else:
            evidence = [a for a in in_force if a.area in areas]
        out.append({"question": question, "agreements": evidence})
    return out


# --- Measures per priority area -----------------------------------------------------------------------

MEASURE_SORTS = {
    "area": "priority_area",
    "title": "title",
    "status": "status",
    "due": "due_date",
    "kommun": "kommun__name",
}


def measure_scope(*, user: Any, org: Organisation) -> Organisation:
    if not policy.can(user, "collab.view", org):
        raise NotFoundError("organisation", org.pk)
    return org


def measures_for_user(
    *,
    user: Any,
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


def measure_get_for_user(*, user: Any, measure_id: int) -> Measure:
    measure = Measure.objects.select_related("kommun").filter(pk=measure_id).first()
    if measure is None or not policy.can(user, "collab.view", measure.kommun):
        raise NotFoundError("measure", measure_id)
    return measure


def measure_can_edit(user: Any, kommun: Organisation) -> bool:
    return kommun.kind == Organisation.Kind.KOMMUN and policy.can(user, "collab.act", kommun)


def measure_rollup(*, user: Any, org: Organisation, year: int) -> dict[str, Any]:
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


# --- Knowledge library --------------------------------------------------------------------------------

LIBRARY_SORTS = {"title": "title", "-updated": "-updated_at", "publisher": "publisher__name", "area": "priority_area"}


def _library_publisher_ids(user: Any) -> Q:
    """Items published at or above any of the user's organisations (down the tree), or anywhere in the subtrees the
    user oversees (a county sees what its kommuner keep for themselves)."""
    above: set[int] = set()
    for org in policy.orgs_with_permission(user, "collab.view"):
        above.update(org.ancestor_ids)
    visible = policy.visible_organisations(user, "collab.view").values("pk")
    return Q(publisher_id__in=above) | Q(publisher__in=visible)


def library_for_user(
    *, user: Any, query: str = "", area: str = "", kind: str = "", topic: str = "", sort: str = "title"
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


def library_get_for_user(*, user: Any, item_id: int, manage: bool = False) -> LibraryItem:
    item = library_for_user(user=user).filter(pk=item_id).first()
    if item is None or (manage and not library_can_manage(user, item)):
        raise NotFoundError("library_item", item_id)
    return item


def library_can_manage(user: Any, item: LibraryItem) -> bool:
    return policy.can(user, "collab.manage", item.publisher)


def library_publisher_choices(*, user: Any) -> list[Organisation]:
    """Where the user may publish: their own organisations with collab.manage (nation, civil area, county, kommun)."""
    return [o for o in policy.orgs_with_permission(user, "collab.manage") if o.kind in {"nation", "civilomrade", "lan", "kommun"}]


def library_links_for(*, user: Any, target: Any) -> list[LibraryItem]:
    """The library items linked to a meeting, direction or round that ``user`` may see in the library."""
    from beredd.collab.models import Direction, LibraryLink
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


def library_link_choices(*, user: Any) -> QuerySet[LibraryItem]:
    """Items the user can link (what they see in the library), at most 500, by title."""
    return library_for_user(user=user).order_by("title")
