"""Emergency activation, the impact query's priority order, follow-up and notification."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from beredd.core.exceptions import NotFoundError, PermissionDeniedError, ValidationFailed
from beredd.register import services
from beredd.register.models import AccessLog, IncidentResident
from beredd.register.selectors import incident_get_for_user
from beredd.register.tests.helpers import make_person, square

pytestmark = pytest.mark.frozen_now  # incidents end hours from now; review reminders count the reviews overdue today

LAT, LON = 60.675, 17.14


@pytest.fixture
def area_people(world: Any) -> dict[str, Any]:
    g, a, b = world.gavle, world.unit_a, world.unit_b
    return {
        "other": make_person(g, a, last_name="Andersson"),
        "heat": make_person(g, a, last_name="Berg", heat_sensitive=True),
        "evac": make_person(g, b, last_name="Carlsson", cannot_evacuate=True),
        "vent8": make_person(g, b, last_name="Dahl", devices={"home_ventilator": 8, "electric_bed": None}),
        "oxy2": make_person(g, a, last_name="Ek", devices={"oxygen_concentrator": 2}),
        "pump": make_person(g, a, last_name="Fors", devices={"feeding_pump": None}),
        "bed_only": make_person(g, a, last_name="Gran", devices={"electric_bed": 1}),
        "outside": make_person(g, a, last_name="Holm", lat=60.75, lon=17.30, devices={"home_ventilator": 1}),
        "by_postcode": make_person(g, a, last_name="Ibsen", lat=None, lon=None, postcode="811 30"),
        "ended": make_person(g, a, last_name="Jonsson", status="ended"),
        "sandviken": make_person(world.sandviken, world.unit_s, last_name="Krook", devices={"home_ventilator": 1}),
    }


def activate(world: Any, user_key: str = "coordinator", **kw: Any) -> Any:
    args = {
        "kind": "power_cut",
        "reason": "Storm, elavbrott",
        "ends_at": timezone.now() + dt.timedelta(hours=12),
        "area_geojson": square(LAT, LON),
    } | kw
    return services.incident_activate(actor=getattr(world, user_key), kommun=world.gavle, **args)


def test_activation_gives_the_call_list_in_priority_order_and_notifies_the_mas(
    world: Any, area_people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    world.mas  # noqa: B018  # the MAS exists and receives the mail
    with django_capture_on_commit_callbacks(execute=True):
        incident = activate(world, postcodes=["81130"])
    names = [r.person.last_name for r in services.incident_call_list(user=world.coordinator, incident=incident)]
    assert names == ["Ek", "Dahl", "Fors", "Carlsson", "Berg", "Andersson", "Gran", "Ibsen"]
    assert AccessLog.objects.filter(action="call_list", incident=incident).count() == 8
    assert AccessLog.objects.filter(action="activate").count() == 1
    assert len(mail.outbox) == 1 and world.mas.email in mail.outbox[0].to and "Gävle" in mail.outbox[0].subject
    counts = services.incident_counts(incident)
    assert counts == {
        "total": 8,
        "life_sustaining": 3,
        "electricity_dependent": 4,
        "cannot_evacuate": 1,
        "heat_sensitive": 1,
        "communication": 0,
    }


def test_follow_up_outcomes_count_down_the_unreached(world: Any, area_people: dict[str, Any]) -> None:
    incident = activate(world)
    assert services.incident_progress(incident)["unreached"] == 7
    services.followup_record(user=world.coordinator, incident=incident, person_id=area_people["oxy2"].pk, outcome="reached_ok")
    services.followup_record(user=world.coordinator, incident=incident, person_id=area_people["vent8"].pk, outcome="not_reached")
    progress = services.incident_progress(incident)
    assert progress["unreached"] == 6 and progress["reached_ok"] == 1 and progress["not_reached"] == 1
    with pytest.raises(ValidationFailed):
        services.followup_record(user=world.coordinator, incident=incident, person_id=area_people["oxy2"].pk, outcome="maybe")
    with pytest.raises(NotFoundError):
        services.followup_record(user=world.coordinator, incident=incident, person_id=area_people["outside"].pk, outcome="moved")
    assert AccessLog.objects.filter(action="follow_up").count() == 2


def test_designated_roles_see_the_call_list_only_while_active(world: Any, area_people: dict[str, Any]) -> None:
    incident = activate(world, designations=[(world.gavleborg, "coordinator")])
    assert services.incident_call_list(user=world.lan_coordinator, incident=incident)
    with pytest.raises(PermissionDeniedError):
        services.incident_call_list(user=world.lan_mas, incident=incident)
    with pytest.raises(PermissionDeniedError):
        services.incident_call_list(user=world.viewer, incident=incident)
    with pytest.raises(NotFoundError):
        services.incident_call_list(user=world.sandviken_mas, incident=incident)
    with pytest.raises(NotFoundError):
        incident_get_for_user(user=world.sandviken_mas, incident_id=incident.pk)
    services.incident_change(actor=world.coordinator, incident=incident, end_now=True)
    with pytest.raises(PermissionDeniedError):
        services.incident_call_list(user=world.lan_coordinator, incident=incident)
    # The kommun's MAS keeps standing access after the end.
    assert services.incident_call_list(user=world.mas, incident=incident)
    assert AccessLog.objects.filter(action="denied").count() == 4
    assert AccessLog.objects.filter(action="end").count() == 1


@pytest.mark.parametrize("persona", ["viewer", "lan_coordinator", "unit_reporter", "sandviken_mas", "org_admin"])
def test_only_the_kommuns_coordinator_or_mas_activates(world: Any, persona: str) -> None:
    with pytest.raises((PermissionDeniedError, NotFoundError)):
        activate(world, persona)
    assert AccessLog.objects.filter(action="denied").count() == 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"reason": " "}, "reason"),
        ({"ends_at": -dt.timedelta(hours=1)}, "ends_at"),  # an hour ago: read at run time, not at collection
        ({"area_geojson": {"type": "Polygon", "coordinates": "x"}}, "area"),
        ({"area_geojson": None}, "area"),
        ({"area_geojson": None, "postcodes": ["12"]}, "postcodes"),
    ],
)
def test_bad_activation_input_stores_nothing(world: Any, kw: dict[str, Any], field: str) -> None:
    kw = {k: timezone.now() + v if isinstance(v, dt.timedelta) else v for k, v in kw.items()}
    with pytest.raises(ValidationFailed) as exc:
        activate(world, **kw)
    assert field in {d["field"] for d in exc.value.details}
    assert not IncidentResident.objects.exists()


def test_the_impact_query_by_locality_only(world: Any, area_people: dict[str, Any]) -> None:
    impacts = services.impact_query(kommun_id=world.gavle.pk, localities=["Gävle"])
    assert len(impacts) == 9  # every active Gävle resident (ended and Sandviken excluded)


def test_review_reminders_mail_counts_only(world: Any) -> None:
    from beredd.register.tasks import register_daily, review_reminders_send

    world.mas  # noqa: B018  # the recipient
    make_person(world.gavle, world.unit_a, last_name="Försenad", review_date=dt.date(2020, 1, 1))
    make_person(world.gavle, world.unit_a, last_name="Iordning")
    assert review_reminders_send() == 1
    assert "1" in mail.outbox[0].subject and "Försenad" not in mail.outbox[0].body
    result = register_daily.enqueue()
    assert result.return_value["reminders"] == 1


def test_refresh_picks_up_new_residents_and_keeps_outcomes(world: Any, area_people: dict[str, Any]) -> None:
    incident = activate(world)
    services.followup_record(user=world.coordinator, incident=incident, person_id=area_people["oxy2"].pk, outcome="moved")
    make_person(world.gavle, world.unit_a, last_name="Nyinflyttad")
    assert services.incident_refresh(actor=world.coordinator, incident=incident) == 8
    assert IncidentResident.objects.get(incident=incident, person=area_people["oxy2"]).outcome == "moved"
    with pytest.raises(PermissionDeniedError):
        services.incident_refresh(actor=world.viewer, incident=incident)


def test_an_incident_is_named_with_its_start_in_stockholm_time(world: Any, area_people: dict[str, Any]) -> None:
    # The breadcrumbs and titles use str(incident): 10:00 UTC in June is 12:00 in Sweden.
    incident = activate(world)
    incident.starts_at = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    assert str(incident).endswith("2026-06-01 12:00")
