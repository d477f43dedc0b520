"""Invitations carry an .ics that a real iCalendar parser reads; the minutes PDF's text is read back."""

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from icalendar import Calendar
from pypdf import PdfReader

from beredd.collab.services import documents
from beredd.collab.services import meetings as services
from beredd.core.exceptions import ValidationFailed

pytestmark = pytest.mark.frozen_now  # the world's meeting (10 February 2027) lies ahead of the frozen clock


def _ics_of(message: Any) -> Calendar:
    ((name, content, mimetype),) = [a for a in message.attachments if a[0].endswith(".ics")]
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def test_invitations_go_to_every_member_with_a_calendar_invitation(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(actor=world.analyst, meeting=world.meeting)
    recipients = {m.to[0] for m in mail.outbox}
    # Coordinators and MAS of member kommuner, and the external participant; not the outsider.
    assert {"samordnare@gavle.test", "mas@gavle.test", "samordnare@sandviken.test", "rita@regiong.test"} <= recipients
    assert "samordnare@stockholm.test" not in recipients
    cal = _ics_of(mail.outbox[0])
    assert str(cal["method"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == world.meeting.starts_at
    assert event.decoded("dtend") == world.meeting.ends_at
    assert dt.datetime(2027, 2, 10, 8, 0, tzinfo=dt.UTC) == event.decoded("dtstart")
    assert str(event["summary"]) == "Länsforum kommunal vård och omsorg: Kvartalsmöte februari"
    assert str(event["uid"]) == f"{world.meeting.ical_uid}@beredd"
    assert str(event["location"]) == "Länsstyrelsen, Gävle"
    attendees = event.get("attendee")
    addresses = {str(a).removeprefix("mailto:") for a in (attendees if isinstance(attendees, list) else [attendees])}
    assert "rita@regiong.test" in addresses and "samordnare@gavle.test" in addresses
    assert "Lägesbild" in str(event["description"])


def test_a_changed_meeting_is_sent_with_a_higher_sequence(world: SimpleNamespace) -> None:
    first = Calendar.from_ical(documents.meeting_ics(meeting=world.meeting))
    services.meeting_update(actor=world.analyst, meeting=world.meeting, values={"location": "Teams"})
    world.meeting.refresh_from_db()
    second = Calendar.from_ical(documents.meeting_ics(meeting=world.meeting))
    (e1,), (e2,) = first.walk("VEVENT"), second.walk("VEVENT")
    assert str(e1["uid"]) == str(e2["uid"])
    assert int(e2["sequence"]) == int(e1["sequence"]) + 1
    assert str(e2["location"]) == "Teams"


@pytest.mark.frozen_now(dt.datetime(2027, 2, 10, 13, 0, tzinfo=dt.UTC))  # the afternoon after the meeting
def test_published_minutes_are_mailed_as_a_pdf_whose_text_reads_back(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    services.attendance_set(
        actor=world.analyst,
        meeting=world.meeting,
        attended_member_ids=list(world.forum.members.filter(kind="organisation").values_list("pk", flat=True)),
    )
    services.meeting_notes_set(actor=world.analyst, meeting=world.meeting, notes="Genomgång av lägesbilden.")
    services.decision_add(actor=world.analyst, meeting=world.meeting, text_="Länet tar fram en gemensam syrgasrutin")
    services.action_add(
        actor=world.analyst,
        meeting=world.meeting,
        values={
            "title": "Inventera syrgaskoncentratorer",
            "owner_org": world.gavle,
            "owner_name": "Maria MAS",
            "due_date": dt.date(2027, 3, 15),
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_publish(actor=world.analyst, meeting=world.meeting)
    world.meeting.refresh_from_db()
    assert world.meeting.status == "minutes_published"
    message = mail.outbox[0]
    assert message.subject.startswith("Minnesanteckningar")
    (pdf,) = [a[1] for a in message.attachments if a[2] == "application/pdf"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Kvartalsmöte februari" in text
    assert "gemensam syrgasrutin" in text
    assert "Inventera syrgaskoncentratorer" in text
    assert "Gävle" in text and "närvarande" in text
    assert "10 februari 2027 09:00" in text  # Europe/Stockholm, not UTC


@pytest.mark.frozen_now(dt.datetime(2027, 2, 10, 7, 59, tzinfo=dt.UTC), tick=False)  # a minute before it starts
def test_minutes_cannot_be_published_before_the_meeting(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed):
        services.minutes_publish(actor=world.analyst, meeting=world.meeting)
