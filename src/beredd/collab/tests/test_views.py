"""Views: members see a forum's meetings, owners manage, others get 404; the owner's dashboard lists open actions."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from beredd.collab.models import Action, Decision, Meeting, MeetingAttachment
from beredd.collab.services import meetings as services

pytestmark = pytest.mark.frozen_now  # meetings and actions are dated in 2027, ahead of the frozen clock


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _as(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_forum_pages_are_seen_by_members_and_the_levels_above_only(client: Client, world: SimpleNamespace) -> None:
    urls = [
        f"/samverkan/forum/{world.forum.pk}/",
        f"/samverkan/mote/{world.meeting.pk}/",
        f"/samverkan/mote/{world.meeting.pk}/kalender.ics",
    ]
    for user, expected in ((world.gavle_coord, 200), (world.national_viewer, 200), (world.outsider, 404)):
        _as(client, user)
        for url in urls:
            assert client.get(url).status_code == expected, (user.email, url)


def test_the_forum_list_is_scoped_searchable_and_paged(client: Client, world: SimpleNamespace) -> None:
    body = _as(client, world.gavle_coord).get("/samverkan/?q=kommunal&sort=-name").content.decode()
    assert "Länsforum kommunal vård och omsorg" in body
    assert "Länsforum" not in _as(client, world.outsider).get("/samverkan/").content.decode()
    assert _as(client, world.gavle_coord).get("/samverkan/?page=999").status_code == 200


def test_a_member_cannot_manage_the_meeting(client: Client, world: SimpleNamespace) -> None:
    _as(client, world.gavle_coord)
    assert client.get(f"/samverkan/forum/{world.forum.pk}/mote/nytt/").status_code == 404
    for part, data in (("beslut", {"dec-text": "Beslut"}), ("anteckningar", {"notes-notes": "x"}), ("narvaro", {})):
        response = client.post(f"/samverkan/mote/{world.meeting.pk}/{part}/", data)
        assert response.status_code == 404, part
    assert client.post(f"/samverkan/mote/{world.meeting.pk}/", {"dec-text": "Beslut"}).status_code == 405
    assert client.post(f"/samverkan/mote/{world.meeting.pk}/bjud-in/").status_code == 404
    assert not Decision.objects.exists()


def test_the_owner_schedules_a_meeting_and_bad_times_name_the_field(client: Client, world: SimpleNamespace) -> None:
    _as(client, world.analyst)
    url = f"/samverkan/forum/{world.forum.pk}/mote/nytt/"
    bad = client.post(url, {"title": "Möte", "starts_at": "2027-05-01T10:00", "ends_at": "2027-05-01T09:00"})
    assert bad.status_code == 200
    assert "Mötet måste sluta efter att det börjar." in bad.content.decode()
    assert Meeting.objects.count() == 1
    good = client.post(url, {"title": "Möte maj", "starts_at": "2027-05-01T10:00", "ends_at": "2027-05-01T11:00"})
    assert good.status_code == 302
    created = Meeting.objects.get(title="Möte maj")
    assert created.starts_at == dt.datetime(2027, 5, 1, 8, 0, tzinfo=dt.UTC)  # entered as Swedish summer time


def test_the_owner_records_decisions_actions_and_an_attachment(client: Client, world: SimpleNamespace) -> None:
    _as(client, world.analyst)
    url = f"/samverkan/mote/{world.meeting.pk}/"
    decided = client.post(url + "beslut/", {"dec-text": "Länet samordnar syrgas"})
    assert decided.status_code == 302 and decided["Location"] == url + "#decision"
    missing = client.post(url + "atgard/", {"act-title": "Syrgas", "act-owner_name": "MAS"})
    assert missing.status_code == 200 and not Action.objects.exists()
    assert missing.context["forms"]["action"].errors and not missing.context["forms"]["decision"].is_bound
    ok = client.post(
        url + "atgard/",
        {
            "act-title": "Inventera syrgas",
            "act-owner_org": world.gavle.pk,
            "act-owner_name": "Maria MAS",
            "act-due_date": "2027-03-15",
        },
    )
    assert ok.status_code == 302
    upload = SimpleUploadedFile("dagordning.pdf", b"%PDF-1.7 x", content_type="application/pdf")
    assert client.post(url + "bilaga/", {"file-file": upload, "file-is_agenda": "on"}).status_code == 302
    refused = SimpleUploadedFile("macro.xlsm", b"PK\x03\x04", content_type="application/octet-stream")
    page = client.post(url + "bilaga/", {"file-file": refused})
    assert "Godkända filtyper" in page.content.decode()
    assert MeetingAttachment.objects.count() == 1
    attachment = MeetingAttachment.objects.get()
    assert client.get(f"/samverkan/bilaga/{attachment.pk}/").status_code == 200
    assert _as(client, world.outsider).get(f"/samverkan/bilaga/{attachment.pk}/").status_code == 404


def test_an_open_action_shows_on_the_owners_dashboard_until_closed(client: Client, world: SimpleNamespace) -> None:
    action = services.action_add(
        actor=world.analyst,
        meeting=world.meeting,
        values={
            "title": "Avtal om syrgasförskrivning",
            "owner_org": world.gavle,
            "owner_name": "MAS",
            "due_date": dt.date(2027, 4, 1),
        },
    )
    _as(client, world.gavle_coord)
    assert "Avtal om syrgasförskrivning" in client.get("/").content.decode()
    assert "Avtal om syrgasförskrivning" not in _as(client, world.sandviken_coord).get("/").content.decode()
    assert (
        _as(client, world.sandviken_coord)
        .post(f"/samverkan/atgard/{action.pk}/", {"form": "status", "status": "done"})
        .status_code
        == 404
    )
    assert _as(client, world.outsider).get(f"/samverkan/atgard/{action.pk}/").status_code == 404
    _as(client, world.gavle_coord)
    assert (
        client.post(f"/samverkan/atgard/{action.pk}/", {"form": "status", "status": "done", "comment": "Klart"}).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.status == "done"
    assert "Avtal om syrgasförskrivning" not in client.get("/").content.decode()
    assert "Avtal om syrgasförskrivning" in client.get("/samverkan/atgarder/?status=done").content.decode()


def test_the_minutes_pdf_is_refused_to_outsiders(client: Client, world: SimpleNamespace) -> None:
    assert _as(client, world.outsider).get(f"/samverkan/mote/{world.meeting.pk}/minnesanteckningar.pdf").status_code == 404
    response = _as(client, world.gavle_coord).get(f"/samverkan/mote/{world.meeting.pk}/minnesanteckningar.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_action_page_posts_its_forms_to_itself(client: Client, world: SimpleNamespace) -> None:
    # Regression: the shared form partial read ``action`` from the context, which on this page is the Action.
    action = services.action_add(
        actor=world.analyst,
        meeting=world.meeting,
        values={"title": "Syrgas", "owner_org": world.gavle, "owner_name": "MAS", "due_date": dt.date(2027, 4, 1)},
    )
    body = _as(client, world.gavle_coord).get(f"/samverkan/atgard/{action.pk}/").content.decode()
    assert 'action="Syrgas"' not in body


def test_the_owner_records_attendance_and_notes_each_with_its_own_form(client: Client, world: SimpleNamespace) -> None:
    _as(client, world.analyst)
    url = f"/samverkan/mote/{world.meeting.pk}/"
    member = world.forum.members.first()
    saved = client.post(url + "narvaro/", {"att-attended": [str(member.pk)]})
    assert saved.status_code == 302 and saved["Location"] == url + "#attendance"
    assert list(world.meeting.attendance.filter(attended=True).values_list("member", flat=True)) == [member.pk]
    assert client.post(url + "anteckningar/", {"notes-notes": "Genomgång av läget"})["Location"] == url + "#notes"
    world.meeting.refresh_from_db()
    assert world.meeting.notes == "Genomgång av läget"
    refused = client.post(url + "narvaro/", {"att-attended": ["999999"]})
    assert refused.status_code == 200 and refused.context["forms"]["attendance"].errors
    assert not refused.context["forms"]["notes"].is_bound
