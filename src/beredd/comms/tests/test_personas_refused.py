"""The root personas against one page and one endpoint: a message Gävle sent is not found for the outsider from
another län, and its sent log is empty for them; the kommun's own member sees both."""

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.comms.services import Recipient, message_send
from beredd.comms.tests.test_api import auth


def _sent(world: Any) -> Any:
    return message_send(
        actor=None,
        organisation=world.gavle,
        kind="crisis",
        recipients=[Recipient(address=world.mas.email)],
        subject="Besked",
        body="x",
    )


def test_the_outsider_cannot_open_the_kommuns_message(client: Client, world: Any, personas: Any) -> None:
    url = reverse("comms:message", args=[_sent(world).pk])
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
    client.force_login(personas.member)
    assert client.get(url).status_code == 200


def test_the_outsider_gets_nothing_of_the_kommuns_sent_log_over_the_api(client: Client, world: Any, personas: Any) -> None:
    message = _sent(world)
    outsider = auth(personas.outsider)
    assert client.get("/api/v1/comms/messages", **outsider).json()["count"] == 0
    assert client.get(f"/api/v1/comms/messages/{message.pk}/deliveries", **outsider).status_code == 404
    assert client.get("/api/v1/comms/messages", **auth(personas.member)).json()["count"] == 1
