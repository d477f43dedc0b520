"""The RSA pages: a table alternative to the risk matrix, the PDF and DOCX downloads, a risk linked to plans and
exercises, and the RSA adopted with a date."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.frozen_now  # the world's RSA (election year 2022) is overdue on the frozen date


def test_the_rsa_page_offers_a_table_alternative_to_the_matrix(client: Client, world: SimpleNamespace) -> None:
    client.force_login(world.coordinator)
    body = client.get(reverse("preparedness:rsa-detail", args=[world.rsa.pk]) + "?visa=tabell").content.decode()
    assert "risk-matrix" not in body and "<caption>" in body
    assert "risk-matrix" in client.get(reverse("preparedness:rsa-detail", args=[world.rsa.pk])).content.decode()


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_exports_download(client: Client, world: SimpleNamespace, fmt: str) -> None:
    client.force_login(world.coordinator)
    response = client.get(reverse("preparedness:rsa-export", args=[world.rsa.pk, fmt]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith(f".{fmt}")


def test_a_risk_links_to_plans_and_exercises_and_the_rsa_is_adopted(
    client: Client, world: SimpleNamespace, ref: Any, make_user: Any
) -> None:
    url = reverse("preparedness:risk-edit", args=[world.rsa.pk, world.risk.pk])
    client.force_login(make_user(ref["sandviken"], "coordinator"))
    assert client.get(url).status_code == 404
    client.force_login(world.coordinator)
    data = {
        f: getattr(world.risk, f)
        for f in (
            "title",
            "likelihood",
            "consequence_life",
            "consequence_society",
            "consequence_democracy",
            "consequence_environment",
            "status",
        )
    }
    response = client.post(url, data | {"continuity_plans": [world.plan.pk], "exercises": [world.exercise.pk]})
    assert response.status_code == 302
    assert list(world.risk.continuity_plans.all()) == [world.plan] and list(world.risk.exercises.all()) == [world.exercise]
    sections = reverse("preparedness:rsa-sections", args=[world.rsa.pk])
    assert "adopted_on" in client.post(sections, {"status": "adopted"}).context["form"].errors
    assert client.post(sections, {"status": "adopted", "adopted_on": "2023-10-20"}).status_code == 302
    world.rsa.refresh_from_db()
    assert world.rsa.status == "adopted" and str(world.rsa.adopted_on) == "2023-10-20"
