"""The register API: MAS tokens of the owning kommun get identities; everyone else is refused and logged."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.register import services
from beredd.register.models import AccessLog, Person
from beredd.register.tests.helpers import make_person, square


def bearer(user: Any) -> dict[str, str]:
    membership = Membership.objects.filter(user=user).first()
    _token, secret = token_create(actor=user, membership=membership, name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def person(world: Any) -> Person:
    return make_person(world.gavle, world.unit_a, last_name="Ekberg-", devices={"home_ventilator": 3})


def test_a_mas_token_lists_and_opens_records_and_every_call_is_logged(client: Client, world: Any, person: Person) -> None:
    auth = bearer(world.mas)
    listed = client.get("/api/v1/register/persons", **auth)
    assert listed.status_code == 200 and [p["last_name"] for p in listed.json()] == ["Ekberg-"]
    assert "personnummer" not in listed.json()[0]
    one = client.get(f"/api/v1/register/persons/{person.pk}?purpose=kontroll", **auth).json()
    assert len(one["personnummer"]) == 12 and one["devices"][0]["battery_hours"] == 3.0
    assert set(AccessLog.objects.filter(via="api").values_list("action", flat=True)) == {"list", "view"}
    export = client.get("/api/v1/register/export", **auth)
    assert export.status_code == 200 and b"Ekberg-" in export.content


@pytest.mark.parametrize("persona", ["lan_coordinator", "national", "lan_mas"])
def test_county_and_national_tokens_get_403_for_identities_and_the_attempt_is_logged(
    client: Client, world: Any, person: Person, persona: str
) -> None:
    auth = bearer(getattr(world, persona))
    assert client.get(f"/api/v1/register/persons/{person.pk}", **auth).status_code == 403
    assert client.get(f"/api/v1/register/persons?kommun_id={world.gavle.pk}", **auth).status_code == 403
    assert client.get(f"/api/v1/register/export?kommun_id={world.gavle.pk}", **auth).status_code == 403
    assert AccessLog.objects.filter(action="denied", via="api", user=getattr(world, persona)).count() == 3
    counts = client.get(f"/api/v1/register/counts?org_id={world.gavleborg.pk}", **auth)
    assert counts.status_code == 200
    gavle = next(r for r in counts.json()["rows"] if r["kommun_code"] == "2180")
    assert gavle["counts"]["total"] == "<5" and "Ekberg-" not in counts.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("sandviken_mas", 404), ("unit_reporter", 404), ("coordinator", 403)])
def test_other_tokens_are_refused(client: Client, world: Any, person: Person, persona: str, status: int) -> None:
    auth = bearer(getattr(world, persona))
    assert client.get(f"/api/v1/register/persons/{person.pk}", **auth).status_code == status
    # A kommun's list names no record (kommun ids are public): 403 for everyone without access, and logged.
    assert client.get(f"/api/v1/register/persons?kommun_id={world.gavle.pk}", **auth).status_code == 403
    assert AccessLog.objects.filter(action="denied", via="api", user=getattr(world, persona), kommun=world.gavle).count() == 2


def test_a_token_of_a_mas_holding_another_role_acts_only_as_the_tokens_membership(
    client: Client, world: Any, person: Person
) -> None:
    user = world.mas
    Membership.objects.create(user=user, organisation=world.sandviken, role="viewer")
    membership = Membership.objects.get(user=user, organisation=world.sandviken)
    _t, secret = token_create(actor=user, membership=membership, name="viewer-token", days=3)
    # As a viewer (counts only) the token is refused every record id alike: 403, never the record.
    response = client.get(f"/api/v1/register/persons/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403 and b"Ekberg" not in response.content


def test_create_validates_and_stores_nothing_on_bad_input(client: Client, world: Any) -> None:
    auth = bearer(world.mas)
    body = {
        "personnummer": "19121212-1213",
        "first_name": "A",
        "last_name": "B",
        "address": "Gata 1",
        "postcode": "80250",
        "locality": "Gävle",
        "unit": "Hemtjänst Norr",
        "lat": 59.91,
        "lon": 10.75,
        "devices": "teleporter",
    }
    bad = client.post("/api/v1/register/persons", body, content_type="application/json", **auth)
    assert bad.status_code == 422
    assert {d["field"] for d in bad.json()["errors"]} == {"personnummer", "lat", "devices"}
    assert not Person.objects.exists()
    good = client.post(
        "/api/v1/register/persons",
        body | {"personnummer": "19121212-1212", "lat": 60.67, "lon": 17.14, "devices": "suction:2"},
        content_type="application/json",
        **auth,
    )
    assert good.status_code == 201 and Person.objects.count() == 1


def test_the_call_list_and_follow_up_through_the_api(client: Client, world: Any, person: Person) -> None:
    incident = services.incident_activate(
        actor=world.coordinator,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=3),
        area_geojson=square(60.675, 17.14),
    )
    auth = bearer(world.coordinator)
    rows = client.get(f"/api/v1/register/incidents/{incident.pk}/call-list", **auth).json()
    assert [r["person"]["last_name"] for r in rows] == ["Ekberg-"]
    progress = client.post(
        f"/api/v1/register/incidents/{incident.pk}/follow-ups",
        {"person_id": person.pk, "outcome": "moved"},
        content_type="application/json",
        **auth,
    ).json()
    assert progress == {"total": 1, "unreached": 0}
    viewer = bearer(world.viewer)
    assert client.get(f"/api/v1/register/incidents/{incident.pk}/call-list", **viewer).status_code == 403
    outsider = bearer(world.sandviken_mas)
    assert client.get(f"/api/v1/register/incidents/{incident.pk}/call-list", **outsider).status_code == 404


@pytest.mark.parametrize("persona", ["lan_coordinator", "national", "lan_mas", "coordinator"])
@pytest.mark.parametrize("path", ["/api/v1/register/persons", "/api/v1/register/export"])
def test_identities_without_a_kommun_id_get_403_and_the_attempt_is_logged(
    client: Client, world: Any, person: Person, persona: str, path: str
) -> None:
    auth = bearer(getattr(world, persona))
    response = client.get(path, **auth)
    assert response.status_code == 403 and b"Ekberg-" not in response.content
    denied = AccessLog.objects.get(user=getattr(world, persona), via="api")
    assert denied.action == "denied" and denied.person_id is None


def test_a_unit_mas_token_lists_her_unit_but_gets_403_for_the_kommuns_export(client: Client, world: Any, person: Person) -> None:
    auth = bearer(world.unit_mas)
    assert [p["last_name"] for p in client.get("/api/v1/register/persons", **auth).json()] == ["Ekberg-"]
    assert client.get("/api/v1/register/export", **auth).status_code == 403
    assert client.get(f"/api/v1/register/export?kommun_id={world.gavle.pk}", **auth).status_code == 403
    assert AccessLog.objects.filter(user=world.unit_mas, action="denied").count() == 2


def test_an_unknown_kommun_id_is_404_and_logged(client: Client, world: Any) -> None:
    auth = bearer(world.lan_coordinator)
    assert client.get(f"/api/v1/register/persons?kommun_id={world.gavleborg.pk}", **auth).status_code == 404
    assert AccessLog.objects.filter(user=world.lan_coordinator, action="denied").count() == 1
