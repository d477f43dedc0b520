"""Helpers shared by the collaboration services."""

from __future__ import annotations

from typing import Any

from beredd.core.exceptions import FieldError, ValidationFailed


def fail(errors: dict[str, str]) -> None:
    """Raise ValidationFailed naming each bad field, if there are any."""
    if errors:
        raise ValidationFailed(details=[FieldError(row=None, field=k, message=v) for k, v in errors.items()])


def text(values: dict[str, Any], name: str, limit: int) -> str:
    return str(values.get(name) or "").strip()[:limit]
