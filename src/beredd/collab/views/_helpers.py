"""Small helpers shared by the collaboration views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from beredd.core.exceptions import ConflictError, ValidationFailed
from beredd.core.forms import apply_errors

PAGE_SIZE = 25


def run(request: HttpRequest, form: forms.Form, call: Callable[[dict[str, Any]], Any], success: str | None = None) -> Any:
    """Validate ``form`` and call the service with its cleaned data; return the result, or None with errors on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, success or _("The changes were saved."))
    return result


def run_edit(
    request: HttpRequest, form: forms.Form, call: Callable[[dict[str, Any]], Any], success: str | None = None
) -> tuple[Any, int]:
    """Like ``run`` for edits of versioned rows: returns (result, HTTP status), 409 with the conflict shown on the
    form when someone else saved in the meantime (nothing is overwritten)."""
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


def uploaded(request: HttpRequest, name: str = "file") -> tuple[str, bytes | None]:
    """The uploaded file's name and bytes, read at most one byte past the limit (the service names the limit)."""
    from beredd.collab.services.meetings import MAX_ATTACHMENT_BYTES

    upload = request.FILES.get(name)
    if upload is None:
        return "", None
    return str(upload.name or ""), upload.read(MAX_ATTACHMENT_BYTES + 1)


def page_of(request: HttpRequest, items: Any) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def filters_of(request: HttpRequest, *names: str) -> dict[str, str]:
    """The list's filter values (bounded), to keep them in paging and sort links."""
    return {n: request.GET.get(n, "")[:100] for n in names if request.GET.get(n)}
