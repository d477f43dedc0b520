"""Meetings: schedule, record (attendance, notes, decisions, actions, attachments), invite, publish minutes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.collab import selectors
from beredd.collab.forms import (
    ActionForm,
    AttachmentForm,
    AttendanceForm,
    DecisionForm,
    MeetingForm,
    NotesForm,
)
from beredd.collab.models import Meeting
from beredd.collab.services import documents
from beredd.collab.services import meetings as services
from beredd.collab.views import library as library_views
from beredd.collab.views._helpers import run
from beredd.core import downloads


@login_required
def meeting_create(request: AuthenticatedHttpRequest, forum_id: int) -> HttpResponse:
    forum = selectors.forum_get_for_user(user=request.user, forum_id=forum_id, manage=True)
    form = MeetingForm(request.POST or None)
    meeting = run(request, form, lambda d: services.meeting_create(actor=request.user, forum=forum, values=d))
    if meeting is not None:
        return redirect("collab:meeting", meeting_id=meeting.pk)
    return render(request, "collab/meeting_form.html", {"form": form, "forum": forum})


@login_required
def meeting_edit(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id, manage=True)
    initial = {f: getattr(meeting, f) for f in services.MEETING_FIELDS}
    form = MeetingForm(request.POST or None, initial=initial)
    if run(request, form, lambda d: services.meeting_update(actor=request.user, meeting=meeting, values=d)):
        return redirect("collab:meeting", meeting_id=meeting.pk)
    return render(request, "collab/meeting_form.html", {"form": form, "forum": meeting.forum, "meeting": meeting})


def _forms(request: AuthenticatedHttpRequest, meeting: Meeting, posted: str | None) -> dict[str, forms.Form]:
    """The recording forms of the meeting page; only the one that was posted is bound."""
    members = list(selectors.members_of(meeting.forum))
    attended = [str(a.member_id) for a in meeting.attendance.filter(attended=True)]

    def data(name: str) -> QueryDict | None:
        return request.POST if posted == name else None

    return {
        "attendance": AttendanceForm(data("attendance"), members=members, initial={"attended": attended}, prefix="att"),
        "notes": NotesForm(data("notes"), initial={"notes": meeting.notes}, prefix="notes"),
        "decision": DecisionForm(data("decision"), prefix="dec"),
        "action": ActionForm(
            data("action"), forum=meeting.forum, owner_choices=selectors.owner_org_choices(meeting.forum), prefix="act"
        ),
        "attachment": AttachmentForm(data("attachment"), request.FILES if posted == "attachment" else None, prefix="file"),
    }


def _page(request: AuthenticatedHttpRequest, meeting: Meeting, posted: str | None = None) -> HttpResponse:
    """The meeting page; for a manager with the recording forms (the ``posted`` one bound, showing its errors)."""
    manage = selectors.can_manage(request.user, meeting.forum)
    return render(
        request,
        "collab/meeting_detail.html",
        {
            "meeting": meeting,
            "forum": meeting.forum,
            "manage": manage,
            "forms": _forms(request, meeting, posted) if manage else {},
            "posted": posted,
            "attendance": meeting.attendance.select_related("member__organisation", "member__user"),
            "decisions": meeting.decisions.all(),
            "actions": meeting.actions.select_related("owner_org", "owner_user"),
            "attachments": meeting.attachments.all(),
            **library_views.link_context(request, meeting, manage=manage),
        },
    )


def _record(
    request: AuthenticatedHttpRequest, meeting_id: int, name: str, call: Callable[[Meeting, dict[str, Any]], Any]
) -> HttpResponse:
    """One recording form of the meeting page, posted to its own view: saved, back to its part of the page;
    refused, the page again with the form's errors. Only the forum's managers record (others get 404)."""
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id, manage=True)
    bound = _forms(request, meeting, name)[name]
    if run(request, bound, lambda d: call(meeting, d)) is not None:
        return redirect(reverse("collab:meeting", args=[meeting.pk]) + f"#{name}")
    return _page(request, meeting, posted=name)


@require_safe
@login_required
def meeting_detail(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return _page(request, meeting)


@require_POST
@login_required
def meeting_attendance(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _record(
        request,
        meeting_id,
        "attendance",
        lambda m, d: services.attendance_set(actor=request.user, meeting=m, attended_member_ids=d["attended"]),
    )


@require_POST
@login_required
def meeting_notes(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _record(
        request, meeting_id, "notes", lambda m, d: services.meeting_notes_set(actor=request.user, meeting=m, notes=d["notes"])
    )


@require_POST
@login_required
def meeting_decision(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _record(
        request, meeting_id, "decision", lambda m, d: services.decision_add(actor=request.user, meeting=m, text_=d["text"])
    )


@require_POST
@login_required
def meeting_action(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _record(request, meeting_id, "action", lambda m, d: services.action_add(actor=request.user, meeting=m, values=d))


@require_POST
@login_required
def meeting_attachment(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _record(
        request,
        meeting_id,
        "attachment",
        lambda m, d: services.attachment_add(
            actor=request.user,
            meeting=m,
            filename=d["file"].name,
            # Read at most one byte over the limit: enough to refuse, never the whole of a huge upload.
            content=d["file"].read(services.MAX_ATTACHMENT_BYTES + 1),
            is_agenda=d["is_agenda"],
        ),
    )


@require_POST
@login_required
def meeting_invite(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id, manage=True)
    services.invitations_send(actor=request.user, meeting=meeting)
    messages.success(request, _("The invitations are being sent to every member."))
    return redirect("collab:meeting", meeting_id=meeting.pk)


@require_POST
@login_required
def minutes_publish(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id, manage=True)
    services.minutes_publish(actor=request.user, meeting=meeting)
    messages.success(request, _("The minutes are published and e-mailed to the members."))
    return redirect("collab:meeting", meeting_id=meeting.pk)


@login_required
def meeting_ics(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    response = HttpResponse(documents.meeting_ics(meeting=meeting), content_type="text/calendar; charset=utf-8")
    downloads.attachment(response, f"mote-{meeting.pk}.ics")
    return response


@login_required
def minutes_pdf(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    response = HttpResponse(documents.minutes_pdf(meeting=meeting), content_type="application/pdf")
    downloads.attachment(response, f"minnesanteckningar-{meeting.pk}.pdf")
    return response


@login_required
def attachment_download(request: AuthenticatedHttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    return downloads.attachment(response, attachment.original_name)
