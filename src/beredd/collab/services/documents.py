"""Documents made from a meeting: the iCalendar invitation (RFC 5545) and the minutes PDF."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from icalendar import Calendar, Event, vCalAddress, vText

from beredd.accounts.models import Membership, Role
from beredd.collab.models import ForumMember, Meeting

# Who in a member organisation gets the invitation: the people who take part for it in the forum.
INVITED_ROLES = [Role.COORDINATOR, Role.MAS]


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


def recipients_of(meeting: Meeting) -> list[Recipient]:
    """Everyone a meeting's mail goes to, one entry per address, sorted: the coordinators and MAS of member
    organisations, named users, external participants."""
    members = list(meeting.forum.members.select_related("organisation", "user"))
    found: dict[str, Recipient] = {}
    org_ids = [m.organisation_id for m in members if m.kind == ForumMember.Kind.ORGANISATION and m.organisation_id]
    for full_name, email in (
        Membership.objects.current()
        .filter(organisation_id__in=org_ids, role__in=INVITED_ROLES)
        .values_list("user__full_name", "user__email")
    ):
        found.setdefault(email.lower(), Recipient(full_name or email, email))
    for m in members:
        if m.kind == ForumMember.Kind.USER and m.user is not None and m.user.is_active:
            found.setdefault(m.user.email.lower(), Recipient(m.label, m.user.email))
        elif m.kind == ForumMember.Kind.EXTERNAL and m.email:
            found.setdefault(m.email.lower(), Recipient(m.name, m.email))
    return sorted(found.values(), key=lambda r: r.email.lower())


def meeting_ics(*, meeting: Meeting, recipients: list[Recipient] | None = None, method: str = "REQUEST") -> bytes:
    """The meeting as an iCalendar object calendar programs accept (METHOD:REQUEST, UTC times, stable UID)."""
    cal = Calendar()
    cal.add("prodid", "-//Beredd//Samverkan//SV")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", f"{meeting.ical_uid}@beredd")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("sequence", meeting.ical_sequence)
    event.add("summary", f"{meeting.forum.name}: {meeting.title}")
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{sender}")
    organizer.params["cn"] = vText(meeting.forum.owner.name)
    event["organizer"] = organizer
    for recipient in recipients if recipients is not None else recipients_of(meeting):
        attendee = vCalAddress(f"mailto:{recipient.email}")
        attendee.params["cn"] = vText(recipient.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def minutes_context(meeting: Meeting) -> dict[str, object]:
    return {
        "meeting": meeting,
        "forum": meeting.forum,
        "attendance": list(meeting.attendance.select_related("member__organisation", "member__user").order_by("member__kind")),
        "decisions": list(meeting.decisions.all()),
        "actions": list(meeting.actions.select_related("owner_org", "owner_user")),
        "attachments": list(meeting.attachments.all()),
        "generated_at": timezone.now(),
    }


def minutes_pdf(*, meeting: Meeting) -> bytes:
    """The minutes as a tagged PDF (PDF/UA-1) in Swedish, times in Europe/Stockholm."""
    from weasyprint import HTML  # imported lazily: loading Pango is slow and only documents need it

    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        html = render_to_string("collab/pdf/minutes.html", minutes_context(meeting))
    data: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return data
