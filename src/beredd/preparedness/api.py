"""REST endpoints for preparedness: plan status per unit, heat activation and acknowledgement, RSA, comparison."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.schemas import InputSchema
from beredd.core.bounds import Id, ShortText, Year
from beredd.preparedness import selectors, self_assessment, services

PREFIX = "preparedness"
router = Router(tags=["preparedness"])


class UnitPlanOut(Schema):
    unit_id: int
    unit_name: str
    service_kind: str
    plan_id: int | None
    status: str
    meets_oj: bool
    heat_sensitive: bool


class HeatIn(InputSchema):
    level: ShortText
    valid_from: dt.date
    valid_until: dt.date
    note: Annotated[str, Field(max_length=2000)] = ""


class HeatNoticeOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    acknowledged_at: dt.datetime | None


class HeatOut(Schema):
    id: int
    organisation_id: int
    level: str
    valid_from: dt.date
    valid_until: dt.date
    source: str
    ended_at: dt.datetime | None
    notices: list[HeatNoticeOut]


class AcknowledgeIn(InputSchema):
    checked_items: Annotated[list[ShortText], Field(max_length=200)] = []


class RiskOut(Schema):
    id: int
    title: str
    likelihood: int
    consequence: int
    status: str


class RsaOut(Schema):
    id: int
    kommun_id: int
    mandate_period: str
    due_date: dt.date
    status: str
    risks: list[RiskOut]


class ComparisonRowOut(Schema):
    code: str
    question_sv: str
    question_en: str
    shares: list[int | None]
    answered: list[int]


class ComparisonOut(Schema):
    year: int
    organisation_ids: list[int]
    rows: list[ComparisonRowOut]


def _heat_out(activation: Any) -> dict[str, Any]:
    return {
        "id": activation.pk,
        "organisation_id": activation.organisation_id,
        "level": activation.level,
        "valid_from": activation.valid_from,
        "valid_until": activation.valid_until,
        "source": activation.source,
        "ended_at": activation.ended_at,
        "notices": [
            {"id": n.pk, "unit_id": n.unit_id, "unit_name": n.unit.name, "acknowledged_at": n.acknowledged_at}
            for n in selectors.heat_notices_of(activation)
        ],
    }


@router.get("/orgs/{org_id}/plans", response=list[UnitPlanOut], summary="Continuity plan status per unit")
def plan_status(request: AuthenticatedHttpRequest, org_id: Id) -> Any:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    return [
        {
            "unit_id": r["unit"].pk,
            "unit_name": r["unit"].name,
            "service_kind": r["unit"].service_kind,
            "plan_id": r["plan"].pk if r["plan"] else None,
            "status": r["status"],
            "meets_oj": r["meets_oj"],
            "heat_sensitive": r["heat_sensitive"],
        }
        for r in selectors.units_plan_status(user=request.user, org=org)
    ]


@router.post("/orgs/{org_id}/heat", response={201: HeatOut}, summary="Set SMHI's heat level for a kommun or county")
def heat_activate(request: AuthenticatedHttpRequest, org_id: Id, payload: HeatIn) -> Any:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id, permission="preparedness.manage")
    activation = services.heat_activate(organisation=org, actor=request.user, via="api", **payload.dict())
    return Status(201, _heat_out(activation))


@router.get("/heat/{activation_id}", response=HeatOut, summary="A heat activation with acknowledgements")
def heat_get(request: AuthenticatedHttpRequest, activation_id: Id) -> Any:
    return _heat_out(selectors.heat_activation_get_for_user(user=request.user, activation_id=activation_id))


@router.post("/heat-notices/{notice_id}/acknowledge", response=HeatNoticeOut, summary="Acknowledge a unit's heat checklist")
def heat_acknowledge(request: AuthenticatedHttpRequest, notice_id: Id, payload: AcknowledgeIn) -> Any:
    notice = selectors.heat_notice_get_for_user(user=request.user, notice_id=notice_id, permission="preparedness.edit")
    notice = services.heat_acknowledge(notice=notice, actor=request.user, checked_items=payload.checked_items, via="api")
    return {"id": notice.pk, "unit_id": notice.unit_id, "unit_name": notice.unit.name, "acknowledged_at": notice.acknowledged_at}


@router.get("/rsa/{rsa_id}", response=RsaOut, summary="An RSA with its risk register")
def rsa_get(request: AuthenticatedHttpRequest, rsa_id: Id) -> Any:
    rsa = selectors.rsa_get_for_user(user=request.user, rsa_id=rsa_id)
    return {
        "id": rsa.pk,
        "kommun_id": rsa.kommun_id,
        "mandate_period": rsa.mandate_period,
        "due_date": rsa.due_date,
        "status": rsa.status,
        "risks": [
            {"id": r.pk, "title": r.title, "likelihood": r.likelihood, "consequence": r.consequence, "status": r.status}
            for r in selectors.risks_of(rsa)
        ],
    }


@router.get("/orgs/{org_id}/self-assessment", response=ComparisonOut, summary="Self-assessment shares: org, county, nation")
def comparison(request: AuthenticatedHttpRequest, org_id: Id, year: Year | None = None) -> Any:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    result = self_assessment.comparison_for_user(user=request.user, org=org, year=year or timezone.localdate().year)
    return {
        "year": result.year,
        "organisation_ids": [lvl.org.pk for lvl in result.levels],
        "rows": [
            {"code": r["code"], "question_sv": r["sv"], "question_en": r["en"], "shares": r["shares"], "answered": r["answered"]}
            for r in result.rows
        ],
    }
