"""The register's dashboard panel: active incidents and the number of overdue reviews, never a name; the county sees
the incidents but no review count, another kommun nothing."""

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
