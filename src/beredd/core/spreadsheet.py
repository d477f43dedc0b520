"""Writing cells a spreadsheet may open: neutralised against formula injection, streamed row by row.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by Excel or
LibreOffice as a formula (OWASP "CSV injection"); such text cells get a leading apostrophe. Numbers stay numbers.
``CsvStream`` and ``XlsxStream`` write to an open binary file, so an export of hundreds of thousands of rows never
holds them all in memory (openpyxl's write-only mode for XLSX).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, BinaryIO

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell value as it may be written: None as empty, formula-looking text prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


_FORMULA_FIRST = frozenset(FORMULA_START)


def neutralise_row(values: list[Any]) -> list[Any]:
    """``neutralise`` over a row, with the common cases (text, numbers, empty) inline: exports call it per row."""
    out: list[Any] = []
    append = out.append
    for v in values:
        kind = type(v)
        if kind is str:
            append("'" + v if v and v[0] in _FORMULA_FIRST else v)
        elif kind is int or kind is float:
            append(v)
        elif v is None:
            append("")
        else:
            append(neutralise(v))
    return out


class CsvStream:
    """Semicolon-separated UTF-8 with a BOM (Excel opens Swedish characters correctly), row by row."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
        self._out.write("\ufeff")
        self._writer = csv.writer(self._out, delimiter=";")

    def row(self, values: list[Any]) -> None:
        self._writer.writerow(neutralise_row(values))

    def close(self) -> None:
        self._out.flush()
        self._out.detach()


class XlsxStream:
    """One sheet in openpyxl's write-only mode (rows go to a temporary file, not memory)."""

    def __init__(self, out: BinaryIO, *, title: str) -> None:
        self._out = out
        self._wb = Workbook(write_only=True)
        self._ws = self._wb.create_sheet(title=title[:31])

    def row(self, values: list[Any]) -> None:
        self._ws.append(neutralise_row(values))

    def close(self) -> None:
        self._wb.save(self._out)
