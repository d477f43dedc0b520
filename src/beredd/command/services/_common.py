"""Helpers shared by the command services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from beredd.core.exceptions import FieldError, ValidationFailed


def fail(errors: dict[str, Any]) -> None:
    """Raise ValidationFailed naming each bad field, if there are any (nothing has been written yet)."""
    if errors:
        raise ValidationFailed(details=[FieldError(row=None, field=k, message=str(v)) for k, v in errors.items()])


def text(values: dict[str, Any], name: str, limit: int) -> str:
    return str(values.get(name) or "").strip()[:limit]


def when(value: Any) -> dt.datetime | None:
    """An aware datetime from a datetime or an ISO string; None when it is not one."""
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    moment: dt.datetime = value
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def positive_int(value: Any, limit: int = 10_000_000) -> int | None:
    """A whole number 1..limit from an int or a digit string, else None (bools, floats, text are refused)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 1 <= value <= limit:
        return value
    return None
