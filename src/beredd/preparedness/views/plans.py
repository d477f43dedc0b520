"""Continuity plans, unit profile and backup binders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core import downloads, timefmt
from beredd.preparedness import selectors, services
from beredd.preparedness.forms import ContactForm, DependencyForm, PlanForm, ProfileForm
from beredd.preparedness.models import ContinuityPlan
from beredd.preparedness.views._helpers import run

EDIT = "preparedness.edit"


@login_required
def plan_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id, permission=EDIT)
    form = PlanForm(request.POST or None)
    plan = run(request, form, lambda data: services.plan_create(organisation=org, actor=request.user, values=data))
    if plan is not None:
        return redirect("preparedness:plan-detail", plan_id=plan.pk)
    return render(request, "preparedness/plan_form.html", {"form": form, "org": org, "plan": None})


@login_required
def plan_edit(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, permission=EDIT)
    initial = {name: getattr(plan, name) for name in services.continuity.PLAN_FIELDS}
    form = PlanForm(request.POST or None, initial=initial)
    if run(request, form, lambda data: services.plan_update(plan=plan, actor=request.user, values=data)) is not None:
        return redirect("preparedness:plan-detail", plan_id=plan.pk)
    return render(request, "preparedness/plan_form.html", {"form": form, "org": plan.organisation, "plan": plan})


def _detail(
    request: HttpRequest,
    plan: ContinuityPlan,
    *,
    dependency_form: DependencyForm | None = None,
    contact_form: ContactForm | None = None,
) -> HttpResponse:
    checks, meets_oj = selectors.plan_completeness(plan)
    return render(
        request,
        "preparedness/plan_detail.html",
        {
            "plan": plan,
            "checks": checks,
            "meets_oj": meets_oj,
            "dependency_form": dependency_form or DependencyForm(prefix="dep"),
            "contact_form": contact_form or ContactForm(prefix="contact"),
        },
    )


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    return _detail(request, selectors.plan_get_for_user(user=request.user, plan_id=plan_id))


@require_POST
@login_required
def plan_dependency(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, permission=EDIT)
    form = DependencyForm(request.POST, prefix="dep")
    if run(request, form, lambda d: services.plan_dependency_set(plan=plan, actor=request.user, kind=d["kind"], values=d)):
        return redirect("preparedness:plan-detail", plan_id=plan.pk)
    return _detail(request, plan, dependency_form=form)


@require_POST
@login_required
def plan_contact(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id, permission=EDIT)
    form = ContactForm(request.POST, prefix="contact")
    if run(request, form, lambda d: services.plan_contact_add(plan=plan, actor=request.user, values=d)):
        return redirect("preparedness:plan-detail", plan_id=plan.pk)
    return _detail(request, plan, contact_form=form)


@require_POST
@login_required
def unit_profile(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.org_get_for_user(user=request.user, org_id=unit_id, permission=EDIT)
    form = ProfileForm(request.POST)
    run(request, form, lambda d: services.unit_profile_set(unit=unit, actor=request.user, heat_sensitive=d["heat_sensitive"]))
    return redirect(f"{reverse('preparedness:index')}?org={unit.pk}")


@require_POST
@login_required
def binder_generate(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit = selectors.org_get_for_user(user=request.user, org_id=unit_id, permission=EDIT)
    binder = services.binder_generate(unit=unit, actor=request.user)
    return redirect("preparedness:binder-download", binder_id=binder.pk)


@login_required
def binder_download(request: AuthenticatedHttpRequest, binder_id: int) -> HttpResponse:
    binder = selectors.binder_get_for_user(user=request.user, binder_id=binder_id)
    response = HttpResponse(bytes(binder.content), content_type="application/pdf")
    name = _("backup-binder")
    day = timefmt.local(binder.generated_at, "%Y%m%d")
    downloads.attachment(response, f"{name}-{binder.unit_id}-{day}.pdf")
    return response
