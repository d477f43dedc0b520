"""Heightened alert: the list of decisions, set (national admin), end; a round's heightened schedule."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from beredd.accounts import policy
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.command import selectors
from beredd.command.forms import AlertForm, ScheduleForm
from beredd.command.models import HeightenedSchedule
from beredd.command.services import alert as services
from beredd.command.views._helpers import page_of, run
from beredd.core.exceptions import NotFoundError


@login_required
def alert_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scopes = selectors.alert_scopes(user=request.user)
    if request.method == "POST" and not scopes:
        raise NotFoundError("alert", None)
    form = AlertForm(request.POST or None, scopes=scopes)
    done = run(request, form, lambda d: services.alert_set(actor=request.user, values=d))
    if done is not None:
        return redirect("command:alerts")
    return render(
        request,
        "command/alerts.html",
        {"form": form, "can_set": bool(scopes), "page": page_of(request, selectors.alert_list(user=request.user)), "filters": {}},
    )


@login_required
@require_POST
def alert_end(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(user=request.user, alert_id=alert_id)
    services.alert_end(actor=request.user, alert=alert)
    return redirect("command:alerts")


@login_required
def round_schedule(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    from beredd.reporting.models import Round

    round_ = Round.objects.select_related("issuer").filter(pk=round_id).first()
    if round_ is None or not policy.can(request.user, "reporting.issue", round_.issuer):
        raise NotFoundError("round", round_id)
    current = HeightenedSchedule.objects.filter(round=round_).first()
    form = ScheduleForm(request.POST or None, initial={"every_hours": current.every_hours if current else ""})
    done = run(
        request,
        form,
        lambda d: services.heightened_schedule_set(actor=request.user, round_=round_, every_hours=d["every_hours"]) or True,
    )
    if done is not None:
        return redirect("command:schedule", round_id=round_.pk)
    return render(request, "command/schedule.html", {"round": round_, "form": form, "current": current})
