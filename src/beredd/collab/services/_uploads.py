"""Validation shared by agreements, measures and the library: dates, links, the optimistic-concurrency token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from beredd.core.exceptions import ConflictError, FieldError, ValidationFailed

# Only web links: never javascript:, data: or file: URLs. Links are stored, never fetched.
_URL = URLValidator(schemes=["http", "https"])


def clean_url(value: Any, field: str, errors: dict[str, str]) -> str:
    url = str(value or "").strip()
    if not url:
        return ""
    if len(url) > 500:
        errors[field] = _("The link is longer than 500 characters.")
        return ""
    try:
        _URL(url)
    except ValidationError:
        errors[field] = _("Give a full web address starting with https:// or http://.")
        return ""
    return url


def clean_date(value: Any, field: str, errors: dict[str, str], *, required: bool, message: str = "") -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = message or _("Give a date.")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        errors[field] = _("Give the date as YYYY-MM-DD.")
        return None


def check_version(current: int, expected: Any) -> None:
    """Raise ConflictError (409) when the form or API call was made from an older version than the stored one. An
    edit must say which version it was made from; without one it is refused (never saved over blindly)."""
    if expected in (None, ""):
        raise ValidationFailed(
            details=[
                FieldError(
                    row=None, field="version", message=_("Reload the page: the edit does not say which version it changes.")
                )
            ]
        )
    try:
        given = int(expected)
    except (TypeError, ValueError):
        given = -1
    if given != current:
        raise ConflictError(
            _("Someone else changed this in the meantime (now version %(current)d). Reload the page and make your change again.")
            % {"current": current}
        )
