"""A heat checklist on the pages: the unit finds it open on its dashboard and acknowledges it, and the coordinator
sees who has and who is left."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.frozen_now  # the world's heat warning (20-23 June 2026) is in force


def test_the_unit_acknowledges_and_the_coordinator_sees_it(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.unit, "reporter"))
    assert client.post(reverse("preparedness:heat-notice", args=[world.notice.pk]), {"items": ["fluids"]}).status_code == 302
    client.force_login(world.coordinator)
    response = client.get(reverse("preparedness:heat-activation", args=[world.activation.pk]))
    assert [n.unit for n in response.context["acknowledged"]] == [world.unit]
    assert response.context["stragglers"] == []


def test_the_dashboard_shows_the_preparedness_panel_with_open_heat_checklists(
    client: Client, world: SimpleNamespace, make_user: Any
) -> None:
    client.force_login(make_user(world.unit, "reporter"))
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert reverse("preparedness:heat-notice", args=[world.notice.pk]) in response.content.decode()
