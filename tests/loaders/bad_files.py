"""A corpus of hostile and broken inputs, made on the fly (nothing is committed).

Each BadFile says which reader it is for ("values" or "boundary" uploads, or "plan_link": a ?plan=
token of the Targets page) and what must come back:
- by default, an error whose message contains `expect` (for a file, starting with the file name);
- `repaired=True`: the file is read, with a note containing `expect`;
- `matches=True`: the file is read, and matching it to the LEPs gives a summary containing `expect`.
`issue` names the failure of issue 12 an input stands for (e.g. "12.3"), empty for the older classes.

    python -m tests.loaders.bad_files OUT_DIR   # writes the corpus, e.g. to try it in the browser
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from components.targets import MAX_LINK_TOKEN, encode_for_link
from loaders.uploads import (
    MAX_BOUNDARY_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNZIPPED_BYTES,
    MAX_VALUES_BYTES,
    MAX_ZIP_ENTRIES,
)
from tests.loaders.hostile_builders import (
    BOWTIE,
    CODES,
    NORTH_EAST,
    SQUARE,
    bomb_token,
    collection,
    csv_bytes,
    feature,
    geojson_bytes,
    gpkg_bytes,
    patch_central_directory,
    shapefile_members,
    shapefile_zip,
    spellings_of,
    squares_bng,
    symlink_zip,
    unknown_names_csv,
    xlsx_bytes,
    zip_bytes,
)

KINDS = ("values", "boundary", "plan_link")


@dataclass(frozen=True)
class BadFile:
    name: str
    kind: str  # one of KINDS
    expect: str
    make: Callable[[], bytes]
    repaired: bool = False
    matches: bool = False
    issue: str = ""

    @property
    def data(self) -> bytes:
        return self.make()


# --- builders of whole bad files ---------------------------------------------------------------------


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
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("areas.shp", "w", force_zip64=True) as member,
    ):
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


def _spellings_csv() -> bytes:
    """49,900 distinct spellings of one LEP's name: every row lands on the same area."""
    names = spellings_of("Cumbria", MAX_ROWS - 100)
    return csv_bytes([["area_name", "value"], *([name, i] for i, name in enumerate(names))])


def _oversize_geojson() -> bytes:
    head = geojson_bytes([feature(SQUARE)])
    return head + b" " * (MAX_BOUNDARY_BYTES + 1 - len(head))


def _prj_zip(prj: str) -> bytes:
    return zip_bytes({**shapefile_members(squares_bng()), "areas.prj": prj.encode("ascii")})


def _nested(depth: int) -> dict:
    geometry = {"type": "Polygon", "coordinates": SQUARE}
    for _ in range(depth):
        geometry = collection(geometry)
    return geometry


def _sparse_fields() -> bytes:
    """20,000 features (the cap), each with a field of its own: read naively, a 20,000 x 20,000 table."""
    return geojson_bytes(
        [
            {**feature(SQUARE), "properties": {"area_code": CODES[i % len(CODES)], f"field_{i}": i}}
            for i in range(20_000)
        ]
    )


def _wide_gpkg() -> bytes:
    squares = squares_bng()
    fields = pd.DataFrame({f"f{i}": range(len(squares)) for i in range(300)})
    return gpkg_bytes(
        gpd.GeoDataFrame(
            pd.concat([squares.drop(columns="geometry"), fields], axis=1), geometry=squares.geometry, crs=squares.crs
        )
    )


MARKDOWN_LINK = "[Session expired - log in](http://evil.example/login)"
MARKDOWN_IMAGE = "![tracking pixel](http://evil.example/pixel.png)"
GC_POINT = {"type": "Point", "coordinates": [-1.55, 54.95]}


def corpus() -> list[BadFile]:
    """Every bad input, generated on demand (each `data` call builds it afresh)."""
    good_rows = [["area_code", "value"], [NORTH_EAST, 1.5], ["E37000001", 2.5]]
    return [
        # --- values: CSV ---
        BadFile("empty.csv", "values", "file is empty", lambda: b""),
        BadFile("junk.csv", "values", "binary file", lambda: _random_bytes(4000, 1)),
        BadFile("controls.csv", "values", "is not text", lambda: _random_bytes(4000, 2, no_nul=True)),
        BadFile(
            "oversize.csv",
            "values",
            "the limit for this upload is 5 MB",
            lambda: b"area_code,value\n" + b"E37000025,1\n" * (MAX_VALUES_BYTES // 12 + 1),
        ),
        BadFile("too_many_rows.csv", "values", f"more than {MAX_ROWS:,} rows", lambda: _rows(MAX_ROWS + 60)),
        BadFile(
            "too_many_columns.csv",
            "values",
            f"at most {MAX_COLUMNS} are accepted",
            lambda: csv_bytes(
                [["area_code", *(f"v{i}" for i in range(MAX_COLUMNS + 5))], [NORTH_EAST, *range(MAX_COLUMNS + 5)]]
            ),
        ),
        BadFile(
            "no_code_column.csv",
            "values",
            "no column of area codes or names",
            lambda: csv_bytes([["colour", "size"], ["red", 1], ["blue", 2]]),
        ),
        BadFile(
            "duplicate_codes.csv",
            "values",
            f"duplicate area codes: '{NORTH_EAST}' (rows 2, 4)",
            lambda: csv_bytes([["area_code", "value"], [NORTH_EAST, 1], ["E37000001", 2], [NORTH_EAST, 3]]),
        ),
        BadFile(
            "duplicate_names.csv",
            "values",
            "duplicate area names: 'Cumbria'",
            lambda: csv_bytes([["name", "value"], ["Cumbria", 1], ["Cumbria", 2]]),
        ),
        BadFile(
            "only_text.csv",
            "values",
            "no column of numbers found",
            lambda: csv_bytes([["area_code", "comment"], [NORTH_EAST, "good"], ["E37000001", "bad"]]),
        ),
        BadFile(
            "only_markers.csv",
            "values",
            "no column of numbers found",
            lambda: csv_bytes([["area_code", "value"], [NORTH_EAST, ".."], ["E37000001", "[x]"]]),
        ),
        BadFile(
            "header_only.csv", "values", "has a header but no rows of data", lambda: csv_bytes([["area_code", "value"]])
        ),
        BadFile(
            "one_column.csv",
            "values",
            "no header row with at least two columns",
            lambda: csv_bytes([["area_code"], [NORTH_EAST], ["E37000001"]]),
        ),
        BadFile(
            "bad_years.csv",
            "values",
            "column 'year' has values that are not years: row 3 ('last year')",
            lambda: csv_bytes([["area_code", "year", "value"], [NORTH_EAST, 2021, 1], [NORTH_EAST, "last year", 2]]),
        ),
        BadFile(
            "utf16_no_bom.csv",
            "values",
            "UTF-16 text without a byte-order mark",
            lambda: csv_bytes(good_rows, encoding="utf-16-le"),
        ),
        BadFile(
            "huge_field.csv",
            "values",
            "cannot be read as CSV",
            lambda: b'area_code,value\nE37000025,"' + b"x" * 200_000 + b'"\n',
        ),
        BadFile(
            "utf16_bom.csv", "values", "Read as UTF-16 text", lambda: csv_bytes(good_rows, "utf-16"), repaired=True
        ),
        BadFile(
            "cp1252.csv",
            "values",
            "read as Windows-1252",
            lambda: csv_bytes([["name", "value"], ["Ynys Môn – Anglesey", 1]], "cp1252"),
            repaired=True,
        ),
        BadFile("report.pdf", "values", "file type '.pdf' is not accepted", lambda: b"%PDF-1.7\n..."),
        # --- values: spreadsheets ---
        BadFile(
            "page.xlsx",
            "values",
            "is not a valid Excel .xlsx workbook",
            lambda: b"<html><body><table><tr><td>E37000025</td><td>1</td></tr></table></body></html>",
        ),
        BadFile("truncated.xlsx", "values", "is not a valid Excel .xlsx workbook", lambda: xlsx_bytes(good_rows)[:700]),
        BadFile(
            "formulas_only.xlsx",
            "values",
            "formula cells have no saved value",
            lambda: xlsx_bytes([["area_code", "value"], [NORTH_EAST, "=1+1"], ["E37000001", "=2*3"]]),
        ),
        BadFile(
            "macros.xlsm", "values", "macro-enabled workbooks (.xlsm) are not accepted", lambda: xlsx_bytes(good_rows)
        ),
        BadFile(
            "hidden_macros.xlsx",
            "values",
            "contains macros (vbaProject.bin)",
            lambda: xlsx_bytes(good_rows, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not really"}),
        ),
        BadFile(
            "old.xls", "values", "(.xls) are not accepted", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
        ),
        BadFile(
            "bomb.xlsx",
            "values",
            "times (a zip bomb?); refused",
            lambda: patch_central_directory(xlsx_bytes(good_rows), size=60 * 1024 * 1024),
        ),
        BadFile("zip_only.xlsx", "values", "no [Content_Types].xml", lambda: zip_bytes({"hello.txt": b"hi"})),
        # --- boundaries: archives ---
        BadFile("zip_bomb.zip", "boundary", "(a zip bomb?)", _real_zip_bomb),
        BadFile("declared_huge.zip", "boundary", "would expand to 180 MB", _declared_huge),
        BadFile(
            "traversal.zip",
            "boundary",
            "zip entry '../../evil.shp' points outside the archive",
            lambda: zip_bytes({"../../evil.shp": b"x"}),
        ),
        BadFile(
            "absolute.zip",
            "boundary",
            "zip entry '/etc/evil.shp' has an absolute path",
            lambda: zip_bytes({"/etc/evil.shp": b"x"}),
        ),
        BadFile(
            "windows_absolute.zip",
            "boundary",
            "has an absolute path",
            lambda: zip_bytes({"C:\\Windows\\evil.shp": b"x"}),
        ),
        BadFile("symlink.zip", "boundary", "is a symbolic link", symlink_zip),
        BadFile(
            "encrypted.zip",
            "boundary",
            "is encrypted",
            lambda: patch_central_directory(zip_bytes({"areas.shp": b"x"}), flags=1),
        ),
        BadFile(
            "many_entries.zip",
            "boundary",
            f"at most {MAX_ZIP_ENTRIES} are accepted",
            lambda: zip_bytes({f"f{i}.txt": b"x" for i in range(MAX_ZIP_ENTRIES + 1)}),
        ),
        BadFile("empty.zip", "boundary", "zip archive is empty", lambda: zip_bytes({})),
        BadFile("not_a_zip.zip", "boundary", "is not a valid zip archive", lambda: b"PK\x03\x04 broken"),
        BadFile(
            "no_prj.zip",
            "boundary",
            "has no .prj in the zip (without it the coordinate system",
            lambda: shapefile_zip(squares_bng(), drop=(".prj",)),
        ),
        BadFile(
            "no_dbf.zip", "boundary", "has no .dbf in the zip", lambda: shapefile_zip(squares_bng(), drop=(".dbf",))
        ),
        BadFile(
            "two_shapefiles.zip",
            "boundary",
            "zip holds several shapefiles",
            lambda: zip_bytes(
                {
                    **{f"a/{k}": v for k, v in shapefile_members(squares_bng()).items()},
                    **{f"b/{k}": v for k, v in shapefile_members(squares_bng()).items()},
                }
            ),
        ),
        BadFile("no_shapefile.zip", "boundary", "zip holds no shapefile", lambda: zip_bytes({"readme.txt": b"hi"})),
        BadFile(
            "areas.shp",
            "boundary",
            "zip the .shp, .shx, .dbf and .prj together",
            lambda: shapefile_members(squares_bng())["areas.shp"],
        ),
        # --- boundaries: GeoJSON ---
        BadFile("not_json.geojson", "boundary", "is not valid JSON", lambda: b"<html>not json</html>"),
        BadFile("no_features.geojson", "boundary", "GeoJSON has no features", lambda: geojson_bytes([])),
        BadFile(
            "wrong_type.geojson",
            "boundary",
            "expected a GeoJSON FeatureCollection",
            lambda: json.dumps({"type": "Polygon", "coordinates": SQUARE}).encode(),
        ),
        BadFile(
            "nan.geojson",
            "boundary",
            "JSON contains NaN",
            lambda: geojson_bytes([feature(SQUARE)]).replace(b"-1.6, 54.9]", b"NaN, 54.9]", 1),
        ),
        BadFile(
            "huge_coordinates.geojson",
            "boundary",
            "coordinates are out of range for longitude/latitude",
            lambda: geojson_bytes([feature([[[1e10, 0], [1e10 + 5, 0], [1e10 + 5, 5], [1e10, 0]]])]),
        ),
        BadFile(
            "metres_without_crs.geojson",
            "boundary",
            "must be in longitude/latitude, EPSG:4326",
            lambda: geojson_bytes(json.loads(squares_bng().to_json())["features"]),
        ),
        BadFile(
            "bad_crs.geojson",
            "boundary",
            "'crs' member cannot be understood",
            lambda: geojson_bytes([feature(SQUARE)], crs={"type": "name", "properties": {"name": "EPSG:nope"}}),
        ),
        BadFile(
            "points.geojson",
            "boundary",
            "has no polygons (found Point)",
            lambda: geojson_bytes([feature([-1.6, 54.9], kind="Point")]),
        ),
        BadFile(
            "malformed.geojson",
            "boundary",
            "feature 1 has a malformed geometry",
            lambda: geojson_bytes([feature([[["a", "b"]]])]),
        ),
        BadFile(
            "no_code_field.geojson",
            "boundary",
            "no single area code field found",
            lambda: geojson_bytes(
                [
                    {
                        "type": "Feature",
                        "properties": {"colour": "red"},
                        "geometry": {"type": "Polygon", "coordinates": SQUARE},
                    }
                ]
            ),
        ),
        BadFile("deep.json", "boundary", "nested too deeply", _deep_json),
        BadFile(
            "utf16.geojson",
            "boundary",
            "is not UTF-8 text",
            lambda: geojson_bytes([feature(SQUARE)]).decode().encode("utf-16"),
        ),
        BadFile(
            "self_intersecting.geojson",
            "boundary",
            "1 invalid geometries (e.g. self-intersecting rings) were repaired with make_valid",
            lambda: geojson_bytes([feature(BOWTIE)]),
            repaired=True,
        ),
        BadFile(
            "one_empty.geojson",
            "boundary",
            "1 empty geometries were dropped (E37000001)",
            lambda: geojson_bytes([feature(SQUARE), feature([], code="E37000001")]),
            repaired=True,
        ),
        # --- boundaries: GeoPackage ---
        BadFile("not_sqlite.gpkg", "boundary", "is not a GeoPackage", lambda: b"just text, not a database"),
        BadFile(
            "broken.gpkg",
            "boundary",
            "GeoPackage cannot be opened",
            lambda: b"SQLite format 3\x00" + _random_bytes(3000, 3),
        ),
        # --- issue 12: matching the largest uploads (12.1) ---
        BadFile(
            "unknown_names.csv",
            "values",
            f"0 of {MAX_ROWS - 100} areas in your file matched LEPs; {MAX_ROWS - 100} unmatched",
            unknown_names_csv,
            matches=True,
            issue="12.1",
        ),
        BadFile(
            "one_area_spelt_49900_ways.csv",
            "values",
            f"0 of {MAX_ROWS - 100} areas in your file matched LEPs; {MAX_ROWS - 100} duplicate",
            _spellings_csv,
            matches=True,
            issue="12.1",
        ),
        # --- issue 12: ?plan= links (12.3) ---
        BadFile(
            "plan_bomb.link",
            "plan_link",
            "the link's plan expands beyond 100,000 bytes",
            lambda: bomb_token(60).encode("ascii"),
            issue="12.3",
        ),
        BadFile(
            "plan_too_long.link",
            "plan_link",
            f"characters long; a plan's is at most {MAX_LINK_TOKEN:,}",
            lambda: b"A" * (MAX_LINK_TOKEN + 1),
            issue="12.3",
        ),
        BadFile(
            "plan_huge_number.link",
            "plan_link",
            "a number in it has more than 4,300 digits",
            lambda: encode_for_link('{"format": "x", "version": ' + "9" * 5_000 + "}").encode("ascii"),
            issue="12.3",
        ),
        BadFile(
            "plan_deeply_nested.link",
            "plan_link",
            "it is nested too deeply",
            lambda: encode_for_link("[" * 40_000 + "]" * 40_000).encode("ascii"),
            issue="12.3",
        ),
        BadFile(
            "plan_damaged.link",
            "plan_link",
            "the link's plan parameter is damaged or incomplete",
            lambda: bomb_token(1).encode("ascii")[:40],
            issue="12.3",
        ),
        # --- issue 12: text from files shown as text, and cut to a sane length (12.6) ---
        BadFile(
            "markdown_names.csv",
            "values",
            "2 of 2 areas in your file matched LEPs.",
            lambda: csv_bytes(
                [
                    ["area_code", "area_name", MARKDOWN_LINK],
                    [NORTH_EAST, MARKDOWN_IMAGE, 1],
                    ["E37000001", "see http://evil.example and www.evil.example", 2],
                ]
            ),
            matches=True,
            issue="12.6",
        ),
        BadFile(
            "long_header.csv",
            "values",
            "column 2's header is 10,000 characters long; it is shown cut to 80",
            lambda: csv_bytes([["area_code", "v" * 10_000], [NORTH_EAST, 1]]),
            repaired=True,
            issue="12.6",
        ),
        BadFile(
            "long_bad_year.csv",
            "values",
            f"column 'year' has values that are not years: row 2 ('{'y' * 19}\u2026')",
            lambda: csv_bytes([["area_code", "year", "value"], [NORTH_EAST, "y" * 10_000, 1]]),
            issue="12.6",
        ),
        BadFile(
            "long_entry_name.zip",
            "boundary",
            f"zip entry '../{'a' * 76}\u2026' points outside the archive",
            lambda: zip_bytes({"../" + "a" * 10_000 + ".shp": b"x"}),
            issue="12.6",
        ),
        # --- issue 12: geometry collections (12.7) ---
        BadFile(
            "nested_collection.geojson",
            "boundary",
            "1 features are geometry collections (feature 1 (E37000025)): the polygons inside them are used.",
            lambda: geojson_bytes([{**feature(SQUARE), "geometry": _nested(2)}]),
            repaired=True,
            issue="12.7",
        ),
        BadFile(
            "deeply_nested_collection.geojson",
            "boundary",
            "the polygons inside them are used.",
            lambda: geojson_bytes([{**feature(SQUARE), "geometry": _nested(200)}]),
            repaired=True,
            issue="12.7",
        ),
        BadFile(
            "collection_with_point.geojson",
            "boundary",
            "the polygons inside them are used, 1 points or lines in them left out.",
            lambda: geojson_bytes([{**feature(SQUARE), "geometry": collection(_nested(1), GC_POINT)}]),
            repaired=True,
            issue="12.7",
        ),
        BadFile(
            "collection_of_points.geojson",
            "boundary",
            "has no polygons (found GeometryCollection)",
            lambda: geojson_bytes([{**feature(SQUARE), "geometry": collection(GC_POINT, GC_POINT)}]),
            issue="12.7",
        ),
        # --- issue 12: one upload limit (12.8) ---
        BadFile(
            "oversize.geojson",
            "boundary",
            f"the limit for this upload is {MAX_BOUNDARY_BYTES // 2**20} MB",
            _oversize_geojson,
            issue="12.8",
        ),
        # --- issue 12: memory (12.10): a frame of features x fields ---
        BadFile(
            "sparse_fields.geojson",
            "boundary",
            "its features' properties have more than 200 different fields",
            _sparse_fields,
            issue="12.10",
        ),
        BadFile("wide.gpkg", "boundary", "has 302 fields; at most 200 are accepted", _wide_gpkg, issue="12.10"),
        # --- issue 12: messages in plain words, no internals (12.9) ---
        BadFile(
            "year_headers_with_decimals.csv",
            "values",
            "Columns 2019.0, 2020.0 are read as years of one value.",
            lambda: csv_bytes([["area_code", "2019.0", "2020.0"], [NORTH_EAST, 1, 2], ["E37000001", 3, 4]]),
            repaired=True,
            issue="12.9",
        ),
        BadFile(
            "huge_integer.geojson",
            "boundary",
            "a number in it has more than 4,300 digits",
            lambda: b'{"type": "FeatureCollection", "features": [' + b"7" * 5_000 + b"]}",
            issue="12.9",
        ),
        BadFile(
            "broken_topology.json",
            "boundary",
            "is TopoJSON whose objects, arcs or transform are missing",
            lambda: json.dumps(
                {
                    "type": "Topology",
                    "objects": {
                        "a": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[5]]}]}
                    },
                }
            ).encode(),
            issue="12.9",
        ),
        BadFile(
            "renamed_column.gpkg",
            "boundary",
            "the GeoPackage's tables do not match its own catalogue",
            lambda: gpkg_bytes(squares_bng(), "ALTER TABLE areas RENAME COLUMN geom TO shape"),
            issue="12.9",
        ),
        BadFile(
            "impossible_ellipsoid.zip",
            "boundary",
            "its coordinate system (the .prj of a shapefile) is damaged",
            lambda: _prj_zip(
                'PROJCS["x",GEOGCS["x",DATUM["x",SPHEROID["x",0,0]],PRIMEM["G",0],UNIT["degree",'
                '0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["metre",1]]'
            ),
            issue="12.9",
        ),
        BadFile(
            "local_grid.zip",
            "boundary",
            "its coordinate system (site grid) cannot be converted to longitude",
            lambda: _prj_zip('LOCAL_CS["site grid",UNIT["metre",1]]'),
            issue="12.9",
        ),
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
