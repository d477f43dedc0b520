"""Units: create, edit, deactivate, import (all-or-nothing, errors by row and column)."""

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from beredd.core.exceptions import ValidationFailed
from beredd.core.models import AuditEvent
from beredd.orgs import services
from beredd.orgs.models import Organisation
from beredd.orgs.validators import normalise_org_number


def test_org_numbers_are_checked() -> None:
    assert normalise_org_number("2120001355") == "212000-1355"  # Gävle kommun
    with pytest.raises(ValidationError) as bad_check:
        normalise_org_number("212000-1356")
    assert bad_check.value.code == "checksum"
    with pytest.raises(ValidationError) as bad_format:
        normalise_org_number("12345")
    assert bad_format.value.code == "format"


def test_creating_a_unit_sets_its_path_and_is_audited(ref: dict[str, Any], make_user: Any) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    unit = services.unit_create(
        kommun=ref["gavle"], actor=admin, values={"name": "Strandgården", "service_kind": "sabo", "regi": "kommunal"}
    )
    assert unit.path == f"{ref['gavle'].path}{unit.pk}/"
    event = AuditEvent.objects.get(action="org.create", target_id=str(unit.pk))
    assert event.actor == admin
    assert event.changes["name"] == {"before": None, "after": "Strandgården"}


def test_bad_unit_values_name_each_field_and_save_nothing(ref: dict[str, Any], make_user: Any) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    with pytest.raises(ValidationFailed) as info:
        services.unit_create(
            kommun=ref["gavle"], actor=admin, values={"name": "", "service_kind": "spa", "regi": "privat", "postcode": "12"}
        )
    fields = {d["field"] for d in info.value.details}
    assert fields == {"name", "service_kind", "org_number", "postcode"}
    assert not Organisation.objects.filter(kind="unit").exists()


def test_units_cannot_hang_under_a_county(ref: dict[str, Any], make_user: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.unit_create(kommun=ref["gavleborg"], actor=None, values={"name": "X", "service_kind": "sabo"})


def test_deactivation_keeps_the_row(ref: dict[str, Any], make_unit: Any, make_user: Any) -> None:
    unit = make_unit()
    services.unit_set_active(unit=unit, actor=make_user(ref["gavle"], "org_admin"), active=False)
    unit.refresh_from_db()
    assert unit.is_active is False
    assert AuditEvent.objects.filter(action="org.deactivate", target_id=str(unit.pk)).exists()


def test_edit_records_before_and_after(ref: dict[str, Any], make_unit: Any, make_user: Any) -> None:
    unit = make_unit(name="Gamla namnet")
    services.unit_update(unit=unit, actor=make_user(ref["gavle"], "org_admin"), values={"name": "Nya namnet"})
    event = AuditEvent.objects.get(action="org.update")
    assert event.changes == {"name": {"before": "Gamla namnet", "after": "Nya namnet"}}


CSV_OK = "name;service_kind;regi;org_number\nBjörkbacken;sabo;kommunal;\nOmsorg AB Gävle;hemtjanst;privat;556677-8899\n"


def test_a_good_csv_imports_every_row(ref: dict[str, Any], make_user: Any) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    content = CSV_OK.replace("556677-8899", _valid_orgnr()).encode()
    preview = services.units_import(kommun=ref["gavle"], actor=admin, filename="u.csv", content=content, commit=False)
    assert preview.ok and len(preview.rows) == 2
    assert not Organisation.objects.filter(kind="unit").exists()  # a preview saves nothing
    result = services.units_import(kommun=ref["gavle"], actor=admin, filename="u.csv", content=content, commit=True)
    assert result.created == 2
    assert set(Organisation.objects.filter(parent=ref["gavle"]).values_list("name", flat=True)) == {
        "Björkbacken",
        "Omsorg AB Gävle",
    }


def test_one_bad_row_names_row_and_column_and_nothing_is_saved(ref: dict[str, Any], make_user: Any) -> None:
    admin = make_user(ref["gavle"], "org_admin")
    content = b"name,service_kind,regi\nA,sabo,kommunal\nB,sabo,kommunal\nC,slott,kommunal\nA,sabo,kommunal\n"
    result = services.units_import(kommun=ref["gavle"], actor=admin, filename="u.csv", content=content, commit=True)
    assert {(e["row"], e["field"]) for e in result.errors} == {(4, "service_kind"), (5, "name")}
    assert result.created == 0
    assert not Organisation.objects.filter(kind="unit").exists()


def test_xlsx_is_read_too(ref: dict[str, Any], make_user: Any) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["name", "service_kind", "regi"])
    ws.append(["Tallbacken", "lss_vuxna", "kommunal"])
    buf = io.BytesIO()
    wb.save(buf)
    result = services.units_import(
        kommun=ref["gavle"], actor=make_user(ref["gavle"], "org_admin"), filename="u.xlsx", content=buf.getvalue(), commit=True
    )
    assert result.created == 1


def test_malformed_files_are_refused_clearly(ref: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed, match="XLSX"):
        services.units_import(kommun=ref["gavle"], actor=None, filename="u.xlsx", content=b"not a zip", commit=False)
    with pytest.raises(ValidationFailed, match="UTF-8"):
        services.units_import(
            kommun=ref["gavle"], actor=None, filename="u.csv", content="name\nGävle".encode("latin-1"), commit=False
        )
    with pytest.raises(ValidationFailed, match="csv"):
        services.units_import(kommun=ref["gavle"], actor=None, filename="u.pdf", content=b"x", commit=False)
    result = services.units_import(kommun=ref["gavle"], actor=None, filename="u.csv", content=b"namn,typ\nA,B\n", commit=True)
    assert result.errors[0]["row"] == 1


def _valid_orgnr() -> str:
    from beredd.orgs.validators import luhn_ok

    for check in range(10):
        if luhn_ok(f"556677889{check}"):
            return f"556677-889{check}"
    raise AssertionError
