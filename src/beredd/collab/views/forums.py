"""Forums: list, create, detail with members and meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import selectors
from beredd.collab.forms import ForumForm, MemberForm
from beredd.collab.models import ForumMember
from beredd.collab.services import meetings as services
from beredd.collab.views._helpers import filters_of, page_of, run
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors


@login_required
def forum_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "name")
    forums = selectors.forums_for_user(user=request.user, query=query, sort=sort)
    org = current_org(request)
    return render(
        request,
        "collab/forum_list.html",
        {
            "page": page_of(request, forums),
            "q": query,
            "sort": sort,
            "filters": filters_of(request, "q", "sort"),
            "org": org,
            "can_create": org is not None and selectors.can_create_forum(request.user, org),
        },
    )


@login_required
def forum_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    owner = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="collab.manage")
    form = ForumForm(request.POST or None)
    forum = run(request, form, lambda d: services.forum_create(actor=request.user, owner=owner, values=d))
    if forum is not None:
        return redirect("collab:forum", forum_id=forum.pk)
    return render(request, "collab/forum_form.html", {"form": form, "owner": owner})


@login_required
def forum_detail(request: AuthenticatedHttpRequest, forum_id: int) -> HttpResponse:
    forum = selectors.forum_get_for_user(user=request.user, forum_id=forum_id)
    manage = selectors.can_manage(request.user, forum)
    member_form = None
    if manage:
        member_form = MemberForm(request.POST or None, org_choices=selectors.member_org_choices(user=request.user, forum=forum))
        if run(request, member_form, lambda d: services.member_add(actor=request.user, forum=forum, values=d)):
            return redirect("collab:forum", forum_id=forum.pk)
    elif request.method == "POST":
        raise NotFoundError("forum", forum_id)
    return render(
        request,
        "collab/forum_detail.html",
        {
            "forum": forum,
            "manage": manage,
            "members": selectors.members_of(forum),
            "page": page_of(request, selectors.meetings_of(forum)),
            "filters": {},
            "member_form": member_form,
        },
    )


@require_POST
@login_required
def member_remove(request: AuthenticatedHttpRequest, forum_id: int, member_id: int) -> HttpResponse:
    forum = selectors.forum_get_for_user(user=request.user, forum_id=forum_id, manage=True)
    member = ForumMember.objects.filter(forum=forum, pk=member_id).first()
    if member is None:
        raise NotFoundError("member", member_id)
    services.member_remove(actor=request.user, member=member)
    return redirect("collab:forum", forum_id=forum.pk)
