from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.orgs import selectors, services
from beredd.orgs.forms import ImportForm, UnitForm
from beredd.orgs.models import Organisation

PREVIEW_PAGE_SIZE = 100


@login_required
def org_detail(request: AuthenticatedHttpRequest, org_id: int | None = None) -> HttpResponse:
    if org_id is None:
        org = current_org(request)
        if org is None:
            raise NotFoundError("organisation")
    else:
        org = selectors.organisation_get_for_user(user=request.user, org_id=org_id)
    show_inactive = request.GET.get("inaktiva") == "1"
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "children": selectors.children_for_user(user=request.user, org=org, include_inactive=show_inactive),
            "crumbs": selectors.breadcrumbs(user=request.user, org=org),
            "counts": selectors.counts_by_kind(org=org),
            "can_manage": policy.can(request.user, "org.manage_units", org) and org.kind == Organisation.Kind.KOMMUN,
            "can_manage_unit": policy.can(request.user, "org.manage_units", org) and org.kind == Organisation.Kind.UNIT,
            "show_inactive": show_inactive,
        },
    )


@login_required
def org_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = selectors.search_for_user(user=request.user, query=query) if query.strip() else []
    template = "orgs/_search_results.html" if request.htmx else "orgs/search.html"
    return render(request, template, {"results": results, "q": query})


@login_required
def unit_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    kommun = selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="org.manage_units")
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(kommun=kommun, actor=request.user, values=form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": unit.name})
            return redirect("orgs:detail", org_id=kommun.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "kommun": kommun, "unit": None})


@login_required
def unit_edit(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.organisation_get_for_user(user=request.user, org_id=unit_id, permission="org.manage_units")
    if unit.kind != Organisation.Kind.UNIT:
        raise NotFoundError("unit", unit_id)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(unit=unit, actor=request.user, values=form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("orgs:detail", org_id=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "kommun": unit.parent, "unit": unit})


@require_POST
@login_required
def unit_toggle_active(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.organisation_get_for_user(user=request.user, org_id=unit_id, permission="org.manage_units")
    services.unit_set_active(unit=unit, actor=request.user, active=not unit.is_active)
    messages.success(
        request,
        _("%(name)s is now active.") % {"name": unit.name}
        if unit.is_active
        else _("%(name)s was deactivated.") % {"name": unit.name},
    )
    return redirect("orgs:detail", org_id=unit.parent_id)


def _import_page(request: AuthenticatedHttpRequest, form: ImportForm, kommun: Organisation, result: Any) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "kommun": kommun, "result": result, "columns": services.IMPORT_COLUMNS}
    if result is not None:
        # The preview and the problem list are paged, so a large file never renders one huge page.
        context["rows_page"] = Paginator(result.rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        context["errors_page"] = Paginator(result.errors, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/unit_import.html", context)


@login_required
def unit_import(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """Step one: upload and preview (nothing saved; a good file is kept as a batch), or page through a preview."""
    kommun = selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="org.manage_units")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.units_import_preview(kommun=kommun, actor=request.user, filename=upload.name, content=upload.read())
        except ValidationFailed as exc:
            form.add_error("file", str(exc.message))
    elif request.method == "GET" and request.GET.get("batch"):
        result = selectors.unit_import_preview(user=request.user, kommun=kommun, batch_id=request.GET["batch"][:20])
    return _import_page(request, form, kommun, result)


@require_POST
@login_required
def unit_import_confirm(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """Step two: import every row of the previewed batch, or none."""
    kommun = selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="org.manage_units")
    form = ImportForm()
    try:
        result = services.units_import_commit(kommun=kommun, actor=request.user, batch_id=request.POST.get("batch", "")[:20])
    except NotFoundError:
        messages.error(request, _("The preview has expired; upload the file again."))
        return redirect("orgs:unit-import", org_id=kommun.pk)
    except ValidationFailed as exc:
        form.add_error(None, str(exc.message))
        result = None
    if result is not None and result.ok:
        messages.success(request, _("%(n)d units were imported.") % {"n": result.created})
        return redirect("orgs:detail", org_id=kommun.pk)
    return _import_page(request, form, kommun, result)
