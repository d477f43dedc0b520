"""How the audit log reads to a person: one registry of action labels and one renderer for changes.

Codes (``auth.login``) and Python values (``{'before': 'not_started', ...}``) are never shown. Every action
code passed to ``audit.record`` has a label here (``core/tests/test_audit_labels.py`` scans the code base);
an unknown code, e.g. from an older release still in the log, is humanised rather than shown raw.
Changes read as "field label: old → new", with the target model's verbose names and choice labels.
Strings only: core does not import the domain apps (CONTRIBUTING.md); models are looked up by label at run time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from beredd.core import timefmt
from beredd.core.models import AuditEvent

ACTION_LABELS: dict[str, Promise] = {
    # background exports (site.exports)
    "export.request": _lazy("Export requested"),
    "export.download": _lazy("Export downloaded"),
    # accounts
    "auth.login": _lazy("Logged in"),
    "auth.login_failed": _lazy("Failed login"),
    "auth.logout": _lazy("Logged out"),
    "mfa.add": _lazy("Two-factor method added"),
    "mfa.remove": _lazy("Two-factor method removed"),
    "mfa.reset": _lazy("Two-factor method reset"),
    "membership.grant": _lazy("Role granted"),
    "membership.revoke": _lazy("Role revoked"),
    "token.create": _lazy("API key created"),
    "token.revoke": _lazy("API key revoked"),
    "invitation.create": _lazy("Invitation sent"),
    "invitation.accept": _lazy("Invitation accepted"),
    "user.create": _lazy("User created"),
    "user.activate": _lazy("User activated"),
    "user.deactivate": _lazy("User deactivated"),
    "user.unlock": _lazy("Login unlocked"),
    # orgs
    "org.create": _lazy("Organisation created"),
    "org.update": _lazy("Organisation changed"),
    "org.activate": _lazy("Organisation activated"),
    "org.deactivate": _lazy("Organisation deactivated"),
    "org.import": _lazy("Units imported"),
    "org.load_reference": _lazy("Reference organisation tree loaded"),
    # reporting
    "round.issue": _lazy("Round issued"),
    "round.instance": _lazy("Recurring round instance created"),
    "round.close": _lazy("Round closed"),
    "round.reopen": _lazy("Round reopened"),
    "round.cancel": _lazy("Round cancelled"),
    "submission.submit": _lazy("Report submitted"),
    "submission.submit_on_behalf": _lazy("Report submitted on the unit's behalf"),
    "submission.approve": _lazy("Report approved"),
    "submission.return": _lazy("Report returned for changes"),
    "submission.delegate": _lazy("Report delegated to units"),
    "template.import": _lazy("Template imported"),
    "template.field_add": _lazy("Template field added"),
    "template.field_move": _lazy("Template field moved"),
    "template.field_remove": _lazy("Template field removed"),
    "template.publish": _lazy("Template published"),
    "picture.save": _lazy("Situation picture saved"),
    "picture.publish": _lazy("Situation picture published"),
    "picture.forward": _lazy("Situation picture forwarded"),
    # preparedness
    "preparedness.binder_generate": _lazy("Backup binder generated"),
    "preparedness.contract_create": _lazy("Contract created"),
    "preparedness.declaration_submit": _lazy("Provider declaration submitted"),
    "preparedness.exercise_create": _lazy("Exercise created"),
    "preparedness.heat_acknowledge": _lazy("Heat warning acknowledged"),
    "preparedness.heat_activate": _lazy("Heat warning activated"),
    "preparedness.heat_end": _lazy("Heat warning ended"),
    "preparedness.lesson_add": _lazy("Lesson learned added"),
    "preparedness.lesson_close": _lazy("Lesson learned closed"),
    "preparedness.plan_contact_add": _lazy("Continuity plan contact added"),
    "preparedness.plan_create": _lazy("Continuity plan created"),
    "preparedness.plan_dependency": _lazy("Continuity plan dependency changed"),
    "preparedness.plan_update": _lazy("Continuity plan changed"),
    "preparedness.risk_action_add": _lazy("Risk action added"),
    "preparedness.risk_add": _lazy("Risk added"),
    "preparedness.risk_update": _lazy("Risk changed"),
    "preparedness.risks_from_handbook": _lazy("Risks added from the handbook"),
    "preparedness.rsa_create": _lazy("Risk and vulnerability analysis created"),
    "preparedness.rsa_export": _lazy("Risk and vulnerability analysis exported"),
    "preparedness.rsa_update": _lazy("Risk and vulnerability analysis changed"),
    "preparedness.training_add": _lazy("Training recorded"),
    "preparedness.unit_profile": _lazy("Unit profile changed"),
    # register
    "register.device_save": _lazy("Device kind saved"),
    "register.export": _lazy("Register exported"),
    "register.grant": _lazy("Register access granted to a unit"),
    "register.grant_revoke": _lazy("Register access revoked from a unit"),
    "register.import": _lazy("Register imported"),
    "register.incident_activate": _lazy("Incident activated"),
    "register.incident_extended": _lazy("Incident extended"),
    "register.incident_ended": _lazy("Incident ended"),
    "register.incident_refresh": _lazy("Incident area refreshed"),
    "register.person_end": _lazy("Register record ended"),
    "register.person_save": _lazy("Register record saved"),
    "register.purge": _lazy("Ended records purged"),
    "register.rotate_key": _lazy("Encryption key rotated"),
    "collab.action_add": _lazy("Action added"),
    "collab.action_comment": _lazy("Action commented"),
    "collab.action_status": _lazy("Action status changed"),
    "collab.agreement_create": _lazy("Agreement recorded"),
    "collab.agreement_update": _lazy("Agreement changed"),
    "collab.attachment_add": _lazy("Meeting attachment added"),
    "collab.attendance": _lazy("Attendance recorded"),
    "collab.decision_add": _lazy("Decision recorded"),
    "collab.direction_publish": _lazy("Planning direction published"),
    "collab.direction_remind": _lazy("Planning direction reminder sent"),
    "collab.forum_create": _lazy("Forum created"),
    "collab.invitations_send": _lazy("Meeting invitations sent"),
    "collab.library_link": _lazy("Library item linked"),
    "collab.library_publish": _lazy("Library item published"),
    "collab.library_update": _lazy("Library item revised"),
    "collab.measure_create": _lazy("Measure recorded"),
    "collab.measure_update": _lazy("Measure changed"),
    "collab.meeting_create": _lazy("Meeting scheduled"),
    "collab.meeting_notes": _lazy("Meeting notes saved"),
    "collab.meeting_update": _lazy("Meeting changed"),
    "collab.member_add": _lazy("Forum member added"),
    "collab.member_remove": _lazy("Forum member removed"),
    "collab.minutes_publish": _lazy("Minutes published"),
    "collab.shortcoming_answer": _lazy("Shortcoming answered"),
    "collab.shortcoming_lift": _lazy("Shortcoming raised to a higher level"),
    "collab.shortcoming_merge": _lazy("Shortcomings merged"),
    "collab.shortcoming_raise": _lazy("Shortcoming raised"),
    "comms.message_send": _lazy("Message queued for sending"),
    "comms.delivery_retry": _lazy("Failed deliveries queued again"),
    "comms.delivery_confirm": _lazy("Delivery confirmed"),
    "comms.bank_create": _lazy("Prepared message created"),
    "comms.version_create": _lazy("Message version drafted"),
    "comms.version_review": _lazy("Message version reviewed by communications"),
    "comms.version_approve": _lazy("Message version approved"),
    "comms.notice_publish": _lazy("Public message published"),
    "comms.notice_update": _lazy("Public message updated"),
    "comms.notice_cancel": _lazy("Public message cancelled"),
    "comms.warnings_upload": _lazy("SMHI warnings file read"),
    "comms.warnings_confirm": _lazy("Heat activations from SMHI warnings confirmed"),
    # command (crisis command)
    "command.level_set": _lazy("Readiness level set"),
    "command.log_add": _lazy("Event log entry added"),
    "command.log_correct": _lazy("Event log entry corrected"),
    "command.alert_set": _lazy("Heightened alert set"),
    "command.alert_end": _lazy("Heightened alert ended"),
    "command.schedule_set": _lazy("Heightened schedule set"),
    "command.schedule_clear": _lazy("Heightened schedule removed"),
    "command.request_create": _lazy("Support request made"),
    "command.request_pledge": _lazy("Support request pledged"),
    "command.request_allocate": _lazy("Support request allocated"),
    "command.request_forward": _lazy("Support request forwarded"),
    "command.request_merge": _lazy("Support requests merged"),
    "command.request_ask": _lazy("Organisation asked to pledge"),
    "command.request_deliver": _lazy("Support request delivered"),
    "command.request_decline": _lazy("Support request declined"),
    "command.request_close": _lazy("Support request closed"),
}

# The first part of a code, for humanising codes without a label.
AREA_LABELS: dict[str, Promise] = {
    "auth": _lazy("Login"),
    "mfa": _lazy("Two-factor"),
    "membership": _lazy("Role"),
    "token": _lazy("API key"),
    "invitation": _lazy("Invitation"),
    "user": _lazy("User"),
    "org": _lazy("Organisation"),
    "round": _lazy("Round"),
    "submission": _lazy("Report"),
    "template": _lazy("Template"),
    "picture": _lazy("Situation picture"),
    "preparedness": _lazy("Preparedness"),
    "register": _lazy("Register"),
}

# Labels for keys of ``changes`` that are not fields of the target model (counts, files, summaries).
KEY_LABELS: dict[str, Promise] = {
    "action": _lazy("Measure"),
    "checked_items": _lazy("Checked items"),
    "clauses": _lazy("Clauses"),
    "comment": _lazy("Comment"),
    "contact": _lazy("Contact"),
    "count": _lazy("Number"),
    "created": _lazy("Created"),
    "declaration": _lazy("Declaration"),
    "email": _lazy("E-mail"),
    "ends_at": _lazy("Ends at"),
    "expires_at": _lazy("Expires"),
    "field": _lazy("Field"),
    "fields": _lazy("Fields"),
    "file": _lazy("File"),
    "format": _lazy("Format"),
    "instance": _lazy("Instance"),
    "is_active": _lazy("Active"),
    "is_exercise": _lazy("Exercise"),
    "kind": _lazy("Kind"),
    "lesson": _lazy("Lesson learned"),
    "lesson_closed": _lazy("Lesson learned closed"),
    "level": _lazy("Level"),
    "membership": _lazy("Role"),
    "name": _lazy("Name"),
    "recipients": _lazy("Recipients"),
    "residents": _lazy("Residents"),
    "risks": _lazy("Risks"),
    "role": _lazy("Role"),
    "rows": _lazy("Rows"),
    "size": _lazy("Size (bytes)"),
    "skipped": _lazy("Skipped"),
    "status": _lazy("Status"),
    "training": _lazy("Training"),
    "unit": _lazy("Unit"),
    "units": _lazy("Units"),
    "updated": _lazy("Updated"),
    "version": _lazy("Version"),
    "year": _lazy("Year"),
    "answers": _lazy("Answers"),
    "election_year": _lazy("Election year"),
}

ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# Foreign keys shown by name. Other models (above all the register's residents) stay a record number.
NAMED_MODELS = {"orgs.organisation": "name", "accounts.user": "email"}


def humanise(code: str) -> str:
    """``"foo_bar"`` → ``"Foo bar"``: the last resort for a key or code without a label."""
    return capfirst(code.replace("_", " ").replace(".", " ").strip()) or "–"


def action_label(code: str) -> str:
    """The translated label of an audit action code; unknown codes humanised ("Register: new thing")."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    area, _sep, rest = code.partition(".")
    if rest and area in AREA_LABELS:
        return f"{AREA_LABELS[area]}: {rest.replace('_', ' ')}"
    return humanise(code)


def action_choices() -> list[tuple[str, str]]:
    """(code, label) for every known action, sorted by label (the audit page's filter)."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda pair: pair[1].lower())


@dataclass
class Change:
    """One line of an event's changes: ``label: before → after`` (``before`` None: only the value)."""

    label: str
    after: str
    before: str | None = None
    parts: list[Change] = field(default_factory=list)


def _model_of(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type) if target_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _key_label(model: type[models.Model] | None, key: str) -> str:
    model_field = _field(model, key)
    # An explicit (translatable) verbose name wins; Django's automatic one is just the English attribute name.
    if model_field is not None and isinstance(model_field.verbose_name, Promise):
        return capfirst(str(model_field.verbose_name))
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    return humanise(key)


class _Names:
    """Names for foreign-key ids, fetched with one query per model for a whole page of events."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[Any]] = {}
        self.found: dict[tuple[str, str], str] = {}

    def want(self, label: str, value: Any) -> None:
        if value is not None and not isinstance(value, dict | list):
            self.wanted.setdefault(label, set()).add(value)

    def fetch(self) -> None:
        for label, ids in self.wanted.items():
            model = apps.get_model(label)
            attr = NAMED_MODELS[label]
            for pk, name in model._default_manager.filter(pk__in=ids).values_list("pk", attr):
                self.found[(label, str(pk))] = str(name)


def _role_labels() -> dict[str, str]:
    # The roles' labels, read from the membership model by its label: core imports no domain app.
    role = apps.get_model("accounts", "Membership")._meta.get_field("role")
    return {str(value): str(label) for value, label in role.choices or []}


def _value(model: type[models.Model] | None, key: str, value: Any, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_value(model, key, v, names) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_key_label(None, str(k))}: {_value(None, str(k), v, names)}" for k, v in value.items())
    model_field = _field(model, key)
    if model_field is not None and model_field.is_relation and model_field.related_model is not None:
        label = model_field.related_model._meta.label_lower
        return names.found.get((label, str(value)), f"#{value}")
    if model_field is not None and model_field.choices:
        choices = {str(k): str(v) for k, v in model_field.flatchoices}
        if str(value) in choices:
            return choices[str(value)]
    if key == "role" or key.endswith("_role"):
        return _role_labels().get(str(value), str(value))
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            return timefmt.local(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _want(model: type[models.Model] | None, key: str, value: Any, names: _Names) -> None:
    model_field = _field(model, key)
    if model_field is None or not model_field.is_relation or model_field.related_model is None:
        return
    label = model_field.related_model._meta.label_lower
    if label in NAMED_MODELS:
        for v in value.values() if isinstance(value, dict) else [value]:
            names.want(label, v)


def _is_diff(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= {"before", "after"}


def _changes(model: type[models.Model] | None, changes: Any, names: _Names) -> list[Change]:
    if not isinstance(changes, dict):
        return [Change(label=_("Details"), after=_value(None, "", changes, names))] if changes else []
    out = []
    for key, value in changes.items():
        label = _key_label(model, key)
        if _is_diff(value):
            before = value.get("before")
            after = _value(model, key, value.get("after"), names)
            out.append(Change(label=label, after=after, before=None if before is None else _value(model, key, before, names)))
        elif isinstance(value, dict) and value and all(_is_diff(v) for v in value.values()):
            # A nested diff (e.g. one dependency of a plan): its own lines.
            out.append(Change(label=label, after="", parts=_changes(None, value, names)))
        else:
            out.append(Change(label=label, after=_value(model, key, value, names)))
    return out


@dataclass
class EventRow:
    event: AuditEvent
    label: str
    changes: list[Change]


def describe(events: Iterable[AuditEvent]) -> list[EventRow]:
    """A page of events with their action labels and readable changes (one query per named model)."""
    events = list(events)
    names = _Names()
    for e in events:
        model = _model_of(e.target_type)
        if isinstance(e.changes, dict):
            for key, value in e.changes.items():
                _want(model, key, value, names)
    names.fetch()
    return [
        EventRow(event=e, label=action_label(e.action), changes=_changes(_model_of(e.target_type), e.changes, names))
        for e in events
    ]
