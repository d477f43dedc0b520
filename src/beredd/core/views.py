from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.core import audit_labels, downloads, exports, selectors
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.models import ExportJob


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


# --- Background exports ------------------------------------------------------------------------------


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    """Queue an export (``kind`` answers with ``instance`` and ``org``, or audit for the current organisation)."""
    kind, fmt = request.POST.get("kind", ""), request.POST.get("fmt", "")
    instance = None
    if kind == ExportJob.Kind.ANSWERS:
        from beredd.reporting import selectors as reporting_selectors

        instance_id = _int_or_none(request.POST.get("instance"))
        if instance_id is None:
            raise NotFoundError("instance", None)
        instance = reporting_selectors.instance_get_for_user(user=request.user, instance_id=instance_id)
        org = reporting_selectors.rollup_org_for_user(
            user=request.user, instance=instance, org_id=_int_or_none(request.POST.get("org"))
        )
    elif kind == ExportJob.Kind.AUDIT:
        org = current_org(request)  # type: ignore[assignment]
        if org is None:
            raise NotFoundError("audit")
    else:
        raise NotFoundError("export", kind)
    try:
        job = exports.export_request(actor=request.user, kind=kind, fmt=fmt, org=org, instance=instance)
    except ValidationFailed as exc:
        messages.error(request, "; ".join(str(d.get("message", "")) for d in exc.details))
        return redirect(request.headers.get("Referer") or "core:dashboard")
    return redirect("core:export", job_id=job.pk)


@login_required
def export_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job page: a progress bar (htmx polls ``export_progress`` until the job is finished), then the link."""
    job = exports.export_get_for_user(user=request.user, job_id=job_id)
    template = "core/_export_progress.html" if request.htmx else "core/export.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})


@login_required
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    path, name, _job = exports.export_file_for_user(user=request.user, job_id=job_id)
    return downloads.attachment(FileResponse(path.open("rb")), name)
