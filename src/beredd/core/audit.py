"""Write audit events. Called by services inside their transaction."""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from django.db import models

from beredd.core.models import AuditEvent


class AuditActor(Protocol):
    """Who acts, as far as the audit log needs to know: ``accounts.types.Actor`` (the user model) and Django's
    ``AnonymousUser`` both fit. A Protocol because core names no domain app, not even for a type."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...


current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return the given fields of ``obj`` as JSON-safe values (FKs as ids)."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _jsonable(getattr(obj, attname))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Return {field: {"before": x, "after": y}} for the fields that changed."""
    return {
        k: {"before": before.get(k), "after": after.get(k)}
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def record(
    *,
    actor: AuditActor | str | None,
    action: str,
    target: models.Model | None = None,
    organisation: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    via: str = "ui",
    target_label: str | None = None,
) -> AuditEvent:
    """Append one audit event. ``actor`` may be None for system actions, or a label such as ``"system"``."""
    found = event(
        actor=actor, action=action, target=target, organisation=organisation, changes=changes, via=via, target_label=target_label
    )
    found.save(force_insert=True)
    return found


def event(
    *,
    actor: AuditActor | str | None,
    action: str,
    target: models.Model | None = None,
    organisation: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    via: str = "ui",
    target_label: str | None = None,
) -> AuditEvent:
    """The event ``record`` would append, not yet saved: for a write path that inserts it together with the
    change it records, in one statement (``core.onestatement``)."""
    if organisation is None and target is not None:
        organisation = _organisation_of(target)
    user: AuditActor | None = None  # a signed-in user, kept as the event's actor; anyone else is only a label
    if not isinstance(actor, str) and getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False):
        user = actor
    label = ""
    if user is not None:
        label = str(getattr(user, "email", "") or user.pk)
    elif actor:
        label = str(actor)
    return AuditEvent(
        actor_id=user.pk if user is not None else None,  # the id: core cannot name the user model's class
        actor_label=label[:254],
        organisation_id=getattr(organisation, "pk", None),
        org_path=getattr(organisation, "path", "") or "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label if target_label is not None else (str(target) if target is not None else ""))[:255],
        changes=_jsonable(changes or {}),
        ip_address=current_ip.get(),
        via=via,
    )


def _organisation_of(target: models.Model) -> models.Model | None:
    # The organisation model, found through the audit log's own foreign key: core names no domain app.
    organisation = AuditEvent._meta.get_field("organisation").related_model
    assert isinstance(organisation, type)
    if isinstance(target, organisation):
        return target
    org = getattr(target, "organisation", None)
    return org if isinstance(org, organisation) else None
