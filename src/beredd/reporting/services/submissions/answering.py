"""Answering: saving a draft and submitting (immutable versions, idempotent), and writing the answer rows."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.core.exceptions import FieldError, ValidationFailed
from beredd.core.i18n import content_language
from beredd.core.onestatement import OneStatement, StaleRowError
from beredd.reporting import fields as fieldtypes
from beredd.reporting import fragments
from beredd.reporting.exceptions import IdempotencyKeyReusedError, InvalidStateError
from beredd.reporting.models import Answer, Submission, SubmissionVersion, TemplateField
from beredd.reporting.services.submissions._common import (
    _check_version,
    _check_writable,
    _locked,
    is_on_behalf,
    template_fields,
)


@transaction.atomic
def submission_save_draft(
    *, actor: Actor, submission: Submission, data: dict[str, Any], expected_version: int | None = None, via: str = "ui"
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
    clean, errors = fieldtypes.validate(fields, submission.template_version.rules, data, lang=content_language(), partial=True)
    if errors:
        raise ValidationFailed(details=errors)
    submission.draft = clean
    submission.lock_version += 1
    if submission.status == Submission.Status.NOT_STARTED:
        submission.status = Submission.Status.DRAFT
    submission.save(update_fields=["draft", "lock_version", "status", "updated_at"])
    return submission


def submission_submit_for_recipient(
    *,
    actor: Actor,
    instance_id: int,
    org_id: int,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    idempotency_key: str = "",
    via: str = "api",
    confirm_empty: bool = False,
    classified_confirmed: bool = False,
) -> tuple[Submission, SubmissionVersion, bool]:
    """The API's submit: find (NotFoundError / NotRecipientError as the selector) and submit, reading the
    submission once.

    On PostgreSQL outside a transaction (a kommun system's request) without a row lock: the submission is read,
    checked and validated, and every write (version, submission, answers, audit) goes as one statement whose update
    of the submission is guarded by the status and version counter as read. One statement is atomic; a guard that
    no longer holds (another write to this submission landed in between: a concurrent retry, a draft, a return)
    writes nothing, and the submit is then done again the locked way, which sees that write (a retry with the same
    Idempotency-Key is replayed; If-Match with the old version is a conflict). Without the transaction's BEGIN,
    COMMIT and row lock the morning peak's submit costs three statements. Elsewhere (SQLite, or inside a caller's
    transaction) the row is locked in a transaction from the start."""
    from beredd.reporting import selectors

    options: dict[str, Any] = {
        "data": data,
        "expected_version": expected_version,
        "idempotency_key": idempotency_key,
        "via": via,
        "confirm_empty": confirm_empty,
        "classified_confirmed": classified_confirmed,
    }
    connection = transaction.get_connection()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        submission = selectors.submission_for_recipient_by_ids(user=actor, instance_id=instance_id, org_id=org_id)
        try:
            return _submit(actor=actor, submission=submission, guarded=True, **options)
        except (StaleRowError, _NeedsLockError):
            pass  # done again below, the locked way
    with transaction.atomic():
        submission = selectors.submission_for_recipient_by_ids(
            user=actor, instance_id=instance_id, org_id=org_id, for_update=True
        )
        return _submit(actor=actor, submission=submission, **options)


_VERSION_CONSTRAINTS = frozenset(c.name for c in SubmissionVersion._meta.constraints)


class _NeedsLockError(Exception):
    """The unlocked submit met a case it leaves to the locked one (a write that cannot join its one statement)."""


def submission_submit(
    *,
    actor: Actor,
    submission: Submission,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    idempotency_key: str = "",
    via: str = "ui",
    confirm_empty: bool = False,
    classified_confirmed: bool = False,
) -> tuple[Submission, SubmissionVersion, bool]:
    """Submit answers as a new immutable version and refresh the roll-up rows (one transaction).

    Returns (submission, version, created). With an ``idempotency_key`` already used for this submission the
    stored version is returned and nothing is written (``created`` False). Raises RoundNotOpenError,
    ValidationFailed (one detail per field), SubmissionConflictError, NotFoundError for non-recipients.
    A report without a single answer is refused (ValidationFailed on ``confirm_empty``) unless the caller
    confirms that it means to submit it empty (``confirm_empty``); completeness counts it apart.
    """
    with transaction.atomic():
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
    actor: Actor,
    submission: Submission,
    data: dict[str, Any] | None,
    expected_version: int | None,
    idempotency_key: str,
    via: str,
    confirm_empty: bool = False,
    classified_confirmed: bool = False,
    guarded: bool = False,
) -> tuple[Submission, SubmissionVersion, bool]:
    # ``guarded``: no row lock and no transaction (``submission_submit_for_recipient``); the writes go as one
    # statement that writes nothing, raising StaleRowError, when the submission changed since it was read.
    if not guarded:
        submission = _locked(submission)
    read_as = {"status": submission.status, "lock_version": submission.lock_version}
    _check_writable(actor, submission)
    idempotency_key = idempotency_key[:128]
    # One query for both the next version number and an earlier use of the idempotency key. The row lock
    # above serialises concurrent retries, so the second one sees the first one's version here; unlocked
    # (``guarded``), the second one's guarded write fails and it is done again locked, and sees it then.
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
    clean, errors = fieldtypes.validate(fields, submission.template_version.rules, payload, lang=content_language())
    if errors:
        raise ValidationFailed(details=errors)
    if not confirm_empty and is_empty_answer(clean):
        raise ValidationFailed(
            _("The report has no answers."),
            details=[
                FieldError(
                    row=None,
                    field=EMPTY_FIELD,
                    message=_("The report has no answers. Confirm that you want to submit it empty, or answer the questions."),
                )
            ],
        )
    now = timezone.now()
    late = now > submission.instance.deadline
    number = (seen["n"] or 0) + 1
    on_behalf = is_on_behalf(actor, submission)
    # Under heightened alert a template that warns about classified information needs the respondent's
    # confirmation, recorded with this version (command app); without it nothing is saved.
    from beredd.command.services.alert import classified_alert, classified_record

    alert = classified_alert(submission=submission, confirmed=classified_confirmed)
    if alert is not None and guarded:
        raise _NeedsLockError()  # the confirmation is a second write after the version: in the locked transaction
    before = submission.status
    # The four writes (version, submission, answers, audit) depend on nothing read back in between: on PostgreSQL
    # they go as one statement (``core.onestatement``), one round trip instead of four.
    writes = OneStatement()
    version = SubmissionVersion(
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
    writes.insert(version)
    submission.draft = clean
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.is_late = late
    submission.is_empty = is_empty_answer(clean)
    submission.lock_version += 1
    writes.update(
        submission,
        ["draft", "status", "submitted_at", "is_late", "is_empty", "lock_version", "updated_at"],
        expect=read_as if guarded else None,
    )
    _write_answers(writes, submission, fields, clean, had_answers=before in Submission.ANSWERED)
    writes.insert(
        audit.event(
            actor=actor,
            action="submission.submit_on_behalf" if on_behalf else "submission.submit",
            target=submission,
            organisation=submission.organisation,
            via=via,
            changes={"status": {"before": before, "after": submission.status}, "version": {"before": number - 1, "after": number}}
            | ({"classified_confirmed": True} if alert is not None else {}),
        )
    )
    try:
        writes.execute()
    except IntegrityError as exc:
        # Unlocked, a concurrent submit of the same submission that stored its version first makes this one's
        # version insert collide (same number, or same key) before the guard is even read: stale as well.
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if guarded and constraint in _VERSION_CONSTRAINTS:
            raise StaleRowError() from exc
        raise
    if alert is not None:
        classified_record(actor=actor, version=version, alert=alert)
    fragments.invalidate_org(instance_id=submission.instance_id, org_path=submission.org_path)
    return submission, version, True


def _request_hash(payload: Any) -> str:
    """SHA-256 of the answers in a canonical JSON form (key order and spacing do not matter)."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_answers(
    writes: OneStatement, submission: Submission, fields: list[TemplateField], clean: dict[str, Any], *, had_answers: bool
) -> None:
    """Replace the submission's roll-up rows with those of ``clean``.

    On PostgreSQL two parts of the caller's one statement do it (a DELETE, and an INSERT of the rows passed as
    one JSON array through ``json_to_recordset``): a handful of parameters instead of a 25-row INSERT with 13 values a row.
    Other databases use the ORM, at once.
    """
    rows = fieldtypes.project(fields, clean)
    connection = writes.connection
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Answer._meta.db_table)
        if had_answers:
            writes.raw(f"DELETE FROM {table} WHERE submission_id = %s", [submission.pk])  # noqa: S608 - model table
        columns = ", ".join(connection.ops.quote_name(c) for c in _COMMON_COLUMNS + _ROW_COLUMNS)
        writes.raw(_ANSWERS_SQL.format(table=table, columns=columns), _answer_params(submission, rows))
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
    "INSERT INTO {table} ({columns}) SELECT %s, %s, %s, %s, %s, %s, %s, %s, u.k, u.n, u.w, u.c, u.t "
    "FROM json_to_recordset(%s::json) AS u(k varchar, n float8, w float8, c varchar, t text)"
)


def _answer_params(submission: Submission, rows: list[fieldtypes.Projection]) -> list[Any]:
    return [
        submission.instance_id,
        submission.pk,
        submission.organisation_id,
        submission.org_path,
        submission.civilomrade_id,
        submission.lan_id,
        submission.kommun_id,
        submission.internal,
        # The rows as one JSON text (orjson) rather than five arrays that the driver dumps value by value. The
        # numbers are finite (validated), so orjson's null for NaN never applies.
        orjson.dumps(
            [
                {
                    "k": p.key,
                    "n": None if p.num is None else float(p.num),
                    "w": None if p.weight is None else float(p.weight),
                    "c": p.choice,
                    "t": p.text,
                }
                for p in rows
            ]
        ).decode(),
    ]
