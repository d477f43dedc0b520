"""Register API: identities for the owning kommun's MAS tokens (every call logged like the UI), counts above.

A county or national token asking for identities gets 403, and the attempt is written to the access log.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.schemas import InputSchema
from beredd.core import downloads
from beredd.core.bounds import BoundedFloat, Id, Limit, LineText, Offset, QueryText, ShortText
from beredd.core.exceptions import NotFoundError
from beredd.orgs.models import Organisation
from beredd.register import access, selectors, services

PREFIX = "register"
router = Router(tags=["register"])


class DeviceOut(Schema):
    code: str
    name: str
    life_sustaining: bool
    battery_hours: float | None


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    phone: str
    address: str
    postcode: str
    locality: str
    lat: float | None
    lon: float | None
    unit_id: int
    cannot_evacuate: bool
    transport_need: str
    heat_sensitive: bool
    communication_needs: bool
    review_date: dt.date
    status: str
    devices: list[DeviceOut]


class PersonDetailOut(PersonOut):
    personnummer: str
    is_coordination_number: bool
    language: str
    interpreter: bool
    easy_swedish: bool
    hearing_impaired: bool
    vision_impaired: bool
    legal_basis: str
    legal_note: str


class PersonIn(InputSchema):
    personnummer: Annotated[str, Field(max_length=20)]
    first_name: ShortText
    last_name: ShortText
    address: ShortText
    postcode: Annotated[str, Field(max_length=10)]
    locality: ShortText
    unit: ShortText
    phone: Annotated[str, Field(max_length=40)] = ""
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    sweref_n: BoundedFloat | None = None
    sweref_e: BoundedFloat | None = None
    devices: LineText = ""
    cannot_evacuate: bool = False
    transport_need: ShortText = ""
    heat_sensitive: bool = False
    language: ShortText = ""
    interpreter: bool = False
    easy_swedish: bool = False
    hearing_impaired: bool = False
    vision_impaired: bool = False
    legal_basis: ShortText = "care"
    legal_note: Annotated[str, Field(max_length=2000)] = ""
    review_date: dt.date | None = None
    contact_name: ShortText = ""
    contact_phone: Annotated[str, Field(max_length=40)] = ""


class CountsRowOut(Schema):
    kommun_id: int
    kommun_code: str
    kommun_name: str
    counts: dict[str, str]


class CountsOut(Schema):
    rows: list[CountsRowOut]
    totals: dict[str, str]


class CallListRowOut(Schema):
    rank: int
    tier: int
    min_battery_hours: float | None
    outcome: str
    person: PersonOut


class FollowUpIn(InputSchema):
    person_id: Id
    outcome: ShortText
    note: Annotated[str, Field(max_length=300)] = ""


class ProgressOut(Schema):
    total: int
    unreached: int


def _person(p: Any) -> dict[str, Any]:
    return {
        **{f: getattr(p, f) for f in PersonOut.model_fields if f not in {"devices", "communication_needs"}},
        "communication_needs": p.communication_needs,
        "devices": [
            {
                "code": d.device.code,
                "name": d.device.name,
                "life_sustaining": d.device.life_sustaining,
                "battery_hours": None if d.battery_hours is None else float(d.battery_hours),
            }
            for d in p.devices.all()
        ],
    }


def _kommun(request: AuthenticatedHttpRequest, kommun_id: int | None, *, what: str, whole: bool = False) -> Organisation:
    """The kommun whose identities are asked for, checked before anything is read.

    A caller without the needed access gets 403 and a DENIED access-log row, whether or not it named a kommun
    (kommun ids are public reference data, so 403 reveals nothing); an unknown kommun id gets 404, also logged.
    """
    if kommun_id is None:
        mine = access.kommuner_with_identity_access(request.user)
        if whole:
            mine = [k for k in mine if (s := access.identity_scope(request.user, k)) is not None and s.whole_kommun]
        if not mine:
            access.refuse(user=request.user, kommun=None, what=what, via="api", forbidden=True)
        return mine[0]
    kommun = Organisation.objects.filter(pk=kommun_id, kind=Organisation.Kind.KOMMUN).first()
    if kommun is None:
        access.refuse(user=request.user, kommun=None, what=f"{what}:kommun={kommun_id}", via="api")
        raise NotFoundError("kommun", kommun_id)  # pragma: no cover (refuse raises)
    scope = access.identity_scope(request.user, kommun)
    if scope is None or (whole and not scope.whole_kommun):
        access.refuse(user=request.user, kommun=kommun, what=what, via="api", forbidden=True)
    return kommun


@router.get("/persons", response=list[PersonOut], summary="Residents (logged); the kommun's MAS or a granted unit")
def person_list(
    request: AuthenticatedHttpRequest,
    kommun_id: Id | None = None,
    q: QueryText = "",
    purpose: QueryText = "api",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    kommun = _kommun(request, kommun_id, what=f"list:{purpose}")
    people = services.person_list(
        user=request.user,
        kommun=kommun,
        query=q,
        purpose=purpose,
        via="api",
        limit=max(1, min(limit, 500)),
        offset=max(0, offset),
    )
    return [_person(p) for p in people]


@router.get("/persons/{person_id}", response=PersonDetailOut, summary="One record with personnummer (logged)")
def person_get(request: AuthenticatedHttpRequest, person_id: Id, purpose: QueryText = "api") -> Any:
    record = services.person_open(user=request.user, person_id=person_id, purpose=purpose, via="api")
    p = record.person
    return {
        **_person(p),
        "personnummer": record.personnummer,
        "is_coordination_number": p.is_coordination_number,
        **{
            f: getattr(p, f)
            for f in (
                "language",
                "interpreter",
                "easy_swedish",
                "hearing_impaired",
                "vision_impaired",
                "legal_basis",
                "legal_note",
            )
        },
    }


@router.post("/persons", response={201: PersonOut}, summary="Create a record (the kommun's MAS)")
def person_create(request: AuthenticatedHttpRequest, payload: PersonIn, kommun_id: Id | None = None) -> Any:
    kommun = _kommun(request, kommun_id, what="person.save", whole=True)
    data = payload.model_dump()
    person = services.person_save(actor=request.user, kommun=kommun, data=data, via="api")
    return Status(201, _person(person))


@router.get("/export", summary="The kommun's register as CSV (the kommun's MAS; every row logged)")
def export(request: AuthenticatedHttpRequest, kommun_id: Id | None = None, purpose: QueryText = "api export") -> HttpResponse:
    kommun = _kommun(request, kommun_id, what=f"export:{purpose}", whole=True)
    text = services.person_export_csv(user=request.user, kommun=kommun, purpose=purpose, via="api")
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    return downloads.attachment(response, f"register-{kommun.code}.csv")


@router.get("/counts", response=CountsOut, summary="Counts per kommun and category, small numbers suppressed")
def counts(request: AuthenticatedHttpRequest, org_id: Id) -> Any:
    org = Organisation.objects.filter(pk=org_id).first()
    if org is None:
        raise NotFoundError("organisation", org_id)
    rows, totals = selectors.counts_for_user(user=request.user, org=org)
    return {
        "rows": [
            {
                "kommun_id": k.pk,
                "kommun_code": k.code,
                "kommun_name": k.name,
                "counts": {c: cell.shown for c, cell in cells.items()},
            }
            for k, cells in rows
        ],
        "totals": {c: cell.shown for c, cell in totals.items()},
    }


@router.get("/incidents/{incident_id}/call-list", response=list[CallListRowOut], summary="Prioritised call list (logged)")
def call_list(request: AuthenticatedHttpRequest, incident_id: Id) -> Any:
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    residents = services.incident_call_list(user=request.user, incident=incident, via="api")
    return [
        {
            "rank": r.rank,
            "tier": r.tier,
            "outcome": r.outcome,
            "person": _person(r.person),
            "min_battery_hours": None if r.min_battery_hours is None else float(r.min_battery_hours),
        }
        for r in residents
    ]


@router.post("/incidents/{incident_id}/follow-ups", response=ProgressOut, summary="Record the outcome of a call")
def follow_up(request: AuthenticatedHttpRequest, incident_id: Id, payload: FollowUpIn) -> Any:
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    services.followup_record(
        user=request.user, incident=incident, person_id=payload.person_id, outcome=payload.outcome, note=payload.note, via="api"
    )
    progress = services.incident_progress(incident)
    return {"total": progress["total"], "unreached": progress["unreached"]}
