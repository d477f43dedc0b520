"""Shortcomings and needs: list per level with filters, raise, handle (answer, merge, lift), yearly summary."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import selectors
from beredd.collab.forms import AnswerForm, LiftForm, MergeForm, ShortcomingForm
from beredd.collab.models import PriorityArea, Shortcoming
from beredd.collab.services import shortcomings as services
from beredd.collab.views._helpers import filters_of, page_of, run
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors


@login_required
def shortcoming_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    get = request.GET
    held = org if get.get("held") == "1" else None
    items = selectors.shortcomings_for_user(
        user=request.user,
        query=get.get("q", "")[:100],
        status=get.get("status", ""),
        category=get.get("category", ""),
        priority_area=get.get("area", ""),
        held_by=held,
        sort=get.get("sort", "-created"),
    )
    return render(
        request,
        "collab/shortcoming_list.html",
        {
            "page": page_of(request, items),
            "org": org,
            "get": get,
            "filters": filters_of(request, "q", "status", "category", "area", "held", "sort"),
            "statuses": Shortcoming.Status.choices,
            "categories": Shortcoming.Category.choices,
            "areas": PriorityArea.choices,
            "can_raise": org is not None and org.kind in services.RAISER_KINDS and policy.can(request.user, "collab.act", org),
        },
    )


@login_required
def shortcoming_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.act")
    form = ShortcomingForm(request.POST or None)
    item = run(request, form, lambda d: services.shortcoming_raise(actor=request.user, raised_by=org, values=d))
    if item is not None:
        return redirect("collab:shortcoming", shortcoming_id=item.pk)
    return render(request, "collab/shortcoming_form.html", {"form": form, "org": org})


@login_required
def shortcoming_detail(request: AuthenticatedHttpRequest, shortcoming_id: int) -> HttpResponse:
    item = selectors.shortcoming_get_for_user(user=request.user, shortcoming_id=shortcoming_id)
    handles = selectors.shortcoming_handles(request.user, item)
    posted = request.POST.get("form") if request.method == "POST" else None
    if posted and not handles:
        raise NotFoundError("shortcoming", shortcoming_id)
    answer = AnswerForm(request.POST if posted == "answer" else None, prefix="ans")
    lift = LiftForm(request.POST if posted == "lift" else None, targets=selectors.shortcoming_lift_targets(item), prefix="lift")
    merge = MergeForm(
        request.POST if posted == "merge" else None, candidates=selectors.shortcoming_merge_candidates(item), prefix="merge"
    )
    done = None
    if posted == "answer":
        done = run(request, answer, lambda d: services.shortcoming_answer(actor=request.user, item=item, answer=d["answer"]))
    elif posted == "lift":
        done = run(request, lift, lambda d: services.shortcoming_lift(actor=request.user, item=item, to=d["to"]))
    elif posted == "merge":
        done = run(request, merge, lambda d: services.shortcoming_merge(actor=request.user, item=item, into=d["into"]))
    if done is not None:
        return redirect("collab:shortcoming", shortcoming_id=item.pk)
    return render(
        request,
        "collab/shortcoming_detail.html",
        {
            "item": item,
            "handles": handles,
            "answer_form": answer,
            "lift_form": lift,
            "merge_form": merge,
            "merged": item.merged.select_related("raised_by"),
        },
    )


@login_required
def shortcoming_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None:
        raise NotFoundError("organisation", None)
    try:
        year = int(request.GET.get("year", "") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    rows = selectors.shortcoming_summary(user=request.user, org=org, year=year)
    return render(
        request,
        "collab/shortcoming_summary.html",
        {"org": org, "year": year, "rows": rows, "statuses": Shortcoming.Status.choices},
    )
