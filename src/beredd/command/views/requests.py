"""Support requests: list, make, the request page with every step and the actions of the level holding it,
merge, the open-needs board with its exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.command import selectors
from beredd.command.forms import AllocateForm, DeclineForm, MergeForm, NoteForm, QuantityForm, RequestForm, TargetForm
from beredd.command.models import Item, Priority, SupportRequest
from beredd.command.services import documents
from beredd.command.services import requests as services
from beredd.command.views._helpers import filters_of, org_from, page_of, run
from beredd.core import downloads, timefmt
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation


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


def _suppliers(req: SupportRequest) -> QuerySet[Organisation]:
    return Organisation.objects.active().exclude(kind=Organisation.Kind.UNIT).exclude(pk=req.holder_id).order_by("depth", "name")


@login_required
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=request.user, request_id=request_id)
    roles = selectors.request_roles(request.user, req)
    posted = request.POST.get("form", "")[:20] if request.method == "POST" else ""
    data = request.POST if posted else None
    user = request.user

    def bound(name: str) -> QueryDict | None:
        return data if posted == name else None

    initial = {"version": req.version}
    forms_ = {
        "pledge": QuantityForm(bound("pledge"), initial=initial, prefix="pledge"),
        "allocate": AllocateForm(bound("allocate"), suppliers=_suppliers(req), initial=initial, prefix="alloc"),
        "forward": TargetForm(bound("forward"), targets=selectors.forward_targets(req), initial=initial, prefix="fwd"),
        "ask": TargetForm(bound("ask"), targets=_suppliers(req), label=_("Organisation to ask"), initial=initial, prefix="ask"),
        "deliver": NoteForm(bound("deliver"), initial=initial, prefix="dlv"),
        "decline": DeclineForm(bound("decline"), initial=initial, prefix="dec"),
        "close": NoteForm(bound("close"), initial=initial, prefix="cls"),
    }
    asked = selectors.asked_orgs_for(user, req) if roles["pledges_as_asked"] else []
    calls = {
        "pledge": lambda d: services.request_pledge(
            actor=user,
            request=req,
            quantity=d["quantity"],
            pledger=None if roles["handles"] else (asked[0] if asked else None),
            note=d["note"],
            expected_version=d["version"],
        ),
        "allocate": lambda d: services.request_allocate(
            actor=user, request=req, quantity=d["quantity"], supplier=d["supplier"], note=d["note"], expected_version=d["version"]
        ),
        "forward": lambda d: services.request_forward(
            actor=user, request=req, to=d["to"], note=d["note"], expected_version=d["version"]
        ),
        "ask": lambda d: services.request_ask(
            actor=user, request=req, org=d["to"], note=d["note"], expected_version=d["version"]
        ),
        "deliver": lambda d: services.request_deliver(actor=user, request=req, note=d["note"], expected_version=d["version"]),
        "decline": lambda d: services.request_decline(actor=user, request=req, reason=d["reason"], expected_version=d["version"]),
        "close": lambda d: services.request_close(actor=user, request=req, note=d["note"], expected_version=d["version"]),
    }
    if posted:
        if posted not in calls:
            raise NotFoundError("support_request", request_id)
        allowed = (
            roles["handles"]
            or (posted == "pledge" and roles["pledges_as_asked"])
            or (posted in ("deliver", "close") and roles["requester"])
        )
        if not allowed:
            raise NotFoundError("support_request", request_id)
        if run(request, forms_[posted], calls[posted]) is not None:
            return redirect("command:request", request_id=req.pk)
    chain = selectors.request_chain(req)
    return render(
        request,
        "command/request_detail.html",
        {
            "req": req,
            "chain": chain[1:],
            "steps": selectors.request_steps(req),
            "merged": req.merged.select_related("requester"),
            "roles": roles,
            "forms": forms_,
            "can_merge": roles["handles"] and selectors.merge_candidates(req).count() >= 2,
            "posted": posted,
        },
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
