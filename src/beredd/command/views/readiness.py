"""Readiness levels: the board over a subtree (table and offline map), one organisation's history and setting."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.command import selectors
from beredd.command.forms import LevelForm
from beredd.command.models import Level
from beredd.command.services import readiness as services
from beredd.command.views._helpers import filters_of, org_from, page_of, run
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation

KIND_CHOICES = [(k, label) for k, label in Organisation.Kind.choices if k not in ("nation", "region")]


@login_required
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = org_from(request)
    get = request.GET
    rows = selectors.board(
        user=request.user,
        org=org,
        kind=get.get("kind", "")[:20],
        service_kind=get.get("service", "")[:32],
        query=get.get("q", "")[:100],
        level=get.get("level", "")[:20],
        sort=get.get("sort", "name")[:20],
    )
    return render(
        request,
        "command/board.html",
        {
            "org": org,
            "get": get,
            "page": page_of(request, rows),
            "counts": selectors.level_counts(rows),
            "map": selectors.board_map(org=org, rows=rows),
            "filters": filters_of(request, "org", "kind", "service", "q", "level", "sort"),
            "kinds": KIND_CHOICES,
            "services": Organisation.ServiceKind.choices,
            "levels": Level.choices,
            "current": selectors.current_level(organisation=org),
            "can_set": selectors.can_set_level(request.user, org),
            "breadcrumbs": org_selectors.breadcrumbs(user=request.user, org=org),
        },
    )


@login_required
def org_level(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="command.view")
    can_set = selectors.can_set_level(request.user, org)
    form = LevelForm(request.POST if request.method == "POST" and can_set else None, events=selectors.events_for(org))
    if request.method == "POST" and not can_set:
        from beredd.core.exceptions import NotFoundError

        raise NotFoundError("organisation", org_id)
    done = run(request, form, lambda d: services.readiness_set(actor=request.user, organisation=org, values=d))
    if done is not None:
        return redirect("command:level", org_id=org.pk)
    return render(
        request,
        "command/level.html",
        {
            "org": org,
            "form": form,
            "can_set": can_set,
            "current": selectors.current_level(organisation=org),
            "page": page_of(request, selectors.history(user=request.user, org=org)),
            "filters": {},
            "levels": Level.choices,
        },
    )
