"""Background jobs (django-tasks) for collaboration: invitations, minutes, action reminders.

``send_action_reminders`` must run daily: run ``manage.py collab_reminders`` from cron or a systemd timer
(it enqueues the job; ``--now`` runs it in the command). Each reminder is sent once (a timestamp on the row).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from beredd.accounts.models import Membership, Role
from beredd.collab.models import Action, Meeting
from beredd.collab.services import documents
from beredd.comms.models import Message
from beredd.comms.services import mail_send

# Remind the owner this many days before the due date, and once the day after it has passed.
REMIND_BEFORE_DAYS = 3
OWNER_ROLES = [Role.COORDINATOR, Role.MAS, Role.REPORTER, Role.ORG_ADMIN]


def _link(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


@task()
def send_invitations(meeting_id: int) -> int:
    """One e-mail per recipient with the meeting as a ``text/calendar; method=REQUEST`` attachment."""
    meeting = Meeting.objects.select_related("forum__owner").get(pk=meeting_id)
    recipients = documents.recipients_of(meeting)
    ics = documents.meeting_ics(meeting=meeting, recipients=recipients)
    return mail_send(
        kind=Message.Kind.MEETING_INVITATION,
        to=[r.email for r in recipients],
        organisation=meeting.forum.owner,
        subject=_("Invitation: %(forum)s – %(title)s"),
        subject_params={"forum": meeting.forum.name, "title": meeting.title},
        template="collab/email/invitation.txt",
        context={"meeting": meeting, "link": _link("collab:meeting", meeting.pk)},
        attachments=[("inbjudan.ics", ics, "text/calendar; method=REQUEST; charset=utf-8")],
    )


@task()
def send_minutes(meeting_id: int) -> int:
    """The published minutes to every recipient, with the minutes PDF attached."""
    meeting = Meeting.objects.select_related("forum__owner").get(pk=meeting_id)
    pdf = documents.minutes_pdf(meeting=meeting)
    return mail_send(
        kind=Message.Kind.MINUTES,
        to=[r.email for r in documents.recipients_of(meeting)],
        organisation=meeting.forum.owner,
        subject=_("Minutes: %(forum)s – %(title)s"),
        subject_params={"forum": meeting.forum.name, "title": meeting.title},
        template="collab/email/minutes.txt",
        context={"meeting": meeting, "link": _link("collab:meeting", meeting.pk)},
        attachments=[(f"minnesanteckningar-{meeting.pk}.pdf", pdf, "application/pdf")],
    )


def _owner_emails(action: Action) -> list[str]:
    if action.owner_user is not None and action.owner_user.is_active:
        return [action.owner_user.email]
    return sorted(
        set(
            Membership.objects.current()
            .filter(organisation=action.owner_org, role__in=OWNER_ROLES)
            .values_list("user__email", flat=True)
        )
    )


@task()
def send_action_reminders(today_iso: str = "") -> int:
    """Remind owners of open actions due within REMIND_BEFORE_DAYS, and once more when overdue. Idempotent."""
    today = dt.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    now = timezone.now()
    sent = 0
    due_soon = Action.objects.open().filter(
        reminded_before_at__isnull=True, due_date__gte=today, due_date__lte=today + dt.timedelta(days=REMIND_BEFORE_DAYS)
    )
    overdue = Action.objects.open().filter(reminded_after_at__isnull=True, due_date__lt=today)
    for kind, qs, column in (("before", due_soon, "reminded_before_at"), ("after", overdue, "reminded_after_at")):
        for action in qs.select_related("owner_org", "owner_user", "meeting__forum"):
            context = {"action": action, "kind": kind, "link": _link("collab:action", action.pk)}
            sent += mail_send(
                kind=Message.Kind.ACTION_REMINDER,
                to=_owner_emails(action),
                organisation=action.owner_org,
                subject=_("Action overdue: %(title)s") if kind == "after" else _("Action reminder: %(title)s"),
                subject_params={"title": action.title[:120]},
                template="collab/email/action_reminder.txt",
                context=context,
            )
            Action.objects.filter(pk=action.pk).update(**{column: now})
    return sent


@task()
def send_direction_reminder(direction_id: int) -> int:
    """Remind the coordinators and MAS of every kommun that has not answered a planning direction."""
    from beredd.collab.models import Direction
    from beredd.collab.services.directions import unanswered_org_ids

    direction = Direction.objects.select_related("sender").get(pk=direction_id)
    emails = sorted(
        set(
            Membership.objects.current()
            .filter(organisation_id__in=unanswered_org_ids(direction), role__in=[Role.COORDINATOR, Role.MAS])
            .values_list("user__email", flat=True)
        )
    )
    return mail_send(
        kind=Message.Kind.DIRECTION_REMINDER,
        to=emails,
        organisation=direction.sender,
        subject=_("Reminder: planning direction %(title)s"),
        subject_params={"title": direction.title[:150]},
        template="collab/email/direction_reminder.txt",
        context={"direction": direction, "link": _link("collab:direction", direction.pk)},
    )


@task()
def send_shortcoming_answer(shortcoming_id: int) -> int:
    """Mail the answer to the coordinators and MAS of every organisation that raised the issue or one merged into it."""
    from beredd.collab.models import Shortcoming

    item = Shortcoming.objects.select_related("answered_by").get(pk=shortcoming_id)
    raisers = {item.raised_by_id, *Shortcoming.objects.filter(merged_into=item).values_list("raised_by_id", flat=True)}
    emails = sorted(
        set(
            Membership.objects.current()
            .filter(organisation_id__in=raisers, role__in=[Role.COORDINATOR, Role.MAS])
            .values_list("user__email", flat=True)
        )
    )
    return mail_send(
        kind=Message.Kind.SHORTCOMING_ANSWER,
        to=emails,
        subject=_("Answer on a shortcoming or need: %(title)s"),
        subject_params={"title": item.title[:150]},
        template="collab/email/shortcoming_answer.txt",
        context={"item": item, "link": _link("collab:shortcoming", item.pk)},
    )


def _kommun_emails(kommun_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.current()
            .filter(organisation_id=kommun_id, role__in=[Role.MAS, Role.COORDINATOR])
            .values_list("user__email", flat=True)
        )
    )


@task()
def send_agreement_reminders(today_iso: str = "") -> int:
    """Remind the kommun's MAS and coordinators of agreements that end, or are due for review, within
    EXPIRY_NOTICE_DAYS. Each reminder is sent once per date (a changed date is reminded again). Idempotent."""
    from beredd.collab.models import Agreement
    from beredd.collab.models.agreements import EXPIRY_NOTICE_DAYS

    today = dt.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    horizon = today + dt.timedelta(days=EXPIRY_NOTICE_DAYS)
    now = timezone.now()
    sent = 0
    ending = Agreement.objects.filter(expiry_reminded_at__isnull=True, valid_until__gte=today, valid_until__lte=horizon)
    review = Agreement.objects.filter(review_reminded_at__isnull=True, review_date__gte=today, review_date__lte=horizon)
    for kind, qs, column in (("expiry", ending, "expiry_reminded_at"), ("review", review, "review_reminded_at")):
        for agreement in qs.select_related("kommun"):
            context = {"agreement": agreement, "kind": kind, "link": _link("collab:agreement", agreement.pk)}
            sent += mail_send(
                kind=Message.Kind.AGREEMENT_REMINDER,
                to=_kommun_emails(agreement.kommun_id),
                organisation=agreement.kommun,
                subject=_("Agreement ends: %(title)s") if kind == "expiry" else _("Agreement due for review: %(title)s"),
                subject_params={"title": agreement.title[:150]},
                template="collab/email/agreement_reminder.txt",
                context=context,
            )
            Agreement.objects.filter(pk=agreement.pk).update(**{column: now})
    return sent
