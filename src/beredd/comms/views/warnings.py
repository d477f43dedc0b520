"""Upload an SMHI warnings file, see the proposed heat activation per kommun, confirm."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.comms import selectors
from beredd.comms.services import warnings as services
from beredd.comms.warnings import MAX_FILE_BYTES
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.forms import apply_errors


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("SMHI warnings file (JSON) or CAP 1.2 alert (XML)"))


@login_required
def warnings_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None or not policy.can(request.user, "preparedness.manage", org):
        raise PermissionDeniedError(_("You may not import warnings here."))
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp = services.warnings_upload(
                actor=request.user,
                organisation=org,
                filename=upload.name,
                content=upload.read(MAX_FILE_BYTES + 1),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
            if exc.details:
                for d in exc.details[1:10]:
                    form.add_error(None, str(d["message"]))
        else:
            return redirect("comms:warnings-detail", import_id=imp.pk)
    return render(
        request, "comms/warnings_upload.html", {"form": form, "org": org}, status=400 if request.method == "POST" else 200
    )


@login_required
def warnings_detail(request: AuthenticatedHttpRequest, import_id: int) -> HttpResponse:
    imp = selectors.warning_import_get_for_user(user=request.user, import_id=import_id)
    if request.method == "POST":
        try:
            done = services.warnings_confirm(
                actor=request.user, imp=imp, kommun_codes=[c[:8] for c in request.POST.getlist("kommun")[:300]]
            )
        except ValidationFailed as exc:
            messages.error(request, str(exc.message))
        else:
            if imp.source == "cap":
                messages.success(request, _("The incidents were started in the register."))
            else:
                messages.success(request, _("Heat activated for %(n)s kommuner.") % {"n": len(done)})
            return redirect("comms:warnings-detail", import_id=imp.pk)
    return render(request, "comms/warnings_detail.html", {"imp": imp})
