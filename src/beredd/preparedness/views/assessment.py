"""The self-assessment: issue a yearly round (reporting engine) and see the comparison fed back."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.exceptions import NotFoundError
from beredd.preparedness import selectors, self_assessment
from beredd.preparedness.services.self_assessment import self_assessment_issue
from beredd.preparedness.views._helpers import run


class IssueForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    responder = forms.ChoiceField(
        label=_("Who answers"),
        choices=[("unit", _("Units")), ("kommun", _("Municipalities")), ("both", _("Units and municipalities"))],
    )
    deadline = forms.DateTimeField(label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@login_required
def comparison(request: AuthenticatedHttpRequest) -> HttpResponse:
    org_id = request.GET.get("org", "")
    org = selectors.org_get_for_user(user=request.user, org_id=int(org_id)) if org_id.isdigit() else current_org(request)
    if org is None:
        raise NotFoundError("organisation")
    year_raw = request.GET.get("ar", "")
    year = int(year_raw) if year_raw.isdigit() else timezone.localdate().year
    result = self_assessment.comparison_for_user(user=request.user, org=org, year=year)
    return render(
        request,
        "preparedness/self_assessment.html",
        {
            "org": org,
            "year": year,
            "result": result,
            "chart": self_assessment.chart(result),
            "can_issue": policy.can(request.user, "reporting.issue", org) and org.kind in ("lan", "kommun"),
        },
    )


@login_required
def issue(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id, permission="reporting.issue")
    form = IssueForm(request.POST or None, initial={"year": timezone.localdate().year, "responder": "both"})
    round_ = run(
        request,
        form,
        lambda d: self_assessment_issue(
            actor=request.user, issuer=org, year=d["year"], responder=d["responder"], deadline=d["deadline"]
        ),
    )
    if round_ is not None:
        return redirect("reporting:round", round_id=round_.pk)
    return render(request, "preparedness/self_assessment_issue.html", {"form": form, "org": org})
