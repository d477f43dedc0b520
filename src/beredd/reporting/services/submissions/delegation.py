"""A kommun lets its units answer to it, and fills its own report in from their answers."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import PermissionDeniedError
from beredd.reporting import access, fragments
from beredd.reporting import fields as fieldtypes
from beredd.reporting.exceptions import InvalidStateError
from beredd.reporting.models import Round, Submission
from beredd.reporting.services.submissions._common import _locked


@transaction.atomic
def submission_delegate(*, actor: Actor, submission: Submission, via: str = "ui") -> list[Submission]:
    """Let the kommun's units answer to it: one internal submission per active unit (filtered like the round).

    The kommun's own submission remains its answer upward; ``answers_from_units`` prefills it from the units.
    Idempotent: a second call returns the existing unit submissions. Raises PermissionDeniedError unless the
    actor coordinates the kommun, InvalidStateError for anything but a kommun recipient of an open round.
    """
    from beredd.orgs.models import Organisation
    from beredd.reporting.services.rounds import ancestors_of

    submission = _locked(submission)
    org = submission.organisation
    if not access.can_delegate(actor, org):
        raise PermissionDeniedError()
    round_ = submission.instance.round
    if org.kind != Organisation.Kind.KOMMUN or submission.internal or round_.status != Round.Status.OPEN:
        raise InvalidStateError()
    existing = list(submission.delegated.all())
    if existing:
        return existing
    units = Organisation.objects.active().filter(parent=org, kind=Organisation.Kind.UNIT)
    if round_.service_kinds:
        units = units.filter(service_kind__in=round_.service_kinds)
    if round_.regi:
        units = units.filter(regi=round_.regi)
    created = Submission.objects.bulk_create(
        [
            Submission(
                instance=submission.instance,
                organisation=unit,
                template_version=submission.template_version,
                org_path=unit.path,
                internal=True,
                delegated_from=submission,
                **ancestors_of(unit),
            )
            for unit in units.order_by("path")
        ]
    )
    fragments.invalidate_org(instance_id=submission.instance_id, org_path=submission.org_path)
    audit.record(
        actor=actor,
        action="submission.delegate",
        target=submission,
        organisation=org,
        via=via,
        changes={"units": {"before": 0, "after": len(created)}},
    )
    return created


def answers_from_units(*, submission: Submission) -> dict[str, Any]:
    """The kommun's numbers and statuses rolled up from its units' answers (for prefilling its own report)."""
    from beredd.reporting import rollup

    result = rollup.rollup(instance=submission.instance, org=submission.organisation)
    values = result.values(result.total)
    out: dict[str, Any] = {}
    for f in submission.template_version.fields.all():
        value = values.get(f.key)
        if value is None or isinstance(value, dict):
            continue
        if f.type in ("integer",):
            out[f.key] = round(value)
        elif f.type in ("decimal", "percent"):
            out[f.key] = round(float(value), 1)
        elif f.type == "status":
            choices = fieldtypes.status_choices(f)
            index = round(value) - 1
            if 0 <= index < len(choices):
                out[f.key] = choices[index][0]
    return out
