"""Structured logging: one JSON object per line.

Personal data must never reach the log. Messages are logged as given by our own code (which logs ids, never
names or personnummer); request objects and exception arguments are dropped, and any 10/12-digit sequence
that looks like a personnummer is masked as a last line of defence.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

_PNR = re.compile(r"\b(\d{6}|\d{8})[-+]?\d{4}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def scrub(text: str) -> str:
    """Mask personnummer-like numbers and e-mail addresses."""
    return _EMAIL.sub("[e-mail]", _PNR.sub("[pnr]", text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            payload["status"] = status
        if record.exc_info and record.exc_info[0] is not None:
            payload["exception"] = record.exc_info[0].__name__
        return json.dumps(payload, ensure_ascii=False)
