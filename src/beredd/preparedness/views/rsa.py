"""RSA: create, edit the seven sections, risk register, matrix and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import downloads
from beredd.core.exceptions import NotFoundError
from beredd.preparedness import selectors, services
from beredd.preparedness.forms import RiskActionForm, RiskForm, RiskLinksForm, RsaCreateForm, RsaSectionsForm
from beredd.preparedness.models.rsa import SECTIONS
from beredd.preparedness.views._helpers import run

MANAGE = "preparedness.manage"


@login_required
def rsa_create(request: AuthenticatedHttpRequest, kommun_id: int) -> HttpResponse:
    kommun = selectors.org_get_for_user(user=request.user, org_id=kommun_id, permission=MANAGE)
    form = RsaCreateForm(request.POST or None)
    rsa = run(request, form, lambda d: services.rsa_create(kommun=kommun, actor=request.user, election_year=d["election_year"]))
    if rsa is not None:
        return redirect("preparedness:rsa-detail", rsa_id=rsa.pk)
    return render(request, "preparedness/rsa_create.html", {"form": form, "kommun": kommun})


@login_required
def rsa_detail(request: AuthenticatedHttpRequest, rsa_id: int) -> HttpResponse:
    rsa = selectors.rsa_get_for_user(user=request.user, rsa_id=rsa_id)
    risks = selectors.risks_of(rsa)
    return render(
        request,
        "preparedness/rsa_detail.html",
        {
            "rsa": rsa,
            "risks": risks,
            "matrix": selectors.risk_matrix(risks),
            "action_form": RiskActionForm(),
            "view": request.GET.get("visa", "matris"),
        },
    )


@login_required
def rsa_sections(request: AuthenticatedHttpRequest, rsa_id: int) -> HttpResponse:
    rsa = selectors.rsa_get_for_user(user=request.user, rsa_id=rsa_id, permission=MANAGE)
    initial = {name: getattr(rsa, name) for name, _label in SECTIONS} | {"status": rsa.status, "adopted_on": rsa.adopted_on}
    form = RsaSectionsForm(request.POST or None, initial=initial)
    if run(request, form, lambda d: services.rsa_update_sections(rsa=rsa, actor=request.user, values=d)) is not None:
        return redirect("preparedness:rsa-detail", rsa_id=rsa.pk)
    return render(request, "preparedness/rsa_sections.html", {"form": form, "rsa": rsa})


@login_required
def risk_create(request: AuthenticatedHttpRequest, rsa_id: int) -> HttpResponse:
    rsa = selectors.rsa_get_for_user(user=request.user, rsa_id=rsa_id, permission=MANAGE)
    form = RiskForm(request.POST or None)
    if run(request, form, lambda d: services.risk_add(rsa=rsa, actor=request.user, values=d)) is not None:
        return redirect("preparedness:rsa-detail", rsa_id=rsa.pk)
    return render(request, "preparedness/risk_form.html", {"form": form, "rsa": rsa})


@login_required
def risk_edit(request: AuthenticatedHttpRequest, rsa_id: int, risk_id: int) -> HttpResponse:
    rsa = selectors.rsa_get_for_user(user=request.user, rsa_id=rsa_id, permission=MANAGE)
    risk = rsa.risks.filter(pk=risk_id).first()
    if risk is None:
        raise NotFoundError("risk", risk_id)
    initial = {name: getattr(risk, name) for name in services.rsa.RISK_FIELDS} | {
        "continuity_plans": list(risk.continuity_plans.all()),
        "exercises": list(risk.exercises.all()),
    }
    form = RiskLinksForm(request.POST or None, initial=initial, kommun=rsa.kommun)
    if run(request, form, lambda d: services.risk_update(risk=risk, actor=request.user, values=d)) is not None:
        return redirect("preparedness:rsa-detail", rsa_id=rsa.pk)
    return render(request, "preparedness/risk_form.html", {"form": form, "rsa": rsa, "risk": risk})


@require_POST
@login_required
def risks_from_handbook(request: AuthenticatedHttpRequest, rsa_id: int) -> HttpResponse:
    rsa = selectors.rsa_get_for_user(user=request.user, rsa_id=rsa_id, permission=MANAGE)
    added = services.risks_add_from_handbook(rsa=rsa, actor=request.user)
    messages.success(request, _("%(n)d risks from the handbook were added.") % {"n": len(added)})
    return redirect("preparedness:rsa-detail", rsa_id=rsa.pk)


@require_POST
@login_required
def risk_action(request: AuthenticatedHttpRequest, rsa_id: int, risk_id: int) -> HttpResponse:
    rsa = selectors.rsa_get_for_user(user=request.user, rsa_id=rsa_id, permission=MANAGE)
    risk = rsa.risks.filter(pk=risk_id).first()
    if risk is None:
        raise NotFoundError("risk", risk_id)
    form = RiskActionForm(request.POST)
    if run(request, form, lambda d: services.risk_action_add(risk=risk, actor=request.user, values=d)) is None:
        messages.error(request, _("The action was not saved: give a description, an owner and a due date."))
    return redirect("preparedness:rsa-detail", rsa_id=rsa.pk)


@login_required
def rsa_export(request: AuthenticatedHttpRequest, rsa_id: int, fmt: str) -> HttpResponse:
    rsa = selectors.rsa_get_for_user(user=request.user, rsa_id=rsa_id)
    if fmt == "docx":
        data = services.rsa_export_docx(rsa=rsa, actor=request.user)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        data, content_type, fmt = services.rsa_export_pdf(rsa=rsa, actor=request.user), "application/pdf", "pdf"
    response = HttpResponse(data, content_type=content_type)
    downloads.attachment(response, f"rsa-{rsa.kommun.code}-{rsa.election_year + 1}.{fmt}")
    return response
