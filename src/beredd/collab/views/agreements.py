"""Kommun–region agreements: list (search, filters, sort, paging) with the self-assessment evidence, record,
detail, change (409 on a stale version), download the document."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import selectors
from beredd.collab.forms import AgreementForm
from beredd.collab.models import Agreement
from beredd.collab.models.agreements import EXPIRY_NOTICE_DAYS, STATUS_LABELS
from beredd.collab.services import agreements as services
from beredd.collab.views._helpers import filters_of, page_of, run_edit, uploaded
from beredd.core import downloads
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors


@login_required
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    get = request.GET
    items = selectors.agreements_for_user(
        user=request.user,
        query=get.get("q", "")[:100],
        area=get.get("area", ""),
        status=get.get("status", ""),
        sort=get.get("sort", "until"),
    )
    evidence = None
    if org is not None and org.kind == "kommun" and policy.can(request.user, "collab.view", org):
        evidence = selectors.agreement_evidence(kommun=org)
    return render(
        request,
        "collab/agreement_list.html",
        {
            "page": page_of(request, items),
            "org": org,
            "get": get,
            "filters": filters_of(request, "q", "area", "status", "sort"),
            "areas": Agreement.Area.choices,
            "statuses": list(STATUS_LABELS.items()),
            "notice_days": EXPIRY_NOTICE_DAYS,
            "evidence": evidence,
            "kommuner": selectors.agreement_kommun_choices(user=request.user, org=org),
        },
    )


def _values(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data.pop("file", None)
    data.pop("version", None)
    data["parties"] = list(data.get("parties") or [])
    return data


@login_required
def agreement_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    kommun = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.manage")
    if kommun.kind != "kommun":
        raise NotFoundError("organisation", org_id)
    form = AgreementForm(request.POST or None, request.FILES or None, party_choices=selectors.agreement_party_choices())

    def create(d: dict[str, Any]) -> Agreement:
        name, content = uploaded(request)
        return services.agreement_create(actor=request.user, kommun=kommun, values=_values(d), filename=name, content=content)

    item, status = run_edit(request, form, create, success=_("The agreement is recorded."))
    if item is not None:
        return redirect("collab:agreement", agreement_id=item.pk)
    return render(request, "collab/agreement_form.html", {"form": form, "kommun": kommun}, status=status)


@login_required
def agreement_detail(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    item = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    return render(
        request,
        "collab/agreement_detail.html",
        {"item": item, "manage": selectors.agreement_can_manage(request.user, item), "parties": item.parties.all()},
    )


@login_required
def agreement_edit(request: AuthenticatedHttpRequest, agreement_id: int) -> HttpResponse:
    item = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id, manage=True)
    initial = {f: getattr(item, f) for f in services.FIELDS} | {
        "parties": list(item.parties.all()),
        "version": item.lock_version,
    }
    form = AgreementForm(
        request.POST or None, request.FILES or None, party_choices=selectors.agreement_party_choices(), initial=initial
    )

    def update(d: dict[str, Any]) -> Agreement:
        name, content = uploaded(request)
        return services.agreement_update(
            actor=request.user,
            agreement=item,
            values=_values(d),
            expected_version=d.get("version"),
            filename=name,
            content=content,
        )

    done, status = run_edit(request, form, update)
    if done is not None:
        return redirect("collab:agreement", agreement_id=item.pk)
    return render(request, "collab/agreement_form.html", {"form": form, "kommun": item.kommun, "item": item}, status=status)


@login_required
def agreement_file(request: AuthenticatedHttpRequest, agreement_id: int) -> FileResponse:
    item = selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
    if not item.file:
        raise NotFoundError("agreement_file", agreement_id)
    return downloads.attachment(FileResponse(item.file.open("rb"), content_type=item.file_type), item.file_name)
