"""Writes to the organisation tree. Every change is audited in the same transaction."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from beredd.accounts import policy
from beredd.accounts.types import Actor
from beredd.core import audit, tables
from beredd.core.exceptions import DomainError, FieldError, ValidationFailed
from beredd.orgs.models import Organisation, UnitImportBatch
from beredd.orgs.validators import normalise_org_number, normalise_postcode

DATA_DIR = Path(__file__).resolve().parent / "data"

UNIT_FIELDS = [
    "name",
    "code",
    "service_kind",
    "regi",
    "org_number",
    "street_address",
    "postcode",
    "locality",
    "phone",
    "email",
]
AUDITED_FIELDS = ["name", "code", "parent", "is_active", *UNIT_FIELDS[2:]]


class OrganisationHasDataError(DomainError):
    code = "organisation_has_data"
    status = 409


def _set_path(org: Organisation) -> None:
    parent_path = org.parent.path if org.parent_id and org.parent else "/"
    org.path = f"{parent_path}{org.pk}/"
    org.depth = org.path.count("/") - 2
    Organisation.objects.filter(pk=org.pk).update(path=org.path, depth=org.depth)


def _clean_unit_values(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Normalise unit fields; return (clean values, {field: error message})."""
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = _("A name is required.")
    clean["name"] = name[:200]
    clean["code"] = str(values.get("code") or "").strip()[:32]
    kind = str(values.get("service_kind") or "").strip()
    if kind not in Organisation.ServiceKind.values:
        errors["service_kind"] = _("Unknown service kind %(value)r; use one of: %(choices)s.") % {
            "value": kind,
            "choices": ", ".join(Organisation.ServiceKind.values),
        }
    clean["service_kind"] = kind
    regi = str(values.get("regi") or "kommunal").strip().lower()
    if regi not in Organisation.Regi.values:
        errors["regi"] = _("Provider type must be 'kommunal' or 'privat', not %(value)r.") % {"value": regi}
    clean["regi"] = regi
    try:
        clean["org_number"] = normalise_org_number(str(values.get("org_number") or ""))
    except ValidationError as exc:
        clean["org_number"] = ""
        errors["org_number"] = exc.messages[0]
    try:
        clean["postcode"] = normalise_postcode(str(values.get("postcode") or ""))
    except ValidationError as exc:
        clean["postcode"] = ""
        errors["postcode"] = exc.messages[0]
    email = str(values.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("%(value)r is not an e-mail address.") % {"value": email}
    clean["email"] = email
    for name_ in ("street_address", "locality", "phone"):
        clean[name_] = str(values.get(name_) or "").strip()[:200]
    if clean["regi"] == Organisation.Regi.PRIVAT and not clean["org_number"] and "org_number" not in errors:
        errors["org_number"] = _("A private provider needs its organisation number.")
    return clean, errors


@transaction.atomic
def unit_create(*, kommun: Organisation, actor: Actor | None, values: dict[str, Any], via: str = "ui") -> Organisation:
    """Create a unit under ``kommun``. Raises ``ValidationFailed`` listing each bad field."""
    if kommun.kind != Organisation.Kind.KOMMUN:
        raise ValidationFailed(_("Units can only be added to a municipality."))
    clean, errors = _clean_unit_values(values)
    if clean["code"] and Organisation.objects.filter(kind=Organisation.Kind.UNIT, code=clean["code"]).exists():
        errors["code"] = _("Another unit already has the code %(code)s.") % {"code": clean["code"]}
    if errors:
        raise ValidationFailed(details=[FieldError(row=None, field=k, message=v) for k, v in errors.items()])
    unit = Organisation.objects.create(kind=Organisation.Kind.UNIT, parent=kommun, **clean)
    _set_path(unit)
    audit.record(
        actor=actor, action="org.create", target=unit, changes=audit.diff({}, audit.snapshot(unit, AUDITED_FIELDS)), via=via
    )
    return unit


@transaction.atomic
def unit_update(*, unit: Organisation, actor: Actor | None, values: dict[str, Any], via: str = "ui") -> Organisation:
    if unit.kind != Organisation.Kind.UNIT:
        raise ValidationFailed(_("Only units can be edited here; reference data comes from SCB."))
    unit = Organisation.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(unit, AUDITED_FIELDS)
    clean, errors = _clean_unit_values({**{f: getattr(unit, f) for f in UNIT_FIELDS}, **values})
    if (
        clean["code"]
        and Organisation.objects.filter(kind=Organisation.Kind.UNIT, code=clean["code"]).exclude(pk=unit.pk).exists()
    ):
        errors["code"] = _("Another unit already has the code %(code)s.") % {"code": clean["code"]}
    if errors:
        raise ValidationFailed(details=[FieldError(row=None, field=k, message=v) for k, v in errors.items()])
    for key, value in clean.items():
        setattr(unit, key, value)
    unit.save()
    changes = audit.diff(before, audit.snapshot(unit, AUDITED_FIELDS))
    if changes:
        audit.record(actor=actor, action="org.update", target=unit, changes=changes, via=via)
    return unit


@transaction.atomic
def unit_set_active(*, unit: Organisation, actor: Actor | None, active: bool, via: str = "ui") -> Organisation:
    """Deactivate or reactivate a unit. Units are never hard-deleted: they may carry reports and audit rows."""
    if unit.kind != Organisation.Kind.UNIT:
        raise ValidationFailed(_("Only units can be deactivated."))
    if unit.is_active != active:
        unit.is_active = active
        unit.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            action="org.activate" if active else "org.deactivate",
            target=unit,
            changes={"is_active": {"before": not active, "after": active}},
            via=via,
        )
    return unit


# --- Import of units from CSV/XLSX ----------------------------------------------------------------

IMPORT_COLUMNS = UNIT_FIELDS


@dataclass
class ImportResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    created: int = 0
    batch_id: int | None = None  # the stored preview to confirm (``units_import_preview``)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(*, filename: str, content: bytes) -> list[dict[str, str]]:
    """Read a CSV or XLSX upload into dicts keyed by lower-case header, every value a stripped string.

    Raises ``ValidationFailed`` when the file cannot be read at all.
    """
    if not filename.lower().endswith((".xlsx", ".csv", ".txt")):
        raise ValidationFailed(_("Upload a .csv or .xlsx file."))
    if not content.strip():
        raise ValidationFailed(_("The file is empty."))
    return [
        tables.Row.at(
            row.line, {key: "" if value is None else str(value).strip() for key, value in row.items() if key is not None}
        )
        for row in tables.read_table(filename=filename, content=content)
    ]


def _header_errors(rows: Sequence[dict[str, str]]) -> tuple[list[FieldError], bool]:
    """Problems with the file as a whole; the flag says the rows cannot be checked at all."""
    if not rows:
        return [FieldError(row=None, field=None, message=_("The file has no data rows."))], True
    missing = [c for c in ("name", "service_kind") if c not in rows[0]]
    if missing:
        return [FieldError(row=1, field=", ".join(missing), message=_("Required columns are missing."))], True
    unknown = sorted(set(rows[0]) - set(IMPORT_COLUMNS) - {""})
    if unknown:
        message = _("Unknown columns; allowed are: %(cols)s.") % {"cols": ", ".join(IMPORT_COLUMNS)}
        return [FieldError(row=1, field=", ".join(unknown), message=message)], False
    return [], False


def _rows_checked(kommun: Organisation, rows: Sequence[dict[str, Any]], result: ImportResult) -> ImportResult:
    """Clean every row into ``result`` and list its problems: bad values, codes and names taken or repeated."""
    seen_codes: dict[str, int] = {}
    existing_codes = set(Organisation.objects.filter(kind=Organisation.Kind.UNIT).exclude(code="").values_list("code", flat=True))
    existing_names = set(Organisation.objects.filter(parent=kommun).values_list("name", flat=True))
    seen_names: dict[str, int] = {}
    for fallback, raw in enumerate(rows, start=2):
        index = tables.row_number(raw, fallback)
        clean, errors = _clean_unit_values(raw)
        code = clean["code"]
        if code:
            if code in existing_codes:
                errors["code"] = _("A unit with code %(code)s already exists.") % {"code": code}
            elif code in seen_codes:
                errors["code"] = _("Code %(code)s is repeated from row %(row)d.") % {"code": code, "row": seen_codes[code]}
            seen_codes.setdefault(code, index)
        if clean["name"] in existing_names:
            errors["name"] = _("%(name)s already exists in this municipality.") % {"name": clean["name"]}
        elif clean["name"] in seen_names:
            errors["name"] = _("%(name)s is repeated from row %(row)d.") % {
                "name": clean["name"],
                "row": seen_names[clean["name"]],
            }
        seen_names.setdefault(clean["name"], index)
        for field_name, message in errors.items():
            result.errors.append(FieldError(row=index, field=field_name, message=message))
        result.rows.append({"row": index, **clean})
    return result


def _units_create(*, kommun: Organisation, actor: Actor | None, result: ImportResult, filename: str) -> None:
    """Create the checked rows of ``result``, in the caller's transaction, and audit the import."""
    for row in result.rows:
        values = {k: v for k, v in row.items() if k != "row"}
        unit_create(kommun=kommun, actor=actor, values=values)
        result.created += 1
    audit.record(actor=actor, action="org.import", target=kommun, changes={"created": result.created, "file": filename})


def units_import(*, kommun: Organisation, actor: Actor | None, filename: str, content: bytes, commit: bool) -> ImportResult:
    """Validate every row; with ``commit`` create all units in one transaction, or none if any row is bad.

    Row numbers in errors are spreadsheet rows (the header is row 1).
    """
    rows = read_table(filename=filename, content=content)
    errors, unreadable = _header_errors(rows)
    result = ImportResult(errors=errors)
    if unreadable:
        return result
    _rows_checked(kommun, rows, result)
    if commit and result.ok:
        with transaction.atomic():
            _units_create(kommun=kommun, actor=actor, result=result, filename=filename)
    return result


@transaction.atomic
def units_import_preview(*, kommun: Organisation, actor: Actor, filename: str, content: bytes) -> ImportResult:
    """Step one of the import page: check the file (nothing is created) and keep a good file's rows as a
    ``UnitImportBatch`` for ``units_import_commit``; ``batch_id`` names it."""
    policy.require(actor, "org.manage_units", kommun)
    result = units_import(kommun=kommun, actor=actor, filename=filename, content=content, commit=False)
    if result.ok:
        UnitImportBatch.stale_delete()
        batch = UnitImportBatch.objects.create(kommun=kommun, uploaded_by=actor, filename=filename[:200], rows=result.rows)
        result.batch_id = batch.pk
    return result


@transaction.atomic
def units_import_commit(*, kommun: Organisation, actor: Actor, batch_id: int | str) -> ImportResult:
    """Step two: create the units of a previewed batch, all or none, checked again against the tree as it is
    now. Only its uploader commits it, once, within a day (``core.models.ImportBatch``); otherwise
    ``NotFoundError``. With problems found now, nothing is created and the batch stays open."""
    policy.require(actor, "org.manage_units", kommun)
    batch = UnitImportBatch.take(pk=batch_id, user=actor, kommun=kommun)
    rows = [tables.Row.at(r["row"], {k: v for k, v in r.items() if k != "row"}) for r in batch.rows]
    result = _rows_checked(kommun, rows, ImportResult(batch_id=batch.pk))
    if result.ok:
        batch.mark_committed()
        _units_create(kommun=kommun, actor=actor, result=result, filename=batch.filename)
    return result


# --- Reference data -------------------------------------------------------------------------------


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _upsert(*, kind: str, code: str, name: str, parent: Organisation | None, stats: dict[str, int]) -> Organisation:
    org = Organisation.objects.filter(kind=kind, code=code).first()
    if org is None:
        org = Organisation.objects.create(kind=kind, code=code, name=name, parent=parent)
        _set_path(org)
        stats["created"] += 1
        return org
    changed = []
    if org.name != name:
        org.name = name
        changed.append("name")
    if (org.parent_id or None) != (parent.pk if parent else None):
        old_path = org.path
        org.parent = parent
        org.save(update_fields=["parent", "updated_at"])
        _set_path(org)
        # Move the whole subtree with one UPDATE.
        Organisation.objects.filter(path__startswith=old_path).exclude(pk=org.pk).update(
            path=Concat(Value(org.path), Substr("path", len(old_path) + 1))
        )
        changed.append("parent")
    if changed:
        org.save(update_fields=[c for c in changed if c != "parent"] + ["updated_at"])
        stats["updated"] += 1
    return org


@transaction.atomic
def load_reference(*, actor: Actor | None = None) -> dict[str, int]:
    """Load nation, civilområden, län, kommuner and regions. Idempotent: running twice changes nothing; a renamed
    kommun (same code) is updated in place. Returns counts of created and updated rows."""
    stats = {"created": 0, "updated": 0}
    nation = _upsert(kind=Organisation.Kind.NATION, code="SE", name="Sverige", parent=None, stats=stats)
    areas = {
        row["code"]: _upsert(kind=Organisation.Kind.CIVILOMRADE, code=row["code"], name=row["name"], parent=nation, stats=stats)
        for row in _read_csv("civilomraden.csv")
    }
    lan = {
        row["lanskod"]: _upsert(
            kind=Organisation.Kind.LAN, code=row["lanskod"], name=row["lan"], parent=areas[row["civilomrade"]], stats=stats
        )
        for row in _read_csv("lan.csv")
    }
    for row in _read_csv("kommuner.csv"):
        _upsert(kind=Organisation.Kind.KOMMUN, code=row["kommunkod"], name=row["kommun"], parent=lan[row["lanskod"]], stats=stats)
    # Regions: one per län, a child of it beside the kommuner (partners, not parents, of the kommuner).
    for row in _read_csv("regioner.csv"):
        _upsert(kind=Organisation.Kind.REGION, code=row["regionkod"], name=row["region"], parent=lan[row["lanskod"]], stats=stats)
    if stats["created"] or stats["updated"]:
        audit.record(actor=actor, action="org.load_reference", organisation=nation, changes=stats, via="system")
    return stats


def civilomrade_lead_lan_codes() -> dict[str, str]:
    return {row["code"]: row["lead_lanskod"] for row in _read_csv("civilomraden.csv")}
