"""Times as users read them: always in the site's time zone (Europe/Stockholm), never in stored UTC.

Templates get this from the ``date`` filter (USE_TZ converts to the current time zone). Python code that
formats a time for a person (``__str__``, breadcrumbs, mail, file names) uses ``local`` instead of an
f-string or ``strftime`` on the aware value, which would print UTC (``core/tests/test_timefmt.py`` checks).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

MINUTES = "%Y-%m-%d %H:%M"


def local(value: dt.datetime | dt.date | None, fmt: str = MINUTES) -> str:
    """``value`` formatted with ``fmt`` in the current time zone; dates as they are; ``""`` for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(fmt)
