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
from beredd.core.bounds import Id, LineText, LongText, QueryText, ShortText, Year
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


Version = Annotated[int, Field(ge=0, le=2**31 - 1, description="The version the change was made against.")]


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


# --- Kommun–region agreements -----------------------------------------------------------------------


class AgreementIn(InputSchema):
    title: ShortText
    area: ShortText
    party_ids: Annotated[list[Id], Field(max_length=200)] = []
    other_parties: ShortText = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    review_date: dt.date | None = None
    responsible_name: ShortText = ""
    contact: ShortText = ""
    link: LineText = ""
    crisis_terms: LongText = ""


class AgreementUpdateIn(AgreementIn):
    version: Version


class AgreementOut(Schema):
    id: int
    kommun_id: int
    kommun_name: str
    title: str
    area: str
    area_label: str
    party_ids: list[int]
    other_parties: str
    valid_from: dt.date
    valid_until: dt.date | None
    review_date: dt.date | None
    status: str
    status_label: str
    responsible_name: str
    contact: str
    link: str
    crisis_terms: str
    has_document: bool
    version: int

    @staticmethod
    def resolve_kommun_name(obj: Any) -> str:
        return str(obj.kommun.name)

    @staticmethod
    def resolve_area_label(obj: Any) -> str:
        return str(obj.get_area_display())

    @staticmethod
    def resolve_party_ids(obj: Any) -> list[int]:
        return sorted(p.pk for p in obj.parties.all())

    @staticmethod
    def resolve_has_document(obj: Any) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_version(obj: Any) -> int:
        return int(obj.lock_version)


def _agreement_values(payload: AgreementIn) -> dict[str, Any]:
    ids = payload.party_ids[:21]
    parties = list(Organisation.objects.filter(pk__in=ids))
    if len(parties) != len(set(ids)) or len(payload.party_ids) > 20:
        raise ValidationFailed(details=[{"row": None, "field": "parties", "message": "Unknown party, or more than 20."}])
    values = payload.dict(exclude={"party_ids", "version"})
    for name, limit in (("title", 200), ("other_parties", 300), ("responsible_name", 200), ("contact", 300)):
        _bounded(values[name], name, limit)
    _bounded(values["crisis_terms"], "crisis_terms", 4000)
    _bounded(values["link"], "link", 500)
    return values | {"parties": parties}


@router.get("/agreements", response=list[AgreementOut])
@paginate(PageNumberPagination, page_size=50)
def agreement_list(
    request: HttpRequest, q: QueryText = "", area: QueryText = "", status: QueryText = "", sort: QueryText = "until"
) -> Any:
    return selectors.agreements_for_user(
        user=request.user, query=_bounded(q, "q", 100), area=area[:20], status=status[:20], sort=sort[:20]
    )


@router.get("/agreements/{agreement_id}", response=AgreementOut)
def agreement_get(request: HttpRequest, agreement_id: Id) -> Any:
    return selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)


@router.post("/orgs/{org_id}/agreements", response={201: AgreementOut})
def agreement_create(request: HttpRequest, org_id: Id, payload: AgreementIn) -> Any:
    from beredd.collab.services import agreements

    kommun = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.manage")
    return 201, agreements.agreement_create(actor=request.user, kommun=kommun, values=_agreement_values(payload), via="api")


@router.put("/agreements/{agreement_id}", response=AgreementOut)
def agreement_update(request: HttpRequest, agreement_id: Id, payload: AgreementUpdateIn) -> Any:
    from beredd.collab.services import agreements

    item = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id, manage=True)
    return agreements.agreement_update(
        actor=request.user, agreement=item, values=_agreement_values(payload), expected_version=payload.version, via="api"
    )


# --- Measures per priority area ---------------------------------------------------------------------


class MeasureIn(InputSchema):
    year: Year
    priority_area: ShortText
    title: ShortText
    status: ShortText = "planned"
    responsible: ShortText = ""
    due_date: dt.date | None = None
    description: LongText = ""


class MeasureUpdateIn(MeasureIn):
    version: Version


class MeasureOut(Schema):
    id: int
    kommun_id: int
    year: int
    priority_area: str
    priority_area_label: str
    title: str
    status: str
    status_label: str
    responsible: str
    due_date: dt.date | None
    description: str
    version: int

    @staticmethod
    def resolve_priority_area_label(obj: Any) -> str:
        return str(obj.get_priority_area_display())

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_version(obj: Any) -> int:
        return int(obj.lock_version)


class RollupAreaOut(Schema):
    priority_area: str
    label: str
    by_status: dict[str, int]
    total: int


class RollupOut(Schema):
    org_id: int
    year: int
    areas: list[RollupAreaOut]
    total: int


def _measure_values(payload: MeasureIn) -> dict[str, Any]:
    values = payload.dict(exclude={"version"})
    _bounded(values["title"], "title", 200)
    _bounded(values["responsible"], "responsible", 200)
    _bounded(values["description"], "description", 4000)
    return values


@router.get("/orgs/{org_id}/measures", response=list[MeasureOut])
@paginate(PageNumberPagination, page_size=100)
def measure_list(
    request: HttpRequest,
    org_id: Id,
    year: Year,
    area: QueryText = "",
    status: QueryText = "",
    q: QueryText = "",
    sort: QueryText = "area",
) -> Any:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.view")
    return selectors.measures_for_user(
        user=request.user, org=org, year=year, area=area[:20], status=status[:20], query=_bounded(q, "q", 100), sort=sort[:20]
    )


@router.get("/orgs/{org_id}/measures/rollup", response=RollupOut)
def measure_rollup(request: HttpRequest, org_id: Id, year: Year) -> Any:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.view")
    result = selectors.measure_rollup(user=request.user, org=org, year=year)
    areas = [
        {"priority_area": a["value"], "label": str(a["label"]), "by_status": dict(a["counts"]), "total": a["total"]}
        for a in result["areas"]
    ]
    return {"org_id": org.pk, "year": year, "areas": areas, "total": result["total"]}


@router.post("/orgs/{org_id}/measures", response={201: MeasureOut})
def measure_create(request: HttpRequest, org_id: Id, payload: MeasureIn) -> Any:
    from beredd.collab.services import measures

    kommun = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.act")
    return 201, measures.measure_create(actor=request.user, kommun=kommun, values=_measure_values(payload), via="api")


@router.put("/measures/{measure_id}", response=MeasureOut)
def measure_update(request: HttpRequest, measure_id: Id, payload: MeasureUpdateIn) -> Any:
    from beredd.collab.services import measures

    item = selectors.measure_get_for_user(user=request.user, measure_id=measure_id)
    if not selectors.measure_can_edit(request.user, item.kommun):
        raise NotFoundError("measure", measure_id)
    return measures.measure_update(
        actor=request.user, measure=item, values=_measure_values(payload), expected_version=payload.version, via="api"
    )


# --- Knowledge library ------------------------------------------------------------------------------


class LibraryIn(InputSchema):
    kind: ShortText
    title: ShortText
    summary: LongText = ""
    url: LineText = ""
    priority_area: ShortText = ""
    topics: Annotated[list[ShortText], Field(max_length=50)] = []


class LibraryUpdateIn(LibraryIn):
    version: Version


class LibraryOut(Schema):
    id: int
    publisher_id: int
    publisher_name: str
    kind: str
    kind_label: str
    title: str
    summary: str
    url: str
    priority_area: str
    topics: list[str]
    has_document: bool
    version: int

    @staticmethod
    def resolve_publisher_name(obj: Any) -> str:
        return str(obj.publisher.name)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_topics(obj: Any) -> list[str]:
        return list(obj.topic_list)

    @staticmethod
    def resolve_has_document(obj: Any) -> bool:
        return bool(obj.file)


def _library_values(payload: LibraryIn) -> dict[str, Any]:
    values = payload.dict(exclude={"version"})
    _bounded(values["title"], "title", 200)
    _bounded(values["summary"], "summary", 8000)
    _bounded(values["url"], "url", 500)
    if len(values["topics"]) > 10 or any(len(t) > 40 for t in values["topics"]):
        raise ValidationFailed(details=[{"row": None, "field": "topics", "message": "At most 10 topics of 40 characters."}])
    return values


@router.get("/library", response=list[LibraryOut])
@paginate(PageNumberPagination, page_size=50)
def library_list(
    request: HttpRequest,
    q: QueryText = "",
    area: QueryText = "",
    kind: QueryText = "",
    topic: QueryText = "",
    sort: QueryText = "title",
) -> Any:
    return selectors.library_for_user(
        user=request.user,
        query=_bounded(q, "q", 100),
        area=area[:20],
        kind=kind[:20],
        topic=_bounded(topic, "topic", 40),
        sort=sort[:20],
    )


@router.get("/library/{item_id}", response=LibraryOut)
def library_get(request: HttpRequest, item_id: Id) -> Any:
    return selectors.library_get_for_user(user=request.user, item_id=item_id)


@router.post("/orgs/{org_id}/library", response={201: LibraryOut})
def library_publish(request: HttpRequest, org_id: Id, payload: LibraryIn) -> Any:
    from beredd.collab.services import library

    publisher = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.manage")
    return 201, library.library_publish(actor=request.user, publisher=publisher, values=_library_values(payload), via="api")


@router.put("/library/{item_id}", response=LibraryOut)
def library_update(request: HttpRequest, item_id: Id, payload: LibraryUpdateIn) -> Any:
    from beredd.collab.services import library

    item = selectors.library_get_for_user(user=request.user, item_id=item_id, manage=True)
    return library.library_update(
        actor=request.user, item=item, values=_library_values(payload), expected_version=payload.version, via="api"
    )
