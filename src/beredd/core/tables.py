"""Read uploaded tables (CSV or XLSX) into rows; shared by every import in Beredd (units, register residents)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from beredd.core.exceptions import FieldError, ValidationFailed


def _file_error(message: str) -> ValidationFailed:
    # Both forms: views that show one message and views that list problems by row and field.
    return ValidationFailed(message, details=[FieldError(row=None, field="file", message=message)])


class Row(dict[str, Any]):
    """One data row, keyed by header, that knows its physical row in the file (the header is row 1, and blank
    rows are counted), so every import reports the row a person sees in the spreadsheet."""

    line: int = 0

    @classmethod
    def at(cls, line: int, values: Any) -> Row:
        row = cls(values)
        row.line = line
        return row


def row_number(row: Any, fallback: int) -> int:
    """The physical row of ``row`` (a :class:`Row`), or ``fallback`` for a plain dict."""
    return int(getattr(row, "line", 0) or fallback)


def _formula_error(cells: list[tuple[int, str, str]]) -> ValidationFailed:
    details = [
        FieldError(
            row=line,
            field=column,
            message=_("The cell holds a formula (%(formula)s), not a value. Save the sheet with values only.")
            % {"formula": formula[:40]},
        )
        for line, column, formula in cells[:100]
    ]
    return ValidationFailed(_("The file has cells with formulas."), details=details)


def read_table(*, filename: str, content: bytes) -> list[Row]:
    """Rows of an XLSX workbook (first sheet) or of UTF-8 CSV text (comma or semicolon) as :class:`Row` dicts
    keyed by the stripped, lower-cased header. XLSX cells keep their types (empty cells become ""); CSV values
    are strings. Blank rows are skipped but counted, so ``Row.line`` is the physical row. A formula cell in an
    XLSX file is refused (with its row and column), never read as empty. Raises ``ValidationFailed`` when the
    file cannot be read at all."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=False).worksheets[0]
            rows_iter = sheet.iter_rows()
            header_cells = next(rows_iter, ())
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise _file_error(
                _("The file is not a readable XLSX workbook (%(error)s).") % {"error": type(exc).__name__}
            ) from None
        header = [str(c.value or "").strip().lower() for c in header_cells]
        first = getattr(header_cells[0], "row", None) if header_cells else None
        rows: list[Row] = []
        formulas: list[tuple[int, str, str]] = []
        for offset, cells in enumerate(rows_iter, start=1):
            line = next((c.row for c in cells if getattr(c, "row", None)), None) or (first or 1) + offset
            values = [c.value for c in cells]
            for i, c in enumerate(cells):
                if getattr(c, "data_type", None) == "f":
                    formulas.append((line, header[i] if i < len(header) else str(i + 1), str(c.value)))
            if any(v not in (None, "") for v in values):
                rows.append(Row.at(line, zip(header, ("" if v is None else v for v in values), strict=False)))
        if formulas:
            raise _formula_error(formulas)
        return rows
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(_("The file is not UTF-8 encoded text. Save it as 'CSV UTF-8'.")) from None
    first_line = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first_line.count(";") > first_line.count(",") else ",")
    try:
        reader.fieldnames = [str(f).strip().lower() for f in reader.fieldnames or []]
        out: list[Row] = []
        for row in reader:
            # line_num counts physical lines read so far, blank ones included (DictReader skips those).
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                out.append(Row.at(reader.line_num, row))
        return out
    except csv.Error as exc:
        raise _file_error(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None
