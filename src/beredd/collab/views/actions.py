"""Actions: the owner's list, and one action with status and comments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import selectors
from beredd.collab.forms import ActionStatusForm, CommentForm
from beredd.collab.models import Action
from beredd.collab.services import meetings as services
from beredd.collab.views._helpers import filters_of, page_of, run
from beredd.core.exceptions import NotFoundError


@login_required
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None:
        raise NotFoundError("organisation", None)
    status = request.GET.get("status", "open")
    query = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "due")
    actions = selectors.actions_for_owner(user=request.user, org=org, status=status, query=query, sort=sort)
    return render(
        request,
        "collab/action_list.html",
        {
            "org": org,
            "page": page_of(request, actions),
            "status": status,
            "statuses": Action.Status.choices,
            "q": query,
            "sort": sort,
            "filters": filters_of(request, "q", "sort", "status"),
        },
    )


@login_required
def action_detail(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    action = selectors.action_get_for_user(user=request.user, action_id=action_id)
    can_act = services.can_act_on(request.user, action)
    posted = request.POST.get("form") if request.method == "POST" else None
    if posted and not can_act:
        raise NotFoundError("action", action_id)
    status_form = ActionStatusForm(request.POST if posted == "status" else None, initial={"status": action.status})
    comment_form = CommentForm(request.POST if posted == "comment" else None)
    done = None
    if posted == "status":
        done = run(
            request,
            status_form,
            lambda d: services.action_set_status(actor=request.user, action=action, status=d["status"], comment=d["comment"]),
        )
    elif posted == "comment":
        done = run(request, comment_form, lambda d: services.action_comment(actor=request.user, action=action, text_=d["text"]))
    if done is not None:
        return redirect("collab:action", action_id=action.pk)
    return render(
        request,
        "collab/action_detail.html",
        {
            "action": action,
            "can_act": can_act,
            "status_form": status_form,
            "comment_form": comment_form,
            "comments": action.comments.select_related("author"),
        },
    )
