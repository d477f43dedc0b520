"""Round pages: issuing a round (with a preview of its recipients), a round's page, closing and reopening."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.context import current_org
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.core.paging import MAX_FILTER_CHARS, page_of
from beredd.orgs.models import Organisation
from beredd.reporting import forms, selectors
from beredd.reporting.services import rounds

PREVIEW_MAX = 500  # recipients shown in the preview; the count says how many there are in all


@login_required
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = current_org(request)
    if org is None or org.is_unit or not policy.can(request.user, "reporting.issue", org):
        raise NotFoundError("organisation")
    versions = selectors.published_versions_for_user(user=request.user)
    form = forms.RoundForm(request.POST or None, issuer=org, versions=versions)
    preview: list[Organisation] | None = None
    if request.method == "POST" and form.is_valid():
        spec = rounds.RoundSpec.from_values(form.cleaned_data, template_version=form.cleaned_data["template_version"])
        try:
            if request.POST.get("action") == "preview":
                preview = rounds.recipients_preview(issuer=org, spec=spec)
            else:
                round_ = rounds.round_issue(actor=request.user, issuer=org, spec=spec)
                messages.success(request, _("The round was issued."))
                return redirect("reporting:round", round_id=round_.pk)
        except ValidationFailed as exc:
            apply_errors(form, exc)
    context = {
        "form": form,
        "org": org,
        "tree": form.recipient_tree(),
        "preview": selectors.recipients_by_parent(preview, limit=PREVIEW_MAX) if preview is not None else None,
        "preview_count": len(preview or []),
    }
    return render(request, "reporting/round_form.html", context, status=422 if request.method == "POST" and form.errors else 200)


@login_required
def round_detail(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id)
    query = request.GET.get("q", "")[:MAX_FILTER_CHARS]
    recipients = selectors.round_recipients(round_=round_, query=query)
    context = {
        "round": round_,
        "recipients": page_of(request, recipients, 50),
        "q": query,
        "recipients_query": urlencode({"q": query}) + "&",  # the pager's links keep the search
        "recipient_total": selectors.round_recipients(round_=round_).count(),
        "instances": round_.instances.all(),
        "can_manage": policy.can(request.user, "reporting.issue", round_.issuer),
        "exercise": round_.is_exercise,
        "event_log": selectors.round_event_log(user=request.user, round_=round_),
    }
    return render(request, "reporting/round_detail.html", context)


@require_POST
@login_required
def round_action(request: AuthenticatedHttpRequest, round_id: int, action: str) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, round_id=round_id)
    actions = {"close": rounds.round_close, "reopen": rounds.round_reopen, "cancel": rounds.round_cancel}
    if action not in actions:
        raise NotFoundError("action", action)
    actions[action](actor=request.user, round_=round_)
    done = {"close": _("The round was closed."), "reopen": _("The round was reopened."), "cancel": _("The round was cancelled.")}
    messages.success(request, done[action])  # focus lands on this message after the redirect (static/js/focus.js)
    return redirect("reporting:round", round_id=round_.pk)
