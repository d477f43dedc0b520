"""Measures per priority area: a kommun's list for a year (search, filters, sort, paging, CSV/XLSX), record and
change a measure (409 on a stale version), and the roll-up (the county's action plan, the national yearly
follow-up) with drill-down, CSV/XLSX and PDF."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import exports, selectors
from beredd.collab.forms import MeasureForm
from beredd.collab.models import Measure, PriorityArea
from beredd.collab.services import measures as services
from beredd.collab.views._helpers import filters_of, page_of, run_edit
from beredd.core import downloads
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request: AuthenticatedHttpRequest) -> Organisation:
    """The organisation whose subtree is shown: ``?org=`` if the user may see it, else the current organisation."""
    raw = request.GET.get("org", "")
    if raw.isdigit() and len(raw) < 12:
        return org_selectors.organisation_get_for_user(user=request.user, org_id=int(raw), permission="collab.view")
    org = current_org(request)
    if org is None:
        raise NotFoundError("organisation", None)
    return selectors.measure_scope(user=request.user, org=org)


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    return min(max(year, 2000), 2100)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    return downloads.attachment(response, filename)


@login_required
def measure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    org, year, get = _scope(request), _year(request), request.GET
    items = selectors.measures_for_user(
        user=request.user,
        org=org,
        year=year,
        area=get.get("area", ""),
        status=get.get("status", ""),
        query=get.get("q", "")[:100],
        sort=get.get("sort", "area"),
    )
    fmt = get.get("format", "")
    if fmt in ("csv", "xlsx"):
        table = exports.measures_table(items)
        name = f"atgarder-{org.code or org.pk}-{year}"
        if fmt == "csv":
            return _download(exports.to_csv(table), "text/csv; charset=utf-8", f"{name}.csv")
        return _download(exports.to_xlsx(table, title=_("Measures")), XLSX, f"{name}.xlsx")
    return render(
        request,
        "collab/measure_list.html",
        {
            "org": org,
            "year": year,
            "get": get,
            "page": page_of(request, items),
            "filters": filters_of(request, "org", "year", "q", "area", "status", "sort"),
            "areas": PriorityArea.choices,
            "statuses": Measure.Status.choices,
            "can_edit": selectors.measure_can_edit(request.user, org),
        },
    )


@login_required
def measure_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    org, year = _scope(request), _year(request)
    rollup = selectors.measure_rollup(user=request.user, org=org, year=year)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        table = exports.rollup_table(rollup)
        name = f"handlingsplan-{org.code or org.pk}-{year}"
        if fmt == "csv":
            return _download(exports.to_csv(table), "text/csv; charset=utf-8", f"{name}.csv")
        return _download(exports.to_xlsx(table, title=_("Action plan")), XLSX, f"{name}.xlsx")
    return render(
        request,
        "collab/measure_plan.html",
        {"org": org, "year": year, "rollup": rollup, "can_edit": selectors.measure_can_edit(request.user, org)},
    )


@login_required
def measure_plan_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    org, year = _scope(request), _year(request)
    rollup = selectors.measure_rollup(user=request.user, org=org, year=year)
    measures = list(selectors.measures_for_user(user=request.user, org=org, year=year, sort="kommun")[:5000])
    pdf = exports.plan_pdf(org=org, year=year, rollup=rollup, measures=measures)
    return _download(pdf, "application/pdf", f"handlingsplan-{org.code or org.pk}-{year}.pdf")


def _values(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != "version"}


@login_required
def measure_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    kommun = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.act")
    if kommun.kind != "kommun":
        raise NotFoundError("organisation", org_id)
    form = MeasureForm(request.POST or None, initial={"year": _year(request), "status": Measure.Status.PLANNED})
    item, status = run_edit(
        request,
        form,
        lambda d: services.measure_create(actor=request.user, kommun=kommun, values=_values(d)),
        success=_("The measure is recorded."),
    )
    if item is not None:
        return redirect("collab:measure", measure_id=item.pk)
    return render(request, "collab/measure_form.html", {"form": form, "kommun": kommun}, status=status)


@login_required
def measure_detail(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    item = selectors.measure_get_for_user(user=request.user, measure_id=measure_id)
    can_edit = selectors.measure_can_edit(request.user, item.kommun)
    if request.method == "POST" and not can_edit:
        raise NotFoundError("measure", measure_id)
    form = None
    status = 200
    if can_edit:
        initial = {f: getattr(item, f) for f in services.FIELDS} | {"version": item.lock_version}
        form = MeasureForm(request.POST or None, initial=initial)
        done, status = run_edit(
            request,
            form,
            lambda d: services.measure_update(
                actor=request.user, measure=item, values=_values(d), expected_version=d.get("version")
            ),
        )
        if done is not None:
            return redirect("collab:measure", measure_id=item.pk)
    return render(request, "collab/measure_detail.html", {"item": item, "form": form}, status=status)
