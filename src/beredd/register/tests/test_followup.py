"""The phone follow-up page: contacts and devices, a note, a filter, and every shown row logged."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.register import services
from beredd.register.models import AccessLog, Contact, FollowUp
from beredd.register.tests.helpers import make_person, square


@pytest.fixture
def setup(world: Any) -> dict[str, Any]:
    a = make_person(world.gavle, world.unit_a, last_name="Ahl", devices={"home_ventilator": 4})
    b = make_person(world.gavle, world.unit_a, last_name="Berg")
    c = make_person(world.gavle, world.unit_a, last_name="Cederlund")
    Contact.objects.create(person=a, name="Lisa Ahl", phone="070-111 22 33")
    incident = services.incident_activate(
        actor=world.coordinator,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=6),
        area_geojson=square(60.675, 17.14),
    )
    client = Client()
    client.force_login(world.coordinator)
    return {"a": a, "b": b, "c": c, "incident": incident, "client": client}


def test_the_page_shows_the_contact_and_the_device_like_the_printed_list(setup: dict[str, Any]) -> None:
    page = setup["client"].get(reverse("register:followup", args=[setup["incident"].pk]), HTTP_ACCEPT_LANGUAGE="sv")
    text = page.content.decode()
    assert "Lisa Ahl" in text and "070-111 22 33" in text and "Hemrespirator" in text and 'name="note"' in text


def test_the_not_reached_filter_shows_and_logs_only_those_residents(setup: dict[str, Any], world: Any) -> None:
    incident = setup["incident"]
    services.followup_record(user=world.coordinator, incident=incident, person_id=setup["b"].pk, outcome="not_reached")
    services.followup_record(user=world.coordinator, incident=incident, person_id=setup["a"].pk, outcome="reached_ok")
    before = AccessLog.objects.filter(action="call_list").count()
    page = setup["client"].get(reverse("register:followup", args=[incident.pk]), {"show": "not_reached"})
    assert [r.person.last_name for r in page.context["residents"]] == ["Berg"]
    assert AccessLog.objects.filter(action="call_list").count() == before + 1
    unreached = setup["client"].get(reverse("register:followup", args=[incident.pk]), {"show": "unreached"})
    assert {r.person.last_name for r in unreached.context["residents"]} == {"Berg", "Cederlund"}
    bogus = setup["client"].get(reverse("register:followup", args=[incident.pk]), {"show": "<script>"})
    assert bogus.status_code == 200 and len(bogus.context["residents"]) == 3


def test_needs_help_is_recorded_with_a_note_shown_on_the_row(setup: dict[str, Any]) -> None:
    incident, a = setup["incident"], setup["a"]
    url = reverse("register:followup-record", args=[incident.pk, a.pk])
    row = setup["client"].post(url, {"outcome": "needs_help", "note": "Behöver vatten och batteri"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "Behöver vatten och batteri" in row.content.decode()
    assert FollowUp.objects.get(person_id=a.pk).note == "Behöver vatten och batteri"
    assert AccessLog.objects.filter(action="follow_up", person_id=a.pk).count() == 1
    plain = setup["client"].post(url, {"outcome": "not_reached", "show": "unreached"})
    assert plain.status_code == 302 and plain["Location"].endswith(f"?show=unreached#r-{a.pk}")


def test_a_too_long_note_is_refused_naming_the_note_and_changes_nothing(setup: dict[str, Any]) -> None:
    url = reverse("register:followup-record", args=[setup["incident"].pk, setup["a"].pk])
    response = setup["client"].post(url, {"outcome": "needs_help", "note": "x" * 301}, HTTP_HX_REQUEST="true")
    assert 400 <= response.status_code < 500 and not FollowUp.objects.exists()


def test_someone_without_a_designation_cannot_record_or_filter(setup: dict[str, Any], world: Any) -> None:
    viewer = Client()
    viewer.force_login(world.viewer)
    incident = setup["incident"]
    assert viewer.get(reverse("register:followup", args=[incident.pk]), {"show": "not_reached"}).status_code == 403
    url = reverse("register:followup-record", args=[incident.pk, setup["a"].pk])
    assert viewer.post(url, {"outcome": "needs_help", "note": "x"}).status_code == 403
    assert not FollowUp.objects.exists()
