"""Background jobs: mail on issue, a reminder only to those who have not answered, the next recurring instance."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail

from beredd.reporting import tasks
from beredd.reporting.models import RoundInstance, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue

pytestmark = pytest.mark.frozen_now  # deadlines 20 hours from now; reminders before them


def test_issuing_mails_everyone_who_can_answer(world: SimpleNamespace, django_capture_on_commit_callbacks: Any) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        round_ = issue(world, is_exercise=True)
    to = {m.to[0] for m in mail.outbox}
    assert {
        getattr(world, k).email
        for k in ("g1_reporter", "g2_reporter", "s1_reporter", "s2_reporter", "gavle_coord", "sandviken_coord")
    } <= to
    assert world.outsider.email not in to
    assert all(m.subject.startswith("[ÖVNING]") for m in mail.outbox)
    assert round_.instances.count() == 1


def test_the_reminder_goes_only_to_those_who_have_not_answered_and_only_once(world: SimpleNamespace) -> None:
    round_ = issue(world)
    services.submission_submit(actor=world.g1_reporter, submission=Submission.objects.get(organisation=world.g1), data=GOOD)
    instance = round_.instances.get()
    mail.outbox.clear()
    tasks.send_reminder.call(instance.pk)
    to = {m.to[0] for m in mail.outbox}
    assert world.g1_reporter.email not in to and world.g2_reporter.email in to
    mail.outbox.clear()
    assert tasks.send_reminder.call(instance.pk) == 0 and not mail.outbox


@pytest.mark.frozen_now(dt.datetime(2027, 7, 1, 6, 0, tzinfo=dt.UTC), tick=False)  # 08:00 in Stockholm (CEST)
def test_a_daily_round_gets_its_next_instance_at_the_set_time(world: SimpleNamespace) -> None:
    round_ = issue(world, recurrence="daily", recurrence_time=dt.time(10, 0))
    first = round_.instances.get()
    assert round_services.next_as_of(round_, first.as_of) == dt.datetime(2027, 7, 1, 8, 0, tzinfo=dt.UTC)  # 10:00 CEST
    tasks.create_next_instance.call(round_.pk, 1)
    second = RoundInstance.objects.get(round=round_, number=2)
    assert Submission.objects.filter(instance=second).count() == 4
    assert second.deadline - second.as_of == dt.timedelta(hours=20)
    round_services.round_close(actor=world.national, round_=round_)
    assert tasks.create_next_instance.call(round_.pk, 2) is None


def test_issue_and_reminder_mails_link_to_the_recipients_own_report(
    world: SimpleNamespace, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.SITE_URL = "http://127.0.0.1:8102"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        round_ = issue(world)
    instance = round_.instances.get()
    own = Submission.objects.get(instance=instance, organisation=world.g2)
    other = Submission.objects.get(instance=instance, organisation=world.g1)
    message = next(m for m in mail.outbox if m.to == [world.g2_reporter.email])
    assert f"http://127.0.0.1:8102/lagesbild/svar/{own.pk}/" in message.body
    assert f"/svar/{other.pk}/" not in message.body
    mail.outbox.clear()
    tasks.send_reminder.call(instance.pk)
    message = next(m for m in mail.outbox if m.to == [world.g2_reporter.email])
    assert f"http://127.0.0.1:8102/lagesbild/svar/{own.pk}/" in message.body
