"""Incidents through the pages: activated from the form, followed up and refreshed, the county designated, a viewer
shown suppressed counts and refused every change, then ended; an exercise is marked ÖVNING on every page, in the
mail and in the log extract, and a real incident is not."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.register import services
from beredd.register.models import FollowUp, Incident
from beredd.register.tests.helpers import login, square

pytestmark = pytest.mark.frozen_now  # the incidents end at a Swedish wall-clock time hours from now


def test_the_incident_story_through_the_pages(
    client: Client, world: Any, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    login(client, world.coordinator)
    ends = (timezone.localtime() + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("register:incident-create"),
            {
                "kind": "power_cut",
                "reason": "Storm",
                "ends_at": ends,
                "area": json.dumps(square(60.675, 17.14)),
                "designate_lan": "on",
            },
        )
    incident = Incident.objects.get()
    assert response.status_code == 302
    follow = client.get(reverse("register:followup", args=[incident.pk]))
    assert [r.person.last_name for r in follow.context["residents"]] == ["Ekberg-Ås", "Bergman-Öst"]
    client.post(
        reverse("register:followup-record", args=[incident.pk, people["a"].pk]), {"outcome": "reached_ok"}, HTTP_HX_REQUEST="true"
    )
    assert FollowUp.objects.get().outcome == "reached_ok"
    assert client.get(reverse("register:call-list", args=[incident.pk])).status_code == 200
    # The county duty officer was designated; a county viewer sees only suppressed counts.
    lan = login(Client(), world.lan_coordinator)
    assert lan.get(reverse("register:followup", args=[incident.pk])).status_code == 200
    viewer = login(Client(), world.viewer)
    detail = viewer.get(reverse("register:incident-detail", args=[incident.pk]))
    assert detail.context["counts"]["total"] == "<5" and b"Ekberg-" not in detail.content
    assert viewer.get(reverse("register:followup", args=[incident.pk])).status_code == 403
    outsider = login(Client(), world.sandviken_mas)
    assert outsider.get(reverse("register:incident-detail", args=[incident.pk])).status_code == 404
    assert viewer.post(reverse("register:incident-change", args=[incident.pk]), {"end_now": "on"}).status_code == 403
    assert viewer.post(reverse("register:incident-change", args=[incident.pk]), {"refresh": "1"}).status_code == 403
    assert client.post(reverse("register:incident-change", args=[incident.pk]), {"refresh": "1"}).status_code == 302
    client.post(reverse("register:incident-change", args=[incident.pk]), {"end_now": "on"})
    incident.refresh_from_db()
    assert incident.ended_at is not None


def test_an_exercise_incident_is_marked_everywhere(
    client: Client, world: Any, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    assert world.mas.pk  # the kommun's MAS exists and gets the mail
    login(client, world.coordinator)
    ends = (timezone.localtime() + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("register:incident-create"),
            {
                "kind": "power_cut",
                "reason": "Övning",
                "ends_at": ends,
                "area": json.dumps(square(60.675, 17.14)),
                "is_exercise": "on",
            },
        )
    incident = Incident.objects.get()
    assert incident.is_exercise and mail.outbox[-1].subject.startswith("[ÖVNING]")
    for name in ("register:incident-detail", "register:followup", "register:call-list"):
        page = client.get(reverse(name, args=[incident.pk]))
        assert page.context["exercise"] is True and "ÖVNING" in page.content.decode()
    assert 'badge--exercise">ÖVNING' in client.get(reverse("register:index")).content.decode()
    mas = login(Client(), world.mas)
    extract = mas.get(reverse("register:log-extract", args=[people["a"].pk, "csv"]))
    assert f"{incident.pk} (ÖVNING)" in extract.content.decode("utf-8-sig")
    # A real incident carries no mark.
    real = services.incident_activate(
        actor=world.coordinator,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=6),
        area_geojson=square(60.675, 17.14),
    )
    page = client.get(reverse("register:incident-detail", args=[real.pk]))
    assert not real.is_exercise and page.context["exercise"] is False and "ÖVNING" not in page.content.decode()
