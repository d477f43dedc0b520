"""The round page and a report's history follow the hierarchy; only the issuer closes a round."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from beredd.reporting.tests.conftest import issue
from beredd.reporting.tests.helpers import as_user, sub


@pytest.mark.parametrize("who,status", [("national", 302), ("county", 403), ("gavle_coord", 403), ("outsider", 404)])
def test_only_the_issuer_can_close_a_round(client: Client, world: SimpleNamespace, who: str, status: int) -> None:
    round_ = issue(world)
    assert (
        as_user(client, getattr(world, who)).post(reverse("reporting:round-action", args=[round_.pk, "close"])).status_code
        == status
    )
    round_.refresh_from_db()
    assert round_.status == ("closed" if status == 302 else "open")


@pytest.mark.parametrize(
    "who,status", [("gavle_coord", 200), ("county", 200), ("g1_reporter", 200), ("g2_reporter", 404), ("outsider", 404)]
)
def test_round_page_and_history_follow_the_hierarchy(client: Client, world: SimpleNamespace, who: str, status: int) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    as_user(client, getattr(world, who))
    assert client.get(reverse("reporting:history", args=[s.pk])).status_code == status
    if who != "outsider":
        assert client.get(reverse("reporting:round", args=[round_.pk])).status_code == 200
