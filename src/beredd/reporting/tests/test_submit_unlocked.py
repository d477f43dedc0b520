"""The API's submit on PostgreSQL without a row lock: read, validate, then one guarded statement (issue 14 item 2).

These tests run outside a test transaction (``transaction=True``), as a kommun system's request does, so that the
unlocked path is the one taken; concurrent clients are real threads, each with its own database connection.
A guard that no longer holds must write nothing and leave the submit to the locked path: nothing is lost, nothing
stored twice, and a stale If-Match stays a conflict.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from beredd.core.models import AuditEvent
from beredd.reporting import fields as fieldtypes
from beredd.reporting.models import Answer, Submission, SubmissionVersion
from beredd.reporting.services.submissions import answering
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.test_api import bearer, url

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the unlocked submit is PostgreSQL's (one statement)"),
]


def _concurrently(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` at once in threads (a barrier releases them together); their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except Exception as exc:  # reported by the assertions below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _post(instance: Any, org: Any, headers: dict[str, str], answers: dict[str, Any]) -> Callable[[], Any]:
    return lambda: Client().post(url(instance, org), {"answers": answers}, content_type="application/json", **headers)


def test_a_first_submit_is_three_statements_without_a_transaction_and_stores_everything(world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    headers = bearer(world.g1_reporter) | {"HTTP_IDEMPOTENCY_KEY": "first"}
    with CaptureQueriesContext(connection) as captured:
        response = _post(instance, world.g1, headers, GOOD)()
    assert response.status_code == 201, response.content
    sql = [str(q["sql"] or "") for q in captured.captured_queries]
    assert not any(s.startswith(("BEGIN", "COMMIT", "SAVEPOINT")) or "FOR UPDATE" in s for s in sql), sql
    submission = Submission.objects.get(instance=instance, organisation=world.g1)
    version = SubmissionVersion.objects.get(submission=submission)
    assert (version.number, version.idempotency_key, submission.status, submission.lock_version) == (1, "first", "submitted", 1)
    fields = list(instance.round.template_version.fields.all())
    assert Answer.objects.filter(submission=submission).count() == len(fieldtypes.project(fields, version.data))
    assert AuditEvent.objects.filter(action="submission.submit", target_id=str(submission.pk)).count() == 1


def test_concurrent_submits_with_different_keys_each_store_one_version_in_order(world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    token = bearer(world.g1_reporter)
    calls = [
        _post(instance, world.g1, token | {"HTTP_IDEMPOTENCY_KEY": f"k-{i}"}, GOOD | {"staff_total": 30 + i}) for i in range(6)
    ]
    responses = _concurrently(calls)
    assert [getattr(r, "status_code", r) for r in responses] == [201] * 6
    submission = Submission.objects.get(instance=instance, organisation=world.g1)
    versions = list(SubmissionVersion.objects.filter(submission=submission).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3, 4, 5, 6]
    assert sorted(r.json()["version_number"] for r in responses) == [1, 2, 3, 4, 5, 6]
    # The submission and its answer rows are those of the last version, none of an overtaken one.
    latest = versions[-1]
    assert submission.lock_version == 6 and submission.draft == latest.data
    staff = Answer.objects.get(submission=submission, key="staff_total")
    assert staff.num == latest.data["staff_total"]
    assert AuditEvent.objects.filter(action="submission.submit", target_id=str(submission.pk)).count() == 6


def test_concurrent_retries_with_one_key_are_stored_once(world: SimpleNamespace) -> None:
    instance = issue(world).instances.get()
    headers = bearer(world.g1_reporter) | {"HTTP_IDEMPOTENCY_KEY": "same"}
    responses = _concurrently([_post(instance, world.g1, headers, GOOD) for _ in range(6)])
    assert sorted(getattr(r, "status_code", r) for r in responses) == [200] * 5 + [201]
    submission = Submission.objects.get(instance=instance, organisation=world.g1)
    assert SubmissionVersion.objects.filter(submission=submission).count() == 1
    assert {r.json()["version_number"] for r in responses} == {1}
    assert AuditEvent.objects.filter(action="submission.submit", target_id=str(submission.pk)).count() == 1


def test_a_change_between_the_read_and_the_write_is_not_overwritten(
    world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draft saved by someone else after this submit read the row: the guarded statement writes nothing, and the
    locked retry sees the draft's new version, so the submit with If-Match of the old one is a conflict."""
    instance = issue(world).instances.get()
    headers = bearer(world.g1_reporter)
    etag = Client().get(url(instance, world.g1), **headers)["ETag"]
    validate = fieldtypes.validate
    interleaved: list[int] = []
    started: list[bool] = []

    def validate_after_a_concurrent_draft(*args: Any, **kwargs: Any) -> Any:
        if not started:  # the first validation only (the draft save validates too)
            started.append(True)
            other = threading.Thread(
                target=lambda: (
                    interleaved.append(
                        Client()
                        .put(
                            url(instance, world.g1, "/draft"),
                            {"answers": {"staff_total": 7}},
                            content_type="application/json",
                            **headers,
                        )
                        .status_code
                    ),
                    connections.close_all(),
                )
            )
            other.start()
            other.join(timeout=30)
        return validate(*args, **kwargs)

    monkeypatch.setattr(answering.fieldtypes, "validate", validate_after_a_concurrent_draft)
    response = Client().post(
        url(instance, world.g1), {"answers": GOOD}, content_type="application/json", HTTP_IF_MATCH=etag, **headers
    )
    assert interleaved == [200]
    assert response.status_code == 409, response.content
    submission = Submission.objects.get(instance=instance, organisation=world.g1)
    assert submission.draft == {"staff_total": 7} and submission.lock_version == 1
    assert not SubmissionVersion.objects.filter(submission=submission).exists()
    assert not Answer.objects.filter(submission=submission).exists()
    assert not AuditEvent.objects.filter(action="submission.submit", target_id=str(submission.pk)).exists()


@pytest.mark.parametrize("who", ["g2_reporter", "sandviken_coord"])
def test_the_unlocked_submit_still_refuses_someone_who_may_not_answer_for_the_unit(world: SimpleNamespace, who: str) -> None:
    instance = issue(world).instances.get()
    headers = bearer(getattr(world, who)) | {"HTTP_IDEMPOTENCY_KEY": "not-mine"}
    response = _post(instance, world.g1, headers, GOOD)()
    assert response.status_code == 404
    submission = Submission.objects.get(instance=instance, organisation=world.g1)
    assert submission.status == "not_started" and not SubmissionVersion.objects.filter(submission=submission).exists()
