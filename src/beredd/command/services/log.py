"""The event log (händelselogg): entries are only appended; a correction is a new entry pointing to the old one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.command.models import LogEntry
from beredd.command.services._common import fail, text, when
from beredd.core import audit
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.reporting.models import Event

# Entries may be back-dated (written up after a phone call) but not by more than this, nor lie in the future.
MAX_BACKDATE = dt.timedelta(days=30)


@transaction.atomic
def log_entry_add(*, actor: Actor, organisation: Organisation, values: dict[str, Any], via: str = "ui") -> LogEntry:
    require(actor, "command.log", organisation)
    errors: dict[str, str] = {}
    kind = str(values.get("kind") or "")
    if kind not in LogEntry.Kind.values:
        errors["kind"] = _("Choose the kind of entry.")
    body = str(values.get("text") or "").strip()
    if not body:
        errors["text"] = _("Write the entry.")
    elif len(body) > 4000:
        errors["text"] = _("At most 4000 characters.")
    now = timezone.now()
    occurred = when(values.get("occurred_at")) if values.get("occurred_at") else now
    if occurred is None:
        errors["occurred_at"] = _("Give a valid date and time.")
    elif occurred > now + dt.timedelta(minutes=5) or occurred < now - MAX_BACKDATE:
        errors["occurred_at"] = _("The time must be within the last 30 days and not in the future.")
    corrects = values.get("corrects")
    if corrects is not None and (not isinstance(corrects, LogEntry) or corrects.organisation_id != organisation.pk):
        errors["corrects"] = _("A correction must point to an entry in the same log.")
    event = values.get("event")
    fail(errors)
    assert occurred is not None
    entry = LogEntry.objects.create(
        organisation=organisation,
        org_path=organisation.path,
        event=event,
        kind=kind,
        text=body,
        source=text(values, "source", 200),
        occurred_at=occurred,
        corrects=corrects,
        author=actor,
    )
    audit.record(
        actor=actor,
        action="command.log_correct" if corrects else "command.log_add",
        target=entry,
        organisation=organisation,
        changes={"kind": kind, "corrects": getattr(corrects, "pk", None)},
        via=via,
    )
    return entry


def auto_entry(
    *, organisation: Organisation, kind: str, text_: str, author: Actor | None = None, event: Event | None = None
) -> LogEntry:
    """An automatic entry written by another service inside its own (audited) transaction."""
    return LogEntry.objects.create(
        organisation=organisation,
        org_path=organisation.path,
        event=event,
        kind=kind,
        text=text_[:4000],
        source="Beredd",
        occurred_at=timezone.now(),
        is_automatic=True,
        author=author if getattr(author, "pk", None) else None,
    )
