"""Export, import and the log review are only for the kommun's MAS: its coordinator, a unit's MAS, the county's
MAS, a viewer and a national admin are refused."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.register.tests.helpers import login


@pytest.mark.parametrize("persona", ["coordinator", "unit_mas", "lan_mas", "viewer", "national"])
def test_export_import_and_log_review_are_only_for_the_kommuns_mas(client: Client, world: Any, persona: str) -> None:
    login(client, getattr(world, persona))
    assert client.get(reverse("register:export")).status_code in {403, 404}
    assert client.get(reverse("register:import")).status_code in {403, 404}
    assert client.get(reverse("register:log")).status_code == 404
