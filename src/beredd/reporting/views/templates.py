"""Template pages: the list (with JSON import), a version with its questions, export, publishing and editing."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import downloads
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.reporting import fields as fieldtypes
from beredd.reporting import forms, selectors
from beredd.reporting.services import templates
from beredd.reporting.views._common import lang


@login_required
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    items = selectors.template_list_for_user(user=request.user).prefetch_related("versions")
    can_edit = org is not None and policy.can(request.user, "reporting.template_edit", org)
    form = forms.TemplateImportForm()
    if request.method == "POST":
        if not can_edit or org is None:
            raise NotFoundError("template")
        form = forms.TemplateImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
                version = templates.template_import(actor=request.user, owner=org, data=data)
                return redirect("reporting:template", version_id=version.pk)
            except (ValueError, UnicodeDecodeError):
                form.add_error("file", _("The file is not valid JSON."))
            except ValidationFailed as exc:
                for d in exc.details or []:
                    form.add_error(None, f"{d.get('field')}: {d.get('message')}")
    return render(request, "reporting/template_list.html", {"templates": items, "form": form, "can_edit": can_edit})


@login_required
def template_detail(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    version = selectors.template_version_get_for_user(user=request.user, version_id=version_id)
    can_edit = policy.can(request.user, "reporting.template_edit", version.template.owner)
    org = current_org(request)
    form = forms.FieldAddForm()
    if request.method == "POST":
        if not can_edit:
            raise NotFoundError("template_version", version_id)
        form = forms.FieldAddForm(request.POST)
        if form.is_valid():
            try:
                templates.template_field_add(actor=request.user, version=version, data=form.as_json())
                messages.success(request, _("The question was added."))
                return redirect("reporting:template", version_id=version.pk)
            except ValidationFailed as exc:
                apply_errors(form, exc)
    fields = list(version.fields.all())
    context = {
        "version": version,
        "fields": fields,
        "preview": forms.field_rows(fields, {}, [], lang()),
        "form": form,
        "can_edit": can_edit and not version.is_published,
        "can_manage": can_edit,
        "can_extend": org is not None
        and org.pk != version.template.owner_id
        and version.is_published
        and policy.can(request.user, "reporting.template_edit", org),
        "lang": lang(),
        "impact_criteria": fieldtypes.IMPACT_CRITERIA,
        "impact_values": fieldtypes.IMPACT_CRITERION_VALUES,
    }
    return render(request, "reporting/template_detail.html", context)


@login_required
def template_export(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    version = selectors.template_version_get_for_user(user=request.user, version_id=version_id)
    body = json.dumps(templates.template_export(version=version), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    downloads.attachment(response, f"{version.template.key}-v{version.number}.json")
    return response


@require_POST
@login_required
def template_action(request: AuthenticatedHttpRequest, version_id: int, action: str) -> HttpResponse:
    version = selectors.template_version_get_for_user(user=request.user, version_id=version_id)
    target = version
    if action == "publish":
        templates.template_version_publish(actor=request.user, version=version)
        messages.success(request, _("The template version was published."))
    elif action == "new-version":
        target = templates.template_version_new(actor=request.user, version=version)
        messages.success(request, _("A new draft version was created."))
    elif action == "extend":
        org = current_org(request)
        if org is None:
            raise NotFoundError("organisation")
        key = f"{version.template.key[:48]}-{slugify(str(org.code or org.pk))[:15] or org.pk}"
        target = templates.template_extend(
            actor=request.user, owner=org, base=version, key=key, name=f"{version.template.name} – {org.name}"
        )
        messages.success(request, _("Your own extension of the template was created."))
    else:
        raise NotFoundError("action", action)
    return redirect("reporting:template", version_id=target.pk)


@require_POST
@login_required
def template_field_action(request: AuthenticatedHttpRequest, field_id: int, action: str) -> HttpResponse:
    field = selectors.template_field_get_for_user(user=request.user, field_id=field_id)
    if action in ("up", "down"):
        templates.template_field_move(actor=request.user, field=field, direction=-1 if action == "up" else 1)
        messages.success(request, _("The question was moved."))
    elif action == "remove":
        templates.template_field_remove(actor=request.user, field=field)
        messages.success(request, _("The question was removed."))
    else:
        raise NotFoundError("action", action)
    return redirect("reporting:template", version_id=field.version_id)
