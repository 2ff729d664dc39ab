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

import json
import os
import sys
from pathlib import Path

from loaders.uploads import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_VALUES_BYTES,
    MAX_ZIP_ENTRIES,
)
from tests.loaders.bad_file_builders import (
    BadFile,
    code_rows,
    declared_huge,
    deep_json,
    random_bytes,
    real_zip_bomb,
)
from tests.loaders.bad_files_issue12 import issue12_files
from tests.loaders.hostile_builders import (
    BOWTIE,
    NORTH_EAST,
    SQUARE,
    csv_bytes,
    feature,
    geojson_bytes,
    patch_central_directory,
    shapefile_members,
    shapefile_zip,
    squares_bng,
    symlink_zip,
    xlsx_bytes,
    zip_bytes,
)


def corpus() -> list[BadFile]:
    """Every bad input, generated on demand (each `data` call builds it afresh)."""
    return [*upload_files(), *issue12_files()]


def upload_files() -> list[BadFile]:
    """The bad values and boundary uploads of the older classes, generated on demand."""
    good_rows = [["area_code", "value"], [NORTH_EAST, 1.5], ["E37000001", 2.5]]
    return [
        # --- values: CSV ---
        BadFile("empty.csv", "values", "file is empty", lambda: b""),
        BadFile("junk.csv", "values", "binary file", lambda: random_bytes(4000, 1)),
        BadFile("controls.csv", "values", "is not text", lambda: random_bytes(4000, 2, no_nul=True)),
        BadFile(
            "oversize.csv",
            "values",
            "the limit for this upload is 5 MB",
            lambda: b"area_code,value\n" + b"E37000025,1\n" * (MAX_VALUES_BYTES // 12 + 1),
        ),
        BadFile("too_many_rows.csv", "values", f"more than {MAX_ROWS:,} rows", lambda: code_rows(MAX_ROWS + 60)),
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
        BadFile("zip_bomb.zip", "boundary", "(a zip bomb?)", real_zip_bomb),
        BadFile("declared_huge.zip", "boundary", "would expand to 180 MB", declared_huge),
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
        BadFile("deep.json", "boundary", "nested too deeply", deep_json),
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
            lambda: b"SQLite format 3\x00" + random_bytes(3000, 3),
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
