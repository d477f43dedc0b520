"""What the submission services share: access and version checks, the row lock, the template's fields."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core.exceptions import FieldConflict, NotFoundError
from beredd.reporting import access
from beredd.reporting.exceptions import RoundNotOpenError, SubmissionConflictError
from beredd.reporting.models import Round, Submission, TemplateField, TemplateVersion


def _check_writable(actor: Actor, submission: Submission) -> None:
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
        FieldConflict(
            row=None, field=key, message=_("Changed by someone else."), theirs=current.get(key), yours=incoming.get(key)
        )
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
_FIELDS_CACHE: dict[tuple[int, str], list[TemplateField]] = {}


def template_fields(version: TemplateVersion) -> list[TemplateField]:
    if not version.is_published:
        return list(version.fields.all())
    key = (version.pk, str(version.published_at))
    if key not in _FIELDS_CACHE:
        if len(_FIELDS_CACHE) > 500:
            _FIELDS_CACHE.clear()
        _FIELDS_CACHE[key] = list(version.fields.all())
    return _FIELDS_CACHE[key]


def is_on_behalf(actor: Actor, submission: Submission) -> bool:
    """True when the actor's authority comes from a level above the recipient (a coordinator answering for a unit)."""
    return not any(m.organisation_id == submission.organisation_id for m in policy.memberships(actor))
