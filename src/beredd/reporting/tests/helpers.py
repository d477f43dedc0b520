"""Shared helpers for the reporting page tests: log a client in, turn answers into the answer form's fields,
find a unit's submission."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client

from beredd.reporting.models import Round, Submission


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def post_answers(data: dict[str, Any], action: str = "submit", lock_version: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"action": action}
    for key, value in data.items():
        if isinstance(value, dict):
            for k, v in value.items():
                out[f"f-{key}-{k}"] = v
        else:
            out[f"f-{key}"] = value
    if lock_version is not None:
        out["lock_version"] = lock_version
    return out


def sub(world: SimpleNamespace, round_: Round, unit: str) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=getattr(world, unit))
