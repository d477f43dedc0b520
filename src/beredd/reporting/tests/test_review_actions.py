"""Review: the kommun returns a submitted report (and the unit is mailed) or approves it; a unit cannot review."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import as_user, sub


def test_kommun_returns_and_approves_but_a_unit_cannot_review(
    client: Client, world: SimpleNamespace, django_capture_on_commit_callbacks: Any
) -> None:
    round_ = issue(world)
    s, _, _ = services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    url = reverse("reporting:review", args=[s.pk])
    as_user(client, world.g1_reporter).post(url, {"action": "approve"})
    s.refresh_from_db()
    assert s.status == "submitted"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_user(client, world.gavle_coord).post(url, {"action": "return", "comment": "Fel antal"})
    s.refresh_from_db()
    assert s.status == "returned" and len(mail.outbox) == 1
