from __future__ import annotations

from django import forms

from beredd.core.exceptions import ValidationFailed


def apply_errors(form: forms.BaseForm, exc: ValidationFailed) -> None:
    """Attach a service's ``ValidationFailed`` details to the form's fields (or the form as a whole)."""
    details = exc.details or []
    if not details:
        form.add_error(None, str(exc.message))
    for item in details:
        field = item.get("field")
        form.add_error(field if field in form.fields else None, str(item.get("message")))
