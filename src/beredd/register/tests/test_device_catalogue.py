"""The device catalogue: everyone with the register sees it, only a national admin extends it, and a bad code is
refused."""

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.register.tests.helpers import login


def test_only_a_national_admin_extends_the_device_catalogue(client: Client, world: Any) -> None:
    from beredd.register.models import Device

    data = {"code": "cough_assist", "name": "Hostmaskin", "life_sustaining": "on", "is_active": "on"}
    for persona in ("mas", "lan_coordinator", "coordinator"):
        login(client, getattr(world, persona))
        assert client.get(reverse("register:devices")).status_code == 200
        assert client.post(reverse("register:devices"), data).status_code == 404
    assert not Device.objects.filter(code="cough_assist").exists()
    login(client, world.national)
    assert client.post(reverse("register:devices"), data).status_code == 302
    assert Device.objects.get(code="cough_assist").life_sustaining
    bad = client.post(reverse("register:devices"), data | {"code": "X y"})
    assert bad.status_code == 200 and Device.objects.count() == 9
