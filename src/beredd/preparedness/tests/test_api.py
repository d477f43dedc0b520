"""The preparedness API refuses the wrong token and writes through the same audited services."""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.core.models import AuditEvent
from beredd.preparedness.models import HeatActivation

# The world's heat warning (20-23 June 2026) is in force and its RSA (due 2023) overdue on the frozen date.
pytestmark = pytest.mark.frozen_now


def auth(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_plan_status_is_scoped(client: Client, world: SimpleNamespace, ref: Any, make_user: Any) -> None:
    url = f"/api/v1/preparedness/orgs/{world.gavle.pk}/plans"
    assert client.get(url, **auth(make_user(ref["sandviken"], "coordinator"))).status_code == 404
    assert client.get(url, **auth(make_user(world.unit, "reporter"))).status_code == 404
    body = client.get(url, **auth(make_user(ref["gavleborg"], "viewer"))).json()
    assert {r["unit_name"] for r in body} == {"Strömsbro äldreboende", "Solrosen"}


def test_heat_can_be_set_and_acknowledged_over_the_api(client: Client, world: SimpleNamespace, ref: Any, make_user: Any) -> None:
    url = f"/api/v1/preparedness/orgs/{world.gavle.pk}/heat"
    payload = {"level": "orange", "valid_from": "2026-07-01", "valid_until": "2026-07-05"}
    for user in (make_user(world.gavle, "reporter"), make_user(ref["sandviken"], "coordinator")):
        response = client.post(url, payload, content_type="application/json", **auth(user))
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    bad = client.post(url, payload | {"valid_until": "2026-06-01"}, content_type="application/json", **auth(world.coordinator))
    assert bad.status_code == 422
    created = client.post(url, payload, content_type="application/json", **auth(world.coordinator))
    assert created.status_code == 201
    notice_id = created.json()["notices"][0]["id"]
    ack = f"/api/v1/preparedness/heat-notices/{notice_id}/acknowledge"
    assert (
        client.post(
            ack, {"checked_items": []}, content_type="application/json", **auth(make_user(world.private, "reporter"))
        ).status_code
        == 404
    )
    done = client.post(
        ack, {"checked_items": ["fluids"]}, content_type="application/json", **auth(make_user(world.unit, "reporter"))
    )
    assert done.status_code == 200 and done.json()["acknowledged_at"]
    assert (
        client.post(
            ack, {"checked_items": []}, content_type="application/json", **auth(make_user(world.unit, "reporter"))
        ).status_code
        == 409
    )
    assert HeatActivation.objects.count() == 2
    assert AuditEvent.objects.filter(action="preparedness.heat_acknowledge", via="api").count() == 1


def test_rsa_and_comparison_are_refused_to_other_kommuner(
    client: Client, world: SimpleNamespace, ref: Any, make_user: Any
) -> None:
    other = auth(make_user(ref["sandviken"], "coordinator"))
    assert client.get(f"/api/v1/preparedness/rsa/{world.rsa.pk}", **other).status_code == 404
    assert client.get(f"/api/v1/preparedness/orgs/{world.gavle.pk}/self-assessment", **other).status_code == 404
    own = auth(make_user(world.gavle, "viewer"))
    rsa = client.get(f"/api/v1/preparedness/rsa/{world.rsa.pk}", **own).json()
    assert rsa["due_date"] == dt.date(2023, 10, 31).isoformat() and len(rsa["risks"]) == 5
    body = client.get(f"/api/v1/preparedness/orgs/{world.gavle.pk}/self-assessment?year=2026", **own).json()
    assert body["organisation_ids"] == [world.gavle.pk, ref["gavleborg"].pk, ref["nation"].pk] and len(body["rows"]) == 28
