"""Writes for submissions: draft autosave, submit (immutable versions, idempotent), return, approve, delegation.

A package by concern (``answering``, ``review``, ``delegation``, ``answers`` for the reads the answer page
needs); every public name is re-exported here, so ``from beredd.reporting.services import submissions`` and
``submissions.submission_submit(...)`` keep working."""

from beredd.reporting.services.submissions._common import is_on_behalf, template_fields
from beredd.reporting.services.submissions.answering import (
    EMPTY_FIELD,
    is_empty_answer,
    submission_save_draft,
    submission_submit,
    submission_submit_for_recipient,
)
from beredd.reporting.services.submissions.answers import latest_version, previous_answers, submitted_answers
from beredd.reporting.services.submissions.delegation import answers_from_units, submission_delegate
from beredd.reporting.services.submissions.review import submission_approve, submission_return

__all__ = [
    "EMPTY_FIELD",
    "answers_from_units",
    "is_empty_answer",
    "is_on_behalf",
    "latest_version",
    "previous_answers",
    "submission_approve",
    "submission_delegate",
    "submission_return",
    "submission_save_draft",
    "submission_submit",
    "submission_submit_for_recipient",
    "submitted_answers",
    "template_fields",
]
