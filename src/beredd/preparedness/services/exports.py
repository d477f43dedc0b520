"""Documents: the RSA in the MSBFS 2015:5 structure (PDF, DOCX) and the unit's backup binder (PDF)."""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit
from beredd.orgs.models import Organisation
from beredd.preparedness import selectors
from beredd.preparedness.models import BinderSnapshot, ContinuityPlan, RiskAnalysis
from beredd.preparedness.services._common import require_kind
from beredd.preparedness.services.heat import LEVEL_ORDER, checklists_by_level


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported lazily: loading Pango is slow and only exports need it

    # PDF/UA-1 makes WeasyPrint write a tagged PDF (structure tree) for screen readers.
    data: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    return data


def _rsa_context(rsa: RiskAnalysis) -> dict[str, Any]:
    risks = selectors.risks_of(rsa)
    return {
        "rsa": rsa,
        "sections": rsa.sections(),
        "risks": risks,
        "matrix": selectors.risk_matrix(risks),
        "generated_at": timezone.now(),
    }


def rsa_export_pdf(*, rsa: RiskAnalysis, actor: Actor | None) -> bytes:
    policy.require(actor, "preparedness.view", rsa.kommun)
    data = _pdf(render_to_string("preparedness/pdf/rsa.html", _rsa_context(rsa)))
    audit.record(
        actor=actor,
        action="preparedness.rsa_export",
        target=rsa,
        organisation=rsa.kommun,
        changes={"format": {"before": None, "after": "pdf"}},
    )
    return data


def rsa_export_docx(*, rsa: RiskAnalysis, actor: Actor | None) -> bytes:
    """The RSA as a Word document with one heading per MSBFS 2015:5 section and the risk register as a table."""
    from docx import Document

    policy.require(actor, "preparedness.view", rsa.kommun)
    ctx = _rsa_context(rsa)
    doc = Document()
    doc.core_properties.title = str(rsa)
    doc.core_properties.language = "sv-SE"
    doc.add_heading(
        _("Risk and vulnerability analysis %(kommun)s, mandate period %(period)s")
        % {"kommun": rsa.kommun.name, "period": rsa.mandate_period},
        level=0,
    )
    doc.add_paragraph(_("Reported under MSBFS 2015:5. Due %(date)s.") % {"date": rsa.due_date.isoformat()})
    for name, label, text in ctx["sections"]:
        doc.add_heading(label, level=1)
        doc.add_paragraph(text or _("(Not yet written)"))
        if name == "risks_summary":
            _docx_risk_table(doc, ctx["risks"])
    buffer = io.BytesIO()
    doc.save(buffer)
    audit.record(
        actor=actor,
        action="preparedness.rsa_export",
        target=rsa,
        organisation=rsa.kommun,
        changes={"format": {"before": None, "after": "docx"}},
    )
    return buffer.getvalue()


def _docx_risk_table(doc: Any, risks: list[Any]) -> None:
    headers = [_("Risk"), _("Likelihood"), _("Consequence"), _("Controls"), _("Actions")]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for risk in risks:
        cells = table.add_row().cells
        actions = "; ".join(f"{a.description} ({a.owner}, {a.due_date})" for a in risk.actions.all())
        for cell, text in zip(
            cells, [risk.title, str(risk.likelihood), str(risk.consequence), risk.controls, actions], strict=True
        ):
            cell.text = text


def binder_pdf(*, unit: Organisation) -> bytes:
    """Render the backup binder: plans with routines and contacts, an empty call list and the checklists."""
    plans = list(ContinuityPlan.objects.filter(organisation=unit).prefetch_related("dependencies", "contacts"))
    # Each level's own items; a level's checklist in the app is cumulative, on paper the sections follow each other.
    data = checklists_by_level()
    checklists = [(name, data[name]) for name in ["before_summer", *LEVEL_ORDER]]
    html = render_to_string(
        "preparedness/pdf/binder.html",
        {
            "unit": unit,
            "kommun": unit.parent,
            "plans": plans,
            "generated_at": timezone.now(),
            "call_rows": range(15),
            "checklists": checklists,
        },
    )
    return _pdf(html)


@transaction.atomic
def binder_generate(*, unit: Organisation, actor: Actor | None) -> BinderSnapshot:
    """Generate and keep a binder PDF for ``unit``. ``actor`` None = the weekly task.

    Generating writes (a stored PDF, an audit row) and so needs ``preparedness.edit``; reading a stored binder
    needs only ``preparedness.view`` (``selectors.binder_get_for_user``)."""
    policy.require(actor, "preparedness.edit", unit, system=True)
    require_kind(unit, Organisation.Kind.UNIT)
    data = binder_pdf(unit=unit)
    binder = BinderSnapshot.objects.create(unit=unit, generated_at=timezone.now(), content=data, size=len(data))
    audit.record(
        actor=actor or "system",
        action="preparedness.binder_generate",
        target=binder,
        organisation=unit,
        changes={"size": {"before": None, "after": len(data)}},
    )
    return binder
