"""Pages of the shell above the domain apps: the dashboard, the audit log and background exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import audit_labels, downloads
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.paging import page_of
from beredd.site import exports, selectors
from beredd.site.models import ExportJob


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
    page = page_of(request, events, 50)
    template = "core/_audit_table.html" if request.htmx else "core/audit_list.html"
    context = {
        "page": page,
        "rows": audit_labels.describe(page),
        "filters": filters,
        "org": org,
        "actions": audit_labels.action_choices(),
    }
    return render(request, template, context)


# --- Background exports ------------------------------------------------------------------------------


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def export_start(request: AuthenticatedHttpRequest) -> HttpResponse:
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
        org = current_org(request)  # type: ignore[assignment]  # Organisation | None, narrowed by the check below
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
def export_detail(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    """The job page: a progress bar (htmx polls ``export_progress`` until the job is finished), then the link."""
    job = exports.export_get_for_user(user=request.user, job_id=job_id)
    template = "core/_export_progress.html" if request.htmx else "core/export.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request: AuthenticatedHttpRequest, job_id: int) -> FileResponse:
    path, name, _job = exports.export_file_for_user(user=request.user, job_id=job_id)
    return downloads.attachment(FileResponse(path.open("rb")), name)
