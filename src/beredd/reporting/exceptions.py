"""Reporting's domain errors (stable codes; rendered as HTML pages or problem details)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beredd.core.exceptions import ConflictError, DomainError


class RoundNotOpenError(DomainError):
    code = "round_not_open"
    status = 409
    default_message = _("The round is not open for answers (it is closed, cancelled or not yet issued).")


class NotRecipientError(DomainError):
    code = "not_recipient"
    status = 403
    default_message = _("Your organisation is not a recipient of this round.")


class VersionPublishedError(DomainError):
    code = "version_published"
    status = 409
    default_message = _("A published template version cannot be changed; create a new version instead.")


class InvalidStateError(DomainError):
    code = "invalid_state"
    status = 409
    default_message = _("This cannot be done in the current state.")


class SubmissionConflictError(ConflictError):
    code = "conflict"
    default_message = _("Someone else saved this report in the meantime. Compare the values and save again.")


class IdempotencyKeyReusedError(DomainError):
    """The Idempotency-Key was already used with a different request body (IETF draft "The Idempotency-Key HTTP
    Header Field", section 2.7: 422). The first request's result stands; nothing is stored."""

    code = "idempotency_key_reused"
    status = 422
    default_message = _("This Idempotency-Key was already used with different answers. Use a new key for a new submission.")
