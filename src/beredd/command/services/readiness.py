"""Readiness levels (beredskapslägen): each setting is a new row; the current level is the latest one in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.command import selectors
from beredd.command.models import LEVEL_RANK, Level, LogEntry, ReadinessChange
from beredd.command.services._common import fail, when
from beredd.command.services.log import auto_entry
from beredd.core import audit
from beredd.orgs.models import Organisation

# A level may be recorded a little after it was decided, or announced ahead; not further than this.
WINDOW = dt.timedelta(days=7)


@transaction.atomic
def readiness_set(*, actor: Actor, organisation: Organisation, values: dict[str, Any], via: str = "ui") -> ReadinessChange:
    """Set ``organisation``'s level (optionally for one service kind). Coordinators of the org or above may."""
    require(actor, "command.set_level", organisation)
    errors: dict[str, str] = {}
    level = str(values.get("level") or "")
    if level not in Level.values:
        errors["level"] = _("Choose one of the four levels: normalläge, stabsläge, förstärkningsläge or katastrofläge.")
    service_kind = str(values.get("service_kind") or "")
    if service_kind and service_kind not in Organisation.ServiceKind.values:
        errors["service_kind"] = _("Choose a service area from the list, or the whole organisation.")
    reason = str(values.get("reason") or "").strip()
    if not reason:
        errors["reason"] = _("Give the reason for the level.")
    elif len(reason) > 2000:
        errors["reason"] = _("At most 2000 characters.")
    now = timezone.now()
    applies = when(values.get("applies_from")) if values.get("applies_from") else now
    if applies is None:
        errors["applies_from"] = _("Give a valid date and time.")
    elif abs(applies - now) > WINDOW:
        errors["applies_from"] = _("The time must be within seven days of now.")
    event = values.get("event")
    if (
        event is not None
        and not organisation.path.startswith(event.owner.path)
        and not event.owner.path.startswith(organisation.path)
    ):
        errors["event"] = _("Choose an event of this organisation or one above it.")
    fail(errors)
    assert applies is not None
    current = selectors.current_level(organisation=organisation, service_kind=service_kind)
    previous = current.level if current else Level.NORMAL
    change = ReadinessChange.objects.create(
        organisation=organisation,
        org_path=organisation.path,
        service_kind=service_kind,
        level=level,
        previous_level=previous,
        reason=reason,
        applies_from=applies,
        set_by=actor,
        event=event,
    )
    area = f" ({Organisation.ServiceKind(service_kind).label})" if service_kind else ""
    auto_entry(
        organisation=organisation,
        kind=LogEntry.Kind.STATUS,
        text_=_("Readiness level%(area)s: %(before)s → %(after)s. Reason: %(reason)s")
        % {"area": area, "before": Level(previous).label, "after": Level(level).label, "reason": reason},
        author=actor,
        event=event,
    )
    audit.record(
        actor=actor,
        action="command.level_set",
        target=change,
        organisation=organisation,
        changes={"level": {"before": previous, "after": level}, "service_kind": service_kind, "reason": reason[:200]},
        via=via,
    )
    if LEVEL_RANK[level] > LEVEL_RANK[previous] and organisation.parent_id:
        from beredd.command import tasks

        change_id = change.pk
        transaction.on_commit(lambda: tasks.send_level_raised.enqueue(change_id))
    return change
