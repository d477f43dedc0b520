"""Paging and filter values for the lists every app shows (search, sorting and paging on a list that can grow)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25
MAX_FILTER_CHARS = 100

T = TypeVar("T")


def page_of(
    request: HttpRequest, items: QuerySet[Any, T] | Sequence[T], size: int = PAGE_SIZE, *, param: str = "page"
) -> Page[T]:
    """The page that ``?page=`` (or ``param``, for a second list on the page) names: the first for anything that
    is not a page number, the last past the end."""
    return Paginator(items, size).get_page(request.GET.get(param))


def filters_of(request: HttpRequest, *names: str) -> dict[str, str]:
    """The list's filter values (bounded), to keep them in paging and sort links."""
    return {n: request.GET.get(n, "")[:MAX_FILTER_CHARS] for n in names if request.GET.get(n)}
