"""Submitting a report: an immutable version and roll-up rows; one message per bad field and nothing saved; cross-field
rules on the server; an idempotency key stores a retried submit once; a stale writer gets a conflict with both
values; a coordinator's submit for a unit is logged as on behalf; the last report prefills the next; a closed or
cancelled round and a non-recipient are refused."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from beredd.core.exceptions import NotFoundError, ValidationFailed
from beredd.core.models import AuditEvent
from beredd.reporting import selectors
from beredd.reporting.exceptions import NotRecipientError, RoundNotOpenError, SubmissionConflictError
from beredd.reporting.models import Answer, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import sub


def test_submit_stores_an_immutable_version_and_rollup_rows(world: SimpleNamespace) -> None:
    round_ = issue(world)
    submission, version, created = services.submission_submit(
        actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD
    )
    assert created and version.number == 1 and submission.status == "submitted"
    assert version.data["impact"]["level"] == 2
    assert Answer.objects.get(submission=submission, key="staff_total").num == 20
    with pytest.raises(TypeError):
        version.save()


def test_bad_values_give_one_message_per_field_and_save_nothing(world: SimpleNamespace) -> None:
    round_ = issue(world)
    bad = GOOD | {"staff_total": "tjugo", "staff_absent": -1, "staffing_status": "purple", "max_indoor_temp": 99}
    with pytest.raises(ValidationFailed) as exc:
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=bad)
    fields = {d["field"] for d in exc.value.details}
    assert fields == {"staff_total", "staff_absent", "staffing_status", "max_indoor_temp"}
    assert sub(world, round_, "g1").status == "not_started"
    assert not Answer.objects.exists()


def test_a_cross_field_rule_is_checked_on_the_server(world: SimpleNamespace) -> None:
    round_ = issue(world)
    with pytest.raises(ValidationFailed) as exc:
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD | {"staff_absent": 30})
    assert [d["field"] for d in exc.value.details] == ["staff_absent"]


def test_idempotency_key_stores_a_retried_submit_once(world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    _, first, created1 = services.submission_submit(actor=world.g1_reporter, submission=s, data=GOOD, idempotency_key="abc")
    _, second, created2 = services.submission_submit(actor=world.g1_reporter, submission=s, data=GOOD, idempotency_key="abc")
    assert created1 and not created2 and first.pk == second.pk
    assert s.versions.count() == 1


def test_a_stale_writer_gets_a_conflict_with_both_values(world: SimpleNamespace) -> None:
    round_ = issue(world)
    s = sub(world, round_, "g1")
    services.submission_save_draft(actor=world.g1_reporter, submission=s, data={"staff_total": 10}, expected_version=0)
    with pytest.raises(SubmissionConflictError) as exc:
        services.submission_save_draft(actor=world.gavle_coord, submission=s, data={"staff_total": 12}, expected_version=0)
    detail = next(d for d in exc.value.details if d["field"] == "staff_total")
    assert detail["theirs"] == 10 and detail["yours"] == 12
    assert sub(world, round_, "g1").draft == {"staff_total": 10}


def test_coordinator_submitting_for_a_unit_is_logged_as_on_behalf(world: SimpleNamespace) -> None:
    round_ = issue(world)
    _, version, _ = services.submission_submit(actor=world.gavle_coord, submission=sub(world, round_, "g2"), data=GOOD)
    assert version.on_behalf
    assert AuditEvent.objects.filter(action="submission.submit_on_behalf").exists()


def test_answers_to_a_closed_or_cancelled_round_are_refused(world: SimpleNamespace) -> None:
    round_ = issue(world)
    round_services.round_close(actor=world.national, round_=round_)
    with pytest.raises(RoundNotOpenError):
        services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    round_services.round_cancel(actor=world.national, round_=round_)
    with pytest.raises(RoundNotOpenError):
        services.submission_save_draft(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)


def test_a_non_recipient_is_refused_with_a_reason(world: SimpleNamespace, make_unit: Any, make_user: Any) -> None:
    round_ = issue(world, service_kinds=["sabo"])
    instance = round_.instances.get()
    with pytest.raises(NotRecipientError):
        selectors.submission_for_recipient(user=world.g2_reporter, instance=instance, org_id=world.g2.pk)
    with pytest.raises(NotFoundError):
        selectors.submission_for_recipient(user=world.g2_reporter, instance=instance, org_id=world.g1.pk)


def test_same_as_last_report_prefills_from_the_previous_instance(world: SimpleNamespace) -> None:
    round_ = issue(world, recurrence="hours", recurrence_hours=24)
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    second = round_services.instance_create_next(round_id=round_.pk, after_number=1)
    assert second is not None and second.number == 2
    assert round_services.instance_create_next(round_id=round_.pk, after_number=1) is None  # idempotent
    s2 = Submission.objects.get(instance=second, organisation=world.g1)
    assert services.previous_answers(submission=s2)["staff_total"] == 20
