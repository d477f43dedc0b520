"""Resident record pages: the kommun's MAS lists (once a purpose is given), opens and exports, each logged; a unit's
MAS sees only her units' residents; everyone else is refused, and the refusal is logged; the MAS creates a record
through the form."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.register.models import AccessLog, Person
from beredd.register.tests.helpers import login


def test_the_mas_lists_opens_and_exports_and_each_is_logged(client: Client, world: Any, people: dict[str, Any]) -> None:
    login(client, world.mas)
    page = client.get(reverse("register:index"))
    assert page.status_code == 200 and b"Ekberg-" not in page.content  # no list before a purpose is stated
    page = client.get(reverse("register:index"), {"purpose": "preparedness", "q": ""})
    assert b"Ekberg-" in page.content and b"Bergman-" in page.content
    assert AccessLog.objects.filter(action="list", purpose="preparedness").count() == 2
    detail = client.get(reverse("register:person-detail", args=[people["a"].pk]), {"purpose": "care"})
    assert detail.status_code == 200 and b"Syrgaskoncentrator" in detail.content
    export = client.post(reverse("register:export"), {"purpose": "Transfer to the new system", "confirm": "on"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert AccessLog.objects.filter(action="export", purpose="Transfer to the new system").count() == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lan_coordinator", 403), ("coordinator", 403), ("viewer", 403), ("sandviken_mas", 404), ("unit_reporter", 404)],
)
def test_others_cannot_open_a_record(client: Client, world: Any, people: dict[str, Any], persona: str, status: int) -> None:
    login(client, getattr(world, persona))
    assert client.get(reverse("register:person-detail", args=[people["a"].pk])).status_code == status
    assert AccessLog.objects.filter(action="denied", person_id=people["a"].pk).count() == 1
    page = client.get(reverse("register:index"), {"purpose": "care"})
    assert b"Ekberg-" not in page.content


def test_a_unit_mas_sees_only_her_units_residents(client: Client, world: Any, people: dict[str, Any]) -> None:
    login(client, world.unit_mas)
    page = client.get(reverse("register:index"), {"purpose": "care"})
    assert b"Ekberg-" in page.content and b"Bergman-" not in page.content
    assert client.get(reverse("register:person-detail", args=[people["b"].pk])).status_code == 404


def test_the_mas_creates_a_record_through_the_form(client: Client, world: Any) -> None:
    login(client, world.mas)
    data = {
        "personnummer": "19121212-1212",
        "first_name": "Tolvan",
        "last_name": "Tolvansson",
        "address": "Gatan 1",
        "postcode": "80250",
        "locality": "Gävle",
        "unit": str(world.unit_a.pk),
        "devices-TOTAL_FORMS": "1",
        "devices-INITIAL_FORMS": "0",
        "devices-0-device": "home_ventilator",
        "devices-0-battery_hours": "4",
        "legal_basis": "consent",
        "review_date": "2027-01-01",
        "lat": "60.67",
        "lon": "17.14",
    }
    bad = client.post(reverse("register:person-create"), data | {"personnummer": "19121212-1213"})
    assert bad.status_code == 200 and not Person.objects.exists()
    response = client.post(reverse("register:person-create"), data)
    person = Person.objects.get()
    assert response.status_code == 302 and person.devices.get().battery_hours == 4
    edit = client.get(reverse("register:person-edit", args=[person.pk]))
    assert b"19121212-1212" in edit.content
