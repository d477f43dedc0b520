"""Compiled pictures (samlad lägesbild): writing one from a roll-up, reading, printing, PDF and EDXL-SitRep."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import downloads
from beredd.core.exceptions import NotFoundError, PermissionDeniedError
from beredd.reporting import forms, selectors
from beredd.reporting.exceptions import SubmissionConflictError
from beredd.reporting.models import CompiledPicture
from beredd.reporting.services import exports, pictures
from beredd.reporting.views._common import lang
from beredd.reporting.views.rollup import rollup_context


def _then(request: AuthenticatedHttpRequest, picture: CompiledPicture) -> None:
    """After saving: publish or forward the picture if that button was pressed, and say what was done."""
    action = request.POST.get("action")
    if action == "publish":
        pictures.picture_publish(actor=request.user, picture=picture)
        messages.success(request, _("The compiled picture was published to the recipients."))
    elif action == "forward":
        pictures.picture_forward(actor=request.user, picture=picture)
        messages.success(request, _("The compiled picture was forwarded upward."))
    else:
        messages.success(request, _("The compiled picture was saved."))


@login_required
def picture_edit(request: AuthenticatedHttpRequest, instance_id: int) -> HttpResponse:
    context = rollup_context(request, instance_id)
    instance, org = context["instance"], context["org"]
    if not policy.can(request.user, "reporting.approve", org):
        raise NotFoundError("organisation", org.pk)
    existing = selectors.picture_for(instance=instance, org=org)
    initial = (
        {k: getattr(existing, k) for k in pictures.TEXT_FIELDS} | {"lock_version": existing.lock_version} if existing else {}
    )
    form = forms.PictureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            picture = pictures.picture_save(
                actor=request.user,
                instance=instance,
                organisation=org,
                data=form.cleaned_data,
                numbers=context["result"].as_dict(),
                expected_version=form.cleaned_data.get("lock_version"),
            )
        except SubmissionConflictError:
            messages.error(request, _("Someone else saved this picture in the meantime. Reload and try again."))
            return redirect(f"{request.path}?org={org.pk}")
        _then(request, picture)
        return redirect("reporting:picture", picture_id=picture.pk)
    return render(request, "reporting/picture_form.html", context | {"form": form, "picture": existing})


def _picture_context(request: HttpRequest, picture: CompiledPicture) -> dict[str, Any]:
    return {
        "picture": picture,
        "numbers": picture.numbers or {},
        "fields": {f.key: f.label(lang()) for f in picture.instance.round.template_version.fields.all()},
        "exercise": picture.instance.round.is_exercise,
        "can_edit": policy.can(request.user, "reporting.approve", picture.organisation),
    }


@login_required
def picture_detail(request: AuthenticatedHttpRequest, picture_id: int) -> HttpResponse:
    picture = selectors.picture_get_for_user(user=request.user, picture_id=picture_id)
    return render(request, "reporting/picture.html", _picture_context(request, picture))


@login_required
def picture_print(request: AuthenticatedHttpRequest, picture_id: int) -> HttpResponse:
    picture = selectors.picture_get_for_user(user=request.user, picture_id=picture_id)
    return render(request, "reporting/picture_print.html", _picture_context(request, picture))


@login_required
def picture_pdf(request: AuthenticatedHttpRequest, picture_id: int) -> HttpResponse:
    picture = selectors.picture_get_for_user(user=request.user, picture_id=picture_id)
    html = render_to_string("reporting/picture_print.html", _picture_context(request, picture) | {"pdf": True}, request=request)
    pdf = exports.picture_pdf(html=html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    downloads.attachment(response, f"lagesbild-{picture.pk}.pdf")
    return response


@login_required
def picture_edxl(request: AuthenticatedHttpRequest, picture_id: int) -> HttpResponse:
    picture = selectors.picture_get_for_user(user=request.user, picture_id=picture_id)
    if picture.published_at is None and not policy.can(request.user, "reporting.approve", picture.organisation):
        raise PermissionDeniedError()
    response = HttpResponse(exports.edxl_de(picture), content_type="application/xml; charset=utf-8")
    downloads.attachment(response, f"sitrep-{picture.pk}.xml")
    return response
