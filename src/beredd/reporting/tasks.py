"""Background jobs (django-tasks): e-mail on issue, reminders before the deadline, recurring instances, feedback mail.

Development: ``make run`` starts ``manage.py db_worker`` beside the server (or ``make worker`` alone).
Production: run ``manage.py db_worker`` as its own service (systemd unit or container) next to gunicorn.
Tests use the immediate backend; deferred jobs (reminders, next instance) are then skipped and their
functions are called directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import default_task_backend, task

from beredd.accounts.models import Membership, Role
from beredd.comms.models import Message
from beredd.comms.services import Recipient, mail_send
from beredd.reporting.models import CompiledPicture, RoundInstance, Submission

REMINDER_BEFORE = dt.timedelta(hours=2)
SUBMITTER_ROLES: list[str] = [Role.REPORTER, Role.COORDINATOR, Role.MAS]


def enqueue(job: Any, *args: Any, run_after: dt.datetime | None = None) -> None:
    """Enqueue a job; deferred jobs are skipped on backends that cannot defer (the test backend)."""
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return
        job = job.using(run_after=run_after)
    job.enqueue(*args)


def enqueue_instance_jobs(instance_id: int) -> None:
    instance = RoundInstance.objects.select_related("round").get(pk=instance_id)
    enqueue(send_issue_mail, instance_id)
    enqueue(send_reminder, instance_id, run_after=max(timezone.now(), instance.deadline - REMINDER_BEFORE))
    from beredd.reporting.services.rounds import next_as_of

    next_at = next_as_of(instance.round, instance.as_of)
    if next_at is not None:
        enqueue(create_next_instance, instance.round_id, instance.number, run_after=next_at)


def _emails_for(org_ids: Iterable[int], roles: list[str] | None = None) -> list[str]:
    qs = Membership.objects.current().filter(organisation_id__in=list(org_ids))
    if roles:
        qs = qs.filter(role__in=roles)
    return sorted(set(qs.values_list("user__email", flat=True)))


def _send(
    kind: str, subject: Promise, params: dict[str, Any], template: str, context: dict[str, Any], recipients: list[str], **kw: Any
) -> int:
    return mail_send(kind=kind, to=recipients, subject=subject, subject_params=params, template=template, context=context, **kw)


def _link(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _links_by_address(
    instance: RoundInstance, submissions: Iterable[Submission], *, reviewers: bool = True
) -> dict[str, list[str]]:
    """Each address with the links it needs: its own organisations' reports, and for a kommun's coordinators
    of a unit round the instance's roll-up where they review the answers."""
    out: dict[str, list[str]] = {}
    reviewer_kommuns: set[int] = set()
    for submission in submissions:
        for address in _emails_for([submission.organisation_id], SUBMITTER_ROLES):
            out.setdefault(address, []).append(_link("reporting:submission", submission.pk))
        if reviewers and submission.kommun_id and submission.kommun_id != submission.organisation_id:
            reviewer_kommuns.add(submission.kommun_id)
    for address in _emails_for(reviewer_kommuns, SUBMITTER_ROLES):
        out.setdefault(address, []).append(_link("reporting:rollup", instance.pk))
    return out


def _send_each(
    kind: str, subject: Promise, instance: RoundInstance, template: str, context: dict[str, Any], links: dict[str, list[str]]
) -> int:
    """One message per address, each linking to that recipient's own report(s)."""
    recipients = [Recipient(address=a, context={"link": urls[0], "links": urls}) for a, urls in sorted(links.items())]
    return mail_send(
        kind=kind,
        to=recipients,
        subject=subject,
        subject_params={"title": instance.round.title},
        template=template,
        context=context,
        organisation=instance.round.issuer,
        is_exercise=instance.round.is_exercise,
    )


@task()
def send_issue_mail(instance_id: int) -> int:
    """E-mail everyone who can answer for a recipient of the instance, with a link to their own report."""
    instance = RoundInstance.objects.select_related("round__issuer").get(pk=instance_id)
    submissions = list(instance.submissions.all())
    context = {"instance": instance, "round": instance.round}
    return _send_each(
        Message.Kind.ROUND_ISSUED,
        _("Situational report: %(title)s"),
        instance,
        "reporting/email/issued.txt",
        context,
        _links_by_address(instance, submissions),
    )


@task()
def send_reminder(instance_id: int) -> int:
    """Remind recipients that have not answered (once per instance), linking to the report to fill in."""
    instance = RoundInstance.objects.select_related("round").get(pk=instance_id)
    if instance.reminder_sent_at is not None or instance.round.status != "open":
        return 0
    missing = list(instance.submissions.exclude(status__in=Submission.ANSWERED))
    context = {"instance": instance, "round": instance.round}
    sent = _send_each(
        Message.Kind.ROUND_REMINDER,
        _("Reminder: %(title)s"),
        instance,
        "reporting/email/reminder.txt",
        context,
        _links_by_address(instance, missing, reviewers=False),
    )
    RoundInstance.objects.filter(pk=instance_id).update(reminder_sent_at=timezone.now())
    return sent


@task()
def create_next_instance(round_id: int, after_number: int) -> int | None:
    from beredd.reporting.services.rounds import instance_create_next

    instance = instance_create_next(round_id=round_id, after_number=after_number)
    return instance.pk if instance else None


@task()
def send_returned_mail(submission_id: int) -> int:
    submission = Submission.objects.select_related("instance__round", "organisation").get(pk=submission_id)
    context = {"submission": submission, "link": _link("reporting:submission", submission.pk)}
    return _send(
        Message.Kind.REPORT_RETURNED,
        _("Returned for completion: %(title)s"),
        {"title": submission.instance.round.title},
        "reporting/email/returned.txt",
        context,
        _emails_for([submission.organisation_id], SUBMITTER_ROLES),
        organisation=submission.instance.round.issuer,
        is_exercise=submission.instance.round.is_exercise,
    )


@task()
def send_feedback_mail(picture_id: int) -> int:
    """Tell everyone below the publishing org who took part in the instance that feedback is published."""
    picture = CompiledPicture.objects.select_related("instance__round", "organisation").get(pk=picture_id)
    recipient_paths = picture.instance.submissions.filter(org_path__startswith=picture.organisation.path).values_list(
        "org_path", flat=True
    )
    org_ids: set[int] = set()
    for path in recipient_paths:
        ids = [int(p) for p in path.strip("/").split("/") if p]
        org_ids.update(ids[picture.organisation.depth + 1 :])
    context = {"picture": picture, "link": _link("reporting:picture", picture.pk)}
    return _send(
        Message.Kind.FEEDBACK,
        _("Feedback: %(title)s"),
        {"title": picture.instance.round.title},
        "reporting/email/feedback.txt",
        context,
        _emails_for(org_ids),
        organisation=picture.organisation,
        is_exercise=picture.instance.round.is_exercise,
    )
