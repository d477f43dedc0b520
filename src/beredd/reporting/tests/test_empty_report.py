"""An empty report is submitted only when confirmed (UI and API), and completeness shows it apart."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.core.exceptions import ValidationFailed
from beredd.reporting import rollup
from beredd.reporting.models import Submission, SubmissionVersion
from beredd.reporting.services import exports
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import issue
from beredd.reporting.tests.test_api import bearer, url

# The MSB headings template has no required field, so a report can be submitted without answers.
MSB = "msb-lagesbild"


def sub(world: SimpleNamespace, round_: Any, unit: str) -> Submission:
    return Submission.objects.get(instance__round=round_, organisation=getattr(world, unit))


def test_the_service_refuses_an_empty_report_unless_confirmed(world: SimpleNamespace) -> None:
    round_ = issue(world, key=MSB, roots=[world.gavle])
    s = sub(world, round_, "g1")
    with pytest.raises(ValidationFailed) as caught:
        services.submission_submit(actor=world.g1_reporter, submission=s, data={"contact": "", "next_report": None})
    assert [d["field"] for d in caught.value.details] == ["confirm_empty"]
    assert not SubmissionVersion.objects.exists()
    services.submission_submit(actor=world.g1_reporter, submission=s, data={}, confirm_empty=True)
    assert sub(world, round_, "g1").status == Submission.Status.SUBMITTED


def test_the_api_answers_422_for_an_empty_report_without_confirm_empty(client: Client, world: SimpleNamespace) -> None:
    instance = issue(world, key=MSB).instances.get()
    headers = bearer(world.g1_reporter)
    refused = client.post(url(instance, world.g1), {"answers": {}}, content_type="application/json", **headers)
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in refused.json()["errors"]] == ["confirm_empty"]
    assert not SubmissionVersion.objects.exists()
    body = {"answers": {}, "confirm_empty": True}
    accepted = client.post(url(instance, world.g1), body, content_type="application/json", **headers)
    assert accepted.status_code == 201


def test_the_form_asks_for_confirmation_and_completeness_counts_empty_reports_apart(
    client: Client, world: SimpleNamespace
) -> None:
    round_ = issue(world, key=MSB, roots=[world.gavle])
    s = sub(world, round_, "g1")
    client.force_login(world.g1_reporter)
    page = reverse("reporting:submission", args=[s.pk])
    post = {"action": "submit", "lock_version": s.lock_version}
    refused = client.post(page, post)
    html = refused.content.decode()
    assert refused.status_code == 422
    assert 'id="error-summary"' in html and 'href="#field-confirm_empty"' in html
    assert 'id="field-confirm_empty" name="confirm_empty"' in html
    assert sub(world, round_, "g1").status == Submission.Status.NOT_STARTED
    accepted = client.post(page, post | {"confirm_empty": "1"})
    assert accepted.status_code == 302
    services.submission_submit(actor=world.g2_reporter, submission=sub(world, round_, "g2"), data={"contact": "Anna"})
    result = rollup.rollup(instance=round_.instances.get(), org=world.gavle)
    c = result.total.completeness
    assert (c.answered, c.empty) == (2, 1)
    assert result.as_dict()["total"]["empty"] == 1
    header, rows = exports.rollup_table(result)
    assert rows[-1][header.index("empty")] == 1  # the total row of the roll-up export
    client.force_login(world.gavle_coord)
    rollup_html = client.get(reverse("reporting:rollup", args=[round_.instances.get().pk])).content.decode()
    assert "1 av dem lämnade en tom rapport." in rollup_html
