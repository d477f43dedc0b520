"""Refusals not covered elsewhere: pages of the wrong person, the merge page, ending an alert, a round's heightened
schedule; ids beyond any row and bad query strings never give a 500."""

from typing import Any

import pytest
from django.urls import reverse

from beredd.command.models import Alert, HeightenedSchedule, SupportRequest
from beredd.command.services import alert as alert_services
from beredd.command.services import requests as services
from beredd.command.tests.helpers import need
from beredd.reporting.models import Event

pytestmark = pytest.mark.django_db


def test_the_merge_page_is_only_for_the_holders_coordinators(world: Any, client: Any) -> None:
    a = services.request_create(actor=world.gavle_coord, requester=world.gavle, values=need())[0]
    services.request_create(actor=world.sandviken_coord, requester=world.sandviken, values=need())
    url = reverse("command:request-merge", args=[a.pk])
    for user in (world.gavle_coord, world.county_viewer, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"requests": [a.pk], "to": world.nation.pk}).status_code == 404
    client.force_login(world.county)
    assert client.get(url).status_code == 200
    assert not SupportRequest.objects.filter(merged_into__isnull=False).exists()


def test_ending_an_alert_is_only_for_a_national_admin(world: Any, client: Any) -> None:
    alert = alert_services.alert_set(
        actor=world.national, values={"kind": "skarpt", "scope": world.nation, "decision_reference": "Fö1"}
    )
    client.force_login(world.county)
    assert client.post(reverse("command:alert-end", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.ended_at is None
    client.force_login(world.national)
    assert client.post(reverse("command:alert-end", args=[alert.pk])).status_code == 302
    assert Alert.objects.get().ended_at is not None


def test_the_heightened_schedule_page_is_only_for_the_rounds_issuer(world: Any, client: Any, round_: Any) -> None:
    url = reverse("command:schedule", args=[round_.pk])
    for user in (world.gavle_coord, world.county, world.outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"every_hours": "6"}).status_code == 404
    assert not HeightenedSchedule.objects.exists()
    client.force_login(world.national)
    assert client.post(url, {"every_hours": "0"}).status_code == 200 and not HeightenedSchedule.objects.exists()
    assert client.post(url, {"every_hours": "6"}).status_code == 302
    assert HeightenedSchedule.objects.get().every_hours == 6


@pytest.mark.parametrize(
    "path",
    [
        "/ledning/begaran/99999999999999999999999/",
        "/ledning/org/99999999999999999999999/logg/",
        "/ledning/org/99999999999999999999999/lage/",
        "/ledning/?org=99999999999999999999999",
        "/ledning/?org=abc&sort=%00&kind=x&level=y",
        "/ledning/behov/?org=-1&format=pdf",
        "/ledning/begaran/?status=x&item=y&priority=z&sort=q&page=999",
        "/api/v1/command/requests/99999999999999999999999",
        "/api/v1/command/boards/99999999999999999999999",
    ],
)
def test_odd_ids_and_parameters_never_give_a_500(world: Any, client: Any, path: str) -> None:
    client.force_login(world.county)
    assert client.get(path).status_code in (200, 400, 404, 422)


def test_a_level_can_be_linked_to_an_event_in_the_form(world: Any, client: Any) -> None:
    event = Event.objects.create(name="Stormen Greta", owner=world.lan)
    client.force_login(world.gavle_coord)
    response = client.post(
        reverse("command:level", args=[world.gavle.pk]), {"level": "stab", "reason": "Storm", "event": event.pk}
    )
    assert response.status_code == 302
    assert world.gavle.readiness_changes.get().event == event
