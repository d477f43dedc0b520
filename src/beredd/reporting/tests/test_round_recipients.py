"""Issuing a round: one submission per recipient unit, with its ancestors; recipients filtered by service kind and
regi; a kommun lets its units answer and the county still counts kommuner; a unit's reporter cannot issue."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from beredd.core.exceptions import PermissionDeniedError
from beredd.core.models import AuditEvent
from beredd.reporting.models import Submission
from beredd.reporting.services import rounds as round_services
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import issue
from beredd.reporting.tests.helpers import sub


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
