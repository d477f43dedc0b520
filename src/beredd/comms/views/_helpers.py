"""Small helpers shared by the comms views."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def page_of(request: HttpRequest, items: Any, size: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(items, size).get_page(request.GET.get("page"))


def filters_of(request: HttpRequest, *names: str) -> dict[str, str]:
    """The list's filter values (bounded), to keep them in paging and sort links."""
    return {n: request.GET.get(n, "")[:100] for n in names if request.GET.get(n)}
