"""Bounds for every number and text that crosses a boundary (API parameters and bodies, forms, imports, answers).

One place for the limits, so no id, page, count, year or free text can be out of range for the database or absurd
for the domain. The API uses the ``Annotated`` types below for every parameter; a test scans the OpenAPI document
for any integer without both bounds.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from pydantic import AfterValidator, Field

# Primary keys are BigAutoField: 1 .. 2**63 - 1 (SQLite's and PostgreSQL's bigint).
MAX_ID = 2**63 - 1
# Pages and offsets: far beyond any real list, far below an integer overflow of offset = page * page_size.
MAX_PAGE = 1_000_000
MAX_OFFSET = 100_000_000
MAX_LIMIT = 500
# A year a plan, an assessment or a report can be about.
MIN_YEAR = 2000
MAX_YEAR = 2100
# Every numeric answer, import value or API number: magnitude at most a million million (10**12).
MAX_ABS_NUMBER = 10**12
# Free text: short labels, one-line texts, and long free text (an incident reason, a scenario, a summary).
SHORT_TEXT = 200
LINE_TEXT = 1000
LONG_TEXT = 10_000
# Recurring rounds: every 1..168 hours (a week), and at most this many missed instances caught up at issue.
MAX_RECURRENCE_HOURS = 168
MAX_CATCH_UP_INSTANCES = 24
# A query string parameter (a search, a purpose, a sort key).
QUERY_TEXT = 200

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="An object id (1 .. 2^63-1).")]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Page number, from 1.")]
PageSize = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Items per page.")]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="At most this many items.")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="Skip this many items.")]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR, description=f"A year, {MIN_YEAR}..{MAX_YEAR}.")]
QueryText = Annotated[str, Field(max_length=QUERY_TEXT)]
ShortText = Annotated[str, Field(max_length=SHORT_TEXT)]
LineText = Annotated[str, Field(max_length=LINE_TEXT)]
LongText = Annotated[str, Field(max_length=LONG_TEXT)]
BoundedInt = Annotated[int, Field(ge=-MAX_ABS_NUMBER, le=MAX_ABS_NUMBER)]
BoundedFloat = Annotated[float, Field(ge=-MAX_ABS_NUMBER, le=MAX_ABS_NUMBER, allow_inf_nan=False)]


def _naive_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("Give the time of day without a time zone: it is Swedish local time (Europe/Stockholm).")
    return value


RecurrenceHours = Annotated[int, Field(ge=1, le=MAX_RECURRENCE_HOURS, description="Hours between instances, 1..168.")]
LocalTime = Annotated[dt.time, AfterValidator(_naive_time), Field(description="Time of day in Europe/Stockholm, no offset.")]


def hostile_value(value: Any, path: str = "") -> tuple[str, str] | None:
    """(path, reason) of the first value inside ``value`` that no input may carry, or None.

    Refused anywhere in any input: a NUL character in a string or a key (PostgreSQL cannot store it) and a
    float that is not finite. (Integers are bounded by each field's type, so the error names the field.)
    Every input passes through here, almost always clean: a first pass only looks (``_clean``); the paths are
    built only to name what it found.
    """
    if _clean(value):
        return None
    return _hostile_at(value, path)


def _clean(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        for key in value:
            if isinstance(key, str) and "\x00" in key:
                return False
        items: Any = value.values()
    elif isinstance(value, list | tuple):
        items = value
    else:
        return True
    for item in items:  # the usual flat values inline (JSON gives exact types), anything else recursively
        kind = type(item)
        if kind is str:
            if "\x00" in item:
                return False
        elif kind is int or kind is bool or item is None:
            continue
        elif not _clean(item):
            return False
    return True


def _hostile_at(value: Any, path: str) -> tuple[str, str] | None:
    here = path or "(body)"
    if isinstance(value, str):
        return (here, "contains a NUL character") if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else (here, "is not a finite number")
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and "\x00" in key:
                return (sub, "contains a NUL character")
            found = _hostile_at(item, sub)
            if found:
                return found
        return None
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _hostile_at(item, f"{path}[{i}]")
            if found:
                return found
    return None


def parse_id(value: Any) -> int | None:
    """An id from a form or query value, or None when it is not a whole number in 1..MAX_ID."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None
