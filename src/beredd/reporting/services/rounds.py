"""Writes for rounds: issue (recipients, instances), close, reopen, cancel, recurrence, reminders."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.bounds import MAX_CATCH_UP_INSTANCES, MAX_RECURRENCE_HOURS
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.orgs.models import Organisation
from beredd.reporting import fragments
from beredd.reporting.exceptions import InvalidStateError
from beredd.reporting.models import Event, Round, RoundInstance, Submission, TemplateVersion

RESPONDER_KIND = {
    Round.Responder.UNITS: Organisation.Kind.UNIT,
    Round.Responder.KOMMUNER: Organisation.Kind.KOMMUN,
    Round.Responder.LAN: Organisation.Kind.LAN,
}


@dataclass
class RoundSpec:
    title: str
    template_version: TemplateVersion
    responder: str = Round.Responder.KOMMUNER
    recipient_roots: list[int] = field(default_factory=list)
    service_kinds: list[str] = field(default_factory=list)
    regi: str = ""
    explicit_recipients: list[int] = field(default_factory=list)
    as_of: dt.datetime | None = None
    deadline: dt.datetime | None = None
    recurrence: str = Round.Recurrence.NONE
    recurrence_time: dt.time | None = None
    recurrence_hours: int | None = None
    is_exercise: bool = False
    event_name: str = ""
    event_type: str = ""
    event_status: str = ""

    @classmethod
    def from_values(cls, values: Mapping[str, Any], *, template_version: TemplateVersion) -> RoundSpec:
        """The one way the round form's cleaned data and the API's body become a spec, so that the two cannot drift.

        Every field of the spec is read from ``values`` by its name; a name that is missing or None keeps the
        default, other keys (``issuer_id``, ``template_version_id``) are ignored. Recipient roots and explicit
        recipients may be organisations or ids."""
        kwargs: dict[str, Any] = {
            f.name: values[f.name]
            for f in dataclasses.fields(cls)
            if f.name != "template_version" and values.get(f.name) is not None
        }
        for name in ("recipient_roots", "explicit_recipients"):
            if name in kwargs:
                kwargs[name] = [getattr(o, "pk", o) for o in kwargs[name]]
        if "service_kinds" in kwargs:
            kwargs["service_kinds"] = list(kwargs["service_kinds"])
        return cls(template_version=template_version, **kwargs)


def ancestors_of(org: Organisation) -> dict[str, int | None]:
    """Civilområde, län and kommun ids read off the path (nation/civilområde/län/kommun/unit by depth)."""
    ids = org.ancestor_ids
    return {
        "civilomrade_id": ids[1] if len(ids) > 1 else None,
        "lan_id": ids[2] if len(ids) > 2 else None,
        "kommun_id": ids[3] if len(ids) > 3 else None,
    }


def recipients_for(round_: Round) -> list[Organisation]:
    """The organisations that must answer: an explicit list, or a filtered subtree of the issuer. One query."""
    issuer = round_.issuer
    qs = Organisation.objects.active().filter(path__startswith=issuer.path)
    if round_.explicit_recipients:
        return list(qs.filter(pk__in=round_.explicit_recipients))
    qs = qs.filter(kind=RESPONDER_KIND[Round.Responder(round_.responder)])
    if round_.recipient_roots:
        roots = Organisation.objects.filter(pk__in=round_.recipient_roots, path__startswith=issuer.path)
        condition = Q(pk__in=[])
        for root in roots:
            condition |= Q(path__startswith=root.path)
        qs = qs.filter(condition)
    if round_.responder == Round.Responder.UNITS:
        if round_.service_kinds:
            qs = qs.filter(service_kind__in=round_.service_kinds)
        if round_.regi:
            qs = qs.filter(regi=round_.regi)
    return list(qs.order_by("path"))


def _version_for(recipient: Organisation, base: TemplateVersion, extensions: list[TemplateVersion]) -> TemplateVersion:
    """The most specific published extension whose owner is above the recipient, else the round's version."""
    best = base
    best_depth = -1
    for ext in extensions:
        owner = ext.template.owner
        if recipient.path.startswith(owner.path) and owner.depth > best_depth:
            best, best_depth = ext, owner.depth
    return best


def _extensions(base: TemplateVersion) -> list[TemplateVersion]:
    """Latest published version of each extension of ``base``."""
    latest: dict[int, TemplateVersion] = {}
    qs = TemplateVersion.objects.filter(template__extends=base, status=TemplateVersion.Status.PUBLISHED).select_related(
        "template__owner"
    )
    for version in qs.order_by("template_id", "number"):
        latest[version.template_id] = version
    return list(latest.values())


def _create_instance(round_: Round, *, as_of: dt.datetime, deadline: dt.datetime) -> RoundInstance:
    number = (round_.instances.aggregate(n=Max("number"))["n"] or 0) + 1
    instance = RoundInstance.objects.create(round=round_, number=number, as_of=as_of, deadline=deadline)
    extensions = _extensions(round_.template_version)
    Submission.objects.bulk_create(
        [
            Submission(
                instance=instance,
                organisation=org,
                template_version=_version_for(org, round_.template_version, extensions),
                org_path=org.path,
                **ancestors_of(org),
            )
            for org in recipients_for(round_)
        ],
        batch_size=2000,
    )
    return instance


def _interval(spec: RoundSpec) -> dt.timedelta | None:
    """Time between instances of a recurring round (None if it does not recur or the spec is incomplete)."""
    if spec.recurrence == Round.Recurrence.HOURS and spec.recurrence_hours and 1 <= spec.recurrence_hours <= MAX_RECURRENCE_HOURS:
        return dt.timedelta(hours=spec.recurrence_hours)
    if spec.recurrence == Round.Recurrence.DAILY and spec.recurrence_time is not None:
        return dt.timedelta(days=1)
    return None


def _validate(spec: RoundSpec, issuer: Organisation) -> list[FieldError]:
    errors: list[FieldError] = []
    if not spec.title.strip():
        errors.append(FieldError(row=None, field="title", message=_("Give the round a title.")))
    if not spec.template_version.is_published:
        errors.append(FieldError(row=None, field="template_version", message=_("Only a published template version can be used.")))
    naive = [name for name in ("deadline", "as_of") if (value := getattr(spec, name)) is not None and timezone.is_naive(value)]
    for name in naive:
        errors.append(FieldError(row=None, field=name, message=_("Give the time with its time zone, e.g. +02:00.")))
    if not naive and (spec.deadline is None or spec.deadline <= (spec.as_of or timezone.now())):
        errors.append(FieldError(row=None, field="deadline", message=_("The deadline must be after the as-of time.")))
    if spec.recurrence_time is not None and spec.recurrence_time.tzinfo is not None:
        errors.append(
            FieldError(row=None, field="recurrence_time", message=_("Give the time of day without a time zone (Swedish time)."))
        )
    if spec.recurrence == Round.Recurrence.DAILY and spec.recurrence_time is None:
        errors.append(FieldError(row=None, field="recurrence_time", message=_("Daily rounds need a time of day.")))
    if spec.recurrence == Round.Recurrence.HOURS and not spec.recurrence_hours:
        errors.append(FieldError(row=None, field="recurrence_hours", message=_("Give the number of hours between reports.")))
    if spec.recurrence_hours is not None and not 1 <= spec.recurrence_hours <= MAX_RECURRENCE_HOURS:
        errors.append(
            FieldError(
                row=None,
                field="recurrence_hours",
                message=_("The number of hours between reports must be from 1 to %(max)s.") % {"max": MAX_RECURRENCE_HOURS},
            )
        )
    interval = _interval(spec)
    if spec.as_of is not None and interval is not None and not naive:
        missed = (timezone.now() - spec.as_of) / interval
        if missed > MAX_CATCH_UP_INSTANCES:
            errors.append(
                FieldError(
                    row=None,
                    field="as_of",
                    message=_(
                        "The as-of time is so far back that more than %(max)s missed reports would be created at once. "
                        "Choose a later as-of time."
                    )
                    % {"max": MAX_CATCH_UP_INSTANCES},
                )
            )
    if not spec.explicit_recipients and spec.responder not in responders_for(issuer):
        choices = ", ".join(str(Round.Responder(r).label) for r in responders_for(issuer))
        errors.append(
            FieldError(
                row=None,
                field="responder",
                message=_("%(issuer)s can only ask organisations below it: under “Who answers”, choose %(choices)s.")
                % {"issuer": issuer.name, "choices": choices},
            )
        )
    return errors


RESPONDER_DEPTH = {Round.Responder.LAN: 2, Round.Responder.KOMMUNER: 3, Round.Responder.UNITS: 4}


def responders_for(issuer: Organisation) -> list[str]:
    """Who can be asked by ``issuer``: the levels below it, highest first."""
    return [
        r.value
        for r in (Round.Responder.LAN, Round.Responder.KOMMUNER, Round.Responder.UNITS)
        if RESPONDER_DEPTH[r] > issuer.depth
    ]


def default_responder(issuer: Organisation) -> str:
    """A sensible default per level: a kommun asks its units; the nation and a county ask the kommuner."""
    return Round.Responder.UNITS if issuer.depth >= 3 else Round.Responder.KOMMUNER


def recipients_preview(*, issuer: Organisation, spec: RoundSpec) -> list[Organisation]:
    """The organisations ``spec`` would ask, without issuing anything (same rules as ``round_issue``).

    Raises ValidationFailed when the responder level cannot be asked by the issuer."""
    if not spec.explicit_recipients and spec.responder not in responders_for(issuer):
        raise ValidationFailed(details=[e for e in _validate(spec, issuer) if e["field"] == "responder"])
    draft = Round(
        issuer=issuer,
        responder=spec.responder,
        recipient_roots=spec.recipient_roots,
        service_kinds=spec.service_kinds,
        regi=spec.regi,
        explicit_recipients=spec.explicit_recipients,
    )
    return recipients_for(draft)


@transaction.atomic
def round_issue(*, actor: Actor, issuer: Organisation, spec: RoundSpec, via: str = "ui") -> Round:
    """Create and issue a round with its first instance; e-mails recipients after commit.

    Raises PermissionDeniedError without ``reporting.issue`` at the issuer and ValidationFailed on bad input.
    """
    policy.require(actor, "reporting.issue", issuer)
    errors = _validate(spec, issuer)
    if errors:
        raise ValidationFailed(details=errors)
    event = None
    if spec.event_name.strip():
        event = Event.objects.create(
            name=spec.event_name.strip(), type=spec.event_type, status_level=spec.event_status, owner=issuer
        )
    as_of = spec.as_of or timezone.now()
    assert spec.deadline is not None
    round_ = Round.objects.create(
        title=spec.title.strip(),
        issuer=issuer,
        template_version=spec.template_version,
        responder=spec.responder,
        recipient_roots=spec.recipient_roots,
        service_kinds=spec.service_kinds,
        regi=spec.regi,
        explicit_recipients=spec.explicit_recipients,
        recurrence=spec.recurrence,
        recurrence_time=spec.recurrence_time,
        recurrence_hours=spec.recurrence_hours,
        # Used for the deadline of later instances; capped to the column (about 3.7 years).
        deadline_offset_hours=min(32767, max(1, int((spec.deadline - as_of).total_seconds() // 3600))),
        is_exercise=spec.is_exercise,
        event=event,
        status=Round.Status.OPEN,
        created_by=actor,
    )
    instance = _create_instance(round_, as_of=as_of, deadline=spec.deadline)
    if not instance.submissions.exists():
        raise ValidationFailed(details=[FieldError(row=None, field="recipients", message=_("The selection has no recipients."))])
    audit.record(
        actor=actor,
        action="round.issue",
        target=round_,
        organisation=issuer,
        via=via,
        changes={"recipients": {"before": None, "after": instance.submissions.count()}},
    )
    transaction.on_commit(lambda: _after_instance(instance.pk))
    return round_


def _after_instance(instance_id: int) -> None:
    from beredd.reporting import tasks

    tasks.enqueue_instance_jobs(instance_id)


def _state(actor: Actor, round_: Round, action: str, allowed: set[str], new: str) -> Round:
    policy.require(actor, "reporting.issue", round_.issuer)
    if round_.status not in allowed:
        raise InvalidStateError()
    before = round_.status
    round_.status = new
    round_.save(update_fields=["status", "updated_at"])
    fragments.invalidate_round(round_id=round_.pk)
    audit.record(
        actor=actor,
        action=action,
        target=round_,
        organisation=round_.issuer,
        changes={"status": {"before": before, "after": new}},
    )
    return round_


@transaction.atomic
def round_close(*, actor: Actor, round_: Round) -> Round:
    return _state(actor, round_, "round.close", {Round.Status.OPEN}, Round.Status.CLOSED)


@transaction.atomic
def round_reopen(*, actor: Actor, round_: Round) -> Round:
    return _state(actor, round_, "round.reopen", {Round.Status.CLOSED}, Round.Status.OPEN)


@transaction.atomic
def round_cancel(*, actor: Actor, round_: Round) -> Round:
    return _state(actor, round_, "round.cancel", {Round.Status.OPEN, Round.Status.CLOSED}, Round.Status.CANCELLED)


def next_as_of(round_: Round, after: dt.datetime) -> dt.datetime | None:
    """When the next instance of a recurring round starts, or None. While a real heightened alert is in force
    over the issuer, a round with a heightened schedule (command app) runs on that instead."""
    from beredd.command.selectors import heightened_hours

    if round_.recurrence != Round.Recurrence.NONE and (hours := heightened_hours(round_)):
        return after + dt.timedelta(hours=hours)
    if round_.recurrence == Round.Recurrence.HOURS and round_.recurrence_hours:
        return after + dt.timedelta(hours=round_.recurrence_hours)
    if round_.recurrence == Round.Recurrence.DAILY and round_.recurrence_time:
        local = timezone.localtime(after)
        candidate = local.replace(hour=round_.recurrence_time.hour, minute=round_.recurrence_time.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate += dt.timedelta(days=1)
        return candidate
    return None


@transaction.atomic
def instance_create_next(*, round_id: int, after_number: int) -> RoundInstance | None:
    """Create the instance following ``after_number`` if the round still recurs and it does not exist yet (idempotent)."""
    round_ = Round.objects.select_for_update().select_related("issuer", "template_version").get(pk=round_id)
    if round_.status != Round.Status.OPEN or round_.instances.filter(number__gt=after_number).exists():
        return None
    previous = round_.instances.get(number=after_number)
    as_of = next_as_of(round_, previous.as_of)
    if as_of is None:
        return None
    instance = _create_instance(round_, as_of=as_of, deadline=as_of + dt.timedelta(hours=round_.deadline_offset_hours))
    audit.record(
        actor=None,
        action="round.instance",
        target=round_,
        organisation=round_.issuer,
        via="system",
        changes={"instance": {"before": after_number, "after": instance.number}},
    )
    transaction.on_commit(lambda: _after_instance(instance.pk))
    return instance
