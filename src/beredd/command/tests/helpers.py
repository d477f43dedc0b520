"""Shared test helpers: a valid request's values."""

import datetime as dt
from typing import Any

from django.utils import timezone


def need(**overrides: Any) -> dict[str, Any]:
    return {
        "item": "ffp2",
        "quantity": 400,
        "unit": "st",
        "priority": "acute",
        "needed_by": timezone.now() + dt.timedelta(hours=24),
        "delivery_point": "Strömsbro äldreboende, lastkajen",
        "contact": "Eva Enhetschef, 070-123 45 67",
    } | overrides
