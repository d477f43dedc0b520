"""The comms API refuses the wrong token per rule and writes through the same audited services."""

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.comms.models import Delivery, Message
from beredd.comms.services import Recipient, bank, message_send
from beredd.core.models import AuditEvent
from beredd.register import services as register_services
from beredd.register.tests.helpers import make_person, square


def auth(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_sent_log_is_scoped_to_the_organisation(world: Any, client: Client) -> None:
    m = message_send(
        actor=None,
        organisation=world.gavle,
        kind="crisis",
        recipients=[Recipient(address=world.mas.email)],
        subject="Besked",
        body="x",
    )
    mine = client.get("/api/v1/comms/messages", **auth(world.coord)).json()
    assert mine["count"] == 1 and mine["items"][0]["kind_label"] == "Krismeddelande" and mine["items"][0]["sent"] == 1
    assert client.get("/api/v1/comms/messages", **auth(world.outsider)).json()["count"] == 0
    assert client.get(f"/api/v1/comms/messages/{m.pk}/deliveries", **auth(world.outsider)).status_code == 404
    assert (
        client.get(f"/api/v1/comms/messages/{m.pk}/deliveries", **auth(world.coord)).json()["items"][0]["status_label"]
        == "Skickad"
    )


def test_only_the_unit_confirms_its_notice_over_the_api(world: Any, client: Client) -> None:
    m = message_send(
        actor=world.coord,
        organisation=world.gavle,
        kind="crisis",
        recipients=[Recipient(organisation_id=world.unit.pk)],
        texts={"sv": ("A", "B")},
        channel="print",
    )
    d = Delivery.objects.get(message=m)
    assert client.post(f"/api/v1/comms/deliveries/{d.pk}/confirm", **auth(world.provider)).status_code == 404
    assert client.post(f"/api/v1/comms/deliveries/{d.pk}/confirm", **auth(world.reporter)).status_code == 200
    assert AuditEvent.objects.filter(action="comms.delivery_confirm", via="api").count() == 1


def test_review_and_approval_over_the_api_follow_the_two_roles(world: Any, client: Client) -> None:
    item = bank.bank_create(actor=world.mas, organisation=world.gavle, title="API", scenario="power_cut", audience="staff")
    v = bank.version_create(actor=world.mas, bank_message=item, language="sv", subject="S", body="T")
    assert client.post(f"/api/v1/comms/versions/{v.pk}/approve", **auth(world.mas)).status_code == 422  # not reviewed
    assert client.post(f"/api/v1/comms/versions/{v.pk}/review", **auth(world.mas)).status_code == 404  # not communications
    assert client.post(f"/api/v1/comms/versions/{v.pk}/review", **auth(world.outsider)).status_code == 404
    assert client.post(f"/api/v1/comms/versions/{v.pk}/review", **auth(world.coord)).json()["status"] == "reviewed"
    assert client.post(f"/api/v1/comms/versions/{v.pk}/approve", **auth(world.coord)).status_code == 404
    assert client.post(f"/api/v1/comms/versions/{v.pk}/approve", **auth(world.mas)).json()["status_label"] == "Godkänd"


def test_sending_over_the_api_refuses_outsiders_and_empty_placeholders(world: Any, prepared: Any, client: Client) -> None:
    make_person(world.gavle, world.unit)
    incident = register_services.incident_activate(
        actor=world.coord,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=4),
        area_geojson=square(60.675, 17.14),
    )
    url = f"/api/v1/comms/bank/{prepared.pk}/send"
    payload = {"incident_id": incident.pk, "tid": "kl. 18", "plats": "Söder", "telefon": "026"}
    for user in (world.outsider, world.reporter):
        assert client.post(url, payload, content_type="application/json", **auth(user)).status_code == 404
    bad = client.post(url, payload | {"plats": ""}, content_type="application/json", **auth(world.coord))
    assert bad.status_code == 422 and not Message.objects.exists()
    ok = client.post(url, payload, content_type="application/json", **auth(world.coord))
    assert ok.status_code == 201 and len(ok.json()) == 2
    assert AuditEvent.objects.filter(action="comms.message_send", via="api").count() == 2
