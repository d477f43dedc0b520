"""SMHI's warnings JSON: areas mapped to kommuner with the offline boundaries, heat proposed per kommun, the
coordinator confirms; malformed files, other events and areas outside Sweden are refused with nothing saved."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from beredd.comms.models import WarningImport
from beredd.comms.services import warnings as services
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.preparedness.models import HeatActivation

pytestmark = pytest.mark.frozen_now  # the SMHI warnings are for July 2027 and a CAP alert expires hours from now


def box(lat: float, lon: float, d: float = 0.05) -> dict[str, Any]:
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}],
    }


def warning(code: str, areas: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": 1,
        "normalProbability": True,
        "event": {"sv": "Höga temperaturer", "en": "High temperatures", "code": code},
        "descriptions": [],
        "warningAreas": areas,
    }


def area(
    name: str,
    level: str,
    geometry: dict[str, Any],
    start: str = "2027-07-14T10:00:00.000Z",
    end: str = "2027-07-16T20:00:00.000Z",
) -> dict[str, Any]:
    return {
        "id": 10,
        "approximateStart": start,
        "approximateEnd": end,
        "published": "2027-07-13T08:00:00.000Z",
        "normalProbability": True,
        "areaName": {"sv": name, "en": name},
        "warningLevel": {"sv": level.title(), "en": level.title(), "code": level},
        "eventDescription": {"sv": "Höga temperaturer", "en": "High temperatures", "code": "HIGH_TEMPERATURE"},
        "affectedAreas": [{"id": 21, "sv": "Gävleborgs län", "en": "Gävleborg County"}],
        "descriptions": [],
        "area": geometry,
    }


def smhi_file(*warnings: dict[str, Any]) -> bytes:
    return json.dumps(list(warnings)).encode()


@pytest.fixture
def county(ref: Any, make_user: Any) -> Any:
    return make_user(ref["gavleborg"], "coordinator", email="lan@lst.test")


def test_areas_map_to_the_kommuner_they_cover_and_the_highest_level_wins(ref: Any, county: Any) -> None:
    content = smhi_file(
        warning(
            "HIGH_TEMPERATURE",
            [
                area("Gävle kust", "YELLOW", box(60.67, 17.15)),
                area("Gävle stad", "ORANGE", box(60.67, 17.15, 0.01), end="2027-07-17T20:00:00Z"),
            ],
        ),
        warning("WIND", [area("Havet", "YELLOW", box(60.9, 17.6))]),
    )
    imp = services.warnings_upload(actor=county, organisation=ref["gavleborg"], filename="smhi.json", content=content)
    by = {p["kommun_code"]: p for p in imp.proposals}
    assert (
        "2180" in by
        and by["2180"]["level"] == "orange"
        and by["2180"]["valid_from"] == "2027-07-14"
        and by["2180"]["valid_until"] == "2027-07-17"
    )
    assert set(by) <= {o.code for o in ref["gavleborg"].children.all()} and imp.other_events == 1
    done = services.warnings_confirm(actor=county, imp=imp, kommun_codes=["2180"])
    assert (
        [a.organisation.code for a in done] == ["2180"]
        and done[0].source == HeatActivation.Source.FILE
        and done[0].level == "orange"
    )
    with pytest.raises(ValidationFailed):
        services.warnings_confirm(actor=county, imp=imp, kommun_codes=["2180"])


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", ("JSON",)),
        (b"[]", ("list", "lista")),
        (smhi_file(warning("WIND", [area("Havet", "YELLOW", box(60.9, 17.6))])), ("HIGH_TEMPERATURE",)),
        (smhi_file(warning("HIGH_TEMPERATURE", [area("Bayern", "YELLOW", box(48.1, 11.5))])), ("Bayern",)),
        (smhi_file(warning("HIGH_TEMPERATURE", [area("Gävle", "PURPLE", box(60.67, 17.15))])), ("Gävle",)),
        (
            smhi_file(warning("HIGH_TEMPERATURE", [area("Gävle", "YELLOW", {"type": "Polygon", "coordinates": "x"})])),
            ("GeoJSON",),
        ),
        (smhi_file(warning("HIGH_TEMPERATURE", [area("Gävle", "YELLOW", box(60.67, 17.15), start="i morgon")])), ("Gävle",)),
        (smhi_file(warning("HIGH_TEMPERATURE", [area("Stockholm", "YELLOW", box(59.33, 18.06, 0.01))])), ("Gävleborg",)),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_saved(
    ref: Any, county: Any, content: bytes, words: tuple[str, ...]
) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.warnings_upload(actor=county, organisation=ref["gavleborg"], filename="smhi.json", content=content)
    assert any(w in str(err.value.message) for w in words), err.value.message
    assert not WarningImport.objects.exists() and not HeatActivation.objects.exists()


def test_only_who_manages_preparedness_may_import_and_confirm(ref: Any, county: Any, make_user: Any) -> None:
    content = smhi_file(warning("HIGH_TEMPERATURE", [area("Gävle", "YELLOW", box(60.67, 17.15))]))
    viewer = make_user(ref["gavleborg"], "viewer")
    with pytest.raises(PermissionDeniedError):
        services.warnings_upload(actor=viewer, organisation=ref["gavleborg"], filename="smhi.json", content=content)
    imp = services.warnings_upload(actor=county, organisation=ref["gavleborg"], filename="smhi.json", content=content)
    outsider = make_user(ref["stockholm"], "coordinator")
    for user in (viewer, outsider):
        c = Client()
        c.force_login(user)
        assert c.get(reverse("comms:warnings-detail", args=[imp.pk])).status_code == 404
        assert c.post(reverse("comms:warnings-detail", args=[imp.pk]), {"kommun": ["2180"]}).status_code == 404
    assert not HeatActivation.objects.exists()


def test_the_upload_page_reads_a_file_and_the_coordinator_confirms(ref: Any, county: Any, client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(county)
    content = smhi_file(warning("HIGH_TEMPERATURE", [area("Gävle", "YELLOW", box(60.67, 17.15))]))
    response = client.post(reverse("comms:warnings"), {"file": SimpleUploadedFile("smhi.json", content, "application/json")})
    assert response.status_code == 302
    imp = WarningImport.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Gävle" in page.content.decode()
    client.post(response["Location"], {"kommun": ["2180"]})
    assert HeatActivation.objects.filter(organisation__code="2180", level="gul").count() == 1
    bad = client.post(reverse("comms:warnings"), {"file": SimpleUploadedFile("smhi.json", b"{", "application/json")})
    assert bad.status_code == 400 and WarningImport.objects.count() == 1 and imp.pk


CAP_ALERT = """<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>vma-2027-0001</identifier><sender>vma@sr.se</sender><sent>{sent}</sent>
  <status>{status}</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>sv</language><category>Infra</category><event>Elavbrott</event>
    <urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
    <expires>{expires}</expires><headline>Viktigt meddelande till allmänheten: elavbrott i Gävle</headline>
    <description>Omfattande elavbrott efter stormen.</description>
    <area><areaDesc>Gävle</areaDesc>{area}</area></info>
</alert>"""


def cap_file(
    status: str = "Actual",
    area: str = "<geocode><valueName>SCB-kommunkod</valueName><value>2180</value></geocode>",
    hours: int = 6,
) -> bytes:
    """A CAP alert sent an hour ago that expires ``hours`` from now (read when called, so call it in the test)."""
    from django.utils import timezone

    from beredd.comms.cap import cap_time

    now = timezone.now()
    sent, expires = cap_time(now - dt.timedelta(hours=1)), cap_time(now + dt.timedelta(hours=hours))
    return CAP_ALERT.format(status=status, sent=sent, expires=expires, area=area).encode()


def test_a_cap_alert_starts_an_incident_for_the_kommun_in_its_area(ref: Any, make_user: Any) -> None:
    from beredd.register.models import Incident

    coord = make_user(ref["gavle"], "coordinator")
    imp = services.warnings_upload(
        actor=coord, organisation=ref["gavle"], filename="vma.xml", content=cap_file(status="Exercise")
    )
    assert imp.source == "cap" and [p["kommun_code"] for p in imp.proposals] == ["2180"] and imp.event["kind"] == "power_cut"
    services.warnings_confirm(actor=coord, imp=imp, kommun_codes=["2180"])
    incident = Incident.objects.get()
    assert (
        incident.kommun == ref["gavle"] and incident.is_exercise and "vma-2027-0001" in incident.reason and incident.area_geojson
    )


@pytest.mark.parametrize(
    ("alert", "words"),
    [
        (b"<alert>", ("CAP 1.2",)),
        ({"status": "Test"}, ("actual", "faktisk")),
        ({"hours": -1}, ("expired", "gått ut")),
        ({"area": "<polygon>48.0,11.0 48.1,11.0 48.1,11.1 48.0,11.0</polygon>"}, ("outside Sweden", "utanför Sverige")),
        ({"area": "<geocode><valueName>SCB-kommunkod</valueName><value>9999</value></geocode>"}, ("9999",)),
    ],
)
def test_a_bad_cap_alert_is_refused_and_nothing_saved(
    ref: Any, make_user: Any, alert: bytes | dict[str, Any], words: tuple[str, ...]
) -> None:
    content = cap_file(**alert) if isinstance(alert, dict) else alert  # built now, on the frozen clock
    coord = make_user(ref["gavle"], "coordinator")
    with pytest.raises(ValidationFailed) as err:
        services.warnings_upload(actor=coord, organisation=ref["gavle"], filename="vma.xml", content=content)
    assert any(w in str(err.value.message) for w in words), err.value.message
    assert not WarningImport.objects.exists()
