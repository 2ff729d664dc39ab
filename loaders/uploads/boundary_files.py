"""The three kinds of boundary upload read into a raw GeoDataFrame and its stated CRS: GeoJSON or TopoJSON
(parsed here, never by GDAL's network-capable drivers), a zipped shapefile and a GeoPackage (checked members
copied under fixed names into a temporary directory, then read with GDAL). loaders/uploads/boundaries.py turns
the frame into area_code, area_name, geometry in EPSG:4326."""

from __future__ import annotations

import json
import logging
import re
import tempfile
import warnings
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from loaders.errors import SourceFormatError, shorten
from loaders.sources.topojson import topology_to_features
from loaders.uploads.checks import (
    MAX_BOUNDARY_BYTES,
    MAX_FEATURES,
    MAX_FIELDS,
    MAX_UNZIPPED_BYTES,
    check_zip,
    copy_member,
    listed,
    open_zip,
)

LOG = logging.getLogger(__name__)
UNREADABLE = {  # what the user is told when GDAL cannot read a file (its own words name SQL and internals)
    ".gpkg": "the GeoPackage's tables do not match its own catalogue (a damaged or hand-edited file)",
    ".shp": "its .shp, .shx and .dbf do not fit together or one of them is damaged",
}


def json_frame(label: str, data: bytes) -> gpd.GeoDataFrame:
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise SourceFormatError(label, "is not UTF-8 text, so it cannot be GeoJSON") from exc
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise SourceFormatError(label, f"is not valid JSON ({exc.msg} at {where})") from exc
    except ValueError as exc:  # ours (NaN or Infinity) or Python's cap on the digits of one integer
        problem = (
            str(exc)
            if exc.args and str(exc.args[0]).startswith("JSON contains")
            else ("a number in it has more than 4,300 digits; GeoJSON coordinates are ordinary numbers")
        )
        raise SourceFormatError(label, problem) from exc
    except RecursionError as exc:
        raise SourceFormatError(label, "JSON is nested too deeply to be GeoJSON") from exc
    if not isinstance(doc, dict):
        raise SourceFormatError(label, "JSON is not a GeoJSON object (expected a FeatureCollection)")
    kind = doc.get("type")
    if kind == "Topology":
        try:
            features: Any = topology_to_features(doc)
        except Exception as exc:  # malformed TopoJSON fails in many ways (KeyError, TypeError, IndexError...)
            LOG.info("TopoJSON %s not read: %r", label, exc)
            raise SourceFormatError(
                label, "is TopoJSON whose objects, arcs or transform are missing or do not fit together"
            ) from exc
        crs: Any = "EPSG:4326"
    elif kind == "FeatureCollection":
        features = doc.get("features")
        crs = _json_crs(label, doc.get("crs"))
    elif kind == "Feature":
        features, crs = [doc], _json_crs(label, doc.get("crs"))
    else:
        raise SourceFormatError(label, f"JSON type is '{shorten(kind, 40)}'; expected a GeoJSON FeatureCollection")
    if not isinstance(features, list) or not features:
        raise SourceFormatError(label, "GeoJSON has no features")
    if len(features) > MAX_FEATURES:
        raise SourceFormatError(label, f"has {len(features):,} features; at most {MAX_FEATURES:,} are accepted")
    rows: list[dict[str, Any]] = []
    geoms: list[Any] = []
    fields: set[str] = set()
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
            raise SourceFormatError(label, f"feature {i + 1} has no geometry")
        try:
            geoms.append(shapely.geometry.shape(feature["geometry"]))
        except Exception as exc:  # shapely raises several types for malformed coordinates
            kind = shorten(feature["geometry"].get("type"), 40)
            problem = (
                f"feature {i + 1} has a malformed geometry (a '{kind}' whose coordinates are not laid out as "
                "GeoJSON requires)"
            )
            raise SourceFormatError(label, problem) from exc
        properties = feature.get("properties")
        rows.append({str(k): v for k, v in properties.items()} if isinstance(properties, dict) else {})
        fields.update(rows[-1])
        if len(fields) > MAX_FIELDS:  # a frame of features x fields: 20,000 x 20,000 would be gigabytes
            raise SourceFormatError(
                label,
                f"its features' properties have more than {MAX_FIELDS} different fields; "
                f"at most {MAX_FIELDS} are accepted",
            )
    frame = pd.DataFrame.from_records(rows) if any(rows) else pd.DataFrame(index=range(len(rows)))
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=crs)


def _refuse_constant(token: str) -> float:
    raise ValueError(f"JSON contains {token}, which GeoJSON does not allow (NaN or infinite coordinates?)")


def _json_crs(label: str, member: Any) -> Any:
    """RFC 7946 GeoJSON is lon/lat; older files state another CRS in a legacy `crs` member."""
    if member is None:
        return "EPSG:4326"
    try:
        return CRS.from_user_input(member["properties"]["name"])
    except (KeyError, TypeError, CRSError) as exc:
        raise SourceFormatError(label, f"GeoJSON 'crs' member cannot be understood: {shorten(member)}") from exc


def zip_frame(label: str, data: bytes, notes: list[str]) -> gpd.GeoDataFrame:
    with open_zip(label, data, "zip archive") as archive:
        entries = check_zip(label, archive)
        files = [e for e in entries if not e.is_dir() and not _hidden(e.filename)]
        shps = [e for e in files if e.filename.lower().endswith(".shp")]
        if len(shps) > 1:
            names = listed([shorten(e.filename) for e in shps])
            raise SourceFormatError(label, f"zip holds several shapefiles ({names}); upload one per archive")
        if not shps:
            inner = [e for e in files if e.filename.lower().endswith((".geojson", ".json", ".gpkg"))]
            if len(inner) != 1:
                raise SourceFormatError(label, "zip holds no shapefile (.shp) and no single .geojson or .gpkg")
            with tempfile.TemporaryDirectory(prefix="rpe-upload-") as tmp:
                target = Path(tmp) / f"upload{PurePosixPath(inner[0].filename).suffix.lower()}"
                copy_member(label, archive, inner[0], target, min(MAX_BOUNDARY_BYTES, MAX_UNZIPPED_BYTES))
                payload = target.read_bytes()
            notes.append(f"Read {shorten(PurePosixPath(inner[0].filename).name)} from the zip.")
            if target.suffix == ".gpkg":
                return gpkg_frame(label, payload, notes)
            return json_frame(label, payload)
        stem = shps[0].filename[:-4].lower()
        parts = {
            e.filename[len(stem) :].lower(): e
            for e in files
            if e.filename.lower().startswith(stem)
            and e.filename[len(stem) :].lower() in {".shp", ".shx", ".dbf", ".prj", ".cpg"}
        }
        missing = [ext for ext in (".shx", ".dbf", ".prj") if ext not in parts]
        if missing:
            what = ", ".join(missing)
            why = " (without it the coordinate system, CRS, is unknown)" if missing == [".prj"] else ""
            raise SourceFormatError(
                label, f"shapefile {shorten(PurePosixPath(shps[0].filename).name)} has no {what} in the zip{why}"
            )
        with tempfile.TemporaryDirectory(prefix="rpe-upload-") as tmp:
            budget = MAX_UNZIPPED_BYTES
            for ext, entry in parts.items():
                budget -= copy_member(label, archive, entry, Path(tmp) / f"upload{ext}", budget)
            return _read_with_gdal(label, Path(tmp) / "upload.shp", None, notes)


def _hidden(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def gpkg_frame(label: str, data: bytes, notes: list[str]) -> gpd.GeoDataFrame:
    if not data.startswith(b"SQLite format 3\x00"):
        raise SourceFormatError(label, "is not a GeoPackage (not an SQLite database)")
    with tempfile.TemporaryDirectory(prefix="rpe-upload-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                layers = pyogrio.list_layers(path)
        except Exception as exc:  # GDAL reports damaged databases with its own error types
            LOG.info("GeoPackage %s not opened: %r", label, exc)
            raise SourceFormatError(label, "GeoPackage cannot be opened: the database is damaged") from exc
        polygons = [str(layer) for layer, kind in layers if kind and "polygon" in str(kind).lower()]
        if not polygons:
            raise SourceFormatError(label, "GeoPackage has no polygon layer")
        if len(polygons) > 1:
            notes.append(f"Read layer '{shorten(polygons[0])}' of {len(polygons)} polygon layers.")
        return _read_with_gdal(label, path, polygons[0], notes)


def _read_with_gdal(label: str, path: Path, layer: str | None, notes: list[str]) -> gpd.GeoDataFrame:
    try:
        info = pyogrio.read_info(path, layer=layer)
        if int(info.get("features") or 0) > MAX_FEATURES:
            raise SourceFormatError(
                label, f"has {int(info['features']):,} features; at most {MAX_FEATURES:,} are accepted"
            )
        if len(info.get("fields", ())) > MAX_FIELDS:
            raise SourceFormatError(label, f"has {len(info['fields']):,} fields; at most {MAX_FIELDS} are accepted")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except SourceFormatError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise their own types for broken files
        LOG.info("boundaries %s not read by GDAL: %r", label, exc)
        why = (
            "its coordinate system (the .prj of a shapefile) is damaged or impossible"
            if "PROJ" in str(exc)
            else UNREADABLE.get(path.suffix, "the file is damaged")
        )
        raise SourceFormatError(label, f"cannot be read: {why}") from exc
    if frame.crs is None:
        raise SourceFormatError(label, "states no coordinate reference system (CRS); cannot place it on a map")
    return frame
