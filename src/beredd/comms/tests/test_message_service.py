"""The one message service: a delivery per recipient in their language, ÖVNING marked, failures kept and retried."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy

from beredd.comms import tasks
from beredd.comms.models import Delivery, Message
from beredd.comms.services import Recipient, mail_send, message_send
from beredd.comms.services.messages import MAX_ATTEMPTS
from beredd.core.exceptions import ValidationFailed
from beredd.core.models import AuditEvent

SUBJECT = gettext_lazy("Situational report: %(title)s")


def test_each_recipient_gets_the_message_in_their_own_language(world: Any) -> None:
    world.reporter.preferred_language = "en"
    world.reporter.save()
    n = mail_send(
        kind=Message.Kind.ROUND_ISSUED,
        to=[world.reporter.email, world.mas.email],
        subject=SUBJECT,
        subject_params={"title": "Storm"},
        organisation=world.gavle,
    )
    assert n == 2
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {world.reporter.email: "Situational report: Storm", world.mas.email: "Lägesbild: Storm"}
    rows = {d.address: d for d in Delivery.objects.all()}
    assert rows[world.reporter.email].language == "en" and rows[world.reporter.email].user_id == world.reporter.pk
    assert all(d.status == Delivery.Status.SENT and d.attempts == 1 and d.sent_at for d in rows.values())
    assert AuditEvent.objects.filter(action="comms.message_send", organisation=world.gavle).count() == 1


def test_an_exercise_is_marked_the_same_way_in_every_language(world: Any) -> None:
    world.reporter.preferred_language = "en"
    world.reporter.save()
    mail_send(
        kind=Message.Kind.INCIDENT,
        to=[world.reporter.email, world.mas.email],
        subject=SUBJECT,
        subject_params={"title": "Storm"},
        body="Text",
        is_exercise=True,
    )
    by = {m.to[0]: m for m in mail.outbox}
    assert by[world.mas.email].subject == "[ÖVNING] Lägesbild: Storm"
    assert by[world.reporter.email].subject == "[ÖVNING / EXERCISE] Situational report: Storm"
    sv_body = by[world.mas.email].body
    assert sv_body.startswith("ÖVNING – ÖVNING – ÖVNING\n") and sv_body.rstrip().endswith("ÖVNING – ÖVNING – ÖVNING")
    assert Message.objects.get().subject.startswith("[ÖVNING]")


def test_a_message_without_recipients_is_refused_and_nothing_is_saved(world: Any) -> None:
    with pytest.raises(ValidationFailed) as err:
        message_send(actor=world.coord, organisation=world.gavle, kind="crisis", recipients=[], subject="X", body="Y")
    assert "no recipients" in str(err.value.details[0]["message"]) or "inga mottagare" in str(err.value.details[0]["message"])
    assert not Message.objects.exists() and not mail.outbox
    assert mail_send(kind="crisis", to=[], subject="X", body="Y") == 0


def test_a_bad_address_is_named_and_nothing_is_saved_or_sent(world: Any) -> None:
    recipients = [Recipient(address=world.mas.email), Recipient(address="inte-en-adress")]
    with pytest.raises(ValidationFailed) as err:
        message_send(actor=world.coord, organisation=world.gavle, kind="crisis", recipients=recipients, subject="X", body="Y")
    assert err.value.details[0]["row"] == 2 and "inte-en-adress" in str(err.value.details[0]["message"])
    assert not Message.objects.exists() and not Delivery.objects.exists() and not mail.outbox


def test_a_notification_to_a_bad_address_is_kept_as_failed_and_the_rest_go_out(world: Any) -> None:
    assert mail_send(kind="incident", to=[world.mas.email, "inte-en-adress"], subject="X", body="Y") == 2
    bad = Delivery.objects.get(address="inte-en-adress")
    assert bad.status == "failed" and "inte-en-adress" in bad.error and bad.retry_at is None
    assert [m.to for m in mail.outbox] == [[world.mas.email]]
    tasks.deliver_due.call()
    bad.refresh_from_db()
    assert bad.attempts == 0 and len(mail.outbox) == 1


@pytest.mark.frozen_now(tick=False)
def test_a_refused_address_is_recorded_as_failed_with_the_reason_and_retried_with_back_off(
    world: Any, settings: Any, frozen_now: Any
) -> None:
    settings.EMAIL_BACKEND = "beredd.comms.tests.failing_backend.RefusingBackend"
    start = timezone.now()
    mail_send(kind="crisis", to=[world.mas.email, "borta@bounce.test"], subject="X", body="Y")
    ok, bad = Delivery.objects.get(address=world.mas.email), Delivery.objects.get(address="borta@bounce.test")
    assert ok.status == "sent" and [m.to for m in mail.outbox] == [[world.mas.email]]
    assert bad.status == "failed" and "SMTPRecipientsRefused" in bad.error and "User unknown" in bad.error
    assert bad.retry_at == start + dt.timedelta(minutes=1)
    # Not yet due: the sweep leaves it; after the back-off it is tried again (and fails again, waiting longer).
    frozen_now.move_to(start + dt.timedelta(seconds=30))
    assert tasks.deliver_due.call() == 0
    bad.refresh_from_db()
    assert bad.attempts == 1
    frozen_now.move_to(start + dt.timedelta(minutes=2))
    tasks.deliver_due.call()
    bad.refresh_from_db()
    assert bad.attempts == 2 and bad.retry_at == start + dt.timedelta(minutes=2 + 5)
    # The address is fixed at the server: the next retry goes out, and the row says so.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen_now.move_to(start + dt.timedelta(minutes=8))
    assert tasks.deliver_due.call() == 1
    bad.refresh_from_db()
    assert bad.status == "sent" and bad.attempts == 3 and ok.attempts == 1


@pytest.mark.frozen_now(tick=False)
def test_retries_stop_after_the_last_attempt_and_the_failure_stays_visible(world: Any, settings: Any, frozen_now: Any) -> None:
    settings.EMAIL_BACKEND = "beredd.comms.tests.failing_backend.RefusingBackend"
    mail_send(kind="crisis", to=["borta@bounce.test"], subject="X", body="Y")
    for _ in range(MAX_ATTEMPTS + 2):
        frozen_now.shift(dt.timedelta(hours=3))
        tasks.deliver_due.call()
    bad = Delivery.objects.get()
    assert bad.attempts == MAX_ATTEMPTS and bad.status == "failed" and bad.retry_at is None and bad.error


def test_attachments_go_with_every_delivery(world: Any) -> None:
    mail_send(
        kind="minutes",
        to=[world.mas.email, world.coord.email],
        subject="X",
        body="Y",
        attachments=[("a.pdf", b"%PDF-1.7", "application/pdf")],
    )
    assert len(mail.outbox) == 2 and all(m.attachments[0][0] == "a.pdf" for m in mail.outbox)


def test_per_recipient_context_renders_each_recipient_their_own_link(world: Any) -> None:
    message_send(
        actor=None,
        organisation=world.gavle,
        kind="round_issued",
        recipients=[
            Recipient(address=world.mas.email, context={"link": "A"}),
            Recipient(address=world.coord.email, context={"link": "B"}),
        ],
        subject="X",
        body="Länk: %(link)s",
    )
    assert {m.to[0]: m.body for m in mail.outbox} == {world.mas.email: "Länk: A", world.coord.email: "Länk: B"}


def test_a_text_message_goes_to_the_file_backend_and_a_bad_number_is_refused(world: Any, settings: Any, tmp_path: Any) -> None:
    settings.COMMS_SMS_FILE_PATH = tmp_path / "sms"
    message_send(
        actor=world.coord,
        organisation=world.gavle,
        kind="crisis",
        recipients=[Recipient(address="+46701234567")],
        subject="Strömavbrott",
        body="Håll dig varm.",
        channel="sms",
    )
    files = list((tmp_path / "sms").iterdir())
    assert len(files) == 1 and "Strömavbrott" in files[0].read_text(encoding="utf-8")
    assert Delivery.objects.get().status == "sent"
    with pytest.raises(ValidationFailed):
        message_send(
            actor=world.coord,
            organisation=world.gavle,
            kind="crisis",
            recipients=[Recipient(address="0701")],
            subject="X",
            body="Y",
            channel="sms",
        )
    assert Delivery.objects.count() == 1
