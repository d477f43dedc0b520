"""The root personas against one page and one endpoint: a kommun's risk and vulnerability analysis is not found
for the outsider from another län, and opens for the kommun's own member."""

from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.preparedness.tests.test_api import auth


def test_the_outsider_cannot_open_the_kommuns_rsa_page(client: Client, world: SimpleNamespace, personas: Any) -> None:
    url = reverse("preparedness:rsa-detail", args=[world.rsa.pk])
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
    client.force_login(personas.member)
    assert client.get(url).status_code == 200


def test_the_outsider_cannot_read_the_kommuns_rsa_or_plans_over_the_api(
    client: Client, world: SimpleNamespace, personas: Any
) -> None:
    outsider = auth(personas.outsider)
    assert client.get(f"/api/v1/preparedness/rsa/{world.rsa.pk}", **outsider).status_code == 404
    assert client.get(f"/api/v1/preparedness/orgs/{personas.kommun.pk}/plans", **outsider).status_code == 404
    assert client.get(f"/api/v1/preparedness/rsa/{world.rsa.pk}", **auth(personas.member)).status_code == 200
