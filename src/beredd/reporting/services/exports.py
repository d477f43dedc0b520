"""Exports: answers and roll-ups as CSV/XLSX, the compiled picture as EDXL-SitRep inside an EDXL-DE 1.0 envelope.

EDXL-DE 1.0 is validated in tests against the OASIS schema copied to ``reporting/standards/``. The SitRep
schema (cs02) is not available offline; the SitRep part follows the specification's element definitions
(names and order as in the cs02 element tables, value lists below) and its required header is tested
explicitly. See ``reporting/standards/README.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import JSONField, OuterRef, Subquery
from django.utils import timezone
from lxml import etree

from beredd.core import spreadsheet
from beredd.reporting import fields as fieldtypes
from beredd.reporting import rollup as rollups
from beredd.reporting.models import CompiledPicture, RoundInstance, Submission, SubmissionVersion

DE_NS = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"
SITREP_NS = "urn:oasis:names:tc:emergency:EDXL:SitRep:1.0"
# EDXL-SitRep 1.0 value lists (specification, "Default values" of each element).
REPORT_VERSIONS = ("Initial", "Update", "Final")
URGENCY = ("Immediate", "Expected", "Future", "Past", "Unknown")
CONFIDENCE = ("HighlyConfident", "SomewhatConfident", "Unsure", "NoConfidence")
SEVERITY = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
LIFECYCLE = ("Preparedness", "Response", "Mitigation", "Recovery")
# SitRep header elements the specification marks as required, in document order.
SITREP_REQUIRED = (
    "messageID",
    "preparedBy",
    "authorizedBy",
    "reportPurpose",
    "reportNumber",
    "reportVersion",
    "forTimePeriod",
    "incidentID",
    "urgency",
    "reportConfidence",
    "severity",
    "report",
)
EXERCISE_MARK = "ÖVNING"


def _edxl_time(value: dt.datetime) -> str:
    """xs:dateTime with an explicit offset and no fractions (what EDXL validators accept)."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def answers_table(*, instance: RoundInstance, org_path: str) -> tuple[list[str], list[list[Any]]]:
    """One row per recipient in the subtree: org, status, submitted, late, then every field."""
    fields = list(instance.round.template_version.fields.all())
    header = ["organisation", "code", "status", "submitted_at", "late", *[f.key for f in fields]]
    if instance.round.is_exercise:
        header.insert(0, "exercise")
    rows: list[list[Any]] = []
    # Values come from each submission's latest immutable version (what was actually submitted), never the draft.
    latest = SubmissionVersion.objects.filter(submission=OuterRef("pk")).order_by("-number").values("data")[:1]
    subs = (
        Submission.objects.filter(instance=instance, org_path__startswith=org_path)
        .select_related("organisation")
        .annotate(submitted_data=Subquery(latest, output_field=JSONField()))
    )
    if org_path.count("/") <= 4:  # above kommun level: the recipients' own answers, not their units' internal ones
        subs = subs.filter(internal=False)
    for s in subs.order_by("org_path"):
        data = (s.submitted_data or {}) if s.is_answered else {}
        row: list[Any] = [
            s.organisation.name,
            s.organisation.code,
            s.status,
            _edxl_time(s.submitted_at) if s.submitted_at else "",
            "yes" if s.is_late else "",
        ]
        row += [
            fieldtypes.display_value(f, data.get(f.key)) if f.type in ("impact", "multi_choice") else data.get(f.key, "")
            for f in fields
        ]
        if instance.round.is_exercise:
            row.insert(0, EXERCISE_MARK)
        rows.append(row)
    return header, rows


def rollup_table(result: rollups.RollupResult) -> tuple[list[str], list[list[Any]]]:
    header = [
        "organisation",
        "expected",
        "answered",
        "completeness_percent",
        "late",
        "empty",
        *[f.key for f in result.fields if f.rollup not in ("none", "collate")],
    ]
    keys = [f for f in result.fields if f.rollup not in ("none", "collate")]
    rows = []
    for group in [*result.children, result.total]:
        values = result.values(group)
        c = group.completeness
        rows.append(
            [
                group.org.name,
                c.expected,
                c.answered,
                c.percent,
                c.late,
                c.empty,
                *[rollups.display(f, values[f.key]) for f in keys],
            ]
        )
    if result.instance.round.is_exercise:
        header.insert(0, "exercise")
        rows = [[EXERCISE_MARK, *r] for r in rows]
    return header, rows


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """Semicolon CSV (Swedish Excel) with a BOM; cells neutralised by ``core.spreadsheet``."""
    return spreadsheet.csv_bytes(header, rows, delimiter=";")


def to_xlsx(header: list[str], rows: list[list[Any]], *, title: str, exercise: bool) -> bytes:
    return spreadsheet.xlsx_bytes(header, rows, title=(EXERCISE_MARK + " " if exercise else "") + title[:20])


def _sub(parent: etree._Element, tag: str, text: str | None = None, ns: str = SITREP_NS) -> etree._Element:
    el = etree.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        el.text = text
    return el


def _person_time(parent: etree._Element, tag: str, name: str, when: dt.datetime) -> None:
    el = _sub(parent, tag)
    _sub(el, "personDetails", name)
    _sub(el, "timeValue", _edxl_time(when))


def sitrep_element(picture: CompiledPicture, *, severity: str = "Unknown") -> etree._Element:
    """The compiled picture as an EDXL-SitRep 1.0 element (header per the specification, narrative report)."""
    instance = picture.instance
    round_ = instance.round
    root = etree.Element(f"{{{SITREP_NS}}}SitRep", nsmap={None: SITREP_NS})
    author = picture.author.get_full_name()
    _sub(root, "messageID", f"beredd-picture-{picture.pk}-{picture.lock_version}")
    _person_time(root, "preparedBy", author, picture.updated_at)
    _person_time(root, "authorizedBy", f"{author}, {picture.organisation.name}", picture.published_at or picture.updated_at)
    purpose = f"Samlad lägesbild: {round_.title} – {picture.organisation.name}"
    _sub(root, "reportPurpose", (EXERCISE_MARK + " " if round_.is_exercise else "") + purpose)
    _sub(root, "reportNumber", str(instance.number))
    _sub(root, "reportVersion", "Initial" if instance.number == 1 else "Update")
    period = _sub(root, "forTimePeriod")
    _sub(period, "fromDateTime", _edxl_time(instance.as_of))
    _sub(period, "toDateTime", _edxl_time(instance.deadline))
    _sub(root, "reportTitle", round_.title)
    _sub(root, "incidentID", f"beredd-round-{round_.pk}" if round_.event_id is None else f"beredd-event-{round_.event_id}")
    _sub(root, "incidentLifecyclePhase", "Response")
    _sub(root, "urgency", "Expected")
    _sub(root, "reportConfidence", "SomewhatConfident")
    _sub(root, "severity", severity if severity in SEVERITY else "Unknown")
    if picture.actions:
        _sub(root, "actionPlan", picture.actions)
    report = _sub(root, "report")
    info = _sub(_sub(report, "situationInformation"), "primaryIncidentInformation")
    _sub(info, "incidentName", round_.event.name if round_.event else round_.title)
    _sub(info, "situationSummary", "\n\n".join(t for t in (picture.summary, picture.assessment, picture.needs) if t))
    return root


def edxl_de(picture: CompiledPicture) -> bytes:
    """An EDXL-DE 1.0 envelope carrying the SitRep of ``picture``; exercises are sent with status Exercise."""
    round_ = picture.instance.round
    de = etree.Element(f"{{{DE_NS}}}EDXLDistribution", nsmap={None: DE_NS})
    _sub(de, "distributionID", f"beredd-de-{picture.pk}-{picture.lock_version}", ns=DE_NS)
    _sub(de, "senderID", settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">"), ns=DE_NS)
    _sub(de, "dateTimeSent", _edxl_time(timezone.now()), ns=DE_NS)
    _sub(de, "distributionStatus", "Exercise" if round_.is_exercise else "Actual", ns=DE_NS)
    _sub(de, "distributionType", "Report", ns=DE_NS)
    _sub(de, "combinedConfidentiality", "UNCLASSIFIED", ns=DE_NS)
    _sub(de, "language", "sv", ns=DE_NS)
    content = _sub(de, "contentObject", ns=DE_NS)
    _sub(content, "contentDescription", f"EDXL-SitRep 1.0: {round_.title}", ns=DE_NS)
    xml = _sub(content, "xmlContent", ns=DE_NS)
    embedded = _sub(xml, "embeddedXMLContent", ns=DE_NS)
    embedded.append(sitrep_element(picture))
    return bytes(etree.tostring(de, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def picture_pdf(*, html: str, base_url: str) -> bytes:
    """The compiled picture's print page (``html``, rendered by the view) as PDF, with the print stylesheet."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    css_path = finders.find("reporting/print.css")
    stylesheets = [CSS(filename=str(css_path))] if css_path else []
    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf(stylesheets=stylesheets)
    return pdf
