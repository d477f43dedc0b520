"""Domain errors with a stable code, an HTTP status and a translatable message.

One handler renders them as HTML (``core.views``) and one as RFC 9457 problem details (``api``).
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from django.utils.translation import gettext_lazy as _


class FieldError(TypedDict):
    """One thing wrong with the input, as ``ValidationFailed.details`` lists them: the row of an uploaded table
    (``None`` for a form or a single object), the field (``None``: the input as a whole), and a message naming what
    is wrong. Build it as
    ``FieldError(row=None, field="name", message=_("..."))``; it is a plain dict at run time (JSON, templates)."""

    row: int | None
    field: str | None
    message: str
    code: NotRequired[str]  # a stable code a client can act on (e.g. ``area_outside_kommun``)


class FieldConflict(FieldError):  # noqa: N818 (a TypedDict detail, not an exception)
    """A ``FieldError`` of a conflict (optimistic concurrency): the value stored now and the one sent."""

    theirs: Any
    yours: Any


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message: Any = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, details: Any = None, **context: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.details = details
        self.context = context
        super().__init__(str(self.message))


class NotFoundError(DomainError):
    """Raised both for missing objects and for objects the user may not see, so ids reveal nothing."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")

    def __init__(self, kind: str = "object", object_id: Any = None) -> None:
        super().__init__(_("Not found."), kind=kind, object_id=object_id)


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class ValidationFailed(DomainError):  # noqa: N818 (reads as a sentence: raise ValidationFailed)
    """Bad input. ``details`` is a list of ``FieldError`` naming what is wrong."""

    code = "validation_failed"
    status = 422
    default_message = _("The input is not valid.")


class ConflictError(DomainError):
    """Someone else changed the object since it was read (optimistic concurrency)."""

    code = "conflict"
    status = 409
    default_message = _("Someone else changed this in the meantime.")
