"""Heightened alert (höjd beredskap): skärpt or högsta beredskap for the country or one civilområde.

Set and ended by a national admin with the government's decision reference. While a real (non-exercise) alert
is in force: recurring rounds with a heightened schedule run on it (``reporting.services.rounds.next_as_of``
asks ``command.selectors.heightened_hours``), and templates that warn about classified information require the
respondent's confirmation at submit (``classified_alert``, ``classified_record``). An exercise alert shows ÖVNING and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.command import selectors
from beredd.command.models import Alert, ClassifiedConfirmation, HeightenedSchedule, LogEntry
from beredd.command.services._common import fail, positive_int, text, when
from beredd.command.services.log import auto_entry
from beredd.core import audit
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.models import Organisation

if TYPE_CHECKING:
    from beredd.reporting.models import Round, Submission, SubmissionVersion


@transaction.atomic
def alert_set(*, actor: Actor, values: dict[str, Any], via: str = "ui") -> Alert:
    scope = values.get("scope")
    if not isinstance(scope, Organisation) or scope.kind not in (Organisation.Kind.NATION, Organisation.Kind.CIVILOMRADE):
        fail({"scope": _("Choose the whole country or one civil area.")})
    assert isinstance(scope, Organisation)
    require(actor, "command.alert", scope)
    errors: dict[str, str] = {}
    kind = str(values.get("kind") or "")
    if kind not in Alert.Kind.values:
        errors["kind"] = _("Choose skärpt or högsta beredskap.")
    reference = text(values, "decision_reference", 200)
    if not reference:
        errors["decision_reference"] = _("Give the government decision's reference.")
    now = timezone.now()
    decided = when(values.get("decided_at")) if values.get("decided_at") else now
    if decided is None or decided > now + dt.timedelta(minutes=5):
        errors["decided_at"] = _("Give the time of the decision (not in the future).")
    starts = when(values.get("starts_at")) if values.get("starts_at") else now
    if starts is None:
        errors["starts_at"] = _("Give a valid date and time.")
    exercise = bool(values.get("is_exercise"))
    if not errors and Alert.objects.filter(ended_at__isnull=True, is_exercise=exercise, scope=scope).exists():
        errors["scope"] = _("An alert is already in force here; end it first.")
    fail(errors)
    assert decided is not None and starts is not None
    alert = Alert.objects.create(
        kind=kind,
        scope=scope,
        scope_path=scope.path,
        decision_reference=reference,
        decided_at=decided,
        starts_at=starts,
        is_exercise=exercise,
        set_by=actor,
    )
    mark = "ÖVNING – " if exercise else ""
    auto_entry(
        organisation=scope,
        kind=LogEntry.Kind.DECISION,
        text_=mark
        + _("%(kind)s in force for %(scope)s (decision %(ref)s).")
        % {"kind": alert.get_kind_display(), "scope": scope.name, "ref": reference},
        author=actor,
    )
    audit.record(
        actor=actor,
        action="command.alert_set",
        target=alert,
        organisation=scope,
        changes={"kind": kind, "decision_reference": reference, "is_exercise": exercise},
        via=via,
    )
    _open_checklists(actor=actor, alert=alert, via=via)
    return alert


# A checklist opened by an alert is due this long after the alert comes into force.
CHECKLIST_DUE = dt.timedelta(hours=72)


def _open_checklists(*, actor: Actor, alert: Alert, via: str) -> None:
    """Open every template marked ``opens_on_alert`` (owned by the nation, or inside the alert's scope) for the units
    inside the scope, as a round from the scope through the reporting engine (its permission, recipients, mail,
    audit). An exercise alert opens them as exercise rounds (ÖVNING), so no real figure is touched."""
    from beredd.reporting.models import Round, TemplateVersion
    from beredd.reporting.services.rounds import RoundSpec, round_issue

    versions = (
        TemplateVersion.objects.filter(template__opens_on_alert=True, status=TemplateVersion.Status.PUBLISHED)
        .select_related("template__owner")
        .order_by("template_id", "-number")
    )
    latest: dict[int, TemplateVersion] = {}
    for version in versions:
        owner_path = version.template.owner.path
        if version.template_id not in latest and (
            version.template.owner.kind == Organisation.Kind.NATION or owner_path.startswith(alert.scope_path)
        ):
            latest[version.template_id] = version
    for version in latest.values():
        spec = RoundSpec(
            title=f"{version.template.name} – {alert.get_kind_display()}",
            template_version=version,
            responder=Round.Responder.UNITS,
            deadline=max(alert.starts_at, timezone.now()) + CHECKLIST_DUE,
            is_exercise=alert.is_exercise,
        )
        round_ = round_issue(actor=actor, issuer=alert.scope, spec=spec, via=via)
        alert.checklist_rounds.add(round_)


def _close_checklists(*, actor: Actor, alert: Alert) -> None:
    from beredd.reporting.models import Round
    from beredd.reporting.services.rounds import round_close

    for round_ in alert.checklist_rounds.filter(status=Round.Status.OPEN):
        round_close(actor=actor, round_=round_)


@transaction.atomic
def alert_end(*, actor: Actor, alert: Alert, via: str = "ui") -> Alert:
    require(actor, "command.alert", alert.scope)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.ended_at is not None:
        raise ValidationFailed(_("This alert has already ended."))
    alert.ended_at, alert.ended_by = timezone.now(), actor
    alert.save(update_fields=["ended_at", "ended_by"])
    mark = "ÖVNING – " if alert.is_exercise else ""
    auto_entry(
        organisation=alert.scope,
        kind=LogEntry.Kind.DECISION,
        text_=mark + _("%(kind)s ended for %(scope)s.") % {"kind": alert.get_kind_display(), "scope": alert.scope.name},
        author=actor,
    )
    audit.record(actor=actor, action="command.alert_end", target=alert, organisation=alert.scope, via=via)
    _close_checklists(actor=actor, alert=alert)
    return alert


@transaction.atomic
def heightened_schedule_set(*, actor: Actor, round_: Round, every_hours: Any, via: str = "ui") -> HeightenedSchedule | None:
    """Give a recurring round a schedule for heightened alert (every N hours); empty removes it."""
    require(actor, "reporting.issue", round_.issuer)
    if every_hours in (None, ""):
        deleted = HeightenedSchedule.objects.filter(round=round_).delete()[0]
        if deleted:
            audit.record(actor=actor, action="command.schedule_clear", target=round_, organisation=round_.issuer, via=via)
        return None
    if round_.recurrence == "none":
        fail({"every_hours": _("Only a recurring round can have a heightened schedule.")})
    hours = positive_int(every_hours, 168)
    if hours is None:
        fail({"every_hours": _("Give a whole number of hours from 1 to 168.")})
    assert hours is not None
    schedule, _created = HeightenedSchedule.objects.update_or_create(
        round=round_, defaults={"every_hours": hours, "set_by": actor}
    )
    audit.record(
        actor=actor,
        action="command.schedule_set",
        target=round_,
        organisation=round_.issuer,
        changes={"every_hours": hours},
        via=via,
    )
    return schedule


def classified_alert(*, submission: Submission, confirmed: bool) -> Alert | None:
    """Called by the submit service inside its transaction, before it writes: while a real alert is in force over
    the recipient and the template warns about classified information, the respondent must confirm (else
    ValidationFailed and nothing is saved). Returns the alert to record the confirmation under, or None."""
    if not submission.template_version.template.classified_warning:
        return None
    alert = selectors.alert_in_force(org_path=submission.org_path, exercise=False)
    if alert is None:
        return None
    if not confirmed:
        raise ValidationFailed(
            details=[
                FieldError(
                    row=None,
                    field="classified_confirmed",
                    message=str(_("Heightened alert is in force: confirm that no classified information is entered here.")),
                )
            ]
        )
    return alert


def classified_record(*, actor: Actor, version: SubmissionVersion, alert: Alert) -> ClassifiedConfirmation:
    """The confirmation ``classified_alert`` asked for, stored with the version it was given for."""
    return ClassifiedConfirmation.objects.create(version=version, alert=alert, confirmed_by=actor)
