"""Pages: the right person sees them, everyone else is refused (and identifiable refusals are logged)."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from beredd.core.exceptions import PermissionDeniedError
from beredd.register import services
from beredd.register.models import AccessLog, FollowUp, Incident, Person
from beredd.register.tests.helpers import make_person, square


@pytest.fixture
def people(world: Any) -> dict[str, Any]:
    return {
        "a": make_person(world.gavle, world.unit_a, last_name="Ekberg-Ås", devices={"oxygen_concentrator": 2}),
        "b": make_person(world.gavle, world.unit_b, last_name="Bergman-Öst", heat_sensitive=True),
    }


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_the_mas_lists_opens_and_exports_and_each_is_logged(client: Client, world: Any, people: dict[str, Any]) -> None:
    login(client, world.mas)
    page = client.get(reverse("register:index"))
    assert page.status_code == 200 and b"Ekberg-" not in page.content  # no list before a purpose is stated
    page = client.get(reverse("register:index"), {"purpose": "preparedness", "q": ""})
    assert b"Ekberg-" in page.content and b"Bergman-" in page.content
    assert AccessLog.objects.filter(action="list", purpose="preparedness").count() == 2
    detail = client.get(reverse("register:person-detail", args=[people["a"].pk]), {"purpose": "care"})
    assert detail.status_code == 200 and b"Syrgaskoncentrator" in detail.content
    export = client.post(reverse("register:export"), {"purpose": "Transfer to the new system", "confirm": "on"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert AccessLog.objects.filter(action="export", purpose="Transfer to the new system").count() == 2


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lan_coordinator", 403), ("coordinator", 403), ("viewer", 403), ("sandviken_mas", 404), ("unit_reporter", 404)],
)
def test_others_cannot_open_a_record(client: Client, world: Any, people: dict[str, Any], persona: str, status: int) -> None:
    login(client, getattr(world, persona))
    assert client.get(reverse("register:person-detail", args=[people["a"].pk])).status_code == status
    assert AccessLog.objects.filter(action="denied", person_id=people["a"].pk).count() == 1
    page = client.get(reverse("register:index"), {"purpose": "care"})
    assert b"Ekberg-" not in page.content


@pytest.mark.parametrize("persona", ["coordinator", "unit_mas", "lan_mas", "viewer", "national"])
def test_export_import_and_log_review_are_only_for_the_kommuns_mas(client: Client, world: Any, persona: str) -> None:
    login(client, getattr(world, persona))
    assert client.get(reverse("register:export")).status_code in {403, 404}
    assert client.get(reverse("register:import")).status_code in {403, 404}
    assert client.get(reverse("register:log")).status_code == 404


def test_a_unit_mas_sees_only_her_units_residents(client: Client, world: Any, people: dict[str, Any]) -> None:
    login(client, world.unit_mas)
    page = client.get(reverse("register:index"), {"purpose": "care"})
    assert b"Ekberg-" in page.content and b"Bergman-" not in page.content
    assert client.get(reverse("register:person-detail", args=[people["b"].pk])).status_code == 404


def test_the_mas_creates_a_record_through_the_form(client: Client, world: Any) -> None:
    login(client, world.mas)
    data = {
        "personnummer": "19121212-1212",
        "first_name": "Tolvan",
        "last_name": "Tolvansson",
        "address": "Gatan 1",
        "postcode": "80250",
        "locality": "Gävle",
        "unit": str(world.unit_a.pk),
        "devices-TOTAL_FORMS": "1",
        "devices-INITIAL_FORMS": "0",
        "devices-0-device": "home_ventilator",
        "devices-0-battery_hours": "4",
        "legal_basis": "consent",
        "review_date": "2027-01-01",
        "lat": "60.67",
        "lon": "17.14",
    }
    bad = client.post(reverse("register:person-create"), data | {"personnummer": "19121212-1213"})
    assert bad.status_code == 200 and not Person.objects.exists()
    response = client.post(reverse("register:person-create"), data)
    person = Person.objects.get()
    assert response.status_code == 302 and person.devices.get().battery_hours == 4
    edit = client.get(reverse("register:person-edit", args=[person.pk]))
    assert b"19121212-1212" in edit.content


def test_import_preview_then_commit_through_the_pages(client: Client, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, world.mas)
    content = (
        "personnummer,first_name,last_name,address,postcode,locality,unit\n"
        "19121212-1212,Tolvan,Tolvansson,Gatan 1,80250,Gävle,Hemtjänst Norr\n"
    ).encode()
    preview = client.post(reverse("register:import"), {"file": SimpleUploadedFile("a.csv", content)})
    assert preview.status_code == 200 and not Person.objects.exists()
    batch = preview.context["preview"].batch_id
    done = client.post(reverse("register:import-commit"), {"batch": batch, "on_duplicate": "skip"})
    assert done.status_code == 302 and Person.objects.count() == 1
    bad = client.post(reverse("register:import"), {"file": SimpleUploadedFile("a.csv", content.replace(b"1212,", b"1213,"))})
    assert b"personnummer" in bad.content and len(bad.context["preview"].problems) == 1


def test_counts_are_suppressed_for_the_county_and_never_show_names(client: Client, world: Any, people: dict[str, Any]) -> None:
    login(client, world.lan_coordinator)
    page = client.get(reverse("register:counts"))
    assert page.status_code == 200 and b"Ekberg-" not in page.content and b"Storgatan" not in page.content
    rows = dict((k.name, cells) for k, cells in page.context["rows"])
    assert rows["Gävle"]["total"].shown == "<5" and rows["Sandviken"]["total"].shown == "0"
    assert page.context["totals"]["total"].shown == "<5"


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


def test_the_mas_reviews_the_log_and_downloads_an_extract(client: Client, world: Any, people: dict[str, Any]) -> None:
    services.person_open(user=world.unit_mas, person_id=people["a"].pk, purpose="care")
    with pytest.raises(PermissionDeniedError):  # the refusal is what we want logged
        services.person_open(user=world.lan_coordinator, person_id=people["a"].pk)
    login(client, world.mas)
    page = client.get(reverse("register:log"), {"only_anomalies": "on"})
    assert page.status_code == 200
    assert any("denied" in hints for _e, hints in page.context["rows"])
    pdf = client.get(reverse("register:log-extract", args=[people["a"].pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = client.get(reverse("register:log-extract", args=[people["a"].pk, "csv"]))
    assert world.unit_mas.email.encode() in csv.content
    login(client, world.unit_mas)
    assert client.get(reverse("register:log-extract", args=[people["a"].pk, "csv"])).status_code == 404


def test_only_a_national_admin_extends_the_device_catalogue(client: Client, world: Any) -> None:
    from beredd.register.models import Device

    data = {"code": "cough_assist", "name": "Hostmaskin", "life_sustaining": "on", "is_active": "on"}
    for persona in ("mas", "lan_coordinator", "coordinator"):
        login(client, getattr(world, persona))
        assert client.get(reverse("register:devices")).status_code == 200
        assert client.post(reverse("register:devices"), data).status_code == 404
    assert not Device.objects.filter(code="cough_assist").exists()
    login(client, world.national)
    assert client.post(reverse("register:devices"), data).status_code == 302
    assert Device.objects.get(code="cough_assist").life_sustaining
    bad = client.post(reverse("register:devices"), data | {"code": "X y"})
    assert bad.status_code == 200 and Device.objects.count() == 9


def test_a_county_user_sees_the_incidents_progress_only_suppressed(client: Client, world: Any, people: dict[str, Any]) -> None:
    incident = services.incident_activate(
        actor=world.coordinator,
        kommun=world.gavle,
        kind="power_cut",
        reason="Storm",
        ends_at=timezone.now() + dt.timedelta(hours=6),
        area_geojson=square(60.675, 17.14),
    )
    assert services.incident_progress(incident)["unreached"] == 2
    county = login(Client(), world.lan_coordinator)
    detail = county.get(reverse("register:incident-detail", args=[incident.pk]))
    assert detail.status_code == 200 and detail.context["scope"] is None
    assert detail.context["progress"] == {"total": "<5", "unreached": "<5"}
    body = detail.content.decode()
    assert "2 av 2" not in body and "2 of 2" not in body and "&lt;5 av &lt;5" in body
    # Those with identity access still see the exact progress.
    mas = login(client, world.mas).get(reverse("register:incident-detail", args=[incident.pk]))
    assert mas.context["progress"] == {"total": "2", "unreached": "2"} and "2 av 2" in mas.content.decode()


def test_the_reached_count_is_not_recoverable_from_the_progress() -> None:
    from beredd.register.selectors import suppress_progress

    assert suppress_progress({"total": 12, "unreached": 10}) == {"total": "12", "unreached": "×"}
    assert suppress_progress({"total": 12, "unreached": 0}) == {"total": "12", "unreached": "0"}
    assert suppress_progress({"total": 12, "unreached": 3}) == {"total": "12", "unreached": "<5"}


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
