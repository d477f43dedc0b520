"""API: idempotent submission, conflicts, problem details for bad input, refusals, roll-ups, OpenAPI."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from beredd.accounts.models import Membership
from beredd.accounts.services import token_create
from beredd.reporting.models import Submission, SubmissionVersion
from beredd.reporting.services import rounds as round_services
from beredd.reporting.tests.conftest import GOOD, issue


def bearer(user: Any) -> dict[str, str]:
    _token, secret = token_create(actor=user, membership=Membership.objects.filter(user=user).first(), name="t", days=5)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def url(instance: Any, org: Any, suffix: str = "") -> str:
    return f"/api/v1/reporting/instances/{instance.pk}/submissions/{org.pk}{suffix}"


@pytest.fixture
def setup(world: SimpleNamespace) -> tuple[SimpleNamespace, Any]:
    return world, issue(world).instances.get()


def test_openapi_lists_the_reporting_endpoints(client: Client, db: Any) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/reporting/instances/{instance_id}/submissions/{org_id}" in paths
    assert "/api/v1/reporting/instances/{instance_id}/rollup" in paths
    assert "/api/v1/reporting/rounds" in paths and "/api/v1/reporting/templates" in paths


def test_a_retried_submission_with_the_same_idempotency_key_is_stored_once(client: Client, setup: Any) -> None:
    world, instance = setup
    headers = bearer(world.g1_reporter) | {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    first = client.post(url(instance, world.g1), {"answers": GOOD}, content_type="application/json", **headers)
    second = client.post(url(instance, world.g1), {"answers": GOOD}, content_type="application/json", **headers)
    assert first.status_code == 201 and second.status_code == 200
    assert second.json()["replayed"] is True
    assert SubmissionVersion.objects.count() == 1


def test_bad_input_gives_422_problem_details_per_field(client: Client, setup: Any) -> None:
    world, instance = setup
    body = {"answers": GOOD | {"staff_total": "many", "staffing_status": "blue", "unknown": 1}}
    response = client.post(url(instance, world.g1), body, content_type="application/json", **bearer(world.g1_reporter))
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == {"staff_total", "staffing_status", "unknown"}
    assert not SubmissionVersion.objects.exists()


def test_a_stale_if_match_gives_409_with_both_values(client: Client, setup: Any) -> None:
    world, instance = setup
    headers = bearer(world.g1_reporter)
    etag = client.get(url(instance, world.g1), **headers)["ETag"]
    client.put(
        url(instance, world.g1, "/draft"),
        {"answers": {"staff_total": 5}},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **headers,
    )
    stale = client.put(
        url(instance, world.g1, "/draft"),
        {"answers": {"staff_total": 6}},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **headers,
    )
    assert stale.status_code == 409
    error = stale.json()["errors"][0]
    assert error["theirs"] == 5 and error["yours"] == 6


def test_a_closed_round_and_a_non_recipient_are_refused_with_reasons(
    client: Client, setup: Any, make_unit: Any, make_user: Any
) -> None:
    world, instance = setup
    outsider_unit = make_unit(world.stockholm, name="Stockholmsenhet")
    response = client.post(
        url(instance, outsider_unit),
        {"answers": GOOD},
        content_type="application/json",
        **bearer(make_user(outsider_unit, "reporter")),
    )
    assert response.status_code == 403 and response.json()["code"] == "not_recipient"
    new_unit = make_unit(world.gavle, name="Ny enhet")
    response = client.post(
        url(instance, new_unit), {"answers": GOOD}, content_type="application/json", **bearer(world.gavle_coord)
    )
    assert response.status_code == 403 and response.json()["code"] == "not_recipient"
    round_services.round_close(actor=world.national, round_=instance.round)
    response = client.post(
        url(instance, world.g1), {"answers": GOOD}, content_type="application/json", **bearer(world.g1_reporter)
    )
    assert response.status_code == 409 and response.json()["code"] == "round_not_open"


@pytest.mark.parametrize("who", ["g2_reporter", "sandviken_coord"])
def test_others_cannot_submit_for_a_unit(client: Client, setup: Any, who: str) -> None:
    world, instance = setup
    response = client.post(
        url(instance, world.g1), {"answers": GOOD}, content_type="application/json", **bearer(getattr(world, who))
    )
    assert response.status_code == 404
    assert Submission.objects.get(instance=instance, organisation=world.g1).status == "not_started"


def test_rollup_endpoint_sums_and_refuses_outsiders(client: Client, setup: Any) -> None:
    world, instance = setup
    for unit in ("g1", "g2"):
        client.post(
            url(instance, getattr(world, unit)),
            {"answers": GOOD},
            content_type="application/json",
            **bearer(getattr(world, f"{unit}_reporter")),
        )
    body = client.get(
        f"/api/v1/reporting/instances/{instance.pk}/rollup?org_id={world.gavle.pk}", **bearer(world.gavle_coord)
    ).json()
    assert body["total"]["values"]["staff_total"] == 40 and body["total"]["completeness_percent"] == 100
    response = client.get(
        f"/api/v1/reporting/instances/{instance.pk}/rollup?org_id={world.gavle.pk}", **bearer(world.sandviken_coord)
    )
    assert response.status_code == 404


def test_issue_a_round_and_import_a_template_through_the_api(client: Client, world: SimpleNamespace) -> None:
    headers = bearer(world.national)
    deadline = (dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=1)).isoformat()
    response = client.post(
        "/api/v1/reporting/rounds",
        {
            "issuer_id": world.nation.pk,
            "title": "API-runda",
            "template_version_id": world.templates["bemanning"].pk,
            "responder": "kommun",
            "recipient_roots": [world.lan.pk],
            "deadline": deadline,
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201 and response.json()["instances"][0]["number"] == 1
    assert Submission.objects.filter(instance__round_id=response.json()["id"]).count() == 10
    template = {"key": "egen", "name": "Egen", "fields": [{"key": "a", "type": "integer", "label_sv": "A", "rollup": "sum"}]}
    response = client.post(
        "/api/v1/reporting/templates",
        {"owner_id": world.nation.pk, "template": template, "publish": True},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201 and response.json()["status"] == "published"


def test_a_kommun_cannot_issue_for_the_nation(client: Client, world: SimpleNamespace) -> None:
    response = client.post(
        "/api/v1/reporting/rounds",
        {
            "issuer_id": world.nation.pk,
            "title": "x",
            "template_version_id": world.templates["bemanning"].pk,
            "deadline": "2099-01-01T10:00:00+01:00",
        },
        content_type="application/json",
        **bearer(world.gavle_coord),
    )
    assert response.status_code == 404
