"""What every reporting view shares: the page language and ids read from forms and query strings."""

from __future__ import annotations

from typing import Any

from beredd.core.bounds import parse_id
from beredd.core.i18n import content_language as lang

__all__ = ["form_int", "lang"]


def form_int(value: Any) -> int | None:
    """An id or a version from a form: None unless a whole number the database can hold."""
    if str(value).strip() == "0":
        return 0
    return parse_id(value)
