"""REST endpoints for crisis communication: the sent log, reach, confirmations, the bank's approvals and the send.
Same selectors and services as the pages; the public page and CAP files are open URLs, not API."""

# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (QueryText, Id) as real objects, not strings.

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.pagination import PageNumberPagination
from beredd.api.schemas import InputSchema
from beredd.comms import selectors
from beredd.comms.models import BankVersion, Delivery, Message
from beredd.comms.services import bank, targeting
from beredd.comms.services import messages as services
from beredd.core.bounds import Id, QueryText, ShortText
from beredd.register import selectors as register_selectors

PREFIX = "comms"
router = Router(tags=["comms"])


class MessageOut(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str
    organisation_id: int | None
    is_exercise: bool
    created_at: dt.datetime
    recipients: int
    sent: int
    failed: int
    confirmed: int

    @staticmethod
    def resolve_kind_label(obj: Message) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_recipients(obj: Any) -> int:
        return int(obj.n_total)

    @staticmethod
    def resolve_sent(obj: Any) -> int:
        return int(obj.n_sent)

    @staticmethod
    def resolve_failed(obj: Any) -> int:
        return int(obj.n_failed)

    @staticmethod
    def resolve_confirmed(obj: Any) -> int:
        return int(obj.n_confirmed)


class DeliveryOut(Schema):
    id: int
    channel: str
    address: str
    organisation_id: int | None
    language: str
    status: str
    status_label: str
    attempts: int
    error: str
    sent_at: dt.datetime | None
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: Delivery) -> str:
        return str(obj.get_status_display())


class VersionOut(Schema):
    id: int
    language: str
    number: int
    status: str
    status_label: str

    @staticmethod
    def resolve_status_label(obj: BankVersion) -> str:
        return str(obj.get_status_display())


class SendIn(InputSchema):
    incident_id: Id
    tid: ShortText = ""
    plats: ShortText = ""
    telefon: ShortText = ""
    email_staff: bool = True
    print_units: bool = True


class AudienceIn(InputSchema):
    audience: Literal["units", "providers", "kommuner", "forum"]
    roles: Annotated[list[ShortText], Field(max_length=20)] = []
    forum_id: Id | None = None
    tid: ShortText = ""
    plats: ShortText = ""
    telefon: ShortText = ""


@router.get("/messages", response=list[MessageOut])
@paginate(PageNumberPagination, page_size=50)
def message_list(request: AuthenticatedHttpRequest, q: QueryText = "", sort: QueryText = "-created") -> Any:
    return selectors.messages_for_user(user=request.user, query=q[:100], sort=sort)


@router.get("/messages/{message_id}/deliveries", response=list[DeliveryOut])
@paginate(PageNumberPagination, page_size=50)
def delivery_list(request: AuthenticatedHttpRequest, message_id: Id, status: QueryText = "") -> Any:
    message = selectors.message_get_for_user(user=request.user, message_id=message_id)
    return selectors.deliveries_of(message=message, status=status[:20])


@router.post("/deliveries/{delivery_id}/confirm", response=DeliveryOut)
def delivery_confirm(request: AuthenticatedHttpRequest, delivery_id: Id) -> Any:
    """A unit confirms its printable notice delivered."""
    delivery = selectors.delivery_get_for_unit(user=request.user, delivery_id=delivery_id)
    return services.delivery_confirm(actor=request.user, delivery=delivery, via="api")


@router.post("/versions/{version_id}/review", response=VersionOut)
def version_review(request: AuthenticatedHttpRequest, version_id: Id) -> Any:
    v = selectors.version_get_for_user(user=request.user, version_id=version_id, permission="comms.review")
    return bank.version_review(actor=request.user, version=v, via="api")


@router.post("/versions/{version_id}/approve", response=VersionOut)
def version_approve(request: AuthenticatedHttpRequest, version_id: Id) -> Any:
    v = selectors.version_get_for_user(user=request.user, version_id=version_id, permission="comms.approve")
    return bank.version_approve(actor=request.user, version=v, via="api")


@router.post("/bank/{bank_id}/send", response={201: list[int]})
def bank_send(request: AuthenticatedHttpRequest, bank_id: Id, payload: SendIn) -> Any:
    """Send the approved versions to an incident area; returns the ids of the queued messages."""
    item = selectors.bank_message_get_for_user(user=request.user, bank_id=bank_id, permission="comms.send")
    incident = register_selectors.incident_get_for_user(user=request.user, incident_id=payload.incident_id)
    sent = targeting.send_to_incident(
        actor=request.user,
        bank_message=item,
        incident=incident,
        fill={"tid": payload.tid, "plats": payload.plats, "telefon": payload.telefon},
        email_staff=payload.email_staff,
        print_units=payload.print_units,
        via="api",
    )
    return Status(201, [m.pk for m in sent])


@router.post("/bank/{bank_id}/send-to", response={201: int})
def bank_send_to_audience(request: AuthenticatedHttpRequest, bank_id: Id, payload: AudienceIn) -> Any:
    """Send the approved versions by e-mail to the staff of units, private providers, the kommun(s) or a forum's
    members, optionally only to some roles; returns the id of the queued message."""
    item = selectors.bank_message_get_for_user(user=request.user, bank_id=bank_id, permission="comms.send")
    message = targeting.send_to_audience(
        actor=request.user,
        bank_message=item,
        audience=payload.audience,
        roles=list(payload.roles),
        forum_id=payload.forum_id,
        fill={"tid": payload.tid, "plats": payload.plats, "telefon": payload.telefon},
        via="api",
    )
    return Status(201, message.pk)
