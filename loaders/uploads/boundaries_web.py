"""The browser's copy of uploaded boundaries: a compact GeoJSON FeatureCollection within the map
payload budget, rounded and, when still too big, simplified.

Bounded in time for any boundaries the caps allow (3,000,000 vertices): the tolerance is chosen on
a cheap per-area simplification (vertex counts against the budget), and the costly coverage
simplification, which keeps shared borders shared, runs at most once, and only on boundaries small
enough for it (on 1,000,000 vertices one run took ~15 s, and trying five tolerances two minutes).
"""

from __future__ import annotations

import contextlib
import json

import geopandas as gpd
import numpy as np
import shapely

from loaders.sources.web_boundaries import BNG, WGS84, geometry_to_web, simplify_coverage
from loaders.uploads.checks import MAX_WEB_BYTES, listed

TOLERANCES_M = (100.0, 300.0, 1000.0, 3000.0, 10000.0)
MAX_COVERAGE_VERTICES = 200_000  # coverage simplification above this takes seconds per run
BYTES_PER_VERTEX = 18  # "[-1.2345,54.1234]," at the 4 decimals of the map
MIN_BYTES_PER_VERTEX = 12  # "[1.23,54.1]," once rounding has trimmed zeros


def boundary_web_geojson(boundaries: gpd.GeoDataFrame, budget: int = MAX_WEB_BYTES) -> tuple[dict, list[str]]:
    """A compact FeatureCollection (area_code, area_name) for the browser: rounded to ~11 m and, when
    that is still over `budget` bytes, simplified with the smallest tolerance of TOLERANCES_M expected
    to fit (coverage-simplified, shared edges simplified once, when the boundaries are small enough).
    Returns the collection and notes on what was done."""
    notes: list[str] = []
    vertices = int(shapely.get_num_coordinates(np.asarray(boundaries.geometry.to_numpy(), dtype=object)).sum())
    if vertices * MIN_BYTES_PER_VERTEX <= budget:  # it may fit as it is: build it and see
        collection = _web_features(boundaries, notes)
        if _size(collection) <= budget:
            return collection, notes
    # Expected size: the features without their coordinates, plus bytes per vertex.
    fixed = _size(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"area_code": str(code), "area_name": str(name)},
                    "geometry": {"type": "Polygon", "coordinates": []},
                }
                for code, name in zip(boundaries["area_code"], boundaries["area_name"], strict=True)
            ],
        }
    )
    projected = np.asarray(boundaries.to_crs(BNG).geometry.to_numpy(), dtype=object)
    for number, tolerance in enumerate(TOLERANCES_M):
        last = number == len(TOLERANCES_M) - 1
        rough = shapely.simplify(projected, tolerance, preserve_topology=False)  # fast: only counts matter here
        if not last and fixed + shapely.get_num_coordinates(rough).sum() * BYTES_PER_VERTEX > budget:
            continue  # not enough: try the next tolerance without building anything
        per_area = shapely.simplify(projected, tolerance, preserve_topology=True)
        web = _simplified_frame(boundaries, per_area, tolerance, vertices)
        collection = _web_features(web, [])
        notes = [f"Boundaries simplified for the map (tolerance {tolerance:,.0f} m) to keep the page fast."]
        if _size(collection) <= budget:
            return collection, notes
    notes.append(f"The map of these boundaries is still {_size(collection) / 1000:,.0f} KB; it may be slow.")
    return collection, notes


def _simplified_frame(
    boundaries: gpd.GeoDataFrame, per_area: np.ndarray, tolerance: float, vertices: int
) -> gpd.GeoDataFrame:
    """The boundaries coverage-simplified at `tolerance` when small enough (and GEOS accepts them as a
    coverage), else simplified area by area (`per_area`, in EPSG:27700)."""
    if vertices <= MAX_COVERAGE_VERTICES:
        with contextlib.suppress(Exception):  # GEOS refuses some non-coverages: per-area simplification below
            return simplify_coverage(boundaries, tolerance)
    return boundaries.set_geometry(
        gpd.GeoSeries(per_area, index=boundaries.index, crs=BNG).to_crs(WGS84).to_numpy(), crs=WGS84
    )


def _size(collection: dict) -> int:
    return len(json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _web_features(frame: gpd.GeoDataFrame, notes: list[str]) -> dict:
    features = []
    dropped = []
    for code, name, geom in zip(frame["area_code"], frame["area_name"], frame.geometry, strict=True):
        web = (geometry_to_web(geom, 4) or geometry_to_web(geom, 6)) if geom is not None else None
        if web is None:
            dropped.append(str(code))
            continue
        features.append(
            {"type": "Feature", "properties": {"area_code": str(code), "area_name": str(name)}, "geometry": web}
        )
    if dropped:
        notes.append(f"{len(dropped)} areas are too small to draw and were left off the map ({listed(dropped)}).")
    return {"type": "FeatureCollection", "features": features}
