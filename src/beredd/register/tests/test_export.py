"""Exporting the whole register asks for a purpose and a confirmation, by POST, and logs the purpose."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.register.models import AccessLog
from beredd.register.tests.helpers import make_person

GOOD = {"purpose": "Överföring till nytt verksamhetssystem (dnr 2026/12)", "confirm": "on"}


@pytest.fixture
def mas(world: Any) -> Client:
    make_person(world.gavle, world.unit_a, last_name="Ahl")
    make_person(world.gavle, world.unit_b, last_name="Berg")
    client = Client()
    client.force_login(world.mas)
    return client


def test_a_get_shows_the_purpose_form_and_exports_nothing(mas: Client) -> None:
    page = mas.get(reverse("register:export"), {"purpose": "export"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert b"Ahl" not in page.content and b'name="purpose"' in page.content and b'name="confirm"' in page.content
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"confirm": "on"},
        {"purpose": "", "confirm": "on"},
        {"purpose": "   ", "confirm": "on"},
        {"purpose": "x", "confirm": "on"},
        {"purpose": "a" * 201, "confirm": "on"},
        {"purpose": GOOD["purpose"]},
    ],
    ids=["missing", "empty", "blank", "too-short", "too-long", "not-confirmed"],
)
def test_an_empty_or_unconfirmed_request_is_refused_and_exports_nothing(mas: Client, data: dict[str, str]) -> None:
    page = mas.post(reverse("register:export"), data)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert b'id="error-summary"' in page.content and b"Ahl" not in page.content
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_the_export_is_access_logged_with_its_purpose_one_row_per_resident(mas: Client, world: Any) -> None:
    response = mas.post(reverse("register:export"), GOOD)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "Ahl" in response.content.decode("utf-8-sig")
    rows = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert rows.count() == 2 and set(rows.values_list("purpose", flat=True)) == {GOOD["purpose"]}
    assert set(rows.values_list("user", flat=True)) == {world.mas.pk}


@pytest.mark.parametrize("persona", ["coordinator", "unit_mas", "lan_mas", "viewer", "org_admin"])
def test_others_can_neither_see_the_form_nor_export(world: Any, persona: str) -> None:
    make_person(world.gavle, world.unit_a, last_name="Ahl")
    client = Client()
    client.force_login(getattr(world, persona))
    assert client.get(reverse("register:export")).status_code in {403, 404}
    response = client.post(reverse("register:export"), GOOD)
    assert response.status_code in {403, 404} and b"Ahl" not in response.content
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
