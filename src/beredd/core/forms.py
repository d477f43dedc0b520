from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from beredd.core.exceptions import ConflictError, ValidationFailed

T = TypeVar("T")


def apply_errors(form: forms.BaseForm, exc: ValidationFailed) -> None:
    """Attach a service's ``ValidationFailed`` details to the form's fields (or the form as a whole)."""
    details = exc.details or []
    if not details:
        form.add_error(None, str(exc.message))
    for item in details:
        field = item.get("field")
        form.add_error(field if field in form.fields else None, str(item.get("message")))


def form_run_edit(
    request: HttpRequest, form: forms.BaseForm, call: Callable[[dict[str, Any]], T], success: str | None = None
) -> tuple[T | None, int]:
    """Validate a POSTed ``form`` and call the service with its cleaned data.

    Returns (result, HTTP status): (None, 200) with the errors on the form when the input or the service refused
    it, (None, 409) with the conflict shown on the form when someone else saved in the meantime (nothing is
    overwritten), and (result, 200) after a success message otherwise. A GET returns (None, 200)."""
    if request.method != "POST" or not form.is_valid():
        return None, 200
    try:
        result = call(form.cleaned_data)
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return None, 200
    except ConflictError as exc:
        form.add_error(None, str(exc.message))
        return None, 409
    messages.success(request, success or _("The changes were saved."))
    return result, 200


def form_run(
    request: HttpRequest, form: forms.BaseForm, call: Callable[[dict[str, Any]], Any], success: str | None = None
) -> Any:
    """``form_run_edit`` for views that need only the result: the service's result, or None with the errors on
    the form."""
    return form_run_edit(request, form, call, success)[0]
