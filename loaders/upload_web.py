"""The browser's copy of uploaded boundaries: a compact GeoJSON FeatureCollection within the map
payload budget, rounded and, when still too big, coverage-simplified."""

from __future__ import annotations

import json

import geopandas as gpd

from loaders.upload_checks import MAX_WEB_BYTES, listed
from loaders.web_boundaries import geometry_to_web, simplify_coverage


def boundary_web_geojson(boundaries: gpd.GeoDataFrame, budget: int = MAX_WEB_BYTES) -> tuple[dict, list[str]]:
    """A compact FeatureCollection (area_code, area_name) for the browser: rounded to ~11 m and, when
    that is still over `budget` bytes, coverage-simplified (shared edges simplified once) with a
    growing tolerance. Returns the collection and notes on what was done."""
    notes: list[str] = []
    collection = _web_features(boundaries, notes)
    for tolerance in (100.0, 300.0, 1000.0, 3000.0, 10000.0):
        if _size(collection) <= budget:
            break
        try:
            simplified = simplify_coverage(boundaries, tolerance)
        except Exception:  # GEOS refuses some non-coverages; fall back to per-area simplification
            simplified = boundaries.copy()
            projected = boundaries.to_crs("EPSG:27700").geometry.simplify(tolerance, preserve_topology=True)
            simplified = simplified.set_geometry(projected.to_crs("EPSG:4326").to_numpy())
        collection = _web_features(simplified, [])
        notes = [f"Boundaries simplified for the map (tolerance {tolerance:,.0f} m) to keep the page fast."]
    if _size(collection) > budget:
        notes.append(f"The map of these boundaries is still {_size(collection) / 1000:,.0f} KB; it may be slow.")
    return collection, notes


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
        features.append({"type": "Feature", "properties": {"area_code": str(code), "area_name": str(name)},
                         "geometry": web})
    if dropped:
        notes.append(f"{len(dropped)} areas are too small to draw and were left off the map ({listed(dropped)}).")
    return {"type": "FeatureCollection", "features": features}
