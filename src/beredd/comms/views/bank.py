"""The message bank: list, create, a message's versions per language, review, approve, large print and audio text."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.comms import selectors
from beredd.comms.forms import BankMessageForm, VersionForm
from beredd.comms.models import Scenario
from beredd.comms.services import bank as services
from beredd.comms.services import documents
from beredd.comms.views._helpers import filters_of, page_of
from beredd.core.downloads import attachment
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.forms import apply_errors


@login_required
def bank_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    query, sort, scenario = request.GET.get("q", "")[:100], request.GET.get("sort", "title"), request.GET.get("scenario", "")
    org = current_org(request)
    return render(
        request,
        "comms/bank_list.html",
        {
            "page": page_of(request, selectors.bank_for_user(user=request.user, query=query, sort=sort, scenario=scenario)),
            "q": query,
            "sort": sort,
            "scenario": scenario,
            "scenarios": Scenario.choices,
            "filters": filters_of(request, "q", "sort", "scenario"),
            "can_draft": org is not None and policy.can(request.user, "comms.draft", org),
        },
    )


@login_required
def bank_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None or not policy.can(request.user, "comms.draft", org):
        raise PermissionDeniedError(_("You may not draft messages here."))
    form = BankMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.bank_create(actor=request.user, organisation=org, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The prepared message was created. Add its texts per language."))
            return redirect("comms:bank-detail", bank_id=item.pk)
    return render(request, "comms/bank_form.html", {"form": form, "org": org})


@login_required
def bank_detail(request: AuthenticatedHttpRequest, bank_id: int) -> HttpResponse:
    item = selectors.bank_message_get_for_user(user=request.user, bank_id=bank_id)
    org = item.organisation
    return render(
        request,
        "comms/bank_detail.html",
        {
            "item": item,
            "versions": selectors.current_versions(item),
            "history": item.versions.select_related("created_by").order_by("language", "-number"),
            "form": VersionForm(),
            "can_draft": policy.can(request.user, "comms.draft", org),
            "can_review": policy.can(request.user, "comms.review", org),
            "can_approve": policy.can(request.user, "comms.approve", org),
            "can_send": policy.can(request.user, "comms.send", org),
        },
    )


@require_POST
@login_required
def version_create(request: AuthenticatedHttpRequest, bank_id: int) -> HttpResponse:
    item = selectors.bank_message_get_for_user(user=request.user, bank_id=bank_id, permission="comms.draft")
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            services.version_create(actor=request.user, bank_message=item, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The new version was saved as a draft."))
            return redirect("comms:bank-detail", bank_id=item.pk)
    return render(
        request,
        "comms/bank_detail.html",
        {
            "item": item,
            "versions": selectors.current_versions(item),
            "history": item.versions.select_related("created_by").order_by("language", "-number"),
            "form": form,
            "can_draft": True,
        },
        status=400,
    )


def _transition(request: AuthenticatedHttpRequest, version_id: int, permission: str, done: str) -> HttpResponse:
    version = selectors.version_get_for_user(user=request.user, version_id=version_id, permission=permission)
    try:
        if permission == "comms.review":
            services.version_review(actor=request.user, version=version)
        else:
            services.version_approve(actor=request.user, version=version)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)
    return redirect("comms:bank-detail", bank_id=version.bank_message_id)


@require_POST
@login_required
def version_review(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    return _transition(request, version_id, "comms.review", _("The version is reviewed by communications."))


@require_POST
@login_required
def version_approve(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    return _transition(request, version_id, "comms.approve", _("The version is approved and can be sent."))


@login_required
def version_large_print(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    v = selectors.version_get_for_user(user=request.user, version_id=version_id)
    pdf = documents.text_pdf(
        subject=v.subject, body=v.body, language=v.language, sender=v.bank_message.organisation.name, large=True
    )
    return attachment(HttpResponse(pdf, content_type="application/pdf"), f"storstil-{v.pk}.pdf", inline=True)


@login_required
def version_audio_text(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    v = selectors.version_get_for_user(user=request.user, version_id=version_id)
    response = HttpResponse(documents.audio_text(subject=v.subject, body=v.body), content_type="text/plain; charset=utf-8")
    return attachment(response, f"uppläsning-{v.pk}.txt", inline=True)
