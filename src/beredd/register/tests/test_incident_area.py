"""Issue 9: an incident area outside the kommun is a warning that needs confirmation; one 2 MB size limit,
the same for pasting and uploading."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from beredd.core.exceptions import ValidationFailed
from beredd.register import geo, services
from beredd.register.forms import IncidentForm
from beredd.register.models import Incident
from beredd.register.tests.helpers import square

GAVLE = (60.6745, 17.1417)
COPENHAGEN = (55.6761, 12.5683)  # inside Sweden's bounding box, outside Sweden
SANDVIKEN = (60.6167, 16.7667)


def activate(world: Any, at: tuple[float, float], **kw: Any) -> Incident:
    return services.incident_activate(
        actor=world.coordinator,
        kommun=world.gavle,
        kind="power_cut",
        reason="Strömavbrott",
        ends_at=timezone.now() + dt.timedelta(hours=6),
        area_geojson=square(*at),
        **kw,
    )


@pytest.mark.parametrize("where", [COPENHAGEN, SANDVIKEN], ids=["Copenhagen", "Sandviken"])
def test_an_area_outside_the_kommun_needs_confirmation(world: Any, where: tuple[float, float]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        activate(world, where)
    detail = caught.value.details[0]
    assert detail["field"] == "area" and detail["code"] == "area_outside_kommun" and "Gävle" in detail["message"]
    assert not Incident.objects.exists()
    assert activate(world, where, confirm_outside=True).pk


def test_an_area_inside_the_kommun_needs_no_confirmation(world: Any) -> None:
    assert activate(world, GAVLE).pk


def _geojson_of_size(size: int) -> str:
    text = json.dumps(square(*GAVLE))
    return text[:-1] + ', "padding": "' + "x" * (size - len(text) - 16) + '"}'


def test_one_size_limit_for_pasting_and_uploading() -> None:
    big = _geojson_of_size(geo.AREA_MAX_BYTES * 2)
    base = {"kind": "power_cut", "reason": "x", "ends_at": "2099-01-01T10:00"}
    pasted = IncidentForm(base | {"area": big})
    assert not pasted.is_valid() and "area" in pasted.errors
    uploaded = IncidentForm(base, {"area_file": SimpleUploadedFile("a.geojson", big.encode())})
    assert not uploaded.is_valid()
    assert "2 MB" in str(uploaded.errors["area_file"]) and "JSON" not in str(uploaded.errors)
    ok = _geojson_of_size(geo.AREA_MAX_BYTES - 10)
    assert IncidentForm(base | {"area": ok}).is_valid()
    assert IncidentForm(base, {"area_file": SimpleUploadedFile("a.geojson", ok.encode())}).is_valid()


def test_the_page_warns_and_activates_after_confirmation(client: Client, world: Any) -> None:
    client.force_login(world.coordinator)
    data = {
        "kind": "power_cut",
        "reason": "Strömavbrott",
        "ends_at": (timezone.localtime() + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
        "area": json.dumps(square(*SANDVIKEN)),
    }
    response = client.post("/register/incidenter/ny/", data)
    assert response.status_code == 200 and "utanför Gävle" in response.content.decode()
    assert not Incident.objects.exists()
    response = client.post("/register/incidenter/ny/", data | {"confirm_outside": "on"})
    assert response.status_code == 302 and Incident.objects.count() == 1
