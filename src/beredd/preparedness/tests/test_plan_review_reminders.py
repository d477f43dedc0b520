"""The dashboard reminds the coordinator of the continuity plans due for review soon, and not of the others."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.preparedness import services

pytestmark = pytest.mark.frozen_now  # 'due for review' is counted from today


def test_the_dashboard_reminds_of_plans_due_for_review(client: Client, world: SimpleNamespace) -> None:
    due = services.plan_create(
        organisation=world.private,
        actor=world.coordinator,
        values={
            "title": "Snart",
            "critical_activities": "x",
            "max_tolerable_outage": "4h",
            "owner": "o",
            "review_date": timezone.localdate() + dt.timedelta(days=5),
        },
    )
    client.force_login(world.coordinator)
    body = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("preparedness:plan-detail", args=[due.pk]) in body
    assert reverse("preparedness:plan-detail", args=[world.plan.pk]) not in body
