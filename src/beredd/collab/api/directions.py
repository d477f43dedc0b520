"""API: planning directions, their completeness and reminders."""

# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (beredd.core.bounds) as objects, not as names it cannot resolve.
import datetime as dt
from typing import Annotated, Any

from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.pagination import PageNumberPagination
from beredd.api.schemas import InputSchema
from beredd.collab import selectors
from beredd.collab.api._common import _bounded
from beredd.collab.services import directions
from beredd.core.bounds import Id, QueryText, ShortText
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation

router = Router()  # tagged "collab" by the package router that gathers it


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
def direction_list(request: AuthenticatedHttpRequest, q: QueryText = "", sort: QueryText = "-created") -> Any:
    return selectors.directions_for_user(user=request.user, query=_bounded(q, "q", 100), sort=sort[:20])


@router.post("/orgs/{org_id}/directions", response={201: DirectionOut})
def direction_publish(request: AuthenticatedHttpRequest, org_id: Id, payload: DirectionIn) -> Any:
    sender = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="reporting.issue")
    root = Organisation.objects.filter(pk=payload.recipient_root_id).first() if payload.recipient_root_id else sender
    values = payload.dict(exclude={"recipient_root_id"}) | {
        "recipient_root": root if root is not None else "",
        "title": _bounded(payload.title, "title", 200),
        "text": _bounded(payload.text, "text", 20000),
    }
    return 201, directions.direction_publish(actor=request.user, sender=sender, values=values, via="api")


@router.get("/directions/{direction_id}/completeness", response=CompletenessOut)
def direction_completeness(request: AuthenticatedHttpRequest, direction_id: Id) -> Any:
    direction = selectors.direction_get_for_user(user=request.user, direction_id=direction_id)
    if not selectors.direction_is_sender(request.user, direction):
        raise NotFoundError("direction", direction_id)
    result = selectors.direction_completeness(direction=direction)
    assert result is not None  # a direction's round is issued with its first instance
    c = result.total.completeness
    return {"answered": c.answered, "expected": c.expected, "late": c.late, "percent": c.percent}


@router.post("/directions/{direction_id}/remind")
def direction_remind(request: AuthenticatedHttpRequest, direction_id: Id) -> Any:
    direction = selectors.direction_get_for_user(user=request.user, direction_id=direction_id)
    if not selectors.direction_is_sender(request.user, direction):
        raise NotFoundError("direction", direction_id)
    return {"reminded": directions.direction_remind(actor=request.user, direction=direction, via="api")}
