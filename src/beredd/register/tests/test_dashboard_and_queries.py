"""The dashboard panel (counts only) and constant query counts on the resident list."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.register import services
from beredd.register.tests.helpers import make_person, square

pytestmark = pytest.mark.frozen_now  # the panel counts the reviews overdue today and incidents in force


def test_the_dashboard_shows_active_incidents_and_overdue_reviews_without_names(client: Client, world: Any) -> None:
    make_person(world.gavle, world.unit_a, last_name="Försenadsson", review_date=dt.date(2020, 1, 1))
    incident = services.incident_activate(
        actor=world.coordinator,
        kommun=world.gavle,
        kind="heat_wave",
        reason="Värme",
        ends_at=timezone.now() + dt.timedelta(days=2),
        area_geojson=square(60.675, 17.14),
    )
    client.force_login(world.mas)
    page = client.get(reverse("core:dashboard"))
    panel = next(p for p in page.context["panels"] if p["template"] == "register/_dashboard_panel.html")
    assert panel["overdue"] == 1 and panel["incidents"] == [incident]
    assert b"F\xc3\xb6rsenadsson" not in page.content
    client.force_login(world.lan_coordinator)
    panel = next(
        p for p in client.get(reverse("core:dashboard")).context["panels"] if p["template"] == "register/_dashboard_panel.html"
    )
    assert panel["overdue"] is None and panel["incidents"] == [incident]
    client.force_login(world.sandviken_mas)
    panels = client.get(reverse("core:dashboard")).context["panels"]
    assert [(p["incidents"], p["overdue"]) for p in panels if p["template"] == "register/_dashboard_panel.html"] == [([], 0)]


def test_listing_uses_the_same_number_of_queries_for_5_and_50_residents(world: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(5):
        make_person(world.gavle, world.unit_a, devices={"electric_bed": i})
    with django_assert_max_num_queries(12) as first:
        assert len(services.person_list(user=world.mas, kommun=world.gavle)) == 5
    for i in range(45):
        make_person(world.gavle, world.unit_b, devices={"suction": i, "electric_bed": None})
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(services.person_list(user=world.mas, kommun=world.gavle)) == 50
