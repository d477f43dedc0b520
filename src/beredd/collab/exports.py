"""Exports of measures and the action plan: CSV and XLSX through the reporting app's writers, and a PDF.

Every text cell goes through the one neutraliser (``core.spreadsheet``, OWASP CSV injection) before the
reporting writers, which use it too. The headers are Swedish labels, never field codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from beredd.collab.models import Measure
from beredd.core.spreadsheet import neutralise
from beredd.core.timefmt import local
from beredd.reporting.services import exports as writers


def _table(header: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    return [str(neutralise(h)) for h in header], [[neutralise(v) for v in row] for row in rows]


def measures_table(measures: Iterable[Measure]) -> tuple[list[str], list[list[Any]]]:
    header = [
        _("Municipality"),
        _("Municipality code"),
        _("Year"),
        _("Priority area"),
        pgettext("priority area", "Measure"),
        _("Status"),
        _("Responsible"),
        _("Due date"),
        _("Description"),
    ]
    rows = [
        [
            m.kommun.name,
            m.kommun.code,
            m.year,
            str(m.get_priority_area_display()),
            m.title,
            str(m.get_status_display()),
            m.responsible,
            local(m.due_date, "%Y-%m-%d"),
            m.description,
        ]
        for m in measures
    ]
    return _table(header, rows)


def rollup_table(rollup: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    header = [_("Priority area"), *[str(label) for _v, label in Measure.Status.choices], _("Total")]
    rows = [[str(a["label"]), *[n for _s, n in a["counts"]], a["total"]] for a in rollup["areas"]]
    rows.append([_("Total"), *[n for _s, n in rollup["totals"]], rollup["total"]])
    return _table(header, rows)


def to_csv(table: tuple[list[str], list[list[Any]]]) -> bytes:
    return writers.to_csv(*table)


def to_xlsx(table: tuple[list[str], list[list[Any]]], *, title: str) -> bytes:
    return writers.to_xlsx(*table, title=title, exercise=False)


def plan_pdf(*, org: Any, year: int, rollup: dict[str, Any], measures: list[Measure]) -> bytes:
    """The action plan (county) or yearly follow-up (nation) as a tagged PDF: the roll-up, then every measure."""
    from weasyprint import HTML  # imported lazily: loading Pango is slow and only documents need it

    with translation.override(settings.LANGUAGE_CODE), timezone.override(settings.TIME_ZONE):
        html = render_to_string(
            "collab/pdf/measure_plan.html",
            {"org": org, "year": year, "rollup": rollup, "measures": measures, "generated_at": timezone.now()},
        )
    data: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return data
