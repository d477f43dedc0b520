"""The RSA export (PDF, DOCX) and the backup binder are read back as text, not judged by size."""

import datetime as dt
import io
from typing import Any

import docx
import pypdf

from beredd.preparedness import selectors, services
from beredd.preparedness.models import BinderSnapshot
from beredd.preparedness.models.rsa import SECTIONS


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_rsa_exports_follow_the_msbfs_structure(ref: Any, make_user: Any) -> None:
    coordinator = make_user(ref["gavle"], "coordinator")
    rsa = services.rsa_create(kommun=ref["gavle"], actor=coordinator, election_year=2022)
    services.rsa_update_sections(rsa=rsa, actor=coordinator, values={"area_description": "Gävle ligger vid kusten."})
    services.risks_add_from_handbook(rsa=rsa, actor=coordinator)
    text = _pdf_text(services.rsa_export_pdf(rsa=rsa, actor=coordinator))
    assert "Gävle ligger vid kusten." in text
    assert "Värmebölja" in text and "Elavbrott" in text
    positions = [text.index(str(label)) for _name, label in SECTIONS]
    assert positions == sorted(positions)  # the seven MSBFS 2015:5 sections, in order
    document = docx.Document(io.BytesIO(services.rsa_export_docx(rsa=rsa, actor=coordinator)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == 7 and headings[0].startswith("1.") and headings[6].startswith("7.")
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "Epidemi och pandemi" in cells


def test_a_backup_binder_holds_the_plan_contacts_call_list_and_checklists(ref: Any, make_unit: Any, make_user: Any) -> None:
    unit = make_unit(ref["gavle"], name="Strömsbro äldreboende")
    manager = make_user(unit, "reporter")
    plan = services.plan_create(
        organisation=unit,
        actor=manager,
        values={
            "title": "Plan Strömsbro",
            "critical_activities": "Läkemedelsutdelning",
            "max_tolerable_outage": "4h",
            "owner": "Anna",
            "review_date": dt.date(2027, 1, 1),
        },
    )
    services.plan_dependency_set(plan=plan, actor=manager, kind="it", values={"backup_routine": "Pappersjournal i pärmen"})
    services.plan_contact_add(plan=plan, actor=manager, values={"name": "Sjuksköterska i beredskap", "phone": "026-999 99"})
    binder = services.binder_generate(unit=unit, actor=manager)
    text = _pdf_text(bytes(binder.content))
    for expected in ("Strömsbro äldreboende", "Plan Strömsbro", "Pappersjournal i pärmen", "026-999 99"):
        assert expected in text
    assert "Dryck finns framme" in text and "larmkedja" in text  # heat checklists, incl. before summer
    assert list(selectors.binders_for_user(user=manager, unit=unit)) == [BinderSnapshot.objects.get()]
