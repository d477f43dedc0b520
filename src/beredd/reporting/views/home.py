"""The reporting start page: open requests, recently submitted reports, rounds and published pictures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.paging import page_of
from beredd.reporting import selectors


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    context = {
        "org": org,
        "open_requests": page_of(request, selectors.open_requests_qs_for_user(user=request.user), 50),
        "submitted": selectors.submitted_reports_for_user(user=request.user),
        "rounds": selectors.rounds_recent_for_user(user=request.user),
        "pictures": selectors.pictures_published_for_user(user=request.user),
        "can_issue": org is not None and policy.can(request.user, "reporting.issue", org) and not org.is_unit,
        "can_edit_templates": org is not None and policy.can(request.user, "reporting.template_edit", org),
    }
    return render(request, "reporting/index.html", context)
