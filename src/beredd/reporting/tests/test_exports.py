"""EDXL export: the DE 1.0 envelope validates against its schema; the SitRep header has the required elements."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from beredd.reporting.services import exports, pictures
from beredd.reporting.tests.conftest import issue

STANDARDS = Path(__file__).resolve().parent.parent / "standards"
SR = "{urn:oasis:names:tc:emergency:EDXL:SitRep:1.0}"
DE = "{urn:oasis:names:tc:emergency:EDXL:DE:1.0}"


@pytest.fixture(scope="module")
def de_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARDS / "edxl-de-1.0" / "EDXL-DE_Schema_v1.0.xsd")))


def picture_for(world: SimpleNamespace, exercise: bool = False) -> pictures.CompiledPicture:
    instance = issue(world, is_exercise=exercise).instances.get()
    picture = pictures.picture_save(
        actor=world.national,
        instance=instance,
        organisation=world.nation,
        data={"summary": "Ansträngt läge", "actions": "Förstärkt bemanning"},
        numbers={},
    )
    return pictures.picture_publish(actor=world.national, picture=picture)


def test_the_schema_accepts_its_own_minimal_example(de_schema: etree.XMLSchema) -> None:
    assert de_schema.validate(etree.parse(str(STANDARDS / "edxl-de-1.0" / "example-minimal.xml")))


def test_the_envelope_validates_against_edxl_de_1_0(world: SimpleNamespace, de_schema: etree.XMLSchema) -> None:
    doc = etree.fromstring(exports.edxl_de(picture_for(world)))
    de_schema.assertValid(doc)
    assert doc.findtext(f"{DE}distributionStatus") == "Actual"
    assert doc.find(f".//{DE}embeddedXMLContent/{SR}SitRep") is not None


def test_a_broken_envelope_fails_validation(world: SimpleNamespace, de_schema: etree.XMLSchema) -> None:
    doc = etree.fromstring(exports.edxl_de(picture_for(world)))
    doc.remove(doc.find(f"{DE}senderID"))
    assert not de_schema.validate(doc)


def test_an_exercise_is_sent_with_status_exercise_and_marked(world: SimpleNamespace, de_schema: etree.XMLSchema) -> None:
    doc = etree.fromstring(exports.edxl_de(picture_for(world, exercise=True)))
    de_schema.assertValid(doc)
    assert doc.findtext(f"{DE}distributionStatus") == "Exercise"
    assert doc.findtext(f".//{SR}reportPurpose").startswith("ÖVNING")


def test_the_sitrep_header_has_the_required_elements_in_order_with_listed_values(world: SimpleNamespace) -> None:
    sitrep = etree.fromstring(exports.edxl_de(picture_for(world))).find(f".//{SR}SitRep")
    names = [etree.QName(child).localname for child in sitrep]
    positions = [names.index(n) for n in exports.SITREP_REQUIRED]
    assert positions == sorted(positions), names
    assert sitrep.findtext(f"{SR}reportVersion") in exports.REPORT_VERSIONS
    assert sitrep.findtext(f"{SR}urgency") in exports.URGENCY
    assert sitrep.findtext(f"{SR}reportConfidence") in exports.CONFIDENCE
    assert sitrep.findtext(f"{SR}severity") in exports.SEVERITY
    assert sitrep.findtext(f"{SR}incidentLifecyclePhase") in exports.LIFECYCLE
    assert int(sitrep.findtext(f"{SR}reportNumber")) >= 1
    for tag in ("preparedBy", "authorizedBy"):
        assert sitrep.find(f"{SR}{tag}/{SR}timeValue") is not None
    period = sitrep.find(f"{SR}forTimePeriod")
    assert period.findtext(f"{SR}fromDateTime") < period.findtext(f"{SR}toDateTime")
    # EDXL date-times carry an explicit offset and no fractions.
    assert "." not in period.findtext(f"{SR}fromDateTime") and period.findtext(f"{SR}fromDateTime")[-6] in "+-"
