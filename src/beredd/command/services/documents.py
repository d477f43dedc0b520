"""Documents: the event log as a tagged PDF (WeasyPrint, as the collaboration minutes); the open needs as a table
for the reporting app's CSV/XLSX writers, which neutralise every cell (``core.spreadsheet``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from beredd.command.models import LogEntry
from beredd.core import timefmt
from beredd.orgs.models import Organisation

MAX_ENTRIES = 2000


def log_pdf(*, org: Organisation, entries: list[LogEntry]) -> bytes:
    from weasyprint import HTML  # lazily: loading Pango is slow and only documents need it

    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        html = render_to_string("command/pdf/log.html", {"org": org, "entries": entries, "generated_at": timezone.now()})
    data: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return data


def needs_table(rows: list[dict[str, Any]], *, org: Organisation) -> tuple[list[str], list[list[Any]]]:
    """One row per item and priority; while heightened alert is in force over ``org`` a first column says so."""
    from beredd.command.selectors import alert_in_force

    alert = alert_in_force(org_path=org.path)
    header, table = _needs(rows, org=org)
    if alert is not None:
        mark = ("ÖVNING " if alert.is_exercise else "") + str(alert.get_kind_display())
        header = ["alert", *header]
        table = [[mark, *row] for row in table]
    return header, table


def _needs(rows: list[dict[str, Any]], *, org: Organisation) -> tuple[list[str], list[list[Any]]]:
    header = ["organisation", "item", "unit", "priority", "remaining", "requests", "oldest"]
    out = [
        [
            org.name,
            r["item_label"],
            r["unit"],
            r["priority_label"],
            r["remaining"],
            r["requests"],
            timefmt.local(r["oldest"]),
        ]
        for r in rows
    ]
    return header, out
