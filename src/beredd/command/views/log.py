"""The event log: list with filters and search, add an entry, correct one (a new entry), print and PDF."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.command import selectors
from beredd.command.forms import LogEntryForm
from beredd.command.models import LogEntry
from beredd.command.services import documents
from beredd.command.services import log as services
from beredd.command.views._helpers import filters_of, page_of, run
from beredd.core import downloads, timefmt
from beredd.core.exceptions import NotFoundError
from beredd.orgs import selectors as org_selectors
from beredd.orgs.models import Organisation


def _date(value: str) -> dt.date | None:
    with contextlib.suppress(ValueError):
        return dt.date.fromisoformat(value[:10])
    return None


def _entries(request: AuthenticatedHttpRequest, org: Organisation) -> QuerySet[LogEntry]:
    get = request.GET
    event = get.get("event", "")
    return selectors.log_for_user(
        user=request.user,
        org=org,
        query=get.get("q", "")[:100],
        kind=get.get("kind", "")[:20],
        event_id=int(event) if event.isdigit() and len(event) < 12 else None,
        date_from=_date(get.get("from", "")),
        date_to=_date(get.get("to", "")),
        sort=get.get("sort", "-time")[:10],
    )


@login_required
def log_list(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="command.view")
    can_write = selectors.can_write_log(request.user, org)
    if request.method == "POST" and not can_write:
        raise NotFoundError("organisation", org_id)
    form = LogEntryForm(request.POST or None, events=selectors.events_for(org))
    done = run(request, form, lambda d: services.log_entry_add(actor=request.user, organisation=org, values=d))
    if done is not None:
        return redirect("command:log", org_id=org.pk)
    return render(
        request,
        "command/log.html",
        {
            "org": org,
            "form": form,
            "can_write": can_write,
            "page": page_of(request, _entries(request, org)),
            "get": request.GET,
            "kinds": LogEntry.Kind.choices,
            "events": selectors.events_for(org),
            "filters": filters_of(request, "q", "kind", "event", "from", "to", "sort"),
        },
    )


@login_required
def log_correct(request: AuthenticatedHttpRequest, org_id: int, entry_id: int) -> HttpResponse:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="command.log")
    entry = selectors.log_entry_get(user=request.user, org=org, entry_id=entry_id)
    form = LogEntryForm(
        request.POST or None,
        events=selectors.events_for(org),
        initial={"kind": entry.kind, "text": entry.text, "source": entry.source},
    )
    done = run(
        request,
        form,
        lambda d: services.log_entry_add(
            actor=request.user, organisation=org, values=d | {"corrects": entry, "event": d.get("event") or entry.event}
        ),
    )
    if done is not None:
        return redirect("command:log", org_id=org.pk)
    return render(request, "command/log_correct.html", {"org": org, "entry": entry, "form": form})


@login_required
def log_print(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="command.view")
    entries = list(_entries(request, org)[: documents.MAX_ENTRIES])
    return render(request, "command/log_print.html", {"org": org, "entries": entries, "generated_at": timezone.now()})


@login_required
def log_pdf(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = org_selectors.organisation_get_for_user(user=request.user, org_id=org_id, permission="command.view")
    entries = list(_entries(request, org)[: documents.MAX_ENTRIES])
    data = documents.log_pdf(org=org, entries=entries)
    name = f"handelselogg-{org.pk}-{timefmt.local(timezone.now(), '%Y%m%d-%H%M')}.pdf"
    return downloads.attachment(HttpResponse(data, content_type="application/pdf"), name)
