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
from beredd.register.tests.factories import make_person, square


def auth(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_sent_log_is_scoped_to_the_organisation(people: Any, client: Client) -> None:
    m = message_send(
        actor=None,
        organisation=people.gavle,
        kind="crisis",
        recipients=[Recipient(address=people.mas.email)],
        subject="Besked",
        body="x",
    )
    mine = client.get("/api/v1/comms/messages", **auth(people.coord)).json()
    assert mine["count"] == 1 and mine["items"][0]["kind_label"] == "Krismeddelande" and mine["items"][0]["sent"] == 1
    assert client.get("/api/v1/comms/messages", **auth(people.outsider)).json()["count"] == 0
    assert client.get(f"/api/v1/comms/messages/{m.pk}/deliveries", **auth(people.outsider)).status_code == 404
    assert (
        client.get(f"/api/v1/comms/messages/{m.pk}/deliveries", **auth(people.coord)).json()["items"][0]["status_label"]
        == "Skickad"
    )


def test_only_the_unit_confirms_its_notice_over_the_api(people: Any, client: Client) -> None:
    m = message_send(
        actor=people.coord,
        organisation=people.gavle,
        kind="crisis",
        recipients=[Recipient(organisation_id=people.unit.pk)],
        texts={"sv": ("A", "B")},
        channel="print",
    )
    d = Delivery.objects.get(message=m)
    assert client.post(f"/api/v1/comms/deliveries/{d.pk}/confirm", **auth(people.provider)).status_code == 404
    assert client.post(f"/api/v1/comms/deliveries/{d.pk}/confirm", **auth(people.reporter)).status_code == 200
    assert AuditEvent.objects.filter(action="comms.delivery_confirm", via="api").count() == 1


def test_review_and_approval_over_the_api_follow_the_two_roles(people: Any, client: Client) -> None:
    item = bank.bank_create(actor=people.mas, organisation=people.gavle, title="API", scenario="power_cut", audience="staff")
    v = bank.version_create(actor=people.mas, bank_message=item, language="sv", subject="S", body="T")
    assert client.post(f"/api/v1/comms/versions/{v.pk}/approve", **auth(people.mas)).status_code == 422  # not reviewed
    assert client.post(f"/api/v1/comms/versions/{v.pk}/review", **auth(people.mas)).status_code == 404  # not communications
    assert client.post(f"/api/v1/comms/versions/{v.pk}/review", **auth(people.outsider)).status_code == 404
    assert client.post(f"/api/v1/comms/versions/{v.pk}/review", **auth(people.coord)).json()["status"] == "reviewed"
    assert client.post(f"/api/v1/comms/versions/{v.pk}/approve", **auth(people.coord)).status_code == 404
    assert client.post(f"/api/v1/comms/versions/{v.pk}/approve", **auth(people.mas)).json()["status_label"] == "Godkänd"


def test_sending_over_the_api_refuses_outsiders_and_empty_placeholders(people: Any, prepared: Any, client: Client) -> None:
    make_person(people.gavle, people.unit)
    incident = register_services.incident_activate(
        actor=people.coord,
        kommun=people.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=4),
        area_geojson=square(60.675, 17.14),
    )
    url = f"/api/v1/comms/bank/{prepared.pk}/send"
    payload = {"incident_id": incident.pk, "tid": "kl. 18", "plats": "Söder", "telefon": "026"}
    for user in (people.outsider, people.reporter):
        assert client.post(url, payload, content_type="application/json", **auth(user)).status_code == 404
    bad = client.post(url, payload | {"plats": ""}, content_type="application/json", **auth(people.coord))
    assert bad.status_code == 422 and not Message.objects.exists()
    ok = client.post(url, payload, content_type="application/json", **auth(people.coord))
    assert ok.status_code == 201 and len(ok.json()) == 2
    assert AuditEvent.objects.filter(action="comms.message_send", via="api").count() == 2
