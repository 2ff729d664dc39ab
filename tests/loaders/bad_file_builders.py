"""One bad input and what must come back (BadFile), and the builders of whole bad files the corpus
(tests/loaders/bad_files.py) is made of."""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from loaders.uploads import (
    MAX_BOUNDARY_BYTES,
    MAX_ROWS,
    MAX_UNZIPPED_BYTES,
)
from tests.loaders.hostile_builders import (
    CODES,
    SQUARE,
    collection,
    csv_bytes,
    feature,
    geojson_bytes,
    gpkg_bytes,
    patch_central_directory,
    shapefile_members,
    spellings_of,
    squares_bng,
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


def random_bytes(n: int, seed: int, no_nul: bool = False) -> bytes:
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(n))
    return data.replace(b"\x00", b"\x01") if no_nul else data


def code_rows(n: int) -> bytes:
    lines = ["area_code,value"] + [f"E0{7000000 + i},{i}" for i in range(n)]
    return "\n".join(lines).encode("utf-8")


def real_zip_bomb() -> bytes:
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


def declared_huge() -> bytes:
    """Incompressible entries that honestly compress 1:1 but declare 90 MB each: the total is over
    the cap while no single entry looks like a bomb."""
    members = {f"part{i}.dbf": random_bytes(100_000, i) for i in range(2)}
    return patch_central_directory(zip_bytes(members, zipfile.ZIP_STORED), size=90 * 1024 * 1024)


def deep_json() -> bytes:
    return b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def spellings_csv() -> bytes:
    """49,900 distinct spellings of one LEP's name: every row lands on the same area."""
    names = spellings_of("Cumbria", MAX_ROWS - 100)
    return csv_bytes([["area_name", "value"], *([name, i] for i, name in enumerate(names))])


def oversize_geojson() -> bytes:
    head = geojson_bytes([feature(SQUARE)])
    return head + b" " * (MAX_BOUNDARY_BYTES + 1 - len(head))


def prj_zip(prj: str) -> bytes:
    return zip_bytes({**shapefile_members(squares_bng()), "areas.prj": prj.encode("ascii")})


def nested_collection(depth: int) -> dict:
    geometry = {"type": "Polygon", "coordinates": SQUARE}
    for _ in range(depth):
        geometry = collection(geometry)
    return geometry


def sparse_fields() -> bytes:
    """20,000 features (the cap), each with a field of its own: read naively, a 20,000 x 20,000 table."""
    return geojson_bytes(
        [
            {**feature(SQUARE), "properties": {"area_code": CODES[i % len(CODES)], f"field_{i}": i}}
            for i in range(20_000)
        ]
    )


def wide_gpkg() -> bytes:
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
