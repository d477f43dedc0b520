"""The sent log, a message's deliveries, confirmations by link, by the unit and by phone; the wrong person is refused."""

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.comms.models import Delivery, Message
from beredd.comms.services import Recipient, message_send
from beredd.core.models import AuditEvent


def _login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def _notice(world: Any) -> Message:
    return message_send(
        actor=world.coord,
        organisation=world.gavle,
        kind=Message.Kind.CRISIS,
        recipients=[Recipient(organisation_id=world.unit.pk), Recipient(organisation_id=world.private.pk)],
        texts={"sv": ("Strömavbrott i Söder", "Håll dig varm.")},
        channel="print",
    )


def test_the_organisation_sees_what_was_sent_on_its_behalf_with_search_and_paging(world: Any, client: Client) -> None:
    for i in range(30):
        message_send(
            actor=None,
            organisation=world.gavle,
            kind="crisis",
            recipients=[Recipient(address=world.mas.email)],
            subject=f"Besked {i:02d}",
            body="x",
        )
    message_send(
        actor=None,
        organisation=world.sandviken,
        kind="crisis",
        recipients=[Recipient(address=world.outsider.email)],
        subject="Sandvikens besked",
        body="x",
    )
    page = _login(client, world.coord).get(reverse("comms:index"))
    assert page.status_code == 200 and page.context["page"].paginator.count == 30 and len(page.context["page"]) == 25
    assert "Sandvikens besked" not in page.content.decode()
    found = client.get(reverse("comms:index"), {"q": "Besked 07", "sort": "subject"})
    assert [m.subject for m in found.context["page"]] == ["Besked 07"]


def test_a_message_shows_each_delivery_and_its_reach_and_refuses_an_outsider(world: Any, client: Client) -> None:
    message = _notice(world)
    page = _login(client, world.coord).get(reverse("comms:message", args=[message.pk]))
    assert page.status_code == 200 and page.context["reach"][0]["left"] == 2
    assert "Hemtjänst Söder" in page.content.decode()
    assert _login(Client(), world.outsider).get(reverse("comms:message", args=[message.pk])).status_code == 404
    # A reporter at a unit may confirm notices but not read the sender's log.
    assert _login(Client(), world.reporter).get(reverse("comms:message", args=[message.pk])).status_code == 404
    assert _login(Client(), world.reporter).get(reverse("comms:index")).context["page"].paginator.count == 0


def test_a_unit_confirms_its_own_notice_and_the_sender_sees_who_is_left(world: Any, client: Client) -> None:
    message = _notice(world)
    mine = Delivery.objects.get(message=message, organisation=world.unit)
    theirs = Delivery.objects.get(message=message, organisation=world.private)
    reporter = _login(client, world.reporter)
    listed = reporter.get(reverse("comms:notices"))
    assert [d.pk for d in listed.context["page"]] == [mine.pk]
    pdf = reporter.get(reverse("comms:notice-pdf", args=[message.pk, mine.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert reporter.get(reverse("comms:notice-pdf", args=[message.pk, theirs.pk])).status_code == 404
    assert reporter.post(reverse("comms:notice-confirm", args=[theirs.pk])).status_code == 404
    assert reporter.post(reverse("comms:notice-confirm", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.confirmed_at and mine.confirmed_by == world.reporter and theirs.confirmed_at is None
    assert AuditEvent.objects.filter(action="comms.delivery_confirm").count() == 1
    left = _login(Client(), world.coord).get(reverse("comms:message", args=[message.pk]), {"status": "unconfirmed"})
    assert [d.pk for d in left.context["page"]] == [theirs.pk]


def test_the_sender_records_a_confirmation_by_phone_and_a_viewer_may_not(world: Any, client: Client, make_user: Any) -> None:
    message = _notice(world)
    d = Delivery.objects.get(message=message, organisation=world.private)
    admin = make_user(world.gavle, "org_admin")
    assert _login(Client(), admin).post(reverse("comms:delivery-confirm", args=[message.pk, d.pk])).status_code == 404
    assert _login(client, world.coord).post(reverse("comms:delivery-confirm", args=[message.pk, d.pk])).status_code == 302
    d.refresh_from_db()
    assert d.confirmed_at and AuditEvent.objects.get(action="comms.delivery_confirm").via == "phone"


def test_the_link_in_a_message_confirms_on_post_only(world: Any, client: Client) -> None:
    from django.core import mail

    message_send(
        actor=world.coord,
        organisation=world.gavle,
        kind="crisis",
        recipients=[Recipient(address=world.provider.email)],
        subject="X",
        body="Y",
        confirmable=True,
    )
    link = mail.outbox[0].body.rsplit(" ", 1)[-1].strip()
    path = link.split("127.0.0.1:8000", 1)[-1]
    assert client.get(path).status_code == 200
    d = Delivery.objects.get()
    assert d.confirmed_at is None  # a link scanner's GET confirms nothing
    assert client.post(path).status_code == 200
    d.refresh_from_db()
    assert d.confirmed_at is not None
    assert client.get(reverse("comms:confirm", args=["fel-token"])).status_code == 404
    assert client.post(reverse("comms:confirm", args=["fel-token"])).status_code == 404


def test_retry_is_for_senders_only(world: Any, client: Client) -> None:
    message = _notice(world)
    assert _login(Client(), world.reporter).post(reverse("comms:message-retry", args=[message.pk])).status_code == 404
    assert _login(client, world.coord).post(reverse("comms:message-retry", args=[message.pk])).status_code == 302


def test_a_notice_shows_on_its_units_dashboard_until_confirmed(world: Any, client: Client) -> None:
    message = _notice(world)
    reporter = _login(client, world.reporter)
    assert "Strömavbrott i Söder" in reporter.get("/").content.decode()
    assert "Strömavbrott i Söder" not in _login(Client(), world.outsider).get("/").content.decode()
    reporter.post(reverse("comms:notice-confirm", args=[Delivery.objects.get(message=message, organisation=world.unit).pk]))
    assert "Strömavbrott i Söder" not in reporter.get("/").content.decode()
