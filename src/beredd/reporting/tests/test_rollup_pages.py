"""The roll-up page: sums and completeness with the list of who is missing, the county's offline map, and refusal
for reaching up or sideways."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import as_user, sub


def test_rollup_page_sums_and_counts_completeness(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    for unit in ("g1", "g2", "s1"):
        services.submission_submit(actor=getattr(world, f"{unit}_reporter"), submission=sub(world, round_, unit), data=GOOD)
    instance = round_.instances.get()
    as_user(client, world.county)
    response = client.get(reverse("reporting:rollup", args=[instance.pk]) + f"?org={world.lan.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "75 %" in body and "Sandvikens LSS" in body  # missing list
    partial = client.get(reverse("reporting:completeness", args=[instance.pk]) + f"?org={world.lan.pk}")
    assert partial.status_code == 200 and "3 av 4" in partial.content.decode() or "3 of 4" in partial.content.decode()


@pytest.mark.parametrize(
    "who,org,status",
    [
        ("g1_reporter", "gavle", 404),
        ("sandviken_coord", "gavle", 404),
        ("uppsala_county", "lan", 404),
        ("gavle_coord", "gavle", 200),
        ("county", "gavle", 200),
    ],
)
def test_rollup_refuses_reaching_up_and_sideways(client: Client, world: SimpleNamespace, who: str, org: str, status: int) -> None:
    instance = issue(world).instances.get()
    url = reverse("reporting:rollup", args=[instance.pk]) + f"?org={getattr(world, org).pk}"
    assert as_user(client, getattr(world, who)).get(url).status_code == status


def test_the_county_page_draws_an_offline_map_of_its_kommuner(client: Client, world: SimpleNamespace) -> None:
    round_ = issue(world)
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD)
    instance = round_.instances.get()
    as_user(client, world.county)
    body = client.get(reverse("reporting:rollup", args=[instance.pk]) + f"?org={world.lan.pk}&map=completeness").content.decode()
    assert body.count('<path class="map-') == 10  # Gävleborg's ten kommuner, from the bundled boundaries
    assert "Gävle: 50 %" in body and "Sandviken: 0 %" in body and "Ockelbo: inte tillfrågad" in body


def test_free_text_answers_come_a_page_at_a_time_keeping_the_filter(
    client: Client, world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from beredd.reporting.views import rollup as rollup_views

    monkeypatch.setattr(rollup_views, "TEXTS_PER_PAGE", 2)
    round_ = issue(world)
    for unit in ("g1", "g2", "s1"):
        services.submission_submit(
            actor=getattr(world, f"{unit}_reporter"),
            submission=sub(world, round_, unit),
            data=GOOD | {"assessment": f"Läget {unit}"},
        )
    url = reverse("reporting:rollup", args=[round_.instances.get().pk])
    as_user(client, world.county)
    first = client.get(url, {"org": world.lan.pk, "q": "Läget"}).content.decode()
    assert first.count("Läget ") == 2 and ("Svar 1–2 av 3" in first or "Answers 1–2 of 3" in first)
    assert f"?org={world.lan.pk}&amp;q=L%C3%A4get&amp;key=&amp;page=2#texts" in first
    second = client.get(url, {"org": world.lan.pk, "q": "Läget", "page": "2"}).content.decode()
    assert second.count("Läget ") == 1 and ("Svar 3–3 av 3" in second or "Answers 3–3 of 3" in second)
    assert client.get(url, {"org": world.lan.pk, "page": "x' OR 1=1"}).status_code == 200  # a bad page is the first
