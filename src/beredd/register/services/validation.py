"""Validate one person's input (a form, an API body or an import row) into clean values or field errors."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from personnummer import personnummer as pnr_lib

from beredd.core import spreadsheet
from beredd.orgs.models import Organisation
from beredd.orgs.validators import parse_postcode
from beredd.register import geo
from beredd.register.models import Device, Person

# The record's own fields on ``Person``, in the order forms, exports and the import show them: the one list that
# COLUMNS (import), VALUE_COLUMNS (CleanPerson.values, written with COPY), persons.EXPORT_COLUMNS and the edit
# form's initial data are built from.
PERSON_FIELDS = [
    "first_name",
    "last_name",
    "phone",
    "address",
    "postcode",
    "locality",
    "lat",
    "lon",
    "cannot_evacuate",
    "transport_need",
    "heat_sensitive",
    "language",
    "interpreter",
    "easy_swedish",
    "hearing_impaired",
    "vision_impaired",
    "legal_basis",
    "legal_note",
    "review_date",
]
PLACE_FIELDS = PERSON_FIELDS[: PERSON_FIELDS.index("lon") + 1]  # name, contact and where the person lives
CARE_FIELDS = PERSON_FIELDS[len(PLACE_FIELDS) :]  # needs, language, legal basis, review
# The import's columns: the fields, SWEREF 99 TM as an alternative to lat/lon, unit, devices and one relative.
COLUMNS = [
    "personnummer",
    *PLACE_FIELDS,
    "sweref_n",
    "sweref_e",
    "unit",
    "devices",
    *CARE_FIELDS,
    "contact_name",
    "contact_phone",
]
REQUIRED = ["personnummer", "first_name", "last_name", "address", "postcode", "locality", "unit"]
# The keys of CleanPerson.values, in a fixed order (the import writes them with COPY).
VALUE_COLUMNS = PERSON_FIELDS
BOOLEANS = ["cannot_evacuate", "heat_sensitive", "interpreter", "easy_swedish", "hearing_impaired", "vision_impaired"]
TRUE_WORDS = {"1", "true", "ja", "j", "yes", "y", "x"}
FALSE_WORDS = {"", "0", "false", "nej", "n", "no"}
TRANSPORTS = frozenset(Person.Transport.values)
LEGAL_BASES = frozenset(Person.LegalBasis.values)
_PNR_SHAPE = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})$")


@dataclass
class CleanPerson:
    pnr: str
    is_coordination_number: bool
    birth_year: int
    unit: Organisation
    values: dict[str, Any]
    devices: list[tuple[Device, Decimal | None]] = field(default_factory=list)
    contact: tuple[str, str] | None = None


class PnrError(ValueError):
    pass


def normalise_pnr(value: str) -> tuple[str, bool, int]:
    """Return (12 digits, is samordningsnummer, birth year). Raises PnrError naming what is wrong."""
    raw = re.sub(r"\s", "", str(value or ""))
    match = _PNR_SHAPE.match(raw)
    if not match:
        raise PnrError(_("Not a personnummer or samordningsnummer (expected YYYYMMDD-NNNN)."))
    try:
        number = pnr_lib.Personnummer(raw)
    except pnr_lib.PersonnummerException:
        _century, yy, mm, dd, _serial = match.groups()
        day = int(dd) - 60 if int(dd) > 60 else int(dd)
        year = int((match.group(1) or "19") + yy)
        try:
            dt.date(year, int(mm), day)
        except ValueError:
            raise PnrError(_("The date in the personnummer does not exist.")) from None
        raise PnrError(_("The check digit of the personnummer is wrong.")) from None
    digits = number.format(True)
    born = number.get_date()
    if born > timezone.localdate():
        raise PnrError(_("The date in the personnummer is in the future."))
    return digits, bool(number.is_coordination_number()), born.year


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _float(value: Any) -> float | None:
    text = str(value if value is not None else "").strip().replace(",", ".")
    return float(text) if text else None


def parse_devices(value: Any, catalogue: dict[str, Device]) -> tuple[list[tuple[Device, Decimal | None]], list[str]]:
    """``"oxygen_concentrator:4;electric_bed"`` -> devices with battery hours, and error messages."""
    out: list[tuple[Device, Decimal | None]] = []
    errors: list[str] = []
    for part in re.split(r"[;|]", str(value or "")):
        part = part.strip()
        if not part:
            continue
        code, _sep, hours = part.partition(":")
        device = catalogue.get(code.strip().lower())
        if device is None:
            errors.append(_("Unknown device code “%(code)s”.") % {"code": code.strip()})
            continue
        battery: Decimal | None = None
        if hours.strip():
            try:
                battery = Decimal(hours.strip().replace(",", "."))
            except InvalidOperation:
                errors.append(_("Battery hours for “%(code)s” are not a number.") % {"code": device.code})
                continue
            if battery < 0 or battery > 999:
                errors.append(_("Battery hours for “%(code)s” are out of range.") % {"code": device.code})
                continue
        out.append((device, battery))
    return out, errors


def clean_person(
    data: dict[str, Any], *, units: dict[str, Organisation], catalogue: dict[str, Device]
) -> tuple[CleanPerson | None, list[tuple[str, str]]]:
    """Validate one record. ``units`` maps lower-cased unit names and ids to the kommun's units.

    Returns the clean record or None, and a list of (field, message) errors.
    """
    errors: list[tuple[str, str]] = []

    def text(name: str, limit: int = 200) -> str:
        # An exported cell that would start a formula carries a leading ' (core.spreadsheet): re-import it as it was.
        value = spreadsheet.restore(str(data.get(name) if data.get(name) is not None else "").strip())
        if len(value) > limit:
            errors.append((name, _("Too long (at most %(n)s characters).") % {"n": limit}))
        return value[:limit]

    values: dict[str, Any] = {}
    for name in ("first_name", "last_name", "locality", "language"):
        values[name] = text(name, 100 if name != "language" else 40)
    values["address"] = text("address")
    values["phone"] = text("phone", 40)
    values["legal_note"] = text("legal_note", 2000)
    for name in REQUIRED:
        if not str(data.get(name) if data.get(name) is not None else "").strip():
            errors.append((name, _("This field is required.")))
    pnr = ""
    coordination, birth_year = False, 0
    if str(data.get("personnummer") or "").strip():
        try:
            pnr, coordination, birth_year = normalise_pnr(str(data["personnummer"]))
        except PnrError as exc:
            errors.append(("personnummer", str(exc)))
    if str(data.get("postcode") or "").strip():
        postcode = parse_postcode(data["postcode"])
        if postcode is None:
            errors.append(("postcode", _("A postcode has five digits, e.g. 802 50.")))
        values["postcode"] = postcode or ""
    unit = None
    if str(data.get("unit") or "").strip():
        unit = units.get(str(data["unit"]).strip().lower())
        if unit is None:
            errors.append(("unit", _("No such unit in this kommun.")))
    values.update(_coordinates(data, errors))
    for name in BOOLEANS:
        flag = _bool(data.get(name))
        if flag is None:
            errors.append((name, _("Answer yes or no.")))
        values[name] = bool(flag)
    transport = text("transport_need", 16).lower()
    if transport not in TRANSPORTS:
        errors.append(("transport_need", _("Unknown transport need.")))
    values["transport_need"] = transport
    basis = text("legal_basis", 16).lower() or Person.LegalBasis.CARE
    if basis not in LEGAL_BASES:
        errors.append(("legal_basis", _("Unknown legal basis.")))
    values["legal_basis"] = basis
    values["review_date"] = _review_date(data.get("review_date"), errors)
    devices, device_errors = parse_devices(data.get("devices"), catalogue)
    errors.extend(("devices", message) for message in device_errors)
    contact_name = text("contact_name")
    contact = (contact_name, text("contact_phone", 40)) if contact_name else None
    if errors or unit is None:
        return None, errors
    return CleanPerson(pnr, coordination, birth_year, unit, values, devices, contact), errors


def _coordinates(data: dict[str, Any], errors: list[tuple[str, str]]) -> dict[str, float | None]:
    try:
        lat, lon = _float(data.get("lat")), _float(data.get("lon"))
        northing, easting = _float(data.get("sweref_n")), _float(data.get("sweref_e"))
    except ValueError:
        errors.append(("lat", _("Coordinates must be numbers.")))
        return {"lat": None, "lon": None}
    if lat is None and lon is None and northing is None and easting is None:
        return {"lat": None, "lon": None}
    try:
        lat, lon = geo.to_wgs84(lat=lat, lon=lon, northing=northing, easting=easting)
    except geo.GeoError as exc:
        errors.append(("sweref_n" if northing is not None else "lat", str(exc)))
        return {"lat": None, "lon": None}
    return {"lat": lat, "lon": lon}


def _review_date(value: Any, errors: list[tuple[str, str]]) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return timezone.localdate() + dt.timedelta(days=365)
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        errors.append(("review_date", _("Use the date format YYYY-MM-DD.")))
        return timezone.localdate()
