"""Services: issuing, submitting, returning, approving, idempotency, conflicts and refusals."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from beredd.core.exceptions import NotFoundError, PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent
from beredd.reporting import selectors
from beredd.reporting.exceptions import NotRecipientError, RoundNotOpenError, SubmissionConflictError
from beredd.reporting.models import Answer, Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue


def sub(world: SimpleNamespace, round_: Any, unit: str) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=getattr(world, unit))


def test_issuing_to_units_creates_one_submission_per_unit_with_its_ancestors(world: SimpleNamespace) -> None:
    round_ = issue(world)
    subs = Submission.objects.filter(instance__round=round_)
    assert subs.count() == 4
    g1 = sub(world, round_, "g1")
    assert g1.kommun_id == world.gavle.pk and g1.lan_id == world.lan.pk
    assert AuditEvent.objects.filter(action="round.issue").exists()


def test_recipients_can_be_filtered_by_service_kind_and_regi(world: SimpleNamespace) -> None:
    round_ = issue(world, service_kinds=["sabo"])
    assert set(Submission.objects.filter(instance__round=round_).values_list("organisation__name", flat=True)) == {
        "Gävle äldreboende",
        "Sandviken äldreboende",
    }
    round2 = issue(world, regi="privat")
    assert Submission.objects.filter(instance__round=round2).count() == 1


def test_a_unit_reporter_cannot_issue_a_round(world: SimpleNamespace) -> None:
    spec = round_services.RoundSpec(title="x", template_version=world.templates["bemanning"])
    with pytest.raises(PermissionDeniedError):
        round_services.round_issue(actor=world.g1_reporter, issuer=world.g1, spec=spec)


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


def test_return_removes_answers_from_rollup_and_resubmit_makes_version_two(world: SimpleNamespace) -> None:
    round_ = issue(world)
    s, _, _ = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    services.submission_return(actor=world.gavle_coord, submission=s, comment="Kontrollera frånvaron")
    assert not Answer.objects.filter(submission=s).exists()
    s.refresh_from_db()
    assert s.status == "returned"
    _, v2, _ = services.submission_submit(actor=world.g1_reporter, submission=s, data=GOOD | {"staff_absent": 2})
    assert v2.number == 2
    services.submission_approve(actor=world.gavle_coord, submission=s)
    s.refresh_from_db()
    assert s.status == "approved"


def test_a_unit_cannot_review_itself_and_another_kommun_cannot_either(world: SimpleNamespace) -> None:
    round_ = issue(world)
    s, _, _ = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    for who in ("g1_reporter", "sandviken_coord"):
        with pytest.raises(PermissionDeniedError):
            services.submission_approve(actor=getattr(world, who), submission=s)


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


def test_a_kommun_can_let_its_units_answer_and_the_county_still_counts_kommuner(world: SimpleNamespace) -> None:
    from beredd.reporting import rollup

    round_ = issue(world, key="bemanning", responder="kommun", roots=[world.lan])
    instance = round_.instances.get()
    gavle = Submission.objects.get(instance=instance, organisation=world.gavle)
    with pytest.raises(PermissionDeniedError):
        services.submission_delegate(actor=world.g1_reporter, submission=gavle)
    units = services.submission_delegate(actor=world.gavle_coord, submission=gavle)
    assert {u.organisation_id for u in units} == {world.g1.pk, world.g2.pk}
    assert services.submission_delegate(actor=world.gavle_coord, submission=gavle) == units  # idempotent
    data = {"staff_total": 10, "staff_absent": 1, "staffing_status": "green"}
    services.submission_submit(actor=world.g1_reporter, submission=units[0], data=data)
    services.submission_submit(actor=world.g2_reporter, submission=units[1], data=data | {"staffing_status": "red"})
    kommun_view = rollup.rollup(instance=instance, org=world.gavle)
    assert kommun_view.total.completeness.expected == 2 and kommun_view.values(kommun_view.total)["staff_total"] == 20
    prefill = services.answers_from_units(submission=gavle)
    assert prefill["staff_total"] == 20 and prefill["staffing_status"] == "red"
    county = rollup.rollup(instance=instance, org=world.lan)
    assert county.total.completeness.expected == 10 and county.total.completeness.answered == 0  # kommuner, not units
    services.submission_submit(actor=world.gavle_coord, submission=gavle, data=prefill)
    county = rollup.rollup(instance=instance, org=world.lan)
    assert county.total.completeness.answered == 1 and county.values(county.total)["staff_total"] == 20  # no double count
