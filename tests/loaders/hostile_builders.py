"""Builders of hostile and broken inputs for the tests: CSV and XLSX tables, zip archives with lying
headers, shapefiles, GeoJSON, damaged GeoPackages, the largest name uploads the caps allow, and
?plan= link tokens that inflate a thousandfold. Everything is made on the fly; nothing is committed.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import itertools
import json
import math
import re
import sqlite3
import stat
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import geopandas as gpd
import openpyxl
import shapely

from loaders.uploads import MAX_ROWS

NORTH_EAST = "E37000025"
CODES = [f"E370000{n:02d}" for n in range(1, 40)]


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """Rows written by the csv module (quoting cells that hold the delimiter, e.g. "1,234.5")."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[list[object]], cached: dict[str, str] | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    """An .xlsx from openpyxl; `cached` gives formula -> the value Excel would have saved with it
    (openpyxl itself saves none); `extra` adds archive members."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if not cached and not extra:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/") and cached:
                text = data.decode("utf-8")
                for formula, value in cached.items():  # <v /> or <v></v>, as lxml or ElementTree write it
                    text = re.sub(
                        rf"<f>{re.escape(formula)}</f>(?:<v\s*/>|<v></v>)", f"<f>{formula}</f><v>{value}</v>", text
                    )
                data = text.encode("utf-8")
            target.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def patch_central_directory(data: bytes, *, size: int | None = None, flags: int | None = None) -> bytes:
    """Rewrite every central-directory entry's declared uncompressed size and/or flag bits: the
    header lies a zip bomb or an "encrypted" entry are made of."""
    out = bytearray(data)
    for match in re.finditer(rb"PK\x01\x02", bytes(out)):
        at = match.start()
        if flags is not None:
            out[at + 8 : at + 10] = struct.pack("<H", flags)
        if size is not None:
            out[at + 24 : at + 28] = struct.pack("<I", size)
    return bytes(out)


def symlink_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        link = zipfile.ZipInfo("areas.shp")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return out.getvalue()


def squares_bng(n: int = 2) -> gpd.GeoDataFrame:
    """Squares in British National Grid (EPSG:27700) around Newcastle, codes E37000001..."""
    boxes = [shapely.box(420000 + 6000 * i, 560000, 425000 + 6000 * i, 565000) for i in range(n)]
    return gpd.GeoDataFrame(
        {"LEP21CD": CODES[:n], "LEP21NM": [f"Area {i}" for i in range(n)]}, geometry=boxes, crs="EPSG:27700"
    )


def shapefile_members(frame: gpd.GeoDataFrame, stem: str = "areas") -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / f"{stem}.shp", engine="pyogrio")
        return {path.name: path.read_bytes() for path in Path(tmp).iterdir()}


def shapefile_zip(frame: gpd.GeoDataFrame, drop: tuple[str, ...] = (), folder: str = "") -> bytes:
    members = {
        f"{folder}{name}": data for name, data in shapefile_members(frame).items() if not name.lower().endswith(drop)
    }
    return zip_bytes(members)


def geojson_bytes(features: list[dict], **extra: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}).encode("utf-8")


def feature(coords: list, code: str = NORTH_EAST, name: str = "North East", kind: str = "Polygon") -> dict:
    return {
        "type": "Feature",
        "properties": {"area_code": code, "area_name": name},
        "geometry": {"type": kind, "coordinates": coords},
    }


SQUARE = [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]]
BOWTIE = [[[-1.6, 54.9], [-1.5, 55.0], [-1.5, 54.9], [-1.6, 55.0], [-1.6, 54.9]]]


def gpkg_bytes(frame: gpd.GeoDataFrame, *statements: str) -> bytes:
    """A GeoPackage of `frame` (layer "areas") with SQL `statements` run on it afterwards, its triggers
    dropped first (they call GeoPackage functions sqlite3 lacks): a damaged or hand-edited file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "areas.gpkg"
        frame.to_file(path, driver="GPKG", layer="areas", engine="pyogrio")
        with contextlib.closing(sqlite3.connect(path)) as database:
            for (trigger,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
                database.execute(f'DROP TRIGGER "{trigger}"')
            for statement in statements:
                database.execute(statement)
            database.commit()
        return path.read_bytes()


def collection(*members: dict) -> dict:
    return {"type": "GeometryCollection", "geometries": list(members)}


def unknown_names_csv(rows: int = MAX_ROWS - 100) -> bytes:
    """`rows` distinct names no level has (49,900 by default, within the 50,000-row cap: ~1.3 MB)."""
    lines = ["area_name,value", *(f"Unknown place {i:05d},{i}" for i in range(rows))]
    return "\n".join(lines).encode("utf-8")


def spellings_of(name: str, count: int) -> list[str]:
    """`count` distinct spellings of one name that all normalise to it: letter case and trailing
    punctuation differ (normalisation ignores both)."""
    letters = [(ch.lower(), ch.upper()) if ch.isalpha() else (ch,) for ch in name]
    cases = ("".join(chars) for chars in itertools.product(*letters))
    tails = ("".join(p) for n in range(6) for p in itertools.product(".!?;", repeat=n))
    return [case + tail for case, tail in itertools.islice(itertools.product(cases, tails), count)]


def bomb_token(expanded_mb: int) -> str:
    """A ?plan= token of zeros deflated a thousandfold: small enough to pass any length check."""
    inflate = zlib.compressobj(9)
    chunk = b"0" * (1024 * 1024)
    packed = b"".join(inflate.compress(chunk) for _ in range(expanded_mb)) + inflate.flush()
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def many_circles_geojson(target_bytes: int) -> bytes:
    """A valid GeoJSON of 400-vertex circles (4 km across) on a grid over northern England, as many as
    make it about `target_bytes` long: a heavy but honest boundary upload."""
    features = []
    size = 0
    while size < target_bytes - 200:
        number = len(features)
        x, y = -3 + (number % 60) * 0.05, 53 + (number // 60) * 0.05
        angles = [2 * math.pi * k / 400 for k in range(400)]
        ring = [[round(x + 0.02 * math.cos(a), 6), round(y + 0.02 * math.sin(a), 6)] for a in angles]
        feature = {
            "type": "Feature",
            "properties": {"code": f"X{number:05d}", "name": f"Area {number}"},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        }
        features.append(feature)
        size += len(json.dumps(feature)) + 2
    return json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")
