from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.core import audit_labels, selectors
from beredd.core.exceptions import NotFoundError


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers (and the task queue is reachable), else 503."""
    checks: dict[str, Any] = {}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means unhealthy
        checks["database"] = f"error: {type(exc).__name__}"
        ok = False
    if ok:
        checks["tasks"] = selectors.task_queue_health()
        ok = checks["tasks"]["status"] == "ok"
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    org = current_org(request)
    context = {
        "memberships": policy.memberships(request.user),
        "org": org,
        "panels": selectors.dashboard_panels(request=request, org=org),
    }
    return render(request, "core/dashboard.html", context)


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html", {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
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
    template = "core/_audit_table.html" if request.htmx else "core/audit_list.html"  # type: ignore[attr-defined]
    context = {
        "page": page,
        "rows": audit_labels.describe(page),
        "filters": filters,
        "org": org,
        "actions": audit_labels.action_choices(),
    }
    return render(request, template, context)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404, "exception": exception}, status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403, "exception": exception}, status=403)
