"""API: forums, their meetings (with the calendar file) and the meetings' actions."""

# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (beredd.core.bounds) as objects, not as names it cannot resolve.
import datetime as dt
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.pagination import PageNumberPagination
from beredd.api.schemas import InputSchema
from beredd.collab import selectors
from beredd.collab.api._common import _bounded
from beredd.collab.models import Action, Forum, Meeting
from beredd.collab.services import documents
from beredd.collab.services import meetings as services
from beredd.core.bounds import Id, QueryText, ShortText
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation

router = Router()  # tagged "collab" by the package router that gathers it


class ForumOut(Schema):
    id: int
    name: str
    owner_id: int
    owner_name: str

    @staticmethod
    def resolve_owner_name(obj: Forum) -> str:
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


@router.get("/forums", response=list[ForumOut])
@paginate(PageNumberPagination, page_size=50)
def forum_list(request: AuthenticatedHttpRequest, q: QueryText = "", sort: QueryText = "name") -> Any:
    return selectors.forums_for_user(user=request.user, query=_bounded(q, "q", 100), sort=sort[:20])


@router.get("/forums/{forum_id}", response=ForumOut)
def forum_get(request: AuthenticatedHttpRequest, forum_id: Id) -> Any:
    return selectors.forum_get_for_user(user=request.user, forum_id=forum_id)


@router.get("/forums/{forum_id}/meetings", response=list[MeetingOut])
@paginate(PageNumberPagination, page_size=50)
def meeting_list(request: AuthenticatedHttpRequest, forum_id: Id) -> Any:
    forum = selectors.forum_get_for_user(user=request.user, forum_id=forum_id)
    return selectors.meetings_of(forum)


@router.post("/forums/{forum_id}/meetings", response={201: MeetingOut})
def meeting_create(request: AuthenticatedHttpRequest, forum_id: Id, payload: MeetingIn) -> Any:
    forum = selectors.forum_get_for_user(user=request.user, forum_id=forum_id, manage=True)
    return 201, services.meeting_create(actor=request.user, forum=forum, values=payload.dict(), via="api")


@router.get("/meetings/{meeting_id}", response=MeetingOut)
def meeting_get(request: AuthenticatedHttpRequest, meeting_id: Id) -> Any:
    return selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)


@router.get("/meetings/{meeting_id}/ics")
def meeting_ics(request: AuthenticatedHttpRequest, meeting_id: Id) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return HttpResponse(documents.meeting_ics(meeting=meeting), content_type="text/calendar; charset=utf-8")


@router.get("/meetings/{meeting_id}/actions", response=list[ActionOut])
def action_list(request: AuthenticatedHttpRequest, meeting_id: Id) -> Any:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return list(meeting.actions.select_related("owner_user"))


@router.post("/meetings/{meeting_id}/actions", response={201: ActionOut})
def action_create(request: AuthenticatedHttpRequest, meeting_id: Id, payload: ActionIn) -> Any:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id, manage=True)
    owner = Organisation.objects.filter(pk=payload.owner_org_id).first() if payload.owner_org_id else None
    values = {"title": payload.title, "owner_org": owner, "owner_name": payload.owner_name, "due_date": payload.due_date}
    return 201, services.action_add(actor=request.user, meeting=meeting, values=values, via="api")


@router.post("/actions/{action_id}/status", response=ActionOut)
def action_status(request: AuthenticatedHttpRequest, action_id: Id, payload: StatusIn) -> Any:
    action = selectors.action_get_for_user(user=request.user, action_id=action_id)
    if not services.can_act_on(request.user, action):
        raise NotFoundError("action", action_id)
    return services.action_set_status(
        actor=request.user, action=action, status=payload.status, comment=_bounded(payload.comment, "comment", 4000), via="api"
    )
