"""Small helpers shared by the preparedness views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from beredd.core.exceptions import ConflictError, ValidationFailed
from beredd.core.forms import apply_errors


def run(request: HttpRequest, form: forms.Form, call: Callable[[dict[str, Any]], Any], success: str | None = None) -> Any:
    """Validate ``form`` and call the service with its cleaned data; return the result, or None with errors on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return None
    except ConflictError as exc:
        form.add_error(None, str(exc.message))
        return None
    messages.success(request, success or _("The changes were saved."))
    return result
