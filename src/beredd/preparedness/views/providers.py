"""Contracts with private providers, their crisis clauses and yearly self-declarations."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.preparedness import selectors, services
from beredd.preparedness.forms import ContractForm
from beredd.preparedness.views._helpers import run


@login_required
def contract_create(request: AuthenticatedHttpRequest, kommun_id: int) -> HttpResponse:
    kommun = selectors.org_get_for_user(user=request.user, org_id=kommun_id, permission="preparedness.manage")
    form = ContractForm(request.POST or None, kommun=kommun, clauses=services.clause_library())
    contract = run(request, form, lambda d: services.contract_create(kommun=kommun, actor=request.user, values=d))
    if contract is not None:
        return redirect("preparedness:contract-detail", contract_id=contract.pk)
    return render(request, "preparedness/contract_form.html", {"form": form, "kommun": kommun})


def _declaration_form(data: object, clauses: list[dict[str, str]]) -> forms.Form:
    form = forms.Form(data or None)  # type: ignore[arg-type]  # a QueryDict or None, typed object by the caller
    for clause in clauses:
        form.fields[clause["code"]] = forms.BooleanField(label=clause["sv"], required=False)
    form.fields["comment"] = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    return form


@login_required
def contract_detail(request: AuthenticatedHttpRequest, contract_id: int) -> HttpResponse:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id)
    clauses = [c for c in services.clause_library() if c["code"] in contract.clause_codes]
    year = timezone.localdate().year
    form = _declaration_form(request.POST if request.method == "POST" else None, clauses)
    if request.method == "POST":
        contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id, permission="preparedness.edit")
        done = run(
            request,
            form,
            lambda d: services.declaration_submit(
                contract=contract,
                actor=request.user,
                year=year,
                answers={c["code"]: bool(d[c["code"]]) for c in clauses},
                comment=d["comment"],
            ),
        )
        if done is not None:
            return redirect("preparedness:contract-detail", contract_id=contract.pk)
    return render(
        request,
        "preparedness/contract_detail.html",
        {
            "contract": contract,
            "clauses": clauses,
            "form": form,
            "year": year,
            "declarations": contract.declarations.select_related("declared_by"),
            "can_declare": policy.can(request.user, "preparedness.edit", contract.provider_unit)
            and not contract.declarations.filter(year=year).exists(),
        },
    )
