"""API: kommun–region agreements."""

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
from beredd.collab.api._common import Version, _bounded
from beredd.collab.models import Agreement
from beredd.core.bounds import Id, LineText, LongText, QueryText, ShortText
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation

router = Router()  # tagged "collab" by the package router that gathers it


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
    def resolve_kommun_name(obj: Agreement) -> str:
        return str(obj.kommun.name)

    @staticmethod
    def resolve_area_label(obj: Agreement) -> str:
        return str(obj.get_area_display())

    @staticmethod
    def resolve_party_ids(obj: Agreement) -> list[int]:
        return sorted(p.pk for p in obj.parties.all())

    @staticmethod
    def resolve_has_document(obj: Agreement) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_version(obj: Agreement) -> int:
        return int(obj.lock_version)


def _agreement_values(payload: AgreementIn) -> dict[str, Any]:
    ids = payload.party_ids[:21]
    parties = list(Organisation.objects.filter(pk__in=ids))
    if len(parties) != len(set(ids)) or len(payload.party_ids) > 20:
        raise ValidationFailed(details=[FieldError(row=None, field="parties", message="Unknown party, or more than 20.")])
    values = payload.dict(exclude={"party_ids", "version"})
    for name, limit in (("title", 200), ("other_parties", 300), ("responsible_name", 200), ("contact", 300)):
        _bounded(values[name], name, limit)
    _bounded(values["crisis_terms"], "crisis_terms", 4000)
    _bounded(values["link"], "link", 500)
    return values | {"parties": parties}


@router.get("/agreements", response=list[AgreementOut])
@paginate(PageNumberPagination, page_size=50)
def agreement_list(
    request: AuthenticatedHttpRequest, q: QueryText = "", area: QueryText = "", status: QueryText = "", sort: QueryText = "until"
) -> Any:
    return selectors.agreements_for_user(
        user=request.user, query=_bounded(q, "q", 100), area=area[:20], status=status[:20], sort=sort[:20]
    )


@router.get("/agreements/{agreement_id}", response=AgreementOut)
def agreement_get(request: AuthenticatedHttpRequest, agreement_id: Id) -> Any:
    return selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)


@router.post("/orgs/{org_id}/agreements", response={201: AgreementOut})
def agreement_create(request: AuthenticatedHttpRequest, org_id: Id, payload: AgreementIn) -> Any:
    from beredd.collab.services import agreements

    kommun = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.manage")
    return 201, agreements.agreement_create(actor=request.user, kommun=kommun, values=_agreement_values(payload), via="api")


@router.put("/agreements/{agreement_id}", response=AgreementOut)
def agreement_update(request: AuthenticatedHttpRequest, agreement_id: Id, payload: AgreementUpdateIn) -> Any:
    from beredd.collab.services import agreements

    item = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id, manage=True)
    return agreements.agreement_update(
        actor=request.user, agreement=item, values=_agreement_values(payload), expected_version=payload.version, via="api"
    )
