"""Public notices as CAP 1.2 alerts (OASIS Common Alerting Protocol), validated against the official schema.

One ``<info>`` per language version; the area is the kommun (its name and SCB kommun code as geocode) and, for an
incident area, its polygons. An update or a cancellation references the alert it replaces.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from lxml import etree

from beredd.comms.models import PublicNotice, Scenario

NS = "urn:oasis:names:tc:emergency:cap:1.2"
XSD = Path(__file__).resolve().parent / "standards" / "cap-1.2" / "CAP-v1.2.xsd"
# Per scenario: CAP category, urgency, severity, certainty.
SCENARIO_CAP: dict[str, tuple[str, str, str, str]] = {
    Scenario.POWER_CUT: ("Infra", "Immediate", "Moderate", "Observed"),
    Scenario.HEAT_WAVE: ("Met", "Expected", "Moderate", "Likely"),
    Scenario.WATER_OUTAGE: ("Infra", "Immediate", "Moderate", "Observed"),
    Scenario.IT_OUTAGE: ("Infra", "Immediate", "Minor", "Observed"),
    Scenario.EVACUATION: ("Safety", "Immediate", "Severe", "Observed"),
    Scenario.PANDEMIC: ("Health", "Expected", "Moderate", "Likely"),
    Scenario.HEIGHTENED_ALERT: ("Security", "Expected", "Severe", "Likely"),
}
GEOCODE_NAME = "SCB-kommunkod"


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def cap_time(value: dt.datetime) -> str:
    """CAP's date-time: local time with its offset, whole seconds, never "Z" (e.g. 2026-12-02T18:00:00+01:00)."""
    return timezone.localtime(value, timezone.get_default_timezone()).replace(microsecond=0).isoformat()


def cap_language(code: str) -> str:
    """RFC 3066 tags: easy Swedish is Swedish with a private-use subtag."""
    return "sv-x-lattlast" if code == "sv-easy" else code


def sender_of(notice: PublicNotice) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "beredd.localhost"
    return f"kommun-{notice.kommun.code}@{host}"


def polygons_of(area: dict[str, Any] | None) -> list[str]:
    """GeoJSON Polygon/MultiPolygon outer rings as CAP polygons ("lat,lon lat,lon ...", closed)."""
    if not area:
        return []
    geometry = area.get("geometry", area) if area.get("type") == "Feature" else area
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    rings = [coords[0]] if kind == "Polygon" and coords else [p[0] for p in coords if p] if kind == "MultiPolygon" else []
    out = []
    for ring in rings:
        points = [(float(lat), float(lon)) for lon, lat, *_rest in ring]
        if len(points) < 3:
            continue
        if points[0] != points[-1]:
            points.append(points[0])
        if len(points) >= 4:
            out.append(" ".join(f"{lat:.5f},{lon:.5f}" for lat, lon in points))
    return out


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        el.text = text
    return el


def alert_xml(notice: PublicNotice) -> bytes:
    """The notice as a CAP 1.2 alert document (UTF-8 bytes)."""
    alert = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    _sub(alert, "identifier", notice.identifier)
    _sub(alert, "sender", sender_of(notice))
    _sub(alert, "sent", cap_time(notice.created_at))
    _sub(alert, "status", "Exercise" if notice.is_exercise else "Actual")
    _sub(alert, "msgType", notice.msg_type)
    _sub(alert, "source", "Beredd")
    _sub(alert, "scope", "Public")
    if notice.is_exercise:
        _sub(alert, "note", "ÖVNING – detta är en övning / EXERCISE")
    if notice.references is not None:
        ref = notice.references
        _sub(alert, "references", f"{sender_of(ref)},{ref.identifier},{cap_time(ref.created_at)}")
    category, urgency, severity, certainty = SCENARIO_CAP.get(notice.scenario, ("Other", "Unknown", "Unknown", "Unknown"))
    if notice.msg_type == PublicNotice.MsgType.CANCEL:
        urgency, severity, certainty = "Past", "Minor", "Observed"
    polygons = polygons_of(notice.incident.area_geojson if notice.incident is not None else None)
    for text in notice.texts:
        language = str(text.get("language", "sv"))
        info = _sub(alert, "info")
        _sub(info, "language", cap_language(language))
        _sub(info, "category", category)
        with translation.override("sv" if language.startswith("sv") else "en"):
            _sub(info, "event", str(Scenario(notice.scenario).label))
        _sub(info, "urgency", urgency)
        _sub(info, "severity", severity)
        _sub(info, "certainty", certainty)
        if notice.expires_at is not None:
            _sub(info, "expires", cap_time(notice.expires_at))
        _sub(info, "senderName", notice.kommun.name)
        _sub(info, "headline", str(text.get("headline", ""))[:160])
        _sub(info, "description", str(text.get("description", "")))
        if text.get("instruction"):
            _sub(info, "instruction", str(text["instruction"]))
        _sub(info, "web", settings.SITE_URL + f"/kris/kommun/{notice.kommun.code}/")
        area = _sub(info, "area")
        _sub(area, "areaDesc", notice.kommun.name)
        for polygon in polygons:
            _sub(area, "polygon", polygon)
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", GEOCODE_NAME)
        _sub(geocode, "value", notice.kommun.code)
    data: bytes = etree.tostring(alert, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def validation_errors(xml: bytes) -> list[str]:
    """The schema's complaints about a CAP document (empty when it validates)."""
    try:
        doc = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [str(exc)]
    s = schema()
    if s.validate(doc):
        return []
    return [f"{e.line}: {e.message}" for e in s.error_log]
