"""Bad input on a preparedness page is shown and nothing is saved: a plan to be reviewed before it was approved,
risk scores outside 1-5, a lesson closed without a note, a warning file with an unknown level (naming the row)."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from beredd.preparedness.models import ContinuityPlan, HeatActivation, LessonLearned, RiskItem

# The world's fixed dates (lesson due, heat warning, exercise) are judged against today.
pytestmark = pytest.mark.frozen_now


def test_invalid_plan_input_shows_errors_and_saves_nothing(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    response = client.post(
        reverse("preparedness:plan-create", args=[world.unit.pk]),
        {
            "title": "Ny",
            "critical_activities": "x",
            "max_tolerable_outage": "4h",
            "owner": "A",
            "approved_on": "2026-05-01",
            "review_date": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert "review_date" in response.context["form"].errors
    assert ContinuityPlan.objects.count() == 1


def test_invalid_risk_scores_are_refused(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    data = {
        "title": "Skyfall",
        "likelihood": "7",
        "consequence_life": "1",
        "consequence_society": "1",
        "consequence_democracy": "1",
        "consequence_environment": "1",
        "status": "open",
    }
    response = client.post(reverse("preparedness:risk-create", args=[world.rsa.pk]), data)
    assert "likelihood" in response.context["form"].errors
    assert not RiskItem.objects.filter(title="Skyfall").exists()
    assert client.post(reverse("preparedness:risk-create", args=[world.rsa.pk]), data | {"likelihood": "2"}).status_code == 302


def test_a_malformed_warning_file_names_the_row(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    upload = SimpleUploadedFile("w.csv", b"kommun_code,level,valid_from,valid_until\n2180,purple,2026-07-01,2026-07-02\n")
    response = client.post(reverse("preparedness:heat", args=[world.gavle.pk]), {"upload": "1", "file": upload})
    assert response.status_code == 422
    assert response.context["file_errors"][0]["row"] == 1
    assert HeatActivation.objects.count() == 1


def test_closing_a_lesson_without_a_note_is_refused(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    assert client.post(reverse("preparedness:lesson-close", args=[world.lesson.pk]), {"closing_note": ""}).status_code == 422
    assert LessonLearned.objects.get().closed_on is None
    assert client.post(reverse("preparedness:lesson-close", args=[world.lesson.pk]), {"closing_note": "Klart"}).status_code == 302
