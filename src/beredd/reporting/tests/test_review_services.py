"""Reviewing a report: a return takes the answers out of the roll-up, the resubmit is version two and the kommun
approves it; a unit cannot review itself, nor can another kommun."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from beredd.core.exceptions import PermissionDeniedError
from beredd.reporting.models import Answer
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import sub


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
