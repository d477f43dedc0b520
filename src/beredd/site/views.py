"""Pages of the shell above the domain apps: the dashboard and the audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import audit_labels
from beredd.core.exceptions import NotFoundError
from beredd.site import selectors


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    context = {
        "memberships": policy.memberships(request.user),
        "org": org,
        "panels": selectors.dashboard_panels(request=request, org=org),
    }
    return render(request, "core/dashboard.html", context)


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None or not policy.can(request.user, "audit.view", org):
        raise NotFoundError("audit")
    filters = {
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "target": request.GET.get("target", "").strip(),
        "date_from": request.GET.get("date_from", "").strip(),
        "date_to": request.GET.get("date_to", "").strip(),
    }
    events = selectors.audit_list_for_user(user=request.user, org=org, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "core/_audit_table.html" if request.htmx else "core/audit_list.html"
    context = {
        "page": page,
        "rows": audit_labels.describe(page),
        "filters": filters,
        "org": org,
        "actions": audit_labels.action_choices(),
    }
    return render(request, template, context)
