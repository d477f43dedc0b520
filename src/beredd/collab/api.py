"""REST endpoints for collaboration: forums, meetings, actions. Same selectors and services as the views."""

# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (beredd.core.bounds) as objects, not as names it cannot resolve.
import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from beredd.api.pagination import PageNumberPagination
from beredd.api.schemas import InputSchema
from beredd.collab import selectors
from beredd.collab.models import Action, Meeting
from beredd.collab.services import directions, documents
from beredd.collab.services import meetings as services
from beredd.core.bounds import Id, QueryText, ShortText
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation

PREFIX = "collab"
router = Router(tags=["collab"])


class ForumOut(Schema):
    id: int
    name: str
    owner_id: int
    owner_name: str

    @staticmethod
    def resolve_owner_name(obj: Any) -> str:
        return str(obj.owner.name)


class MeetingIn(InputSchema):
    title: ShortText
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: ShortText = ""
    agenda: Annotated[str, Field(max_length=20000)] = ""
    is_ad_hoc: bool = False


class MeetingOut(Schema):
    id: int
    forum_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    agenda: str
    status: str
    status_label: str

    @staticmethod
    def resolve_status_label(obj: Meeting) -> str:
        return str(obj.get_status_display())


class ActionIn(InputSchema):
    title: Annotated[str, Field(max_length=300)]
    owner_org_id: Id | None = None
    owner_name: ShortText = ""
    due_date: dt.date | None = None


class ActionOut(Schema):
    id: int
    meeting_id: int
    title: str
    owner_org_id: int
    person: str
    due_date: dt.date
    status: str
    status_label: str

    @staticmethod
    def resolve_person(obj: Action) -> str:
        return obj.person_label

    @staticmethod
    def resolve_status_label(obj: Action) -> str:
        return str(obj.get_status_display())


class StatusIn(InputSchema):
    status: ShortText
    comment: Annotated[str, Field(max_length=4000)] = ""


def _bounded(value: str, name: str, limit: int) -> str:
    if len(value) > limit:
        raise ValidationFailed(details=[{"row": None, "field": name, "message": f"At most {limit} characters."}])
    return value


@router.get("/forums", response=list[ForumOut])
@paginate(PageNumberPagination, page_size=50)
def forum_list(request: HttpRequest, q: QueryText = "", sort: QueryText = "name") -> Any:
    return selectors.forums_for_user(user=request.user, query=_bounded(q, "q", 100), sort=sort[:20])


@router.get("/forums/{forum_id}", response=ForumOut)
def forum_get(request: HttpRequest, forum_id: Id) -> Any:
    return selectors.forum_get_for_user(user=request.user, forum_id=forum_id)


@router.get("/forums/{forum_id}/meetings", response=list[MeetingOut])
@paginate(PageNumberPagination, page_size=50)
def meeting_list(request: HttpRequest, forum_id: Id) -> Any:
    forum = selectors.forum_get_for_user(user=request.user, forum_id=forum_id)
    return selectors.meetings_of(forum)


@router.post("/forums/{forum_id}/meetings", response={201: MeetingOut})
def meeting_create(request: HttpRequest, forum_id: Id, payload: MeetingIn) -> Any:
    forum = selectors.forum_get_for_user(user=request.user, forum_id=forum_id, manage=True)
    return 201, services.meeting_create(actor=request.user, forum=forum, values=payload.dict(), via="api")


@router.get("/meetings/{meeting_id}", response=MeetingOut)
def meeting_get(request: HttpRequest, meeting_id: Id) -> Any:
    return selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)


@router.get("/meetings/{meeting_id}/ics")
def meeting_ics(request: HttpRequest, meeting_id: Id) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return HttpResponse(documents.meeting_ics(meeting=meeting), content_type="text/calendar; charset=utf-8")


@router.get("/meetings/{meeting_id}/actions", response=list[ActionOut])
def action_list(request: HttpRequest, meeting_id: Id) -> Any:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return list(meeting.actions.select_related("owner_user"))


@router.post("/meetings/{meeting_id}/actions", response={201: ActionOut})
def action_create(request: HttpRequest, meeting_id: Id, payload: ActionIn) -> Any:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id, manage=True)
    owner = Organisation.objects.filter(pk=payload.owner_org_id).first() if payload.owner_org_id else None
    values = {"title": payload.title, "owner_org": owner, "owner_name": payload.owner_name, "due_date": payload.due_date}
    return 201, services.action_add(actor=request.user, meeting=meeting, values=values, via="api")


@router.post("/actions/{action_id}/status", response=ActionOut)
def action_status(request: HttpRequest, action_id: Id, payload: StatusIn) -> Any:
    action = selectors.action_get_for_user(user=request.user, action_id=action_id)
    if not services.can_act_on(request.user, action):
        raise NotFoundError("action", action_id)
    return services.action_set_status(
        actor=request.user, action=action, status=payload.status, comment=_bounded(payload.comment, "comment", 4000), via="api"
    )


class DirectionIn(InputSchema):
    title: ShortText
    text: Annotated[str, Field(max_length=20000)]
    scenario: Annotated[str, Field(max_length=4000)] = ""
    requirement: Annotated[str, Field(max_length=4000)] = ""
    recipient_root_id: Id | None = None
    due_date: dt.date | None = None


class DirectionOut(Schema):
    id: int
    sender_id: int
    recipient_root_id: int
    title: str
    text: str
    scenario: str
    requirement: str
    due_date: dt.date
    round_id: int


class CompletenessOut(Schema):
    answered: int
    expected: int
    late: int
    percent: int


@router.get("/directions", response=list[DirectionOut])
@paginate(PageNumberPagination, page_size=50)
def direction_list(request: HttpRequest, q: QueryText = "", sort: QueryText = "-created") -> Any:
    return selectors.directions_for_user(user=request.user, query=_bounded(q, "q", 100), sort=sort[:20])


@router.post("/orgs/{org_id}/directions", response={201: DirectionOut})
def direction_publish(request: HttpRequest, org_id: Id, payload: DirectionIn) -> Any:
    sender = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="reporting.issue")
    root = Organisation.objects.filter(pk=payload.recipient_root_id).first() if payload.recipient_root_id else sender
    values = payload.dict(exclude={"recipient_root_id"}) | {
        "recipient_root": root if root is not None else "",
        "title": _bounded(payload.title, "title", 200),
        "text": _bounded(payload.text, "text", 20000),
    }
    return 201, directions.direction_publish(actor=request.user, sender=sender, values=values, via="api")


@router.get("/directions/{direction_id}/completeness", response=CompletenessOut)
def direction_completeness(request: HttpRequest, direction_id: Id) -> Any:
    direction = selectors.direction_get_for_user(user=request.user, direction_id=direction_id)
    if not selectors.direction_is_sender(request.user, direction):
        raise NotFoundError("direction", direction_id)
    result = selectors.direction_completeness(direction=direction)
    c = result.total.completeness
    return {"answered": c.answered, "expected": c.expected, "late": c.late, "percent": c.percent}


@router.post("/directions/{direction_id}/remind")
def direction_remind(request: HttpRequest, direction_id: Id) -> Any:
    direction = selectors.direction_get_for_user(user=request.user, direction_id=direction_id)
    if not selectors.direction_is_sender(request.user, direction):
        raise NotFoundError("direction", direction_id)
    return {"reminded": directions.direction_remind(actor=request.user, direction=direction, via="api")}
