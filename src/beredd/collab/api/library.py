"""API: the knowledge library."""

# No ``from __future__ import annotations`` here: ninja's paginate wrapper must see the bounded parameter types
# (beredd.core.bounds) as objects, not as names it cannot resolve.
from typing import Annotated, Any

from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.api.pagination import PageNumberPagination
from beredd.api.schemas import InputSchema
from beredd.collab import selectors
from beredd.collab.api._common import Version, _bounded
from beredd.collab.models import LibraryItem
from beredd.core.bounds import Id, LineText, LongText, QueryText, ShortText
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs import selectors as org_selectors

router = Router()  # tagged "collab" by the package router that gathers it


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
    def resolve_publisher_name(obj: LibraryItem) -> str:
        return str(obj.publisher.name)

    @staticmethod
    def resolve_kind_label(obj: LibraryItem) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_topics(obj: LibraryItem) -> list[str]:
        return list(obj.topic_list)

    @staticmethod
    def resolve_has_document(obj: LibraryItem) -> bool:
        return bool(obj.file)


def _library_values(payload: LibraryIn) -> dict[str, Any]:
    values = payload.dict(exclude={"version"})
    _bounded(values["title"], "title", 200)
    _bounded(values["summary"], "summary", 8000)
    _bounded(values["url"], "url", 500)
    if len(values["topics"]) > 10 or any(len(t) > 40 for t in values["topics"]):
        raise ValidationFailed(details=[FieldError(row=None, field="topics", message="At most 10 topics of 40 characters.")])
    return values


@router.get("/library", response=list[LibraryOut])
@paginate(PageNumberPagination, page_size=50)
def library_list(
    request: AuthenticatedHttpRequest,
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
def library_get(request: AuthenticatedHttpRequest, item_id: Id) -> Any:
    return selectors.library_get_for_user(user=request.user, item_id=item_id)


@router.post("/orgs/{org_id}/library", response={201: LibraryOut})
def library_publish(request: AuthenticatedHttpRequest, org_id: Id, payload: LibraryIn) -> Any:
    from beredd.collab.services import library

    publisher = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.manage")
    return 201, library.library_publish(actor=request.user, publisher=publisher, values=_library_values(payload), via="api")


@router.put("/library/{item_id}", response=LibraryOut)
def library_update(request: AuthenticatedHttpRequest, item_id: Id, payload: LibraryUpdateIn) -> Any:
    from beredd.collab.services import library

    item = selectors.library_get_for_user(user=request.user, item_id=item_id, manage=True)
    return library.library_update(
        actor=request.user, item=item, values=_library_values(payload), expected_version=payload.version, via="api"
    )
