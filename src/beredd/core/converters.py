"""URL path converters. ``<id:...>`` is a primary key: 1 to 18 digits, so it always fits the database's bigint
(a longer number in a URL does not match, giving 404 instead of an OverflowError deep in a query)."""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))
