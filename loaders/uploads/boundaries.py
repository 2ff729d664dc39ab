"""Boundaries people upload (GeoJSON or TopoJSON, a zipped shapefile, a GeoPackage), read into
area_code, area_name, geometry in EPSG:4326: any stated CRS reprojected, polygons taken out of geometry
collections, invalid polygons repaired, empty ones dropped, features sharing a code merged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from loaders.errors import SourceFormatError, shorten
from loaders.sources.boundaries import detect_fields, repair_polygons
from loaders.uploads.boundary_files import gpkg_frame, json_frame, zip_frame
from loaders.uploads.cells import CODE_HEADERS, NAME_HEADERS, cell_text, looks_like_codes, normalised
from loaders.uploads.checks import (
    MAX_BOUNDARY_BYTES,
    MAX_FEATURES,
    MAX_VERTICES,
    check_size,
    label_of,
    listed,
    suffix_of,
)

LOG = logging.getLogger(__name__)


class FieldChoiceError(SourceFormatError):
    """The boundary file has no single obvious code field: `fields` lists what the user may pick."""

    def __init__(self, path: str, problem: str, fields: Sequence[str]) -> None:
        self.fields = tuple(fields)
        super().__init__(path, problem)


def read_boundary_upload(
    name: str, data: bytes, *, code_field: str | None = None, name_field: str | None = None
) -> gpd.GeoDataFrame:
    """Boundaries as area_code, area_name, geometry in EPSG:4326, from a GeoJSON/TopoJSON (.geojson,
    .json), a zipped shapefile (.zip with .shp, .shx, .dbf and .prj) or a GeoPackage (.gpkg).

    Any stated CRS is reprojected; a file without one is refused unless it is GeoJSON in lon/lat.
    Invalid polygons are repaired with make_valid, empty ones dropped, features sharing a code
    merged; each is counted in `attrs["notes"]` (`attrs["repaired"]` holds the repair count).
    """
    label = label_of(name)
    check_size(label, data, MAX_BOUNDARY_BYTES)
    data = bytes(data)
    suffix = suffix_of(label)
    notes: list[str] = []
    if suffix in (".geojson", ".json"):
        frame = json_frame(label, data)
    elif suffix == ".zip":
        frame = zip_frame(label, data, notes)
    elif suffix == ".gpkg":
        frame = gpkg_frame(label, data, notes)
    elif suffix in (".shp", ".shx", ".dbf", ".prj"):
        raise SourceFormatError(
            label, "a shapefile is several files: zip the .shp, .shx, .dbf and .prj together and upload the .zip"
        )
    else:
        raise SourceFormatError(
            label,
            f"file type '{suffix or 'none'}' is not accepted for boundaries; "
            "upload .geojson, .json, a zipped shapefile (.zip) or .gpkg",
        )
    return _standardise(label, frame, code_field, name_field, notes)


def _standardise(
    label: str, frame: gpd.GeoDataFrame, code_field: str | None, name_field: str | None, notes: list[str]
) -> gpd.GeoDataFrame:
    if len(frame) == 0:
        raise SourceFormatError(label, "has no features")
    if len(frame) > MAX_FEATURES:
        raise SourceFormatError(label, f"has {len(frame):,} features; at most {MAX_FEATURES:,} are accepted")
    fields = [str(c) for c in frame.columns if c != frame.geometry.name]
    code_field, name_field = _boundary_fields(label, frame, fields, code_field, name_field)
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    missing = np.array([g is None for g in geoms])
    geoms[missing] = shapely.Polygon()
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    if vertices > MAX_VERTICES:
        raise SourceFormatError(
            label, f"has {vertices:,} vertices; at most {MAX_VERTICES:,} are accepted (upload a generalised version)"
        )
    coords = shapely.get_coordinates(geoms)
    if len(coords) and not np.isfinite(coords).all():
        bad = [str(i + 1) for i, g in enumerate(geoms) if not np.isfinite(shapely.get_coordinates(g)).all()]
        raise SourceFormatError(label, f"features {listed(bad)} have NaN or infinite coordinates")
    codes = [cell_text(v).upper() if cell_text(v) else "" for v in frame[code_field]]
    _open_collections(geoms, codes, notes)
    polygonal = np.array([isinstance(g, shapely.Polygon | shapely.MultiPolygon) for g in geoms])
    if not polygonal.any():
        kinds = sorted({g.geom_type for g in geoms})
        raise SourceFormatError(label, f"has no polygons (found {', '.join(kinds)}); boundaries must be areas")
    if not polygonal.all():
        notes.append(f"{int((~polygonal).sum())} features are points or lines, not areas, and were dropped.")

    out = gpd.GeoDataFrame(
        {"area_code": codes, "area_name": [cell_text(v) for v in frame[name_field]] if name_field else None},
        geometry=list(geoms),
        crs=frame.crs,
    )[polygonal].reset_index(drop=True)
    if name_field is None:
        out["area_name"] = out["area_code"]
        notes.append(f"No name field; codes from '{code_field}' are used as names.")
    if out.crs is None:
        raise SourceFormatError(label, "states no coordinate reference system (CRS)")
    source_crs = out.crs
    if not source_crs.equals(CRS.from_user_input("EPSG:4326")):
        try:
            out = out.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj raises for CRSs it cannot transform
            LOG.info("boundaries %s not reprojected: %r", label, exc)
            raise SourceFormatError(
                label,
                f"its coordinate system ({shorten(source_crs.name)}) cannot be converted to "
                "longitude/latitude: it is not tied to a place on the Earth",
            ) from exc
        notes.append(
            f"Reprojected from {shorten(source_crs.name)} ({shorten(source_crs.to_string(), 40)}) to "
            "longitude/latitude."
        )
    _check_lonlat(label, out, source_crs)

    geoms, repaired = repair_polygons(out.geometry.to_numpy())
    if repaired:
        notes.append(f"{repaired} invalid geometries (e.g. self-intersecting rings) were repaired with make_valid.")
    out = out.set_geometry(list(geoms), crs="EPSG:4326")
    empty = shapely.is_empty(np.asarray(out.geometry.to_numpy(), dtype=object))
    if empty.any():
        notes.append(f"{int(empty.sum())} empty geometries were dropped ({listed(list(out.area_code[empty]))}).")
        out = out[~empty].reset_index(drop=True)
    blank = out["area_code"] == ""
    if blank.any():
        notes.append(f"{int(blank.sum())} features have no code in '{code_field}' and were dropped.")
        out = out[~blank].reset_index(drop=True)
    if out.empty:
        raise SourceFormatError(label, "no usable polygon is left after dropping empty or uncoded features")
    if out["area_code"].duplicated().any():
        before = len(out)
        merged = out.dissolve(by="area_code", aggfunc="first", as_index=False)
        out = gpd.GeoDataFrame(merged[["area_code", "area_name"]], geometry=merged.geometry.to_numpy(), crs="EPSG:4326")
        notes.append(f"{before} features shared codes and were merged into {len(out)} areas.")
    out = out[["area_code", "area_name", "geometry"]].reset_index(drop=True)
    out.attrs.update(
        {
            "source": label,
            "notes": notes,
            "repaired": repaired,
            "code_field": code_field,
            "name_field": name_field,
            "fields": fields,
        }
    )
    return out


def _open_collections(geoms: np.ndarray, codes: list[str], notes: list[str]) -> None:
    """Replace each GeometryCollection (nested ones included) by the polygons anywhere inside it, in
    place, noting which features were collections; one without a polygon is left as it is (not an area)."""
    opened: list[str] = []
    left_out = 0
    for i, geom in enumerate(geoms):
        if shapely.get_type_id(geom) != 7:  # 7: GeometryCollection (a Multi* is not one)
            continue
        polygons, pending = [], [geom]
        while pending:  # a stack, not recursion: nesting depth cannot exhaust anything
            for part in shapely.get_parts(pending.pop()):
                if isinstance(part, shapely.Polygon) and not part.is_empty:
                    polygons.append(part)
                elif isinstance(part, shapely.MultiPolygon):
                    polygons.extend(p for p in part.geoms if not p.is_empty)
                elif shapely.get_type_id(part) == 7:
                    pending.append(part)
                else:
                    left_out += 1
        if polygons:
            geoms[i] = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
            opened.append(f"feature {i + 1} ({shorten(codes[i], 40) or 'no code'})")
    if opened:
        notes.append(
            f"{len(opened)} features are geometry collections ({listed(opened)}): the polygons inside them "
            f"are used" + (f", {left_out} points or lines in them left out." if left_out else ".")
        )


def _boundary_fields(
    label: str, frame: gpd.GeoDataFrame, fields: list[str], code_field: str | None, name_field: str | None
) -> tuple[str, str | None]:
    for given in (code_field, name_field):
        if given is not None and given not in fields:
            raise FieldChoiceError(label, f"field '{given}' not found (fields: {listed(fields) or 'none'})", fields)
    auto_code, auto_name = detect_fields(fields)
    if code_field is None:
        code_field = auto_code or next((f for f in fields if normalised(f) in CODE_HEADERS), None)
    if code_field is None:
        coded = [f for f in fields if looks_like_codes([cell_text(v) for v in frame[f].head(200)])]
        code_field = coded[0] if len(coded) == 1 else None
    if code_field is None:
        raise FieldChoiceError(
            label,
            f"no single area code field found (e.g. LAD23CD, area_code); fields: {listed(fields) or 'none'}",
            fields,
        )
    if name_field is None:
        name_field = (
            auto_name
            if auto_name and auto_name != code_field
            else next((f for f in fields if f != code_field and normalised(f) in NAME_HEADERS), None)
        )
    return code_field, name_field


def _check_lonlat(label: str, frame: gpd.GeoDataFrame, source_crs: Any) -> None:
    coords = shapely.get_coordinates(np.asarray(frame.geometry.to_numpy(), dtype=object))
    if len(coords) == 0:
        return
    if not np.isfinite(coords).all():
        raise SourceFormatError(label, f"some coordinates fall outside {source_crs.name} and cannot be reprojected")
    minx, miny = coords.min(axis=0)
    maxx, maxy = coords.max(axis=0)
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        hint = (
            " (GeoJSON without a 'crs' member must be in longitude/latitude, EPSG:4326)"
            if source_crs.equals(CRS.from_user_input("EPSG:4326"))
            else ""
        )
        raise SourceFormatError(
            label,
            f"coordinates are out of range for longitude/latitude (bounds {minx:.4g}, "
            f"{miny:.4g}, {maxx:.4g}, {maxy:.4g}){hint}",
        )
