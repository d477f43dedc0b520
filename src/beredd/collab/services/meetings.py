"""Forums, members, meetings, attachments, attendance, decisions and actions (issue 13 item 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts.models import User
from beredd.accounts.policy import require
from beredd.accounts.types import Actor
from beredd.collab.models import (
    Action,
    ActionComment,
    Agreement,
    Attendance,
    Decision,
    Forum,
    ForumMember,
    LibraryItem,
    Meeting,
    MeetingAttachment,
)
from beredd.collab.services._common import fail, text
from beredd.core import audit
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.orgs.models import Organisation

MANAGE = "collab.manage"
ACT = "collab.act"

# Attachments: stored under MEDIA_ROOT/collab/, read back only through the access-checked download view.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Extension → (content type, magic bytes the file must start with; b"" = text, checked as UTF-8).
ACCEPTED_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", b"PK\x03\x04"),
    ".png": ("image/png", b"\x89PNG"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".txt": ("text/plain; charset=utf-8", b""),
}


def accepted_types_label() -> str:
    return ", ".join(sorted(ext.lstrip(".").upper() for ext in ACCEPTED_TYPES))


def _forum_org_ids(forum: Forum) -> set[int]:
    ids = set(forum.members.filter(kind=ForumMember.Kind.ORGANISATION).values_list("organisation_id", flat=True))
    return {i for i in ids if i is not None} | {forum.owner_id}


# --- Forums and members -----------------------------------------------------------------------------


@transaction.atomic
def forum_create(*, actor: Actor, owner: Organisation, values: dict[str, Any], via: str = "ui") -> Forum:
    """Create a standing forum owned by ``owner``. Needs ``collab.manage`` there."""
    require(actor, MANAGE, owner)
    if owner.kind == Organisation.Kind.UNIT:
        fail({"owner": _("A forum is owned by a kommun, region, county, civil area or the nation, not a unit.")})
    name = text(values, "name", 200)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the forum a name.")
    elif Forum.objects.filter(owner=owner, name=name).exists():
        errors["name"] = _("This organisation already has a forum with that name.")
    fail(errors)
    forum = Forum.objects.create(owner=owner, name=name, description=text(values, "description", 4000), created_by=actor)
    audit.record(actor=actor, action="collab.forum_create", target=forum, changes={"name": name}, via=via)
    return forum


@transaction.atomic
def member_add(*, actor: Actor, forum: Forum, values: dict[str, Any], via: str = "ui") -> ForumMember:
    """Add an organisation, a named user or an external participant (who gets e-mail only, never an account)."""
    require(actor, MANAGE, forum.owner)
    kind = str(values.get("kind") or "")
    errors: dict[str, str] = {}
    member = ForumMember(forum=forum, kind=kind)
    if kind == ForumMember.Kind.ORGANISATION:
        org = values.get("organisation")
        if not isinstance(org, Organisation) or not org.is_active:
            errors["organisation"] = _("Choose an organisation.")
        elif org.kind == Organisation.Kind.UNIT:
            errors["organisation"] = _("Invite the unit's kommun rather than the unit.")
        else:
            member.organisation = org
            if forum.members.filter(kind=kind, organisation=org).exists():
                errors["organisation"] = _("%(name)s is already a member.") % {"name": org.name}
    elif kind == ForumMember.Kind.USER:
        email = text(values, "email", 254).lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
        if user is None:
            errors["email"] = _("No active user has the e-mail address %(email)s; add them as an external participant.") % {
                "email": email or "–"
            }
        else:
            member.user = user
            if forum.members.filter(kind=kind, user=user).exists():
                errors["email"] = _("%(email)s is already a member.") % {"email": email}
    elif kind == ForumMember.Kind.EXTERNAL:
        member.name = text(values, "name", 200)
        member.external_organisation = text(values, "external_organisation", 200)
        member.email = text(values, "email", 254).lower()
        if not member.name:
            errors["name"] = _("Give the participant's name.")
        try:
            validate_email(member.email)
        except ValidationError:
            errors["email"] = _("%(value)s is not a valid e-mail address.") % {"value": member.email or "–"}
        if "email" not in errors and forum.members.filter(kind=kind, email=member.email).exists():
            errors["email"] = _("%(email)s is already a member.") % {"email": member.email}
    else:
        errors["kind"] = _("Choose the kind of member.")
    fail(errors)
    member.save()
    audit.record(
        actor=actor,
        action="collab.member_add",
        target=forum,
        changes={"member": member.label, "kind": kind},
        via=via,
    )
    return member


@transaction.atomic
def member_remove(*, actor: Actor, member: ForumMember, via: str = "ui") -> None:
    forum = member.forum
    require(actor, MANAGE, forum.owner)
    label = member.label
    Attendance.objects.filter(member=member).delete()
    member.delete()
    audit.record(actor=actor, action="collab.member_remove", target=forum, changes={"member": label}, via=via)


# --- Meetings ---------------------------------------------------------------------------------------

MEETING_FIELDS = ["title", "starts_at", "ends_at", "location", "agenda", "is_ad_hoc"]


def _clean_meeting(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    clean: dict[str, Any] = {
        "title": text(values, "title", 200),
        "location": text(values, "location", 200),
        "agenda": str(values.get("agenda") or "")[:20000],
        "is_ad_hoc": bool(values.get("is_ad_hoc")),
    }
    errors: dict[str, str] = {}
    if not clean["title"]:
        errors["title"] = _("Give the meeting a title.")
    for name in ("starts_at", "ends_at"):
        value = values.get(name)
        if not isinstance(value, dt.datetime):
            errors[name] = _("Give a date and time.")
        elif timezone.is_naive(value):
            value = timezone.make_aware(value)  # read as Europe/Stockholm, the UI's time zone
        clean[name] = value
    if "starts_at" not in errors and "ends_at" not in errors and clean["ends_at"] <= clean["starts_at"]:
        errors["ends_at"] = _("The meeting must end after it starts.")
    return clean, errors


@transaction.atomic
def meeting_create(*, actor: Actor, forum: Forum, values: dict[str, Any], via: str = "ui") -> Meeting:
    """Schedule a meeting; every current member gets an attendance row (not yet attended)."""
    require(actor, MANAGE, forum.owner)
    if not forum.is_active:
        raise ValidationFailed(_("The forum is closed."))
    clean, errors = _clean_meeting(values)
    fail(errors)
    meeting = Meeting.objects.create(forum=forum, created_by=actor, **clean)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=m) for m in forum.members.all()])
    audit.record(
        actor=actor,
        action="collab.meeting_create",
        target=meeting,
        organisation=forum.owner,
        changes=audit.diff({}, audit.snapshot(meeting, MEETING_FIELDS)),
        via=via,
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor: Actor, meeting: Meeting, values: dict[str, Any], via: str = "ui") -> Meeting:
    """Change time, place or agenda; bumps the iCalendar SEQUENCE so a re-sent invitation updates the event."""
    require(actor, MANAGE, meeting.forum.owner)
    meeting = Meeting.objects.select_for_update().select_related("forum__owner").get(pk=meeting.pk)
    before = audit.snapshot(meeting, MEETING_FIELDS)
    clean, errors = _clean_meeting({**{f: getattr(meeting, f) for f in MEETING_FIELDS}, **values})
    fail(errors)
    for key, value in clean.items():
        setattr(meeting, key, value)
    meeting.ical_sequence += 1
    meeting.save()
    changes = audit.diff(before, audit.snapshot(meeting, MEETING_FIELDS))
    audit.record(actor=actor, action="collab.meeting_update", target=meeting, organisation=meeting.forum.owner, changes=changes)
    return meeting


@transaction.atomic
def meeting_notes_set(*, actor: Actor, meeting: Meeting, notes: str, via: str = "ui") -> Meeting:
    require(actor, MANAGE, meeting.forum.owner)
    before = meeting.notes
    meeting.notes = str(notes or "")[:50000]
    if meeting.status == Meeting.Status.SCHEDULED:
        meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["notes", "status", "updated_at"])
    audit.record(
        actor=actor,
        action="collab.meeting_notes",
        target=meeting,
        organisation=meeting.forum.owner,
        changes={"notes": {"before": len(before), "after": len(meeting.notes)}},
        via=via,
    )
    return meeting


@transaction.atomic
def attendance_set(*, actor: Actor, meeting: Meeting, attended_member_ids: list[int], via: str = "ui") -> int:
    """Record who attended; members not listed are recorded as absent. Returns the number present."""
    require(actor, MANAGE, meeting.forum.owner)
    member_ids = set(meeting.forum.members.values_list("pk", flat=True))
    wanted = {int(i) for i in attended_member_ids}
    unknown = wanted - member_ids
    if unknown:
        fail({"attended": _("Only members of the forum can be recorded as attending.")})
    for member_id in member_ids:
        Attendance.objects.update_or_create(meeting=meeting, member_id=member_id, defaults={"attended": member_id in wanted})
    audit.record(
        actor=actor,
        action="collab.attendance",
        target=meeting,
        organisation=meeting.forum.owner,
        changes={"attended": sorted(wanted)},
        via=via,
    )
    return len(wanted)


def check_upload(*, filename: str, content: bytes) -> tuple[str, str]:
    """Return (safe file name, content type) or raise ValidationFailed on field ``file`` naming the limit or the
    accepted types."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:150]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    errors: dict[str, str] = {}
    if not content:
        errors["file"] = _("The file is empty.")
    elif len(content) > MAX_ATTACHMENT_BYTES:
        errors["file"] = _("The file is larger than the limit of %(limit)d MB.") % {
            "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)
        }
    elif ext not in ACCEPTED_TYPES:
        errors["file"] = _("Files of this type are not accepted. Accepted types: %(types)s.") % {"types": accepted_types_label()}
    else:
        magic = ACCEPTED_TYPES[ext][1]
        if magic and not content.startswith(magic):
            errors["file"] = _("The file's content is not a %(ext)s file.") % {"ext": ext.lstrip(".").upper()}
        if not magic:
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                errors["file"] = _("A text file must be UTF-8.")
    fail(errors)
    return name, ACCEPTED_TYPES[ext][0]


def attach_file(obj: Agreement | LibraryItem, *, filename: str, content: bytes) -> None:
    """Check an upload (``check_upload``) and put it on ``obj``'s ``file`` with its name, size and type (not saved)."""
    name, content_type = check_upload(filename=filename, content=content)
    obj.file.save(name, ContentFile(content), save=False)
    obj.file_name, obj.file_size, obj.file_type = name, len(content), content_type


@transaction.atomic
def attachment_add(
    *, actor: Actor, meeting: Meeting, filename: str, content: bytes, is_agenda: bool = False, via: str = "ui"
) -> MeetingAttachment:
    """Store a file with the meeting. Refuses files over MAX_ATTACHMENT_BYTES and types not in ACCEPTED_TYPES."""
    require(actor, MANAGE, meeting.forum.owner)
    name, content_type = check_upload(filename=filename, content=content)
    attachment = MeetingAttachment(
        meeting=meeting,
        original_name=name,
        size=len(content),
        content_type=content_type,
        is_agenda=is_agenda,
        uploaded_by=actor,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="collab.attachment_add",
        target=meeting,
        organisation=meeting.forum.owner,
        changes={"file": name, "size": len(content)},
        via=via,
    )
    return attachment


@transaction.atomic
def decision_add(*, actor: Actor, meeting: Meeting, text_: str, via: str = "ui") -> Decision:
    require(actor, MANAGE, meeting.forum.owner)
    body = str(text_ or "").strip()[:4000]
    if not body:
        fail({"text": _("Write the decision.")})
    number = (meeting.decisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    decision = Decision.objects.create(meeting=meeting, number=number, text=body)
    audit.record(
        actor=actor,
        action="collab.decision_add",
        target=meeting,
        organisation=meeting.forum.owner,
        changes={"number": number, "text": body[:200]},
        via=via,
    )
    return decision


# --- Actions ----------------------------------------------------------------------------------------


@transaction.atomic
def action_add(*, actor: Actor, meeting: Meeting, values: dict[str, Any], via: str = "ui") -> Action:
    """Record an action with an owner organisation (the forum's owner or a member organisation), a person and a
    due date. Missing owner or due date is refused naming the field."""
    require(actor, MANAGE, meeting.forum.owner)
    errors: dict[str, str] = {}
    title = text(values, "title", 300)
    if not title:
        errors["title"] = _("Describe the action.")
    owner_org = values.get("owner_org")
    if not isinstance(owner_org, Organisation):
        errors["owner_org"] = _("Choose the organisation that owns the action.")
    elif owner_org.pk not in _forum_org_ids(meeting.forum):
        errors["owner_org"] = _("The owner must be the forum's organisation or one of its member organisations.")
    owner_user = values.get("owner_user")
    owner_name = text(values, "owner_name", 200)
    if owner_user is not None and not isinstance(owner_user, User):
        owner_user = None
    if owner_user is None and not owner_name:
        errors["owner_name"] = _("Name the responsible person.")
    due = values.get("due_date")
    if not isinstance(due, dt.date):
        errors["due_date"] = _("Give a due date.")
    fail(errors)
    assert isinstance(owner_org, Organisation) and isinstance(due, dt.date)
    action = Action.objects.create(
        meeting=meeting, title=title, owner_org=owner_org, owner_user=owner_user, owner_name=owner_name, due_date=due
    )
    audit.record(
        actor=actor,
        action="collab.action_add",
        target=action,
        changes={"title": title, "owner_org": owner_org.pk, "due_date": due},
        via=via,
    )
    return action


def can_act_on(actor: Actor, action: Action) -> bool:
    """The owner organisation's people (collab.act), the named person, or the forum's managers."""
    from beredd.accounts import policy

    return (
        policy.can(actor, ACT, action.owner_org)
        or (action.owner_user_id is not None and action.owner_user_id == getattr(actor, "pk", None))
        or policy.can(actor, MANAGE, action.meeting.forum.owner)
    )


@transaction.atomic
def action_set_status(*, actor: Actor, action: Action, status: str, comment: str = "", via: str = "ui") -> Action:
    if not can_act_on(actor, action):
        raise PermissionDeniedError()
    if status not in Action.Status.values:
        fail({"status": _("Choose one of the listed statuses.")})
    action = Action.objects.select_for_update().select_related("meeting__forum__owner", "owner_org").get(pk=action.pk)
    before = action.status
    action.status = status
    if status == Action.Status.OPEN:
        action.closed_at, action.closed_by = None, None
    elif before == Action.Status.OPEN:
        action.closed_at, action.closed_by = timezone.now(), actor
    action.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    if comment.strip():
        ActionComment.objects.create(action=action, author=actor, text=comment.strip()[:4000])
    audit.record(
        actor=actor,
        action="collab.action_status",
        target=action,
        changes={"status": {"before": before, "after": status}},
        via=via,
    )
    return action


@transaction.atomic
def action_comment(*, actor: Actor, action: Action, text_: str, via: str = "ui") -> ActionComment:
    if not can_act_on(actor, action):
        raise PermissionDeniedError()
    body = str(text_ or "").strip()[:4000]
    if not body:
        fail({"text": _("Write a comment.")})
    comment = ActionComment.objects.create(action=action, author=actor, text=body)
    audit.record(actor=actor, action="collab.action_comment", target=action, changes={"text": body[:200]}, via=via)
    return comment


# --- Invitations and minutes -----------------------------------------------------------------------


@transaction.atomic
def invitations_send(*, actor: Actor, meeting: Meeting, via: str = "ui") -> Meeting:
    """Queue the invitation e-mail with an iCalendar attachment to every member (sent after commit)."""
    from beredd.collab import tasks

    require(actor, MANAGE, meeting.forum.owner)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationFailed(_("The meeting is cancelled."))
    resend = meeting.invitations_sent_at is not None
    meeting.invitations_sent_at = timezone.now()
    meeting.save(update_fields=["invitations_sent_at", "updated_at"])
    audit.record(
        actor=actor,
        action="collab.invitations_send",
        target=meeting,
        organisation=meeting.forum.owner,
        changes={"resend": resend},
        via=via,
    )
    meeting_id = meeting.pk
    transaction.on_commit(lambda: tasks.send_invitations.enqueue(meeting_id))
    return meeting


@transaction.atomic
def minutes_publish(*, actor: Actor, meeting: Meeting, via: str = "ui") -> Meeting:
    """Publish the minutes to the members: status, then the e-mail with the minutes PDF after commit."""
    from beredd.collab import tasks

    require(actor, MANAGE, meeting.forum.owner)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationFailed(_("The meeting is cancelled."))
    if meeting.starts_at > timezone.now():
        raise ValidationFailed(_("Minutes can be published once the meeting has started."))
    meeting.status = Meeting.Status.MINUTES_PUBLISHED
    meeting.minutes_published_at = timezone.now()
    meeting.save(update_fields=["status", "minutes_published_at", "updated_at"])
    audit.record(actor=actor, action="collab.minutes_publish", target=meeting, organisation=meeting.forum.owner, via=via)
    meeting_id = meeting.pk
    transaction.on_commit(lambda: tasks.send_minutes.enqueue(meeting_id))
    return meeting
