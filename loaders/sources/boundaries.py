"""Read ONS boundary files (.geojson, .topo.json, .shp) into one shape: area_code, area_name, geometry
in EPSG:4326, with invalid polygons repaired, so every map and overlay downstream can trust them."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from loaders.errors import SourceFormatError, require_file
from loaders.sources.topojson import TopoJSONError, topology_to_features

log = logging.getLogger(__name__)

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"
COLUMNS = ["area_code", "area_name", "geometry"]
_CODE_FIELD = re.compile(r"^[A-Z0-9]*CD$", re.IGNORECASE)
_NAME_FIELD = re.compile(r"^[A-Z0-9]*NM$", re.IGNORECASE)


def read_boundaries(path: str | Path, code_field: str | None = None, name_field: str | None = None) -> gpd.GeoDataFrame:
    """Boundaries as area_code, area_name, geometry (EPSG:4326), one row per unique code.

    Code/name fields default to the single `*CD` / `*NM` property (LEP21CD/LEP21NM, AREACD/AREANM).
    `attrs["repaired"]` holds how many invalid geometries were fixed with make_valid.
    """
    path = Path(path)
    require_file(path)
    if path.stat().st_size == 0:
        raise SourceFormatError(path, "file is empty")
    name = path.name.lower()
    if name.endswith(".shp"):
        raw = _read_shapefile(path)
    elif name.endswith((".geojson", ".json", ".topojson")):
        raw = _read_json_boundaries(path)
    else:
        raise SourceFormatError(path, f"unknown boundary file extension '{path.suffix}' (.geojson, .topo.json, .shp)")
    return _standardise(raw, path, code_field, name_field)


def _read_shapefile(path: Path) -> gpd.GeoDataFrame:
    """Shapefiles carry their CRS only in the sidecar .prj; without it coordinates are meaningless."""
    if not path.with_suffix(".prj").is_file() and not path.with_suffix(".PRJ").is_file():
        raise SourceFormatError(path, "shapefile has no .prj, so its coordinate system (CRS) is missing")
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:  # pyogrio/GDAL raise their own types for broken sidecars
        raise SourceFormatError(path, f"cannot read shapefile ({exc})") from exc
    if frame.crs is None:
        raise SourceFormatError(path, "shapefile .prj gives no usable coordinate system (CRS missing)")
    return frame


def _read_json_boundaries(path: Path) -> gpd.GeoDataFrame:
    try:
        doc = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceFormatError(path, f"not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise SourceFormatError(path, "JSON is not a GeoJSON or TopoJSON object")
    kind = doc.get("type")
    if kind == "Topology":
        try:
            features = topology_to_features(doc)
        except TopoJSONError as exc:
            raise SourceFormatError(path, f"bad TopoJSON: {exc}") from exc
        crs: Any = WGS84  # TopoJSON has no CRS member; ONS exports are lon/lat
    elif kind == "FeatureCollection":
        features = doc.get("features")
        crs = _geojson_crs(path, doc.get("crs"))
    else:
        raise SourceFormatError(path, f"JSON type is {kind!r}, expected FeatureCollection or Topology")
    if not isinstance(features, list) or not features:
        raise SourceFormatError(path, "contains no features")
    return _frame_from_features(path, features, crs)


def _geojson_crs(path: Path, member: Any) -> Any:
    """RFC 7946 GeoJSON is always lon/lat, but older ONS exports (e.g. LSIP) state EPSG:27700 in a
    legacy `crs` member, which must be honoured or the map lands off Africa."""
    if member is None:
        return WGS84
    try:
        return CRS.from_user_input(member["properties"]["name"])
    except (KeyError, TypeError, CRSError) as exc:
        raise SourceFormatError(path, f"unreadable 'crs' member {member!r}") from exc


def _frame_from_features(path: Path, features: list[Any], crs: Any) -> gpd.GeoDataFrame:
    rows: list[dict[str, Any]] = []
    geoms = []
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("geometry") is None:
            raise SourceFormatError(path, f"feature {i} has no geometry")
        try:
            geoms.append(shapely.geometry.shape(feature["geometry"]))
        except Exception as exc:  # shapely raises several types for malformed coordinates
            raise SourceFormatError(path, f"feature {i} has malformed geometry ({exc})") from exc
        rows.append(dict(feature.get("properties") or {}))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)


def detect_fields(columns: Iterable[str]) -> tuple[str | None, str | None]:
    """The ONS code and name fields among `columns`: the single `*CD` field and its `*NM` partner.
    None where there is no single obvious choice, so the caller asks for it explicitly."""
    cols = [c for c in columns if c != "geometry"]
    codes = [c for c in cols if _CODE_FIELD.match(c)]
    code = codes[0] if len(codes) == 1 else None
    names = [c for c in cols if _NAME_FIELD.match(c)]
    partner = code[:-2] + code[-2:].replace("CD", "NM").replace("cd", "nm") if code else None
    if partner in cols:
        return code, partner
    return code, names[0] if len(names) == 1 else None


def _standardise(
    frame: gpd.GeoDataFrame, path: Path, code_field: str | None, name_field: str | None
) -> gpd.GeoDataFrame:
    auto_code, auto_name = detect_fields(frame.columns)
    code_field = code_field or auto_code
    name_field = name_field or auto_name
    fields = [c for c in frame.columns if c != "geometry"]
    if code_field is None or code_field not in frame.columns:
        what = f"code field '{code_field}'" if code_field else "a single *CD code field"
        raise SourceFormatError(path, f"{what} missing (fields: {', '.join(fields) or 'none'})")
    if name_field is None or name_field not in frame.columns:
        what = f"name field '{name_field}'" if name_field else "a single *NM name field"
        raise SourceFormatError(path, f"{what} missing (fields: {', '.join(fields) or 'none'})")
    codes = frame[code_field].astype("string").str.strip()
    if codes.isna().any() or (codes == "").any():
        raise SourceFormatError(path, f"{int(codes.isna().sum() + (codes == '').sum())} blank codes in '{code_field}'")
    dups = sorted(set(codes[codes.duplicated()]))
    if dups:
        raise SourceFormatError(path, f"duplicate codes in '{code_field}': {', '.join(dups[:5])}")
    out = gpd.GeoDataFrame(
        {
            "area_code": codes.astype(str).to_numpy(),
            "area_name": frame[name_field].astype(str).str.strip().to_numpy(),
        },
        geometry=frame.geometry.to_numpy(),
        crs=frame.crs,
    )
    if out.crs is not None and not out.crs.equals(CRS.from_user_input(WGS84)):
        out = out.to_crs(WGS84)
    _check_lonlat(out, path)
    geoms, repaired = repair_polygons(out.geometry.to_numpy())
    if (shapely.is_empty(geoms)).any():
        bad = ", ".join(out.area_code[shapely.is_empty(geoms)].head(5))
        raise SourceFormatError(path, f"empty or non-polygonal geometry for {bad}")
    out = out.set_geometry(geoms, crs=WGS84)
    out.attrs["repaired"] = repaired
    if repaired:
        log.info("%s: repaired %d invalid geometries with make_valid", path.name, repaired)
    return out[COLUMNS].reset_index(drop=True)


def _check_lonlat(frame: gpd.GeoDataFrame, path: Path) -> None:
    """A GeoJSON/TopoJSON in metres without a CRS member would otherwise pass silently."""
    minx, miny, maxx, maxy = frame.total_bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise SourceFormatError(
            path, f"coordinates are not lon/lat (bounds {minx:.0f},{miny:.0f},{maxx:.0f},{maxy:.0f})"
        )


def repair_polygons(geoms: Any) -> tuple[Any, int]:
    """Make invalid geometries valid, keeping only polygonal parts (make_valid can emit stray lines
    and points from self-touching rings). Returns the geometries and how many were repaired."""
    geoms = np.array(geoms, dtype=object)
    invalid = ~shapely.is_valid(geoms)
    geoms[invalid] = [polygonal_part(g) for g in shapely.make_valid(geoms[invalid])]
    return geoms, int(invalid.sum())


def polygonal_part(geom: Any) -> Any:
    """The (Multi)Polygon part of a geometry; an empty Polygon when there is none."""
    if isinstance(geom, shapely.Polygon | shapely.MultiPolygon):
        return geom
    polys: list[shapely.Polygon] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.Polygon):
            polys.append(part)
        elif isinstance(part, shapely.MultiPolygon | shapely.GeometryCollection):
            sub = polygonal_part(part)
            polys.extend(shapely.get_parts(sub) if not sub.is_empty else [])
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
