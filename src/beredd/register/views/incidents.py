from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beredd.accounts.models import Role
from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.core.exceptions import FieldError, NotFoundError, ValidationFailed
from beredd.core.forms import apply_errors
from beredd.register import access, geo, selectors, services
from beredd.register.forms import FollowUpFilterForm, FollowUpForm, IncidentChangeForm, IncidentForm
from beredd.register.models import AccessLog, FollowUp
from beredd.register.views.common import working_kommun


@login_required
def incident_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    kommun = working_kommun(request)
    if kommun is None or access.can_activate(request.user, kommun) is None:
        raise NotFoundError("incident")
    form = IncidentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        designations = [(kommun.parent, Role.COORDINATOR)] if d["designate_lan"] and kommun.parent else []
        try:
            incident = services.incident_activate(
                actor=request.user,
                kommun=kommun,
                kind=d["kind"],
                reason=d["reason"],
                ends_at=d["ends_at"],
                area_geojson=d["area_geojson"],
                postcodes=d["postcode_list"],
                localities=d["locality_list"],
                designations=designations,
                is_exercise=d["is_exercise"],
                confirm_outside=d.get("confirm_outside", False),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The incident is activated. The MAS has been notified."))
            return redirect("register:incident-detail", incident_id=incident.pk)
    area_map = geo.svg_map(geo.kommun_outline(kommun.code))
    return render(request, "register/incident_form.html", {"form": form, "kommun": kommun, "area_map": area_map})


@login_required
def incident_detail(request: AuthenticatedHttpRequest, incident_id: int) -> HttpResponse:
    """Counts per category and progress for everyone who may see the incident; names only for designated roles."""
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    scope = access.incident_scope(request.user, incident)
    counts = services.incident_counts(incident)
    progress = services.incident_progress(incident)
    if scope:
        shown = {k: str(v) for k, v in counts.items()}
        progress_shown = {"total": str(progress["total"]), "unreached": str(progress["unreached"])}
    else:
        # Without identity access: the same small-number suppression as the counts, for the progress too
        # (residents, unreached and, by subtraction, reached), and one shown value for the residents.
        shown = selectors.suppress_one(counts)
        progress_shown = selectors.suppress_progress(progress)
        if progress_shown["total"] != str(progress["total"]):
            shown["total"] = progress_shown["total"]
        progress_shown["total"] = shown["total"]
    return render(
        request,
        "register/incident_detail.html",
        {
            "incident": incident,
            "exercise": incident.is_exercise,
            "counts": shown,
            "progress": progress_shown,
            "scope": scope,
            "can_change": access.can_activate(request.user, incident.kommun) is not None and incident.is_active,
            "change_form": IncidentChangeForm(),
        },
    )


@login_required
def call_list(request: AuthenticatedHttpRequest, incident_id: int) -> HttpResponse:
    """The printable call list (ringlista): every row is logged as printed."""
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    residents = services.incident_call_list(user=request.user, incident=incident, action=AccessLog.Action.PRINT)
    return render(
        request, "register/call_list.html", {"incident": incident, "residents": residents, "exercise": incident.is_exercise}
    )


@login_required
def followup(request: AuthenticatedHttpRequest, incident_id: int) -> HttpResponse:
    """The phone-friendly follow-up page: call down the list and record each outcome (optionally filtered)."""
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    filter_form = FollowUpFilterForm(request.GET or None)
    residents = services.incident_call_list(user=request.user, incident=incident, outcomes=filter_form.outcomes())
    return render(
        request,
        "register/followup.html",
        {
            "incident": incident,
            "exercise": incident.is_exercise,
            "residents": residents,
            "filter_form": filter_form,
            "show": filter_form.cleaned_data.get("show", "") if filter_form.is_bound and filter_form.is_valid() else "",
            "outcomes": FollowUp.Outcome.choices,
            "progress": services.incident_progress(incident),
        },
    )


@require_POST
@login_required
def followup_record_view(request: AuthenticatedHttpRequest, incident_id: int, person_id: int) -> HttpResponse:
    """Record one outcome. htmx gets the updated row (and progress); without JS, back to the same row."""
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        field = next(iter(form.errors))
        message = _("The note can be at most 300 characters.") if field == "note" else _("Unknown outcome.")
        raise ValidationFailed(details=[FieldError(row=None, field=field, message=message)])
    services.followup_record(
        user=request.user,
        incident=incident,
        person_id=person_id,
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
    )
    show = request.POST.get("show", "")
    show = show if show in FollowUpFilterForm.OUTCOMES else ""
    if getattr(request, "htmx", False):
        # The row is read back through the logged call list (one resident), like every identifiable read.
        rows = services.incident_call_list(user=request.user, incident=incident, person_ids=[person_id])
        return render(
            request,
            "register/_followup_row.html",
            {
                "incident": incident,
                "r": rows[0],
                "show": show,
                "outcomes": FollowUp.Outcome.choices,
                "progress": services.incident_progress(incident),
                "oob": True,
            },
        )
    url = reverse("register:followup", args=[incident.pk])
    return redirect(f"{url}?{urlencode({'show': show})}#r-{person_id}" if show else f"{url}#r-{person_id}")


@require_POST
@login_required
def incident_change_view(request: AuthenticatedHttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)
    if request.POST.get("refresh"):
        count = services.incident_refresh(actor=request.user, incident=incident)
        messages.success(request, _("The area now holds %(n)s residents.") % {"n": count})
        return redirect("register:incident-detail", incident_id=incident.pk)
    form = IncidentChangeForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed()
    services.incident_change(
        actor=request.user, incident=incident, ends_at=form.cleaned_data["ends_at"], end_now=form.cleaned_data["end_now"]
    )
    messages.success(request, _("The incident was updated. The MAS has been notified."))
    return redirect("register:incident-detail", incident_id=incident.pk)
