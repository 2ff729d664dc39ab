"""Boundaries small enough to ship to the browser (pydeck, Vega/altair), without breaking the map.

Plain per-polygon simplification moves each side of a shared border differently, which shows as
white slivers between neighbours; coverage simplification simplifies each shared edge once.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"
# 1.5 km on already 500 m-generalised (BUC) lines keeps all UK LADs at ~275 KB (median area change
# ~1%); 4 decimals (~11 m) is far below that, 3 (~110 m) would save only ~10%.
WEB_TOLERANCE_M = 1500.0
WEB_DECIMALS = 4


def simplify_coverage(gdf: gpd.GeoDataFrame, tolerance_m: float, grid_m: float = 0.1) -> gpd.GeoDataFrame:
    """Coverage-simplify in metres (EPSG:27700) and return to EPSG:4326.

    Vertices are first snapped to a `grid_m` grid: some ONS downloads (e.g. the LEP 2021 GeoJSON and
    the ITL3 shapefile) repeat a shared border with float noise, which coverage simplification
    would otherwise treat as two different edges and pull apart.
    """
    if tolerance_m < 0:
        raise ValueError(f"tolerance_m must be >= 0, got {tolerance_m}")
    geoms = gdf.to_crs(BNG).geometry.to_numpy()
    if grid_m > 0:
        geoms = shapely.set_precision(geoms, grid_m)
    simplified = shapely.coverage_simplify(geoms, tolerance_m, simplify_boundary=True)
    out = gdf.copy()
    return out.set_geometry(gpd.GeoSeries(simplified, index=gdf.index, crs=BNG).to_crs(WGS84))


def snap_round_coverage(gdf: gpd.GeoDataFrame, decimals: int) -> gpd.GeoDataFrame:
    """Put a set of lon/lat polygons on the `decimals` grid as one noded mosaic, valid by construction.

    Rounding each vertex on its own can make a ring touch or cross itself (a narrow inlet, two
    close islands), and GEOS releases differ in which. Instead every boundary is snap-rounded
    together (`union_all(grid_size=...)`, which nodes lines where they meet), the linework is cut
    into faces, and each face goes to the area(s) covering at least half of it. Shared borders are
    then the very same lines on both sides, so neighbours have no gaps or overlaps; areas that
    overlap on purpose (LEPs sharing districts) both take the faces they share. Parts smaller than
    a grid cell (specks of islands) vanish; an area that would vanish entirely raises ValueError.
    """
    grid = 10.0**-decimals
    frame = gdf.to_crs(WGS84) if gdf.crs is not None and not gdf.crs.equals(WGS84) else gdf
    geoms = frame.geometry.to_numpy()
    linework = shapely.union_all(shapely.get_parts(shapely.boundary(geoms)), grid_size=grid)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
    face_index, area_index = shapely.STRtree(geoms).query(faces, predicate="intersects")
    covered = shapely.area(shapely.intersection(faces[face_index], geoms[area_index]))
    owned = covered >= 0.5 * shapely.area(faces[face_index])
    face_index, area_index = face_index[owned], area_index[owned]
    snapped = []
    labels = frame.get("area_code", frame.index)
    for position, code in enumerate(labels):
        mine = faces[face_index[area_index == position]]
        if len(mine) == 0:
            raise ValueError(f"geometry of {code!r} is empty after snapping to {decimals} decimals")
        snapped.append(shapely.union_all(mine, grid_size=grid))
    return frame.set_geometry(gpd.GeoSeries(snapped, index=frame.index, crs=WGS84))


def signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Shoelace area, positive when the ring runs counter-clockwise (x east, y north)."""
    xy = np.asarray(ring, dtype=float)
    x, y = xy[:, 0], xy[:, 1]
    return float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2.0


def _round_ring(ring: Any, decimals: int, clockwise: bool) -> list[list[float]] | None:
    """Rounded, de-duplicated ring in the wanted winding; None when rounding collapsed it."""
    coords = np.round(np.asarray(ring.coords)[:, :2], decimals)
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
    coords = coords[keep]
    if len(coords) < 4 or not np.array_equal(coords[0], coords[-1]):
        return None
    area = signed_area(coords)
    if area == 0:
        return None
    if (area < 0) != clockwise:
        coords = coords[::-1]
    return coords.tolist()


def _polygon_coords(poly: shapely.Polygon, decimals: int) -> list | None:
    """Exterior clockwise, holes counter-clockwise: d3-geo (hence Vega) reads a counter-clockwise
    exterior as "the whole globe minus this area" and floods the map."""
    shell = _round_ring(poly.exterior, decimals, clockwise=True)
    if shell is None:
        return None
    holes = [h for h in (_round_ring(r, decimals, clockwise=False) for r in poly.interiors) if h is not None]
    return [shell, *holes]


def geometry_to_web(geom: Any, decimals: int) -> dict[str, Any] | None:
    """A (Multi)Polygon as a rounded, d3-wound GeoJSON geometry; None if nothing survived rounding."""
    polys = [p for p in (_polygon_coords(part, decimals) for part in shapely.get_parts(geom)) if p]
    if not polys:
        return None
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def to_web_geojson(
    gdf: gpd.GeoDataFrame, decimals: int = 4, properties: Sequence[str] = ("area_code", "area_name")
) -> bytes:
    """Compact UTF-8 GeoJSON FeatureCollection in lon/lat (4 decimals ~ 11 m, finer than any
    BUC vertex). Raises ValueError if an area's geometry vanished entirely under rounding."""
    frame = gdf.to_crs(WGS84) if gdf.crs is not None and not gdf.crs.equals(WGS84) else gdf
    features = []
    for row, geom in zip(frame[list(properties)].itertuples(index=False), frame.geometry, strict=True):
        web = geometry_to_web(geom, decimals) if geom is not None else None
        if web is None:
            raise ValueError(f"geometry of {row[0]!r} is empty after rounding to {decimals} decimals")
        features.append({"type": "Feature", "properties": dict(zip(properties, row, strict=True)), "geometry": web})
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write via a temp file in the same directory and os.replace, so a reader (or a crashed build)
    never sees a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
