"""A corpus of hostile and broken uploads, made on the fly (nothing is committed).

Each BadFile says which reader it is for ("values" or "boundary"), and what the reader must answer:
a SourceFormatError whose message contains `expect` (and starts with the file name), or, for a file
that is repaired rather than refused (`repaired=True`), a note containing `expect`.

    python -m tests.loaders.bad_files OUT_DIR   # writes the corpus, e.g. to try it in the browser
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
import stat
import struct
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import openpyxl
import shapely

from loaders.uploads import MAX_COLUMNS, MAX_ROWS, MAX_UNZIPPED_BYTES, MAX_VALUES_BYTES, MAX_ZIP_ENTRIES

NORTH_EAST = "E37000025"
CODES = [f"E370000{n:02d}" for n in range(1, 40)]


@dataclass(frozen=True)
class BadFile:
    name: str
    kind: str  # "values" or "boundary"
    expect: str
    make: Callable[[], bytes]
    repaired: bool = False

    @property
    def data(self) -> bytes:
        return self.make()


# --- builders of good parts -------------------------------------------------------------------------


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """Rows written by the csv module (quoting cells that hold the delimiter, e.g. "1,234.5")."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]], cached: dict[str, str] | None = None, extra: dict[str, bytes] | None = None
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
                    text = re.sub(rf"<f>{re.escape(formula)}</f>(?:<v\s*/>|<v></v>)", f"<f>{formula}</f><v>{value}</v>",
                                  text)
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
            out[at + 8:at + 10] = struct.pack("<H", flags)
        if size is not None:
            out[at + 24:at + 28] = struct.pack("<I", size)
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
    return gpd.GeoDataFrame({"LEP21CD": CODES[:n], "LEP21NM": [f"Area {i}" for i in range(n)]},
                            geometry=boxes, crs="EPSG:27700")


def shapefile_members(frame: gpd.GeoDataFrame, stem: str = "areas") -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / f"{stem}.shp", engine="pyogrio")
        return {path.name: path.read_bytes() for path in Path(tmp).iterdir()}


def shapefile_zip(frame: gpd.GeoDataFrame, drop: tuple[str, ...] = (), folder: str = "") -> bytes:
    members = {f"{folder}{name}": data for name, data in shapefile_members(frame).items()
               if not name.lower().endswith(drop)}
    return zip_bytes(members)


def geojson_bytes(features: list[dict], **extra: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}).encode("utf-8")


def feature(coords: list, code: str = NORTH_EAST, name: str = "North East", kind: str = "Polygon") -> dict:
    return {"type": "Feature", "properties": {"area_code": code, "area_name": name},
            "geometry": {"type": kind, "coordinates": coords}}


SQUARE = [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]]
BOWTIE = [[[-1.6, 54.9], [-1.5, 55.0], [-1.5, 54.9], [-1.6, 55.0], [-1.6, 54.9]]]


def _random_bytes(n: int, seed: int, no_nul: bool = False) -> bytes:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(n))
    return data.replace(b"\x00", b"\x01") if no_nul else data


def _rows(n: int) -> bytes:
    lines = ["area_code,value"] + [f"E0{7000000 + i},{i}" for i in range(n)]
    return "\n".join(lines).encode("utf-8")


def _real_zip_bomb() -> bytes:
    """A single entry of zeros larger than the unzip cap, deflated to about 0.1% of it."""
    out = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open("areas.shp", "w", force_zip64=True) as member:
        for _ in range(MAX_UNZIPPED_BYTES // len(chunk) + 2):
            member.write(chunk)
    return out.getvalue()


def _declared_huge() -> bytes:
    """Incompressible entries that honestly compress 1:1 but declare 90 MB each: the total is over
    the cap while no single entry looks like a bomb."""
    members = {f"part{i}.dbf": _random_bytes(100_000, i) for i in range(2)}
    return patch_central_directory(zip_bytes(members, zipfile.ZIP_STORED), size=90 * 1024 * 1024)


def _deep_json() -> bytes:
    return b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def corpus() -> list[BadFile]:
    """Every bad file, generated on demand (each `data` call builds it afresh)."""
    good_rows = [["area_code", "value"], [NORTH_EAST, 1.5], ["E37000001", 2.5]]
    return [
        # --- values: CSV ---
        BadFile("empty.csv", "values", "file is empty", lambda: b""),
        BadFile("junk.csv", "values", "binary file", lambda: _random_bytes(4000, 1)),
        BadFile("controls.csv", "values", "is not text", lambda: _random_bytes(4000, 2, no_nul=True)),
        BadFile("oversize.csv", "values", "the limit for this upload is 5 MB",
                lambda: b"area_code,value\n" + b"E37000025,1\n" * (MAX_VALUES_BYTES // 12 + 1)),
        BadFile("too_many_rows.csv", "values", f"more than {MAX_ROWS:,} rows", lambda: _rows(MAX_ROWS + 60)),
        BadFile("too_many_columns.csv", "values", f"at most {MAX_COLUMNS} are accepted",
                lambda: csv_bytes([["area_code", *(f"v{i}" for i in range(MAX_COLUMNS + 5))],
                                   [NORTH_EAST, *range(MAX_COLUMNS + 5)]])),
        BadFile("no_code_column.csv", "values", "no column of area codes or names",
                lambda: csv_bytes([["colour", "size"], ["red", 1], ["blue", 2]])),
        BadFile("duplicate_codes.csv", "values", f"duplicate area codes: '{NORTH_EAST}' (rows 2, 4)",
                lambda: csv_bytes([["area_code", "value"], [NORTH_EAST, 1], ["E37000001", 2], [NORTH_EAST, 3]])),
        BadFile("duplicate_names.csv", "values", "duplicate area names: 'Cumbria'",
                lambda: csv_bytes([["name", "value"], ["Cumbria", 1], ["Cumbria", 2]])),
        BadFile("only_text.csv", "values", "no column of numbers found",
                lambda: csv_bytes([["area_code", "comment"], [NORTH_EAST, "good"], ["E37000001", "bad"]])),
        BadFile("only_markers.csv", "values", "no column of numbers found",
                lambda: csv_bytes([["area_code", "value"], [NORTH_EAST, ".."], ["E37000001", "[x]"]])),
        BadFile("header_only.csv", "values", "has a header but no rows of data",
                lambda: csv_bytes([["area_code", "value"]])),
        BadFile("one_column.csv", "values", "no header row with at least two columns",
                lambda: csv_bytes([["area_code"], [NORTH_EAST], ["E37000001"]])),
        BadFile("bad_years.csv", "values", "column 'year' has values that are not years: row 3 ('last year')",
                lambda: csv_bytes([["area_code", "year", "value"], [NORTH_EAST, 2021, 1],
                                   [NORTH_EAST, "last year", 2]])),
        BadFile("utf16_no_bom.csv", "values", "UTF-16 text without a byte-order mark",
                lambda: csv_bytes(good_rows, encoding="utf-16-le")),
        BadFile("huge_field.csv", "values", "cannot be read as CSV",
                lambda: b'area_code,value\nE37000025,"' + b"x" * 200_000 + b'"\n'),
        BadFile("utf16_bom.csv", "values", "Read as UTF-16 text", lambda: csv_bytes(good_rows, "utf-16"),
                repaired=True),
        BadFile("cp1252.csv", "values", "read as Windows-1252",
                lambda: csv_bytes([["name", "value"], ["Ynys Môn – Anglesey", 1]], "cp1252"), repaired=True),
        BadFile("report.pdf", "values", "file type '.pdf' is not accepted", lambda: b"%PDF-1.7\n..."),
        # --- values: spreadsheets ---
        BadFile("page.xlsx", "values", "is not a valid Excel .xlsx workbook",
                lambda: b"<html><body><table><tr><td>E37000025</td><td>1</td></tr></table></body></html>"),
        BadFile("truncated.xlsx", "values", "is not a valid Excel .xlsx workbook",
                lambda: xlsx_bytes(good_rows)[:700]),
        BadFile("formulas_only.xlsx", "values", "formula cells have no saved value",
                lambda: xlsx_bytes([["area_code", "value"], [NORTH_EAST, "=1+1"], ["E37000001", "=2*3"]])),
        BadFile("macros.xlsm", "values", "macro-enabled workbooks (.xlsm) are not accepted",
                lambda: xlsx_bytes(good_rows)),
        BadFile("hidden_macros.xlsx", "values", "contains macros (vbaProject.bin)",
                lambda: xlsx_bytes(good_rows, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really"})),
        BadFile("old.xls", "values", "(.xls) are not accepted",
                lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
        BadFile("bomb.xlsx", "values", "times (a zip bomb?); refused",
                lambda: patch_central_directory(xlsx_bytes(good_rows), size=60 * 1024 * 1024)),
        BadFile("zip_only.xlsx", "values", "no [Content_Types].xml", lambda: zip_bytes({"hello.txt": b"hi"})),
        # --- boundaries: archives ---
        BadFile("zip_bomb.zip", "boundary", "(a zip bomb?)", _real_zip_bomb),
        BadFile("declared_huge.zip", "boundary", "would expand to 180 MB", _declared_huge),
        BadFile("traversal.zip", "boundary", "zip entry '../../evil.shp' points outside the archive",
                lambda: zip_bytes({"../../evil.shp": b"x"})),
        BadFile("absolute.zip", "boundary", "zip entry '/etc/evil.shp' has an absolute path",
                lambda: zip_bytes({"/etc/evil.shp": b"x"})),
        BadFile("windows_absolute.zip", "boundary", "has an absolute path",
                lambda: zip_bytes({"C:\\Windows\\evil.shp": b"x"})),
        BadFile("symlink.zip", "boundary", "is a symbolic link", symlink_zip),
        BadFile("encrypted.zip", "boundary", "is encrypted",
                lambda: patch_central_directory(zip_bytes({"areas.shp": b"x"}), flags=1)),
        BadFile("many_entries.zip", "boundary", f"at most {MAX_ZIP_ENTRIES} are accepted",
                lambda: zip_bytes({f"f{i}.txt": b"x" for i in range(MAX_ZIP_ENTRIES + 1)})),
        BadFile("empty.zip", "boundary", "zip archive is empty", lambda: zip_bytes({})),
        BadFile("not_a_zip.zip", "boundary", "is not a valid zip archive", lambda: b"PK\x03\x04 broken"),
        BadFile("no_prj.zip", "boundary", "has no .prj in the zip (without it the coordinate system",
                lambda: shapefile_zip(squares_bng(), drop=(".prj",))),
        BadFile("no_dbf.zip", "boundary", "has no .dbf in the zip",
                lambda: shapefile_zip(squares_bng(), drop=(".dbf",))),
        BadFile("two_shapefiles.zip", "boundary", "zip holds several shapefiles",
                lambda: zip_bytes({**{f"a/{k}": v for k, v in shapefile_members(squares_bng()).items()},
                                   **{f"b/{k}": v for k, v in shapefile_members(squares_bng()).items()}})),
        BadFile("no_shapefile.zip", "boundary", "zip holds no shapefile", lambda: zip_bytes({"readme.txt": b"hi"})),
        BadFile("areas.shp", "boundary", "zip the .shp, .shx, .dbf and .prj together",
                lambda: shapefile_members(squares_bng())["areas.shp"]),
        # --- boundaries: GeoJSON ---
        BadFile("not_json.geojson", "boundary", "is not valid JSON", lambda: b"<html>not json</html>"),
        BadFile("no_features.geojson", "boundary", "GeoJSON has no features", lambda: geojson_bytes([])),
        BadFile("wrong_type.geojson", "boundary", "expected a GeoJSON FeatureCollection",
                lambda: json.dumps({"type": "Polygon", "coordinates": SQUARE}).encode()),
        BadFile("nan.geojson", "boundary", "JSON contains NaN",
                lambda: geojson_bytes([feature(SQUARE)]).replace(b"-1.6, 54.9]", b"NaN, 54.9]", 1)),
        BadFile("huge_coordinates.geojson", "boundary", "coordinates are out of range for longitude/latitude",
                lambda: geojson_bytes([feature([[[1e10, 0], [1e10 + 5, 0], [1e10 + 5, 5], [1e10, 0]]])])),
        BadFile("metres_without_crs.geojson", "boundary", "must be in longitude/latitude, EPSG:4326",
                lambda: geojson_bytes(json.loads(squares_bng().to_json())["features"])),
        BadFile("bad_crs.geojson", "boundary", "'crs' member cannot be understood",
                lambda: geojson_bytes([feature(SQUARE)], crs={"type": "name", "properties": {"name": "EPSG:nope"}})),
        BadFile("points.geojson", "boundary", "has no polygons (found Point)",
                lambda: geojson_bytes([feature([-1.6, 54.9], kind="Point")])),
        BadFile("malformed.geojson", "boundary", "feature 1 has a malformed geometry",
                lambda: geojson_bytes([feature([[["a", "b"]]])])),
        BadFile("no_code_field.geojson", "boundary", "no single area code field found",
                lambda: geojson_bytes([{"type": "Feature", "properties": {"colour": "red"},
                                        "geometry": {"type": "Polygon", "coordinates": SQUARE}}])),
        BadFile("deep.json", "boundary", "nested too deeply", _deep_json),
        BadFile("utf16.geojson", "boundary", "is not UTF-8 text", lambda: geojson_bytes([feature(SQUARE)]).decode()
                .encode("utf-16")),
        BadFile("self_intersecting.geojson", "boundary", "1 invalid geometries (e.g. self-intersecting rings) were "
                "repaired with make_valid", lambda: geojson_bytes([feature(BOWTIE)]), repaired=True),
        BadFile("one_empty.geojson", "boundary", "1 empty geometries were dropped (E37000001)",
                lambda: geojson_bytes([feature(SQUARE), feature([], code="E37000001")]), repaired=True),
        # --- boundaries: GeoPackage ---
        BadFile("not_sqlite.gpkg", "boundary", "is not a GeoPackage", lambda: b"just text, not a database"),
        BadFile("broken.gpkg", "boundary", "GeoPackage cannot be opened",
                lambda: b"SQLite format 3\x00" + _random_bytes(3000, 3)),
    ]


def write_corpus(folder: str | os.PathLike[str]) -> list[Path]:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for bad in corpus():
        path = out / bad.name.replace("/", "_")
        path.write_bytes(bad.data)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_corpus(sys.argv[1] if len(sys.argv) > 1 else "bad_uploads"):
        print(path)
