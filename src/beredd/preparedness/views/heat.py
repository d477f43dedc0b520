"""Heat-wave activation and acknowledgement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.exceptions import ValidationFailed
from beredd.preparedness import selectors, services
from beredd.preparedness.forms import HeatForm, WarningFileForm
from beredd.preparedness.views._helpers import run

MANAGE = "preparedness.manage"


@login_required
def heat(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    form = HeatForm(request.POST if "level" in request.POST else None)
    upload = WarningFileForm(request.POST if "upload" in request.POST else None, request.FILES or None)
    file_errors: list[dict[str, object]] = []
    if request.method == "POST":
        org = selectors.org_get_for_user(user=request.user, org_id=org_id, permission=MANAGE)
        if form.is_bound and run(request, form, lambda d: services.heat_activate(organisation=org, actor=request.user, **d)):
            return redirect("preparedness:heat", org_id=org.pk)
        if upload.is_bound and upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                activations = services.heat_activate_from_file(
                    organisation=org, actor=request.user, name=file.name, content=file.read()
                )
            except ValidationFailed as exc:
                upload.add_error("file", str(exc.message))
                file_errors = list(exc.details or [])
            else:
                messages.success(request, _("%(n)d warnings were set from the file.") % {"n": len(activations)})
                return redirect("preparedness:heat", org_id=org.pk)
    return render(
        request,
        "preparedness/heat.html",
        {
            "org": org,
            "form": form,
            "upload": upload,
            "file_errors": file_errors,
            "activations": selectors.heat_activations_for_user(user=request.user, org=org)[:20],
            "can_manage": policy.can(request.user, MANAGE, org),
        },
        status=422 if file_errors or form.errors or upload.errors else 200,
    )


@login_required
def heat_activation(request: AuthenticatedHttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.heat_activation_get_for_user(user=request.user, activation_id=activation_id)
    notices = selectors.heat_notices_of(activation)
    return render(
        request,
        "preparedness/heat_activation.html",
        {
            "activation": activation,
            "acknowledged": [n for n in notices if n.acknowledged_at],
            "stragglers": [n for n in notices if not n.acknowledged_at],
            "can_manage": policy.can(request.user, MANAGE, activation.organisation),
        },
    )


@require_POST
@login_required
def heat_end(request: AuthenticatedHttpRequest, activation_id: int) -> HttpResponse:
    activation = selectors.heat_activation_get_for_user(user=request.user, activation_id=activation_id, permission=MANAGE)
    services.heat_end(activation=activation, actor=request.user)
    return redirect("preparedness:heat-activation", activation_id=activation.pk)


@login_required
def heat_notice(request: AuthenticatedHttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.heat_notice_get_for_user(user=request.user, notice_id=notice_id)
    items = services.heat_checklist(notice.activation.level)
    if request.method == "POST" and notice.acknowledged_at is None:
        notice = selectors.heat_notice_get_for_user(user=request.user, notice_id=notice_id, permission="preparedness.edit")
        services.heat_acknowledge(notice=notice, actor=request.user, checked_items=request.POST.getlist("items"))
        messages.success(request, _("Thank you. The heat checklist is acknowledged."))
        return redirect("preparedness:heat-notice", notice_id=notice.pk)
    return render(
        request,
        "preparedness/heat_notice.html",
        {
            "notice": notice,
            "items": items,
            "can_ack": notice.acknowledged_at is None and policy.can(request.user, "preparedness.edit", notice.unit),
        },
    )
