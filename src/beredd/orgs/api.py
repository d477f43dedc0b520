# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (beredd.core.bounds) as objects, not as names it cannot resolve.
from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.pagination import PageNumberPagination
from beredd.core.bounds import Id, QueryText
from beredd.orgs import selectors
from beredd.orgs.models import Organisation

PREFIX = "orgs"
router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    kind: str
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int
    service_kind: str
    regi: str
    is_active: bool


@router.get("/", response=list[OrganisationOut], summary="Search organisations by code or name")
@paginate(PageNumberPagination, page_size=50)
def org_search(request: AuthenticatedHttpRequest, q: QueryText = "", kind: QueryText | None = None) -> Any:
    """Organisations the caller may see, matching ``q`` on code (exact or prefix) or name (contains)."""
    if kind and kind not in Organisation.Kind.values:
        kind = "__none__"
    return selectors.search_for_user(user=request.user, query=q, kind=kind, limit=10_000)


@router.get("/{org_id}", response=OrganisationOut, summary="One organisation")
def org_get(request: AuthenticatedHttpRequest, org_id: Id) -> Any:
    return selectors.organisation_get_for_user(user=request.user, org_id=org_id)


@router.get("/{org_id}/children", response=list[OrganisationOut], summary="Direct children")
@paginate(PageNumberPagination, page_size=100)
def org_children(request: AuthenticatedHttpRequest, org_id: Id, include_inactive: bool = False) -> Any:
    org = selectors.organisation_get_for_user(user=request.user, org_id=org_id)
    return selectors.children_for_user(user=request.user, org=org, include_inactive=include_inactive)


@router.get("/{org_id}/subtree", response=list[OrganisationOut], summary="The whole subtree (one indexed query)")
@paginate(PageNumberPagination, page_size=200)
def org_subtree(request: AuthenticatedHttpRequest, org_id: Id, kind: QueryText | None = None) -> Any:
    org = selectors.organisation_get_for_user(user=request.user, org_id=org_id)
    return selectors.subtree(org=org, kind=kind or None)
