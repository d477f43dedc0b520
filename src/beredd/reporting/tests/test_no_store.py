"""Submission pages, roll-ups and exports are ``Cache-Control: no-store`` (core/cache_headers.py)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.core.tests.test_no_store import _no_store


def test_submission_pages_and_exports_are_no_store(client: Client, world: Any) -> None:
    from beredd.reporting.models import Submission
    from beredd.reporting.tests.conftest import issue

    round_ = issue(world)
    submission = Submission.objects.get(instance__round=round_, organisation=world.g1)
    client.force_login(world.g1_reporter)
    responses = [client.get(reverse("reporting:submission", args=[submission.pk]))]
    client.force_login(world.gavle_coord)
    instance = round_.instances.get()
    responses += [
        client.get(reverse("reporting:rollup", args=[instance.pk])),
        client.get(reverse("reporting:export", args=[instance.pk, "answers", "csv"])),
        client.get(reverse("reporting:export", args=[instance.pk, "answers", "xlsx"])),
    ]
    assert [r.status_code for r in responses] == [200] * len(responses)
    assert all(_no_store(r) for r in responses)
