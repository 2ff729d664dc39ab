"""The bad inputs of issue 12: the largest uploads (12.1), ?plan= links (12.3), text from files (12.6),
geometry collections (12.7) and damaged boundary files (12.9). Part of the corpus in tests/loaders/bad_files.py."""

from __future__ import annotations

import json

from components.targets import MAX_LINK_TOKEN, encode_for_link
from loaders.uploads import (
    MAX_BOUNDARY_BYTES,
    MAX_ROWS,
)
from tests.loaders.bad_file_builders import (
    GC_POINT,
    MARKDOWN_IMAGE,
    MARKDOWN_LINK,
    BadFile,
    nested_collection,
    oversize_geojson,
    prj_zip,
    sparse_fields,
    spellings_csv,
    wide_gpkg,
)
from tests.loaders.hostile_builders import (
    NORTH_EAST,
    SQUARE,
    bomb_token,
    collection,
    csv_bytes,
    feature,
    geojson_bytes,
    gpkg_bytes,
    squares_bng,
    unknown_names_csv,
    zip_bytes,
)


def issue12_files() -> list[BadFile]:
    """Every bad input of issue 12, generated on demand."""
    return [
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
            spellings_csv,
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
            lambda: geojson_bytes([{**feature(SQUARE), "geometry": nested_collection(2)}]),
            repaired=True,
            issue="12.7",
        ),
        BadFile(
            "deeply_nested_collection.geojson",
            "boundary",
            "the polygons inside them are used.",
            lambda: geojson_bytes([{**feature(SQUARE), "geometry": nested_collection(200)}]),
            repaired=True,
            issue="12.7",
        ),
        BadFile(
            "collection_with_point.geojson",
            "boundary",
            "the polygons inside them are used, 1 points or lines in them left out.",
            lambda: geojson_bytes([{**feature(SQUARE), "geometry": collection(nested_collection(1), GC_POINT)}]),
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
            oversize_geojson,
            issue="12.8",
        ),
        # --- issue 12: memory (12.10): a frame of features x fields ---
        BadFile(
            "sparse_fields.geojson",
            "boundary",
            "its features' properties have more than 200 different fields",
            sparse_fields,
            issue="12.10",
        ),
        BadFile("wide.gpkg", "boundary", "has 302 fields; at most 200 are accepted", wide_gpkg, issue="12.10"),
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
            lambda: prj_zip(
                'PROJCS["x",GEOGCS["x",DATUM["x",SPHEROID["x",0,0]],PRIMEM["G",0],UNIT["degree",'
                '0.0174532925199433]],PROJECTION["Transverse_Mercator"],UNIT["metre",1]]'
            ),
            issue="12.9",
        ),
        BadFile(
            "local_grid.zip",
            "boundary",
            "its coordinate system (site grid) cannot be converted to longitude",
            lambda: prj_zip('LOCAL_CS["site grid",UNIT["metre",1]]'),
            issue="12.9",
        ),
    ]
