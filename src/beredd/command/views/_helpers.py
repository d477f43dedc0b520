"""Small helpers shared by the command views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from beredd.accounts.context import current_org
from beredd.core.exceptions import ConflictError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation

PAGE_SIZE = 25


def run(request: HttpRequest, form: forms.Form, call: Callable[[dict[str, Any]], Any], success: str | None = None) -> Any:
    """Validate ``form`` and call the service; the result, or None with the errors on the form."""
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


def page_of(request: HttpRequest, items: Any) -> Page[Any]:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def filters_of(request: HttpRequest, *names: str) -> dict[str, str]:
    return {n: request.GET.get(n, "")[:100] for n in names if request.GET.get(n)}


def org_from(request: HttpRequest, permission: str = "command.view") -> Organisation:
    """The organisation named by ``?org=`` (default: the one the user works as), checked for ``permission``."""
    raw = request.GET.get("org", "")
    org_id = int(raw) if raw.isdigit() and len(raw) < 12 else getattr(current_org(request), "pk", 0)
    return org_selectors.organisation_get_for_user(user=request.user, org_id=org_id or 0, permission=permission)
