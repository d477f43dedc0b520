"""Issue 9: import errors name the physical row (blank lines counted), and an XLSX formula cell is reported
as a formula, not as a missing value. ``core.tables.read_table`` is the one reader every import uses."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook

from beredd.core.exceptions import ValidationFailed
from beredd.core.tables import read_table


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_rows_know_their_physical_line_after_blank_lines() -> None:
    rows = read_table(filename="u.csv", content=b"name,service_kind\nA,sabo\n\n\nB,sabo\n,\nC,sabo\n")
    assert [(r["name"], r.line) for r in rows] == [("A", 2), ("B", 5), ("C", 7)]


def test_xlsx_rows_know_their_physical_row_after_blank_rows() -> None:
    rows = read_table(filename="u.xlsx", content=xlsx([["name", "service_kind"], ["A", "sabo"], [None, None], ["B", "sabo"]]))
    assert [(r["name"], r.line) for r in rows] == [("A", 2), ("B", 4)]


def test_an_xlsx_formula_cell_is_reported_as_a_formula_with_row_and_column() -> None:
    content = xlsx([["name", "service_kind"], ["A", "sabo"], [None, None], ['=A2&"x"', "sabo"]])
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        read_table(filename="u.xlsx", content=content)
    detail = caught.value.details[0]
    assert detail["row"] == 4 and detail["field"] == "name"
    assert '=A2&"x"' in detail["message"] and "formula" in detail["message"] and "required" not in detail["message"]


def test_the_unit_import_reports_the_physical_row(ref: dict[str, Any], make_user: Any) -> None:
    from beredd.orgs.services import units_import

    user = make_user(ref["gavle"], "org_admin")
    content = "name,service_kind\nEtt boende,sabo\n\nTvå boende,not-a-kind\n".encode()
    result = units_import(kommun=ref["gavle"], actor=user, filename="u.csv", content=content, commit=False)
    assert {e["row"] for e in result.errors} == {4}
