"""Helpers shared by the preparedness services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from beredd.core.exceptions import ValidationFailed
from beredd.orgs.models import Organisation


def require_kind(org: Organisation, *kinds: str, field: str = "organisation") -> None:
    if org.kind not in kinds:
        raise ValidationFailed(
            details=[{"row": None, "field": field, "message": _("This kind of organisation is not allowed here.")}]
        )


def check_required(values: dict[str, Any], *names: str) -> list[dict[str, Any]]:
    return [
        {"row": None, "field": name, "message": _("This field is required.")} for name in names if values.get(name) in (None, "")
    ]


def check_order(start: dt.date | None, end: dt.date | None, field: str, *, strict: bool = False) -> list[dict[str, Any]]:
    if start is None or end is None:
        return []
    if end < start or (strict and end == start):
        return [{"row": None, "field": field, "message": _("The end date must be after the start date.")}]
    return []


def raise_if(errors: list[dict[str, Any]]) -> None:
    if errors:
        raise ValidationFailed(details=errors)
