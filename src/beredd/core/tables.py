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


def read_table(*, filename: str, content: bytes) -> list[dict[str, Any]]:
    """Rows of an XLSX workbook (first sheet) or of UTF-8 CSV text (comma or semicolon) as dicts keyed by the
    stripped, lower-cased header. XLSX cells keep their types (empty cells become ""); CSV values are strings.
    Blank rows are skipped. Raises ``ValidationFailed`` when the file cannot be read at all."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise _file_error(
                _("The file is not a readable XLSX workbook (%(error)s).") % {"error": type(exc).__name__}
            ) from None
        rows_iter = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows_iter, ())]
        return [
            dict(zip(header, ("" if v is None else v for v in row), strict=False))
            for row in rows_iter
            if any(v not in (None, "") for v in row)
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(_("The file is not UTF-8 encoded text. Save it as 'CSV UTF-8'.")) from None
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    try:
        reader.fieldnames = [str(f).strip().lower() for f in reader.fieldnames or []]
        return [row for row in reader if any((v or "").strip() for v in row.values() if isinstance(v, str))]
    except csv.Error as exc:
        raise _file_error(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None
