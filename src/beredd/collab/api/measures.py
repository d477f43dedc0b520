"""API: measures per priority area and their roll-up."""

# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (beredd.core.bounds) as objects, not as names it cannot resolve.
import datetime as dt
from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.pagination import PageNumberPagination
from beredd.api.schemas import InputSchema
from beredd.collab import selectors
from beredd.collab.api._common import Version, _bounded
from beredd.collab.models import Measure
from beredd.core.bounds import Id, LongText, QueryText, ShortText, Year
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors

router = Router()  # tagged "collab" by the package router that gathers it


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
    def resolve_priority_area_label(obj: Measure) -> str:
        return str(obj.get_priority_area_display())

    @staticmethod
    def resolve_status_label(obj: Measure) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_version(obj: Measure) -> int:
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
    request: AuthenticatedHttpRequest,
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
def measure_rollup(request: AuthenticatedHttpRequest, org_id: Id, year: Year) -> Any:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.view")
    result = selectors.measure_rollup(user=request.user, org=org, year=year)
    areas = [
        {"priority_area": a["value"], "label": str(a["label"]), "by_status": dict(a["counts"]), "total": a["total"]}
        for a in result["areas"]
    ]
    return {"org_id": org.pk, "year": year, "areas": areas, "total": result["total"]}


@router.post("/orgs/{org_id}/measures", response={201: MeasureOut})
def measure_create(request: AuthenticatedHttpRequest, org_id: Id, payload: MeasureIn) -> Any:
    from beredd.collab.services import measures

    kommun = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.act")
    return 201, measures.measure_create(actor=request.user, kommun=kommun, values=_measure_values(payload), via="api")


@router.put("/measures/{measure_id}", response=MeasureOut)
def measure_update(request: AuthenticatedHttpRequest, measure_id: Id, payload: MeasureUpdateIn) -> Any:
    from beredd.collab.services import measures

    item = selectors.measure_get_for_user(user=request.user, measure_id=measure_id)
    if not selectors.measure_can_edit(request.user, item.kommun):
        raise NotFoundError("measure", measure_id)
    return measures.measure_update(
        actor=request.user, measure=item, values=_measure_values(payload), expected_version=payload.version, via="api"
    )
