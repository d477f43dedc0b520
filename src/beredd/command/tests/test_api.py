"""The command API: tokens refused per rule, Idempotency-Key on requests, 409 on a stale version, 422 naming the field."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.command.models import Alert, ReadinessChange, SupportRequest

pytestmark = pytest.mark.django_db


def auth(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def fields_of(response: Any) -> set[str]:
    body = response.json()
    return {e.get("field") for e in body.get("errors", body.get("details", [])) or []} | {body.get("field")}


def _need(world: Any, **over: Any) -> dict[str, Any]:
    return {
        "requester_id": world.home.pk,
        "item": "ffp2",
        "quantity": 400,
        "unit": "st",
        "priority": "acute",
        "needed_by": (timezone.now() + dt.timedelta(hours=24)).isoformat(),
        "delivery_point": "Lastkajen",
        "contact": "Eva, 070-1",
    } | over


def test_levels_are_read_and_set_over_the_api(client: Client, world: Any) -> None:
    h = auth(world.gavle_coord)
    response = client.post(
        f"/api/v1/command/orgs/{world.gavle.pk}/levels",
        {"level": "forstarkning", "reason": "Storm"},
        content_type="application/json",
        **h,
    )
    assert response.status_code == 201 and response.json()["level"] == "forstarkning"
    board = client.get(f"/api/v1/command/boards/{world.lan.pk}", **auth(world.county_viewer)).json()
    gavle = next(r for r in board["items"] if r["org_id"] == world.gavle.pk)
    assert gavle["level"] == "forstarkning" and gavle["trend"] == "up"


def test_setting_a_level_is_refused_for_the_wrong_person_and_a_bad_level_is_422(client: Client, world: Any) -> None:
    url = f"/api/v1/command/orgs/{world.gavle.pk}/levels"
    assert (
        client.post(
            url, {"level": "stab", "reason": "x"}, content_type="application/json", **auth(world.gavle_viewer)
        ).status_code
        == 403
    )
    assert (
        client.post(url, {"level": "stab", "reason": "x"}, content_type="application/json", **auth(world.outsider)).status_code
        == 404
    )
    response = client.post(url, {"level": "röd", "reason": "x"}, content_type="application/json", **auth(world.gavle_coord))
    assert response.status_code == 422 and "level" in response.content.decode()
    assert not ReadinessChange.objects.exists()
    assert client.get(f"/api/v1/command/boards/{world.lan.pk}", **auth(world.outsider)).status_code == 404


def test_a_retried_request_with_the_same_idempotency_key_is_stored_once(client: Client, world: Any) -> None:
    h = auth(world.reporter) | {"HTTP_IDEMPOTENCY_KEY": "abc-123"}
    first = client.post("/api/v1/command/requests", _need(world), content_type="application/json", **h)
    again = client.post("/api/v1/command/requests", _need(world), content_type="application/json", **h)
    assert first.status_code == 201 and again.status_code == 200 and first.json()["id"] == again.json()["id"]
    assert SupportRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": "tio"}, "quantity"),
        ({"item": "x"}, "item"),
        ({"needed_by": "2020-01-01T00:00:00+01:00"}, "needed_by"),
    ],
)
def test_bad_requests_are_422_naming_the_field(client: Client, world: Any, over: dict[str, Any], field: str) -> None:
    response = client.post(
        "/api/v1/command/requests", _need(world, **over), content_type="application/json", **auth(world.reporter)
    )
    assert response.status_code == 422 and f'"{field}"' in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_a_stale_version_is_409_and_the_first_step_stands(client: Client, world: Any) -> None:
    req = client.post("/api/v1/command/requests", _need(world), content_type="application/json", **auth(world.reporter)).json()
    url = f"/api/v1/command/requests/{req['id']}/actions"
    ok = client.post(
        url,
        {"action": "pledge", "quantity": 100, "version": req["version"]},
        content_type="application/json",
        **auth(world.gavle_coord),
    )
    assert ok.status_code == 200 and ok.json()["covered"] == 100
    late = client.post(
        url,
        {"action": "pledge", "quantity": 50, "version": req["version"]},
        content_type="application/json",
        **auth(world.county),
    )
    assert late.status_code == 409
    steps = client.get(f"/api/v1/command/requests/{req['id']}", **auth(world.reporter)).json()["steps"]
    assert [s["kind"] for s in steps] == ["created", "pledged"]


def test_acting_on_a_request_is_refused_for_the_wrong_person(client: Client, world: Any) -> None:
    req = client.post("/api/v1/command/requests", _need(world), content_type="application/json", **auth(world.reporter)).json()
    url = f"/api/v1/command/requests/{req['id']}/actions"
    assert (
        client.post(url, {"action": "pledge", "quantity": 1}, content_type="application/json", **auth(world.reporter)).status_code
        == 403
    )
    assert (
        client.post(url, {"action": "pledge", "quantity": 1}, content_type="application/json", **auth(world.outsider)).status_code
        == 404
    )
    assert client.get(f"/api/v1/command/requests/{req['id']}", **auth(world.sandviken_coord)).status_code == 404
    response = client.post(
        url, {"action": "forward", "org_id": world.sandviken.pk}, content_type="application/json", **auth(world.gavle_coord)
    )
    assert response.status_code == 422 and '"to"' in response.content.decode()
    response = client.post(url, {"action": "pledge", "quantity": 401}, content_type="application/json", **auth(world.gavle_coord))
    assert response.status_code == 422 and '"quantity"' in response.content.decode()


def test_merge_and_needs_over_the_api(client: Client, world: Any) -> None:
    a = client.post(
        "/api/v1/command/requests",
        _need(world, requester_id=world.gavle.pk),
        content_type="application/json",
        **auth(world.gavle_coord),
    ).json()
    b = client.post(
        "/api/v1/command/requests",
        _need(world, requester_id=world.sandviken.pk),
        content_type="application/json",
        **auth(world.sandviken_coord),
    ).json()
    body = {"request_ids": [a["id"], b["id"]], "to_id": world.nation.pk, "delivery_point": "Omlastningsplats", "contact": "TiB"}
    assert client.post(
        "/api/v1/command/merges", body, content_type="application/json", **auth(world.gavle_coord)
    ).status_code in (403, 404)
    response = client.post("/api/v1/command/merges", body, content_type="application/json", **auth(world.county))
    assert response.status_code == 201 and response.json()["quantity"] == 800
    needs = client.get(f"/api/v1/command/needs/{world.nation.pk}", **auth(world.national_viewer)).json()
    assert needs[0]["remaining"] == 800 and needs[0]["requests"] == 1
    assert client.get(f"/api/v1/command/needs/{world.lan.pk}", **auth(world.outsider)).status_code == 404


def test_heightened_alert_over_the_api_needs_a_national_admin_and_a_reference(client: Client, world: Any) -> None:
    body = {"kind": "skarpt", "scope_id": world.nation.pk, "decision_reference": "Fö2026/1"}
    assert client.post("/api/v1/command/alerts", body, content_type="application/json", **auth(world.county)).status_code == 403
    response = client.post(
        "/api/v1/command/alerts", body | {"decision_reference": ""}, content_type="application/json", **auth(world.national)
    )
    assert response.status_code == 422 and "decision_reference" in response.content.decode()
    assert client.post("/api/v1/command/alerts", body, content_type="application/json", **auth(world.national)).status_code == 201
    assert Alert.objects.count() == 1
    assert len(client.get("/api/v1/command/alerts", **auth(world.gavle_viewer)).json()) == 1


def test_the_log_over_the_api_appends_and_refuses_outsiders(client: Client, world: Any) -> None:
    url = f"/api/v1/command/orgs/{world.gavle.pk}/log"
    first = client.post(
        url, {"kind": "decision", "text": "KLG aktiveras"}, content_type="application/json", **auth(world.gavle_coord)
    )
    assert first.status_code == 201
    fix = client.post(
        url,
        {"kind": "decision", "text": "KLG aktiveras 07:00", "corrects_id": first.json()["id"]},
        content_type="application/json",
        **auth(world.gavle_coord),
    )
    assert fix.status_code == 201 and fix.json()["corrects_id"] == first.json()["id"]
    assert (
        client.post(
            url, {"kind": "decision", "text": "x"}, content_type="application/json", **auth(world.gavle_viewer)
        ).status_code
        == 403
    )
    assert client.get(url, **auth(world.outsider)).status_code == 404
    assert client.get(url, **auth(world.county_viewer)).json()["count"] == 2
