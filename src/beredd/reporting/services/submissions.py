"""Writes for submissions: draft autosave, submit (immutable versions, idempotent), return, approve."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.core import audit
from beredd.core.exceptions import NotFoundError, PermissionDeniedError, ValidationFailed
from beredd.reporting import access, fragments
from beredd.reporting import fields as fieldtypes
from beredd.reporting.exceptions import (
    IdempotencyKeyReusedError,
    InvalidStateError,
    RoundNotOpenError,
    SubmissionConflictError,
)
from beredd.reporting.models import Answer, Round, Submission, SubmissionVersion


def _lang() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def _check_writable(actor: Any, submission: Submission) -> None:
    if not access.can_answer(actor, submission.organisation):
        raise NotFoundError("submission", submission.pk)
    round_ = submission.instance.round
    if round_.status != Round.Status.OPEN:
        raise RoundNotOpenError()


def _check_version(submission: Submission, expected: int | None, incoming: dict[str, Any]) -> None:
    """Refuse a write based on an older read; details show their value and yours per differing field."""
    if expected is None or expected == submission.lock_version:
        return
    current = submission.draft
    details = [
        {
            "row": None,
            "field": key,
            "message": _("Changed by someone else."),
            "theirs": current.get(key),
            "yours": incoming.get(key),
        }
        for key in sorted(set(current) | set(incoming))
        if current.get(key) != incoming.get(key)
    ]
    raise SubmissionConflictError(details=details, current_version=submission.lock_version)


def _locked(submission: Submission) -> Submission:
    """Re-read and lock the submission row only (not the shared instance/round rows), keeping the loaded relations.

    A submission read with ``for_update`` inside the current transaction (``submission_submit_for_recipient``)
    is locked already and used as it is."""
    if getattr(submission, "_locked_for_update", False) and transaction.get_connection().in_atomic_block:
        return submission
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    for relation in ("instance", "organisation", "template_version"):
        if Submission._meta.get_field(relation).is_cached(submission):  # type: ignore[union-attr]  # get_field may return a ForeignObjectRel; this one is a relation field
            setattr(locked, relation, getattr(submission, relation))
    return locked


# Published template versions never change, so their fields are cached per process
# (keyed with the publication time so a reused id can never hit a stale entry).
_FIELDS_CACHE: dict[tuple[int, str], list[Any]] = {}


def template_fields(version: Any) -> list[Any]:
    if not version.is_published:
        return list(version.fields.all())
    key = (version.pk, str(version.published_at))
    if key not in _FIELDS_CACHE:
        if len(_FIELDS_CACHE) > 500:
            _FIELDS_CACHE.clear()
        _FIELDS_CACHE[key] = list(version.fields.all())
    return _FIELDS_CACHE[key]


def is_on_behalf(actor: Any, submission: Submission) -> bool:
    """True when the actor's authority comes from a level above the recipient (a coordinator answering for a unit)."""
    return not any(m.organisation_id == submission.organisation_id for m in policy.memberships(actor))


@transaction.atomic
def submission_save_draft(
    *, actor: Any, submission: Submission, data: dict[str, Any], expected_version: int | None = None, via: str = "ui"
) -> Submission:
    """Store draft answers (autosave). Bad values are refused per field; nothing is saved then.

    Only a report that is not submitted (not started, draft, returned) has a draft. A submitted or approved
    report is changed only by submitting a new immutable version, so the
    values a reviewer sees are always the ones somebody submitted.
    """
    submission = _locked(submission)
    _check_writable(actor, submission)
    if submission.status not in Submission.DRAFTABLE:
        raise InvalidStateError(_("A submitted report cannot be saved as a draft; submit a new version instead."))
    _check_version(submission, expected_version, data)
    fields = template_fields(submission.template_version)
    clean, errors = fieldtypes.validate(fields, submission.template_version.rules, data, lang=_lang(), partial=True)
    if errors:
        raise ValidationFailed(details=[e.as_detail() for e in errors])
    submission.draft = clean
    submission.lock_version += 1
    if submission.status == Submission.Status.NOT_STARTED:
        submission.status = Submission.Status.DRAFT
    submission.save(update_fields=["draft", "lock_version", "status", "updated_at"])
    return submission


@transaction.atomic
def submission_submit_for_recipient(
    *,
    actor: Any,
    instance_id: int,
    org_id: int,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    idempotency_key: str = "",
    via: str = "api",
    confirm_empty: bool = False,
    classified_confirmed: bool = False,
) -> tuple[Submission, SubmissionVersion, bool]:
    """The API's submit: find (NotFoundError / NotRecipientError as the selector), lock and submit in one
    transaction, reading the submission once."""
    from beredd.reporting import selectors

    submission = selectors.submission_for_recipient_by_ids(user=actor, instance_id=instance_id, org_id=org_id, for_update=True)
    return submission_submit(
        actor=actor,
        submission=submission,
        data=data,
        expected_version=expected_version,
        idempotency_key=idempotency_key,
        via=via,
        confirm_empty=confirm_empty,
        classified_confirmed=classified_confirmed,
        _savepoint=False,
    )


def submission_submit(
    *,
    actor: Any,
    submission: Submission,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    idempotency_key: str = "",
    via: str = "ui",
    confirm_empty: bool = False,
    classified_confirmed: bool = False,
    _savepoint: bool = True,
) -> tuple[Submission, SubmissionVersion, bool]:
    """Submit answers as a new immutable version and refresh the roll-up rows (one transaction).

    Returns (submission, version, created). With an ``idempotency_key`` already used for this submission the
    stored version is returned and nothing is written (``created`` False). Raises RoundNotOpenError,
    ValidationFailed (one detail per field), SubmissionConflictError, NotFoundError for non-recipients.
    A report without a single answer is refused (ValidationFailed on ``confirm_empty``) unless the caller
    confirms that it means to submit it empty (``confirm_empty``); completeness counts it apart.
    """
    # ``_savepoint=False`` only from a caller whose own transaction is all this one does (no extra SAVEPOINT).
    with transaction.atomic(savepoint=_savepoint):
        return _submit(
            actor=actor,
            submission=submission,
            data=data,
            expected_version=expected_version,
            idempotency_key=idempotency_key,
            via=via,
            confirm_empty=confirm_empty,
            classified_confirmed=classified_confirmed,
        )


EMPTY_FIELD = "confirm_empty"


def is_empty_answer(clean: dict[str, Any]) -> bool:
    """True when a clean submission answers nothing at all."""
    return not any(not fieldtypes.is_empty(v) for v in clean.values())


def _submit(
    *,
    actor: Any,
    submission: Submission,
    data: dict[str, Any] | None,
    expected_version: int | None,
    idempotency_key: str,
    via: str,
    confirm_empty: bool = False,
    classified_confirmed: bool = False,
) -> tuple[Submission, SubmissionVersion, bool]:
    submission = _locked(submission)
    _check_writable(actor, submission)
    idempotency_key = idempotency_key[:128]
    # One query for both the next version number and an earlier use of the idempotency key. The row lock
    # above serialises concurrent retries, so the second one sees the first one's version here.
    if submission.status == Submission.Status.NOT_STARTED:
        # Nothing was ever submitted (status only leaves not_started, never returns to it), so there is no
        # earlier version or idempotency key to look up: the first submit saves the query. The unique
        # (submission, number) constraint would refuse a wrong number rather than store it.
        seen: dict[str, Any] = {"n": None, "hit": None}
    else:
        seen = submission.versions.aggregate(n=Max("number"), hit=Max("pk", filter=Q(idempotency_key=idempotency_key or None)))
    payload = submission.draft if data is None else data
    request_hash = _request_hash(payload) if idempotency_key else ""
    if seen["hit"] is not None:
        earlier = SubmissionVersion.objects.get(pk=seen["hit"])
        if earlier.request_hash and earlier.request_hash != request_hash:
            raise IdempotencyKeyReusedError()
        return submission, earlier, False
    _check_version(submission, expected_version, payload)
    if submission.status == Submission.Status.APPROVED:
        raise InvalidStateError(_("An approved report cannot be changed."))
    fields = template_fields(submission.template_version)
    clean, errors = fieldtypes.validate(fields, submission.template_version.rules, payload, lang=_lang())
    if errors:
        raise ValidationFailed(details=[e.as_detail() for e in errors])
    if not confirm_empty and is_empty_answer(clean):
        raise ValidationFailed(
            _("The report has no answers."),
            details=[
                {
                    "row": None,
                    "field": EMPTY_FIELD,
                    "message": _("The report has no answers. Confirm that you want to submit it empty, or answer the questions."),
                }
            ],
        )
    now = timezone.now()
    late = now > submission.instance.deadline
    number = (seen["n"] or 0) + 1
    on_behalf = is_on_behalf(actor, submission)
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        data=clean,
        submitted_at=now,
        submitted_by=actor,
        on_behalf=on_behalf,
        is_late=late,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        via=via,
    )
    # Under heightened alert a template that warns about classified information needs the respondent's
    # confirmation, recorded with this version (command app); without it nothing is saved.
    from beredd.command.services.alert import classified_confirm

    confirmation = classified_confirm(actor=actor, submission=submission, version=version, confirmed=classified_confirmed)
    before = submission.status
    submission.draft = clean
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.is_late = late
    submission.is_empty = is_empty_answer(clean)
    submission.lock_version += 1
    submission.save(update_fields=["draft", "status", "submitted_at", "is_late", "is_empty", "lock_version", "updated_at"])
    _write_answers(submission, fields, clean, had_answers=before in Submission.ANSWERED)
    fragments.invalidate_org(instance_id=submission.instance_id, org_path=submission.org_path)
    audit.record(
        actor=actor,
        action="submission.submit_on_behalf" if on_behalf else "submission.submit",
        target=submission,
        organisation=submission.organisation,
        via=via,
        changes={"status": {"before": before, "after": submission.status}, "version": {"before": number - 1, "after": number}}
        | ({"classified_confirmed": True} if confirmation else {}),
    )
    return submission, version, True


def _request_hash(payload: Any) -> str:
    """SHA-256 of the answers in a canonical JSON form (key order and spacing do not matter)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_answers(submission: Submission, fields: list[Any], clean: dict[str, Any], *, had_answers: bool) -> None:
    """Replace the submission's roll-up rows with those of ``clean``.

    On PostgreSQL one statement does it (the DELETE in a CTE, the rows passed as five arrays through ``unnest``):
    one round trip and a handful of parameters instead of a DELETE plus a 25-row INSERT with 13 values a row,
    which was the costliest step of a submission. Other databases use the ORM.
    """
    rows = fieldtypes.project(fields, clean)
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        _write_answers_postgresql(connection, submission, rows, had_answers=had_answers)
        return
    if had_answers:
        Answer.objects.filter(submission=submission).delete()
    common = {
        "instance_id": submission.instance_id,
        "submission": submission,
        "organisation_id": submission.organisation_id,
        "org_path": submission.org_path,
        "civilomrade_id": submission.civilomrade_id,
        "lan_id": submission.lan_id,
        "kommun_id": submission.kommun_id,
        "internal": submission.internal,
    }
    Answer.objects.bulk_create(
        [Answer(key=p.key, num=p.num, weight=p.weight, choice=p.choice, text=p.text, **common) for p in rows]
    )


_COMMON_COLUMNS = (
    "instance_id",
    "submission_id",
    "organisation_id",
    "org_path",
    "civilomrade_id",
    "lan_id",
    "kommun_id",
    "internal",
)
_ROW_COLUMNS = ("key", "num", "weight", "choice", "text")
_ANSWERS_SQL = (
    "{delete}INSERT INTO {table} ({columns}) SELECT %s, %s, %s, %s, %s, %s, %s, %s, u.k, u.n, u.w, u.c, u.t "
    "FROM unnest(%s::varchar[], %s::float8[], %s::float8[], %s::varchar[], %s::text[]) AS u(k, n, w, c, t)"
)


def _write_answers_postgresql(connection: Any, submission: Submission, rows: list[Any], *, had_answers: bool) -> None:
    table = connection.ops.quote_name(Answer._meta.db_table)
    delete = f"WITH gone AS (DELETE FROM {table} WHERE submission_id = %s) " if had_answers else ""  # noqa: S608 - model table
    sql = _ANSWERS_SQL.format(
        delete=delete, table=table, columns=", ".join(connection.ops.quote_name(c) for c in _COMMON_COLUMNS + _ROW_COLUMNS)
    )
    params: list[Any] = [submission.pk] if had_answers else []
    params += [
        submission.instance_id,
        submission.pk,
        submission.organisation_id,
        submission.org_path,
        submission.civilomrade_id,
        submission.lan_id,
        submission.kommun_id,
        submission.internal,
        [p.key for p in rows],
        [None if p.num is None else float(p.num) for p in rows],
        [None if p.weight is None else float(p.weight) for p in rows],
        [p.choice for p in rows],
        [p.text for p in rows],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _check_reviewer(actor: Any, submission: Submission) -> None:
    if not access.can_review(actor, submission.organisation):
        raise PermissionDeniedError(_("Only a coordinator at a level above the recipient can review its report."))


@transaction.atomic
def submission_return(*, actor: Any, submission: Submission, comment: str, via: str = "ui") -> Submission:
    """Send a submitted report back for correction with a comment; its answers leave the roll-up."""
    submission = _locked(submission)
    _check_reviewer(actor, submission)
    if submission.status not in Submission.ANSWERED:
        raise InvalidStateError()
    if not comment.strip():
        raise ValidationFailed(details=[{"row": None, "field": "comment", "message": _("Say what needs correcting.")}])
    submission.status = Submission.Status.RETURNED
    submission.review_comment = comment.strip()
    submission.lock_version += 1
    submission.save(update_fields=["status", "review_comment", "lock_version", "updated_at"])
    Answer.objects.filter(submission=submission).delete()
    fragments.invalidate_org(instance_id=submission.instance_id, org_path=submission.org_path)
    audit.record(
        actor=actor,
        action="submission.return",
        target=submission,
        organisation=submission.organisation,
        via=via,
        changes={"status": {"before": Submission.Status.SUBMITTED, "after": submission.status}, "comment": {"after": comment}},
    )
    transaction.on_commit(lambda: _notify_returned(submission.pk))
    return submission


def _notify_returned(submission_id: int) -> None:
    from beredd.reporting import tasks

    tasks.enqueue(tasks.send_returned_mail, submission_id)


@transaction.atomic
def submission_approve(*, actor: Any, submission: Submission, via: str = "ui") -> Submission:
    submission = _locked(submission)
    _check_reviewer(actor, submission)
    if submission.status != Submission.Status.SUBMITTED:
        raise InvalidStateError()
    submission.status = Submission.Status.APPROVED
    submission.review_comment = ""
    submission.lock_version += 1
    submission.save(update_fields=["status", "review_comment", "lock_version", "updated_at"])
    fragments.invalidate_org(instance_id=submission.instance_id, org_path=submission.org_path)
    audit.record(
        actor=actor,
        action="submission.approve",
        target=submission,
        organisation=submission.organisation,
        via=via,
        changes={"status": {"before": Submission.Status.SUBMITTED, "after": submission.status}},
    )
    return submission


def latest_version(*, submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


def submitted_answers(*, submission: Submission) -> dict[str, Any]:
    """What was last submitted (the latest immutable version), never the editable draft."""
    latest = latest_version(submission=submission)
    return dict(latest.data) if latest else {}


def previous_answers(*, submission: Submission) -> dict[str, Any]:
    """The recipient's last submitted answers in an earlier instance of the same round ("same as last report")."""
    earlier = (
        SubmissionVersion.objects.filter(
            submission__organisation_id=submission.organisation_id,
            submission__instance__round_id=submission.instance.round_id,
            submission__instance__number__lt=submission.instance.number,
        )
        .order_by("-submission__instance__number", "-number")
        .first()
    )
    if earlier is None:
        return {}
    keys = set(submission.template_version.fields.values_list("key", flat=True))
    return {k: v for k, v in earlier.data.items() if k in keys}


@transaction.atomic
def submission_delegate(*, actor: Any, submission: Submission, via: str = "ui") -> list[Submission]:
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
