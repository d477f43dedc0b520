"""Roll-up row state: not answered is its own state, and a row's state is the worst of all its status fields."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.reporting import rollup
from beredd.reporting.models import Submission
from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue

CALM = {"plan": 0, "resources": 0, "load": 0}
WORST = {"plan": 2, "resources": 2, "load": 2}


def answer(world: SimpleNamespace, round_: Any, unit: str, **changes: Any) -> None:
    s = Submission.objects.get(instance__round=round_, organisation=getattr(world, unit))
    services.submission_submit(actor=getattr(world, f"{unit}_reporter"), submission=s, data=GOOD | changes)


def states(world: SimpleNamespace, round_: Any, org: Any) -> dict[str, str]:
    result = rollup.rollup(instance=round_.instances.get(), org=org)
    return {g.org.name: rollup.status_class(result, g) for g in result.children}


def test_a_unit_that_has_not_answered_is_not_answered_and_never_critical(world: SimpleNamespace) -> None:
    round_ = issue(world, roots=[world.gavle])
    answer(world, round_, "g1", impact=CALM, staffing_status="green")
    got = states(world, round_, world.gavle)
    assert got == {"Gävle äldreboende": "ok", "Hemtjänst Gävle": "none"}
    assert rollup.status_label("none") == "Har inte svarat"


def test_the_row_state_is_the_worst_of_every_status_field_whichever_comes_first(world: SimpleNamespace) -> None:
    round_ = issue(world, roots=[world.gavle])
    answer(world, round_, "g1", impact=CALM, staffing_status="red")
    answer(world, round_, "g2", impact=WORST, staffing_status="green")
    got = states(world, round_, world.gavle)
    assert got == {"Gävle äldreboende": "bad", "Hemtjänst Gävle": "bad"}


def test_a_kommun_is_as_bad_as_its_worst_unit_and_grey_until_someone_answers(world: SimpleNamespace) -> None:
    round_ = issue(world)
    answer(world, round_, "g1", impact=CALM, staffing_status="green")
    answer(world, round_, "g2", impact=CALM, staffing_status="yellow")
    got = states(world, round_, world.lan)
    assert got == {"Gävle": "warn", "Sandviken": "none"}


def test_table_and_map_agree_on_a_county_page(world: SimpleNamespace) -> None:
    round_ = issue(world)
    answer(world, round_, "g1", impact=CALM, staffing_status="red")
    client = Client()
    client.force_login(world.county)
    url = reverse("reporting:rollup", args=[round_.instances.get().pk]) + f"?org={world.lan.pk}"
    html = client.get(url).content.decode()
    # Sandviken has not answered: grey "Har inte svarat" in the table, grey in the map; never "Kritiskt".
    assert 'data-status="none">Har inte svarat</span>' in html
    assert 'data-status="bad">Kritiskt</span>' in html  # Gävle: red staffing
    assert html.count("Kritiskt</span>") == 1
    assert 'class="map-none" d="' in html and "<title>Sandviken: Har inte svarat, 0/2</title>" in html
    assert "<title>Gävle: Kritiskt, 1/2</title>" in html
