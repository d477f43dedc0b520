"""Issue 13 item 2: forums and meetings. Bad input names the field and saves nothing; every write is audited."""

import datetime as dt
from types import SimpleNamespace

import pytest

from beredd.accounts.models import User
from beredd.collab.models import Action, Attendance, ForumMember, Meeting, MeetingAttachment
from beredd.collab.services import meetings as services
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent

from .conftest import TZ

pytestmark = pytest.mark.frozen_now  # meetings and actions are dated in 2027, ahead of the frozen clock


def _fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {d["field"] for d in exc.value.details}


def test_a_meeting_ending_before_it_starts_is_refused_and_nothing_saved(world: SimpleNamespace) -> None:
    before = Meeting.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.meeting_create(
            actor=world.analyst,
            forum=world.forum,
            values={
                "title": "Fel",
                "starts_at": dt.datetime(2027, 3, 1, 10, tzinfo=TZ),
                "ends_at": dt.datetime(2027, 3, 1, 9, tzinfo=TZ),
            },
        )
    assert _fields(exc) == {"ends_at"}
    assert Meeting.objects.count() == before


def test_a_meeting_gets_an_attendance_row_per_member(world: SimpleNamespace) -> None:
    assert Attendance.objects.filter(meeting=world.meeting).count() == world.forum.members.count() == 5


def test_an_action_without_owner_or_due_date_is_refused(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.action_add(actor=world.analyst, meeting=world.meeting, values={"title": "Syrgas", "owner_name": "MAS"})
    assert _fields(exc) == {"owner_org", "due_date"}
    assert not Action.objects.exists()


def test_an_action_owner_must_be_the_forum_or_a_member_organisation(world: SimpleNamespace, ref: dict) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.action_add(
            actor=world.analyst,
            meeting=world.meeting,
            values={"title": "X", "owner_org": ref["stockholm"], "owner_name": "A", "due_date": dt.date(2027, 3, 1)},
        )
    assert _fields(exc) == {"owner_org"}


def test_an_external_participant_with_a_malformed_address_is_refused(world: SimpleNamespace) -> None:
    before = ForumMember.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.member_add(
            actor=world.analyst, forum=world.forum, values={"kind": "external", "name": "Per", "email": "per@@example"}
        )
    assert _fields(exc) == {"email"}
    assert ForumMember.objects.count() == before


def test_external_participants_never_get_an_account(world: SimpleNamespace) -> None:
    users = User.objects.count()
    services.member_add(
        actor=world.analyst, forum=world.forum, values={"kind": "external", "name": "Eva", "email": "eva@example.org"}
    )
    services.invitations_send(actor=world.analyst, meeting=world.meeting)
    assert User.objects.count() == users
    assert not User.objects.filter(email="eva@example.org").exists()


def test_an_attachment_over_the_limit_is_refused(world: SimpleNamespace) -> None:
    big = b"%PDF" + b"0" * services.MAX_ATTACHMENT_BYTES
    with pytest.raises(ValidationFailed) as exc:
        services.attachment_add(actor=world.analyst, meeting=world.meeting, filename="dagordning.pdf", content=big)
    assert _fields(exc) == {"file"}
    assert "10 MB" in exc.value.details[0]["message"]
    assert not MeetingAttachment.objects.exists()


def test_an_attachment_of_a_refused_type_says_which_types_are_accepted(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.attachment_add(actor=world.analyst, meeting=world.meeting, filename="virus.exe", content=b"MZ\x90\x00")
    message = exc.value.details[0]["message"]
    assert "PDF" in message and "DOCX" in message
    with pytest.raises(ValidationFailed):  # a .pdf name on something that is not a PDF
        services.attachment_add(actor=world.analyst, meeting=world.meeting, filename="fake.pdf", content=b"<html>")
    assert not MeetingAttachment.objects.exists()


def test_an_accepted_attachment_is_stored_under_media_root(world: SimpleNamespace, settings: object) -> None:
    att = services.attachment_add(
        actor=world.analyst, meeting=world.meeting, filename="../../dagordning.pdf", content=b"%PDF-1.7 test", is_agenda=True
    )
    assert att.original_name == "dagordning.pdf"
    assert att.file.name.startswith(f"collab/meetings/{world.meeting.pk}/")
    with att.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.7 test"


def test_only_the_owner_manages_meetings(world: SimpleNamespace) -> None:
    values = {
        "title": "Eget möte",
        "starts_at": dt.datetime(2027, 3, 1, 9, tzinfo=TZ),
        "ends_at": dt.datetime(2027, 3, 1, 10, tzinfo=TZ),
    }
    for user in (world.gavle_coord, world.outsider, world.national_viewer):
        with pytest.raises(PermissionDeniedError):
            services.meeting_create(actor=user, forum=world.forum, values=values)
        with pytest.raises(PermissionDeniedError):
            services.decision_add(actor=user, meeting=world.meeting, text_="Beslut")
        with pytest.raises(PermissionDeniedError):
            services.member_add(actor=user, forum=world.forum, values={"kind": "external", "name": "X", "email": "x@y.se"})


def test_an_owner_closes_an_action_but_others_cannot(world: SimpleNamespace) -> None:
    action = services.action_add(
        actor=world.analyst,
        meeting=world.meeting,
        values={"title": "Avtal om syrgas", "owner_org": world.gavle, "owner_name": "MAS Gävle", "due_date": dt.date(2027, 4, 1)},
    )
    with pytest.raises(PermissionDeniedError):
        services.action_set_status(actor=world.sandviken_coord, action=action, status="done")
    with pytest.raises(PermissionDeniedError):
        services.action_set_status(actor=world.outsider, action=action, status="done")
    with pytest.raises(ValidationFailed):
        services.action_set_status(actor=world.gavle_coord, action=action, status="finished")
    done = services.action_set_status(actor=world.gavle_coord, action=action, status="done", comment="Klart")
    assert done.status == "done" and done.closed_by == world.gavle_coord
    assert done.comments.get().text == "Klart"


def test_every_write_is_audited(world: SimpleNamespace) -> None:
    services.attendance_set(
        actor=world.analyst, meeting=world.meeting, attended_member_ids=list(world.forum.members.values_list("pk", flat=True))
    )
    services.meeting_notes_set(actor=world.analyst, meeting=world.meeting, notes="Genomgång")
    services.decision_add(actor=world.analyst, meeting=world.meeting, text_="Länet samordnar")
    action = services.action_add(
        actor=world.analyst,
        meeting=world.meeting,
        values={"title": "T", "owner_org": world.region, "owner_name": "Rita", "due_date": dt.date(2027, 4, 1)},
    )
    services.action_comment(actor=world.analyst, action=action, text_="Följs upp")
    actions = set(AuditEvent.objects.filter(action__startswith="collab.").values_list("action", flat=True))
    assert {
        "collab.forum_create",
        "collab.member_add",
        "collab.meeting_create",
        "collab.attendance",
        "collab.meeting_notes",
        "collab.decision_add",
        "collab.action_add",
        "collab.action_comment",
    } <= actions
    assert AuditEvent.objects.filter(action="collab.meeting_create", organisation=world.lan).exists()
