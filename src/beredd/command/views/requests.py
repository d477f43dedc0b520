"""Support requests: list, make, the request page with every step and the actions of the level holding it,
merge, the open-needs board with its exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from beredd.accounts.context import current_org
from beredd.accounts.types import Actor, AuthenticatedHttpRequest
from beredd.command import selectors
from beredd.command.forms import AllocateForm, DeclineForm, MergeForm, NoteForm, QuantityForm, RequestForm, TargetForm
from beredd.command.models import Item, Priority, SupportRequest
from beredd.command.services import documents
from beredd.command.services import requests as services
from beredd.command.views._helpers import filters_of, org_from, page_of, run
from beredd.core import downloads, timefmt
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    get = request.GET
    items = selectors.requests_for_user(
        user=request.user,
        query=get.get("q", "")[:100],
        status=get.get("status", "")[:20],
        item=get.get("item", "")[:20],
        priority=get.get("priority", "")[:10],
        held_by=org if get.get("held") == "1" else None,
        sort=get.get("sort", "-created")[:20],
    )
    from beredd.accounts import policy

    return render(
        request,
        "command/request_list.html",
        {
            "org": org,
            "get": get,
            "page": page_of(request, items),
            "filters": filters_of(request, "q", "status", "item", "priority", "held", "sort"),
            "statuses": SupportRequest.Status.choices,
            "items": Item.choices,
            "priorities": Priority.choices,
            "can_request": org is not None and org.kind != "nation" and policy.can(request.user, "command.request", org),
        },
    )


@login_required
def request_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """Make a request; with ``?fran=<submission>`` it starts from that report's "begäran om stöd" answers."""
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="command.request")
    source = selectors.support_answers_for(user=request.user, org=org, submission_id=(request.GET.get("fran") or "")[:12])
    initial = services.values_from_answers(source[1]) if source else {}
    if "needed_by" in initial:
        initial["needed_by"] = timefmt.local(initial["needed_by"], "%Y-%m-%dT%H:%M")
    form = RequestForm(request.POST or None, initial=initial)
    version = source[0] if source else None
    done = run(
        request,
        form,
        lambda d: services.request_create(actor=request.user, requester=org, values=d, source_version=version)[0],
        _("The request was sent."),
    )
    if done is not None:
        return redirect("command:request", request_id=done.pk)
    return render(request, "command/request_form.html", {"form": form, "org": org, "source": version})


def _forms(req: SupportRequest, posted: str = "", data: QueryDict | None = None) -> dict[str, forms.Form]:
    """The action forms of the request page; only the ``posted`` one is bound to ``data``."""

    def bound(name: str) -> QueryDict | None:
        return data if posted == name else None

    initial = {"version": req.version}
    suppliers = selectors.supplier_choices(req)
    return {
        "pledge": QuantityForm(bound("pledge"), initial=initial, prefix="pledge"),
        "allocate": AllocateForm(bound("allocate"), suppliers=suppliers, initial=initial, prefix="alloc"),
        "forward": TargetForm(bound("forward"), targets=selectors.forward_targets(req), initial=initial, prefix="fwd"),
        "ask": TargetForm(bound("ask"), targets=suppliers, label=_("Organisation to ask"), initial=initial, prefix="ask"),
        "deliver": NoteForm(bound("deliver"), initial=initial, prefix="dlv"),
        "decline": DeclineForm(bound("decline"), initial=initial, prefix="dec"),
        "close": NoteForm(bound("close"), initial=initial, prefix="cls"),
    }


def _page(
    request: AuthenticatedHttpRequest,
    req: SupportRequest,
    roles: dict[str, bool],
    forms_: dict[str, forms.Form],
    posted: str = "",
) -> HttpResponse:
    return render(
        request,
        "command/request_detail.html",
        {
            "req": req,
            "chain": selectors.request_chain(req)[1:],
            "steps": selectors.request_steps(req),
            "merged": req.merged.select_related("requester"),
            "roles": roles,
            "forms": forms_,
            "can_merge": roles["handles"] and selectors.merge_candidates(req).count() >= 2,
            "posted": posted,
        },
    )


@require_safe
@login_required
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=request.user, request_id=request_id)
    return _page(request, req, selectors.request_roles(request.user, req), _forms(req))


# One action of the request page: the service call, from the acting user, the request, its roles and the form's data.
Act = Callable[[Any, SupportRequest, dict[str, bool], dict[str, Any]], Any]


def _act(request: AuthenticatedHttpRequest, request_id: int, name: str, call: Act) -> HttpResponse:
    """Post one action form: the holder's handlers take every action, an organisation asked to pledge pledges,
    the requester marks delivered or closes; anyone else gets 404. Refused input shows the page with its errors."""
    req = selectors.request_get_for_user(user=request.user, request_id=request_id)
    roles = selectors.request_roles(request.user, req)
    allowed = (
        roles["handles"]
        or (name == "pledge" and roles["pledges_as_asked"])
        or (name in ("deliver", "close") and roles["requester"])
    )
    if not allowed:
        raise NotFoundError("support_request", request_id)
    forms_ = _forms(req, name, request.POST)
    if run(request, forms_[name], lambda d: call(request.user, req, roles, d)) is not None:
        return redirect("command:request", request_id=req.pk)
    return _page(request, req, roles, forms_, name)


def _pledge(user: Actor, req: SupportRequest, roles: dict[str, bool], d: dict[str, Any]) -> Any:
    # The holder pledges from its own resources; an organisation that was asked pledges as itself.
    pledger = None if roles["handles"] else next(iter(selectors.asked_orgs_for(user, req)), None)
    return services.request_pledge(
        actor=user, request=req, quantity=d["quantity"], pledger=pledger, note=d["note"], expected_version=d["version"]
    )


@require_POST
@login_required
def request_pledge(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return _act(request, request_id, "pledge", _pledge)


@require_POST
@login_required
def request_allocate(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        "allocate",
        lambda user, req, _roles, d: services.request_allocate(
            actor=user, request=req, quantity=d["quantity"], supplier=d["supplier"], note=d["note"], expected_version=d["version"]
        ),
    )


@require_POST
@login_required
def request_forward(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        "forward",
        lambda user, req, _roles, d: services.request_forward(
            actor=user, request=req, to=d["to"], note=d["note"], expected_version=d["version"]
        ),
    )


@require_POST
@login_required
def request_ask(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        "ask",
        lambda user, req, _roles, d: services.request_ask(
            actor=user, request=req, org=d["to"], note=d["note"], expected_version=d["version"]
        ),
    )


@require_POST
@login_required
def request_deliver(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        "deliver",
        lambda user, req, _roles, d: services.request_deliver(
            actor=user, request=req, note=d["note"], expected_version=d["version"]
        ),
    )


@require_POST
@login_required
def request_decline(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        "decline",
        lambda user, req, _roles, d: services.request_decline(
            actor=user, request=req, reason=d["reason"], expected_version=d["version"]
        ),
    )


@require_POST
@login_required
def request_close(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        "close",
        lambda user, req, _roles, d: services.request_close(
            actor=user, request=req, note=d["note"], expected_version=d["version"]
        ),
    )


@login_required
def request_merge(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=request.user, request_id=request_id)
    if not selectors.request_roles(request.user, req)["handles"]:
        raise NotFoundError("support_request", request_id)
    candidates = selectors.merge_candidates(req)
    form = MergeForm(
        request.POST or None,
        candidates=candidates,
        targets=selectors.forward_targets(req),
        initial={"requests": [r.pk for r in candidates], "delivery_point": req.delivery_point},
    )
    done = run(
        request,
        form,
        lambda d: services.request_merge(actor=request.user, requests=list(d["requests"]), to=d["to"], values=d),
        _("The joint request was sent."),
    )
    if done is not None:
        return redirect("command:request", request_id=done.pk)
    return render(request, "command/request_merge.html", {"req": req, "form": form})


@login_required
def needs_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = org_from(request)
    rows = selectors.open_needs(user=request.user, org=org)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        from beredd.reporting.services import exports

        header, table = documents.needs_table(rows, org=org)
        stamp = timefmt.local(timezone.now(), "%Y%m%d-%H%M")
        if fmt == "csv":
            response = HttpResponse(exports.to_csv(header, table), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                exports.to_xlsx(header, table, title=_("Open needs"), exercise=False),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        return downloads.attachment(response, f"behov-{org.pk}-{stamp}.{fmt}")
        return response
    return render(
        request,
        "command/needs.html",
        {"org": org, "rows": rows, "page": page_of(request, rows), "filters": filters_of(request, "org")},
    )
