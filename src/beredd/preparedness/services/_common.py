"""Helpers shared by the preparedness services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.models import Organisation


def require_kind(org: Organisation, *kinds: str, field: str = "organisation") -> None:
    if org.kind not in kinds:
        raise ValidationFailed(
            details=[FieldError(row=None, field=field, message=_("This kind of organisation is not allowed here."))]
        )


def check_required(values: dict[str, Any], *names: str) -> list[FieldError]:
    return [
        FieldError(row=None, field=name, message=_("This field is required.")) for name in names if values.get(name) in (None, "")
    ]


def check_order(start: dt.date | None, end: dt.date | None, field: str, *, strict: bool = False) -> list[FieldError]:
    if start is None or end is None:
        return []
    if end < start or (strict and end == start):
        return [FieldError(row=None, field=field, message=_("The end date must be after the start date."))]
    return []


def raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(details=errors)
