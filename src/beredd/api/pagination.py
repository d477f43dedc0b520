"""Page-number pagination with a bounded page and page size (the API's one paginator)."""

from __future__ import annotations

from ninja import Schema
from ninja.pagination import PageNumberPagination as _NinjaPageNumberPagination
from pydantic import Field

from beredd.core.bounds import MAX_LIMIT, MAX_PAGE


class PageNumberPagination(_NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_LIMIT)
