"""An Idempotency-Key reused with a different body is refused with 422 problem details (IETF idempotency-key
draft); the same body, in any key order, is a replay of the first answer."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from beredd.reporting.models import Submission, SubmissionVersion
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.test_api import bearer, url


@pytest.fixture
def setup(world: SimpleNamespace) -> tuple[SimpleNamespace, Any]:
    return world, issue(world).instances.get()


def _post(client: Client, instance: Any, org: Any, headers: dict[str, str], answers: dict[str, Any]) -> Any:
    return client.post(url(instance, org), json.dumps({"answers": answers}), content_type="application/json", **headers)


def test_the_same_key_with_other_answers_gets_422_and_stores_nothing(client: Client, setup: Any) -> None:
    world, instance = setup
    unit = world.g1
    headers = bearer(world.g1_reporter) | {"HTTP_IDEMPOTENCY_KEY": "k-42"}
    assert _post(client, instance, unit, headers, GOOD).status_code == 201
    reused = _post(client, instance, unit, headers, GOOD | {"staff_total": 99})
    assert reused.status_code == 422 and reused["Content-Type"] == "application/problem+json"
    problem = reused.json()
    assert problem["status"] == 422 and problem["code"] == "idempotency_key_reused" and problem["title"]
    assert SubmissionVersion.objects.count() == 1
    submission = Submission.objects.get(instance=instance, organisation=unit)
    assert submission.versions.get().data["staff_total"] == GOOD["staff_total"] == submission.draft["staff_total"]


def test_the_same_key_with_the_same_answers_in_another_order_is_a_replay(client: Client, setup: Any) -> None:
    world, instance = setup
    unit = world.g1
    headers = bearer(world.g1_reporter) | {"HTTP_IDEMPOTENCY_KEY": "k-43"}
    first = _post(client, instance, unit, headers, GOOD)
    again = _post(client, instance, unit, headers, dict(reversed(list(GOOD.items()))))
    assert first.status_code == 201 and again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["version_number"] == first.json()["version_number"]
    assert SubmissionVersion.objects.count() == 1


def test_a_new_key_with_other_answers_is_a_new_version(client: Client, setup: Any) -> None:
    world, instance = setup
    unit = world.g1
    auth = bearer(world.g1_reporter)
    assert _post(client, instance, unit, auth | {"HTTP_IDEMPOTENCY_KEY": "a"}, GOOD).status_code == 201
    assert _post(client, instance, unit, auth | {"HTTP_IDEMPOTENCY_KEY": "b"}, GOOD | {"staff_total": 21}).status_code == 201
    assert SubmissionVersion.objects.count() == 2
