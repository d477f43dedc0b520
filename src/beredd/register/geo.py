"""Coordinates (WGS84 or SWEREF 99 TM) and incident areas (GeoJSON polygons)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# Sweden's bounding box (WGS84), with a small margin. Also a database constraint on Person.
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 55.0, 69.1, 10.9, 24.2


class GeoError(ValueError):
    pass


@lru_cache(maxsize=1)
def _sweref_to_wgs84() -> Transformer:
    # EPSG:3006 SWEREF 99 TM -> EPSG:4326; always_xy gives (easting, northing) -> (lon, lat).
    return Transformer.from_crs(3006, 4326, always_xy=True)


def in_sweden(lat: float, lon: float) -> bool:
    return LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX


def to_wgs84(
    *, lat: float | None = None, lon: float | None = None, northing: float | None = None, easting: float | None = None
) -> tuple[float, float]:
    """Return (lat, lon) in WGS84 from either WGS84 or SWEREF 99 TM input. Raises GeoError outside Sweden."""
    if northing is not None and easting is not None:
        lon_, lat_ = _sweref_to_wgs84().transform(float(easting), float(northing))
        lat, lon = round(lat_, 6), round(lon_, 6)
    if lat is None or lon is None:
        raise GeoError(_("Both coordinates are needed."))
    if not in_sweden(float(lat), float(lon)):
        raise GeoError(_("The coordinates are outside Sweden."))
    return float(lat), float(lon)


def parse_area(data: Any) -> BaseGeometry:
    """A (multi)polygon from GeoJSON: a geometry, a Feature or a FeatureCollection. Raises GeoError."""
    if not isinstance(data, dict) or "type" not in data:
        raise GeoError(_("The area is not GeoJSON."))
    if data["type"] == "FeatureCollection":
        geoms = [_geometry(f.get("geometry") if isinstance(f, dict) else None) for f in data.get("features") or []]
    elif data["type"] == "Feature":
        geoms = [_geometry(data.get("geometry"))]
    else:
        geoms = [_geometry(data)]
    if not geoms:
        raise GeoError(_("The area contains no polygon."))
    area = shapely.union_all(geoms)
    minx, miny, maxx, maxy = area.bounds
    if not (in_sweden(miny, minx) and in_sweden(maxy, maxx)):
        raise GeoError(_("The area is outside Sweden."))
    return area


def _geometry(data: Any) -> BaseGeometry:
    if not isinstance(data, dict) or data.get("type") not in {"Polygon", "MultiPolygon"}:
        raise GeoError(_("Only Polygon and MultiPolygon areas are supported."))
    try:
        geom = shape(data)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise GeoError(_("The polygon's coordinates are malformed.")) from exc
    if geom.is_empty or not geom.is_valid:
        raise GeoError(_("The polygon is empty or intersects itself."))
    return geom


def points_inside(area: BaseGeometry, lats: list[float], lons: list[float]) -> np.ndarray:
    """Vectorised point-in-polygon: a boolean array, True where (lat, lon) lies in ``area``."""
    if not lats:
        return np.zeros(0, dtype=bool)
    shapely.prepare(area)
    return shapely.contains_xy(area, np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
