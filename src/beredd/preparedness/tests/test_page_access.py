"""Who opens the preparedness pages and forms: the kommun's coordinator opens them all; another kommun sees nothing;
a unit cannot reach up to the kommun's pages but reads its own contract; a viewer writes nothing; a reporter edits
plans but does not manage the RSA."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.core.models import AuditEvent

# The world's fixed dates (lesson due, heat warning, exercise) and plans due for review are judged against today.
pytestmark = pytest.mark.frozen_now


def _reads(w: SimpleNamespace) -> list[str]:
    return [
        reverse("preparedness:plan-detail", args=[w.plan.pk]),
        reverse("preparedness:rsa-detail", args=[w.rsa.pk]),
        reverse("preparedness:rsa-export", args=[w.rsa.pk, "docx"]),
        reverse("preparedness:exercise-detail", args=[w.exercise.pk]),
        reverse("preparedness:training", args=[w.gavle.pk]),
        reverse("preparedness:contract-detail", args=[w.contract.pk]),
        reverse("preparedness:heat", args=[w.gavle.pk]),
        reverse("preparedness:heat-activation", args=[w.activation.pk]),
        reverse("preparedness:heat-notice", args=[w.notice.pk]),
        reverse("preparedness:index") + f"?org={w.gavle.pk}",
    ]


def test_the_pages_open_for_the_kommun_coordinator(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    for url in _reads(world) + [reverse("preparedness:index") + f"?org={world.unit.pk}"]:
        assert client.get(url).status_code == 200, url


def test_another_kommun_sees_nothing(client: Client, world: SimpleNamespace, ref: Any, make_user: Any) -> None:
    client.force_login(make_user(ref["sandviken"], "coordinator"))
    for url in _reads(world):
        assert client.get(url).status_code == 404, url


def test_a_unit_cannot_reach_up_to_kommun_pages(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.private, "coordinator"))
    for url in (
        reverse("preparedness:rsa-detail", args=[world.rsa.pk]),
        reverse("preparedness:heat", args=[world.gavle.pk]),
        reverse("preparedness:plan-detail", args=[world.plan.pk]),
        reverse("preparedness:heat-notice", args=[world.notice.pk]),
        reverse("preparedness:exercise-detail", args=[world.exercise.pk]),
    ):
        assert client.get(url).status_code == 404, url
    # ... but the provider unit reads its own contract.
    assert client.get(reverse("preparedness:contract-detail", args=[world.contract.pk])).status_code == 200


def test_a_viewer_cannot_write(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.gavle, "viewer"))
    posts = {
        reverse("preparedness:plan-create", args=[world.unit.pk]): {"title": "X"},
        reverse("preparedness:plan-edit", args=[world.plan.pk]): {"title": "X"},
        reverse("preparedness:plan-dependency", args=[world.plan.pk]): {"dep-kind": "power"},
        reverse("preparedness:plan-contact", args=[world.plan.pk]): {"contact-name": "X", "contact-phone": "1"},
        reverse("preparedness:unit-profile", args=[world.unit.pk]): {},
        reverse("preparedness:rsa-create", args=[world.gavle.pk]): {"election_year": 2026},
        reverse("preparedness:rsa-sections", args=[world.rsa.pk]): {"area_description": "x"},
        reverse("preparedness:risk-create", args=[world.rsa.pk]): {"title": "x"},
        reverse("preparedness:risks-from-handbook", args=[world.rsa.pk]): {},
        reverse("preparedness:risk-action", args=[world.rsa.pk, world.risk.pk]): {"description": "x"},
        reverse("preparedness:exercise-create", args=[world.gavle.pk]): {"title": "x"},
        reverse("preparedness:exercise-detail", args=[world.exercise.pk]): {"description": "x"},
        reverse("preparedness:lesson-close", args=[world.lesson.pk]): {"closing_note": "x"},
        reverse("preparedness:training", args=[world.gavle.pk]): {"person_name": "x"},
        reverse("preparedness:contract-create", args=[world.gavle.pk]): {"reference": "x"},
        reverse("preparedness:contract-detail", args=[world.contract.pk]): {"technical": "on"},
        reverse("preparedness:heat", args=[world.gavle.pk]): {"level": "orange"},
        reverse("preparedness:heat-end", args=[world.activation.pk]): {},
        reverse("preparedness:heat-notice", args=[world.notice.pk]): {"items": ["fluids"]},
    }
    before = AuditEvent.objects.count()
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert AuditEvent.objects.count() == before


def test_a_reporter_may_edit_plans_but_not_manage_the_rsa(client: Client, world: SimpleNamespace, make_user: Any) -> None:
    client.force_login(make_user(world.unit, "reporter"))
    response = client.post(
        reverse("preparedness:plan-contact", args=[world.plan.pk]), {"contact-name": "Jour", "contact-phone": "026-1"}
    )
    assert response.status_code == 302
    assert client.post(reverse("preparedness:risks-from-handbook", args=[world.rsa.pk])).status_code == 404


def test_every_form_page_opens_for_the_coordinator(client: Client, world: SimpleNamespace, ref: Any, make_user: Any) -> None:
    client.force_login(world.coordinator)
    for url in (
        reverse("preparedness:plan-create", args=[world.unit.pk]),
        reverse("preparedness:plan-edit", args=[world.plan.pk]),
        reverse("preparedness:rsa-create", args=[world.gavle.pk]),
        reverse("preparedness:rsa-sections", args=[world.rsa.pk]),
        reverse("preparedness:risk-create", args=[world.rsa.pk]),
        reverse("preparedness:risk-edit", args=[world.rsa.pk, world.risk.pk]),
        reverse("preparedness:exercise-create", args=[world.gavle.pk]),
        reverse("preparedness:contract-create", args=[world.gavle.pk]),
        reverse("preparedness:self-assessment") + f"?org={world.gavle.pk}",
        reverse("preparedness:index"),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(make_user(ref["gavleborg"], "coordinator"))
    for url in (
        reverse("preparedness:self-assessment-issue", args=[ref["gavleborg"].pk]),
        reverse("preparedness:heat", args=[ref["gavleborg"].pk]),
        reverse("preparedness:index") + f"?org={ref['gavleborg'].pk}",
    ):
        assert client.get(url).status_code == 200, url
    assert 'id="id_level"' in client.get(reverse("preparedness:heat", args=[ref["gavleborg"].pk])).content.decode()
    client.force_login(make_user(ref["nation"], "national_admin"))
    assert client.get(reverse("preparedness:index") + f"?org={ref['nation'].pk}").status_code == 200
