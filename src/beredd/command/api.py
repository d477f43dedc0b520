"""REST endpoints for crisis command. Same selectors and services as the views; errors are problem details.

``POST /requests`` takes an ``Idempotency-Key`` header (a retry returns the stored request with 200, nothing
written twice). Every action on a request takes the ``version`` the caller saw (or ``If-Match``); a stale one is
refused with 409 so that two coordinators acting at once never lose a step.
"""

# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (beredd.core.bounds) as objects, not as names it cannot resolve.
import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.pagination import PageNumberPagination
from beredd.api.schemas import InputSchema
from beredd.command import selectors
from beredd.command.models import Alert, LogEntry, ReadinessChange, RequestStep, SupportRequest
from beredd.command.services import alert as alert_services
from beredd.command.services import log as log_services
from beredd.command.services import readiness as readiness_services
from beredd.command.services import requests as services
from beredd.core.bounds import BoundedInt, Id, LineText, QueryText, ShortText
from beredd.core.exceptions import FieldError, NotFoundError, ValidationFailed
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.reporting.models import Event

PREFIX = "command"
router = Router(tags=["command"])


def _bounded(value: str, name: str, limit: int) -> str:
    if len(value) > limit:
        raise ValidationFailed(details=[FieldError(row=None, field=name, message=f"At most {limit} characters.")])
    return value


MAX_ID = 2**62  # ids beyond a bigint are refused before they reach the database


def _org(request: AuthenticatedHttpRequest, org_id: Id | None, permission: str = "command.view") -> Organisation:
    if org_id is None or not 0 < org_id < MAX_ID:
        raise NotFoundError("organisation", org_id)
    return org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission=permission)


def _org_or_none(org_id: int | None) -> Organisation | None:
    if org_id is None:
        return None
    org = Organisation.objects.filter(pk=org_id).first() if 0 < org_id < MAX_ID else None
    if org is None:
        raise ValidationFailed(details=[FieldError(row=None, field="org_id", message="Unknown organisation.")])
    return org


def _bounded_id(value: int) -> int:
    if not 0 < value < MAX_ID:
        raise NotFoundError("support_request", value)
    return value


class CommandBoardRowOut(Schema):
    org_id: int
    name: str
    kind: str
    level: str
    level_label: str
    changed_at: dt.datetime | None
    trend: str


class CommandLevelIn(InputSchema):
    level: ShortText
    reason: Annotated[str, Field(max_length=2000)]
    service_kind: ShortText = ""
    applies_from: dt.datetime | None = None
    event_id: Id | None = None


class CommandLevelOut(Schema):
    id: int
    organisation_id: int
    service_kind: str
    level: str
    level_label: str
    previous_level: str
    reason: str
    applies_from: dt.datetime
    set_by: str
    event_id: int | None

    @staticmethod
    def resolve_level_label(obj: ReadinessChange) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_set_by(obj: ReadinessChange) -> str:
        return str(obj.set_by.email)


@router.get("/boards/{org_id}", response=list[CommandBoardRowOut], summary="Current level of each organisation below one")
@paginate(PageNumberPagination, page_size=100)
def board_get(
    request: AuthenticatedHttpRequest, org_id: Id, kind: QueryText = "", service_kind: QueryText = "", q: QueryText = ""
) -> Any:
    org = _org(request, org_id)
    rows = selectors.board(
        user=request.user,
        org=org,
        kind=_bounded(kind, "kind", 20),
        service_kind=_bounded(service_kind, "service_kind", 32),
        query=_bounded(q, "q", 100),
    )
    return [
        {
            "org_id": r["org"].pk,
            "name": r["org"].name,
            "kind": r["org"].kind,
            "level": r["level"],
            "level_label": str(r["level_label"]),
            "changed_at": r["changed_at"],
            "trend": r["trend"],
        }
        for r in rows
    ]


@router.get("/orgs/{org_id}/levels", response=list[CommandLevelOut], summary="An organisation's level history, newest first")
@paginate(PageNumberPagination, page_size=100)
def level_history(request: AuthenticatedHttpRequest, org_id: Id) -> Any:
    return selectors.history(user=request.user, org=_org(request, org_id))


@router.post("/orgs/{org_id}/levels", response={201: CommandLevelOut}, summary="Set an organisation's readiness level")
def level_set(request: AuthenticatedHttpRequest, org_id: Id, body: CommandLevelIn) -> Any:
    org = _org(request, org_id)
    values: dict[str, Any] = body.dict()
    values["event"] = _event(values.pop("event_id"))
    return 201, readiness_services.readiness_set(actor=request.user, organisation=org, values=values, via="api")


def _event(event_id: int | None) -> "Event | None":
    if event_id is None:
        return None
    from beredd.reporting.models import Event

    event = Event.objects.select_related("owner").filter(pk=event_id).first() if 0 < event_id < MAX_ID else None
    if event is None:
        raise ValidationFailed(details=[FieldError(row=None, field="event_id", message="Unknown event.")])
    return event


class CommandLogIn(InputSchema):
    kind: ShortText
    text: Annotated[str, Field(max_length=4000)]
    source: ShortText = ""
    occurred_at: dt.datetime | None = None
    corrects_id: Id | None = None
    event_id: Id | None = None


class CommandLogOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    source: str
    occurred_at: dt.datetime
    corrects_id: int | None
    is_automatic: bool
    author: str

    @staticmethod
    def resolve_kind_label(obj: LogEntry) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_author(obj: LogEntry) -> str:
        return str(obj.author.email) if obj.author else "Beredd"


@router.get("/orgs/{org_id}/log", response=list[CommandLogOut], summary="An organisation's event log")
@paginate(PageNumberPagination, page_size=100)
def log_list(request: AuthenticatedHttpRequest, org_id: Id, q: QueryText = "", kind: QueryText = "") -> Any:
    return selectors.log_for_user(user=request.user, org=_org(request, org_id), query=_bounded(q, "q", 100), kind=kind[:20])


@router.post("/orgs/{org_id}/log", response={201: CommandLogOut}, summary="Add an entry (or a correction) to the log")
def log_add(request: AuthenticatedHttpRequest, org_id: Id, body: CommandLogIn) -> Any:
    org = _org(request, org_id)
    values: dict[str, Any] = body.dict()
    corrects_id = values.pop("corrects_id")
    if corrects_id is not None:
        found = LogEntry.objects.filter(pk=corrects_id).first() if 0 < corrects_id < MAX_ID else None
        values["corrects"] = found or "missing"
    values["event"] = _event(values.pop("event_id"))
    return 201, log_services.log_entry_add(actor=request.user, organisation=org, values=values, via="api")


class CommandRequestIn(InputSchema):
    requester_id: Id
    item: ShortText
    competence: ShortText = ""
    description: Annotated[str, Field(max_length=500)] = ""
    quantity: BoundedInt | None = None
    unit: Annotated[str, Field(max_length=32)] = ""
    priority: ShortText = "normal"
    needed_by: dt.datetime | None = None
    delivery_point: ShortText = ""
    contact: ShortText = ""


class CommandStepOut(Schema):
    request_id: int
    kind: str
    kind_label: str
    actor: str
    organisation: str
    other_organisation: str | None
    quantity: int | None
    note: str
    at: dt.datetime

    @staticmethod
    def resolve_kind_label(obj: RequestStep) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_actor(obj: RequestStep) -> str:
        return str(obj.actor.email)

    @staticmethod
    def resolve_organisation(obj: RequestStep) -> str:
        return str(obj.actor_org.name)

    @staticmethod
    def resolve_other_organisation(obj: RequestStep) -> str | None:
        return obj.other_org.name if obj.other_org else None


class CommandRequestOut(Schema):
    id: int
    requester_id: int
    holder_id: int
    item: str
    item_label: str
    competence: str
    quantity: int
    unit: str
    covered: int
    remaining: int
    priority: str
    needed_by: dt.datetime
    delivery_point: str
    contact: str
    status: str
    status_label: str
    merged_into_id: int | None
    version: int

    @staticmethod
    def resolve_status_label(obj: SupportRequest) -> str:
        return str(obj.get_status_display())


class CommandRequestDetailOut(CommandRequestOut):
    steps: list[CommandStepOut]

    @staticmethod
    def resolve_steps(obj: SupportRequest) -> list[RequestStep]:
        return selectors.request_steps(obj)


class CommandActionIn(InputSchema):
    action: ShortText
    version: Annotated[int, Field(ge=0, le=2**31 - 1, description="The version the action was taken against.")] | None = None
    quantity: BoundedInt | None = None
    org_id: Id | None = None
    note: LineText = ""
    reason: LineText = ""


class CommandMergeIn(InputSchema):
    request_ids: Annotated[list[Id], Field(max_length=500)]
    to_id: Id
    delivery_point: ShortText
    contact: ShortText
    description: Annotated[str, Field(max_length=500)] = ""


@router.get("/requests", response=list[CommandRequestOut], summary="Requests the caller may see")
@paginate(PageNumberPagination, page_size=100)
def request_list(request: AuthenticatedHttpRequest, q: QueryText = "", status: QueryText = "", item: QueryText = "") -> Any:
    return selectors.requests_for_user(user=request.user, query=_bounded(q, "q", 100), status=status[:20], item=item[:20])


@router.post(
    "/requests",
    response={201: CommandRequestDetailOut, 200: CommandRequestDetailOut},
    summary="Ask for support (Idempotency-Key)",
)
def request_create(request: AuthenticatedHttpRequest, body: CommandRequestIn) -> Any:
    org = _org(request, body.requester_id)
    values = body.dict()
    key = _bounded(request.headers.get("Idempotency-Key", "").strip(), "Idempotency-Key", 128)
    item, created = services.request_create(actor=request.user, requester=org, values=values, idempotency_key=key, via="api")
    return (201 if created else 200), item


@router.get(
    "/requests/{request_id}", response=CommandRequestDetailOut, summary="A request with every step the requester sees (ETag)"
)
def request_get(request: AuthenticatedHttpRequest, response: HttpResponse, request_id: Id) -> Any:
    _bounded_id(request_id)
    item = selectors.request_get_for_user(user=request.user, request_id=request_id)
    response["ETag"] = f'"{item.version}"'
    return item


def _version(request: HttpRequest, body: CommandActionIn) -> int | None:
    if body.version is not None:
        return body.version
    match = request.headers.get("If-Match", "").strip().strip('"')
    return int(match) if match.isdigit() and len(match) < 10 else None


@router.post(
    "/requests/{request_id}/actions",
    response=CommandRequestDetailOut,
    summary="Act on a request (version or If-Match; 409 when stale)",
)
def request_act(request: AuthenticatedHttpRequest, request_id: Id, body: CommandActionIn) -> Any:
    _bounded_id(request_id)
    item = selectors.request_get_for_user(user=request.user, request_id=request_id)
    v = _version(request, body)
    user = request.user
    note = _bounded(body.note, "note", 1000)
    other = _org_or_none(body.org_id)
    action = body.action
    if action == "pledge":
        return services.request_pledge(
            actor=user, request=item, quantity=body.quantity, pledger=other, note=note, expected_version=v, via="api"
        )
    if action == "allocate":
        return services.request_allocate(
            actor=user, request=item, quantity=body.quantity, supplier=other, note=note, expected_version=v, via="api"
        )
    if action == "forward":
        return services.request_forward(actor=user, request=item, to=other, note=note, expected_version=v, via="api")
    if action == "ask":
        return services.request_ask(actor=user, request=item, org=other, note=note, expected_version=v, via="api")
    if action == "deliver":
        return services.request_deliver(actor=user, request=item, note=note, expected_version=v, via="api")
    if action == "decline":
        return services.request_decline(
            actor=user, request=item, reason=_bounded(body.reason, "reason", 1000), expected_version=v, via="api"
        )
    if action == "close":
        return services.request_close(actor=user, request=item, note=note, expected_version=v, via="api")
    raise ValidationFailed(details=[FieldError(row=None, field="action", message="Unknown action.")])


@router.post("/merges", response={201: CommandRequestDetailOut}, summary="Merge requests into one joint request upward")
def request_merge(request: AuthenticatedHttpRequest, body: CommandMergeIn) -> Any:
    if len(body.request_ids) > 500:
        raise ValidationFailed(details=[FieldError(row=None, field="request_ids", message="At most 500 requests.")])
    items = [
        selectors.request_get_for_user(user=request.user, request_id=_bounded_id(i)) for i in dict.fromkeys(body.request_ids)
    ]
    joint = services.request_merge(
        actor=request.user,
        requests=items,
        to=_org_or_none(body.to_id),
        values=body.dict(),
        via="api",
    )
    return 201, joint


class CommandNeedOut(Schema):
    item: str
    item_label: str
    competence: str
    unit: str
    priority: str
    priority_label: str
    remaining: int
    requests: int
    oldest: dt.datetime


@router.get("/needs/{org_id}", response=list[CommandNeedOut], summary="Open needs per item and priority in a subtree")
def needs_get(request: AuthenticatedHttpRequest, org_id: Id) -> Any:
    return selectors.open_needs(user=request.user, org=_org(request, org_id))


class CommandAlertIn(InputSchema):
    kind: ShortText
    scope_id: Id
    decision_reference: ShortText = ""
    decided_at: dt.datetime | None = None
    starts_at: dt.datetime | None = None
    is_exercise: bool = False


class CommandAlertOut(Schema):
    id: int
    kind: str
    kind_label: str
    scope_id: int
    decision_reference: str
    starts_at: dt.datetime
    ended_at: dt.datetime | None
    is_exercise: bool

    @staticmethod
    def resolve_kind_label(obj: Alert) -> str:
        return str(obj.get_kind_display())


@router.get("/alerts", response=list[CommandAlertOut], summary="Heightened alerts in force")
def alert_list(request: HttpRequest) -> Any:
    return selectors.alerts_in_force()


@router.post("/alerts", response={201: CommandAlertOut}, summary="Set heightened alert (national admin)")
def alert_set(request: AuthenticatedHttpRequest, body: CommandAlertIn) -> Any:
    values: dict[str, Any] = body.dict()
    values["scope"] = _org_or_none(values.pop("scope_id"))
    return 201, alert_services.alert_set(actor=request.user, values=values, via="api")
