"""Targeting an incident area: needs counts from the register (suppressed, never names), e-mail to staff and
private providers, a printable notice per unit, confirmation per unit and who is left."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.comms.models import Delivery
from beredd.comms.services import targeting
from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.register import selectors as register_selectors
from beredd.register import services as register_services
from beredd.register.tests.helpers import make_person, square

pytestmark = pytest.mark.frozen_now  # the incident is in force until hours from now; reminders go to who is left

FILL = {"tid": "kl. 18.00", "plats": "Söder", "telefon": "026-17 80 00"}


@pytest.fixture
def incident(world: Any) -> Any:
    for i in range(12):
        make_person(
            world.gavle,
            world.unit,
            last_name=f"Söder{i}",
            language="arabiska" if i < 7 else "",
            interpreter=i < 6,
            easy_swedish=i < 3,
        )
    make_person(world.gavle, world.private, last_name="Norrlund", vision_impaired=True)
    make_person(world.gavle, world.private, last_name="Utanför", lat=61.5, lon=16.0)
    return register_services.incident_activate(
        actor=world.coord,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=12),
        area_geojson=square(60.675, 17.14),
    )


def test_needs_counts_are_suppressed_for_someone_without_identity_access_and_never_name_anyone(
    world: Any, incident: Any, ref: Any, make_user: Any
) -> None:
    county = make_user(ref["gavleborg"], "coordinator")
    needs = register_selectors.incident_needs_counts(user=county, incident=incident)
    assert needs.suppressed
    shown = {k: c.shown for k, c in needs.cells.items()}
    assert (
        shown["total"] == "13"
        and shown["interpreter"] == "6"
        and shown["vision_impaired"] == "<5"
        and shown["easy_swedish"] == "<5"
    )
    assert needs.languages[0][0] == "arabiska" and needs.languages[0][1]["speakers"].shown == "7"
    # The MAS, and the kommun's coordinator designated in the active incident, may see identities: exact numbers.
    for user in (world.mas, world.coord):
        exact = register_selectors.incident_needs_counts(user=user, incident=incident)
        assert not exact.suppressed and exact.cells["vision_impaired"].shown == "1" and exact.cells["easy_swedish"].shown == "3"
    with pytest.raises(NotFoundError):
        register_selectors.incident_needs_counts(user=world.outsider, incident=incident)


def test_the_send_page_shows_counts_and_units_without_names(
    world: Any, incident: Any, prepared: Any, client: Client, ref: Any, make_user: Any
) -> None:
    client.force_login(make_user(ref["gavleborg"], "coordinator"))
    page = client.get(reverse("comms:send", args=[prepared.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Hemtjänst Söder" in html and "Omsorg AB Norr" in html and "&lt;5" in html
    assert "Söder0" not in html and "Norrlund" not in html and "Förnamn" not in html


def test_sending_mails_staff_and_providers_and_prints_a_notice_per_unit_and_tracks_who_is_left(
    world: Any, incident: Any, prepared: Any, client: Client
) -> None:
    world.private.email = "kontakt@omsorgab.test"
    world.private.save()
    email_msg, print_msg = targeting.send_to_incident(
        actor=world.coord, bank_message=prepared, incident=incident, fill=FILL, email_staff=True, print_units=True
    )
    assert {m.to[0] for m in mail.outbox} == {world.reporter.email, world.provider.email, "kontakt@omsorgab.test"}
    assert all("Strömavbrott i Söder" in m.subject for m in mail.outbox)
    notices = Delivery.objects.filter(message=print_msg)
    assert {d.organisation_id for d in notices} == {world.unit.pk, world.private.pk}
    reporter = Client()
    reporter.force_login(world.reporter)
    mine = notices.get(organisation=world.unit)
    pdf = reporter.get(reverse("comms:notice-pdf", args=[print_msg.pk, mine.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    reporter.post(reverse("comms:notice-confirm", args=[mine.pk]))
    client.force_login(world.coord)
    left = client.get(reverse("comms:message", args=[print_msg.pk]), {"status": "unconfirmed"})
    assert [d.organisation.name for d in left.context["page"]] == ["Omsorg AB Norr"]
    assert left.context["reach"][0]["confirmed"] == 1 and left.context["reach"][0]["left"] == 1


def test_a_send_with_an_empty_placeholder_sends_nothing_on_any_channel(
    world: Any, incident: Any, prepared: Any, client: Client
) -> None:
    client.force_login(world.coord)
    response = client.post(
        reverse("comms:send", args=[prepared.pk]),
        {"incident": incident.pk, "tid": "kl. 18", "plats": "", "telefon": "026", "email_staff": "on", "print_units": "on"},
    )
    assert response.status_code == 400 and "place" in response.content.decode().lower() or "plats" in response.content.decode()
    assert not Delivery.objects.exists() and not mail.outbox
    with pytest.raises(ValidationFailed):
        targeting.send_to_incident(
            actor=world.coord, bank_message=prepared, incident=incident, fill=FILL, email_staff=False, print_units=False
        )


def test_the_send_page_refuses_who_may_not_send(world: Any, incident: Any, prepared: Any, make_user: Any) -> None:
    for user in (world.outsider, world.reporter, make_user(world.gavle, "viewer"), make_user(world.gavle, "org_admin")):
        c = Client()
        c.force_login(user)
        assert c.get(reverse("comms:send", args=[prepared.pk])).status_code == 404
        assert (
            c.post(reverse("comms:send", args=[prepared.pk]), {"incident": incident.pk, **FILL, "email_staff": "on"}).status_code
            == 404
        )
    assert not Delivery.objects.exists()


def test_the_sender_reminds_the_units_left_and_nobody_once_all_confirmed(
    world: Any, incident: Any, prepared: Any, client: Client
) -> None:
    (notices,) = targeting.send_to_incident(
        actor=world.coord, bank_message=prepared, incident=incident, fill=FILL, email_staff=False, print_units=True
    )
    mine = Delivery.objects.get(message=notices, organisation=world.unit)
    c = Client()
    c.force_login(world.reporter)
    c.post(reverse("comms:notice-confirm", args=[mine.pk]))
    mail.outbox.clear()
    reporter_client = Client()
    reporter_client.force_login(world.reporter)
    assert reporter_client.post(reverse("comms:message-remind", args=[notices.pk])).status_code == 404
    client.force_login(world.coord)
    assert client.post(reverse("comms:message-remind", args=[notices.pk])).status_code == 302
    assert [m.to for m in mail.outbox] == [[world.provider.email]] and "Omsorg AB Norr" not in mail.outbox[0].subject
    Delivery.objects.filter(message=notices).update(confirmed_at=timezone.now())
    mail.outbox.clear()
    client.post(reverse("comms:message-remind", args=[notices.pk]))
    assert not mail.outbox
