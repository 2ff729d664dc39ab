"""Reading uploaded boundaries (GeoJSON with a crs member, TopoJSON, zipped shapefile, GeoPackage) in British
National Grid or lon/lat: reprojection, code fields, merging, the compact map copy and its budgets, and nothing
written outside a temporary directory. Expected coordinates come from pyproj directly, never from the code under
test."""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer

from loaders.errors import SourceFormatError
from loaders.uploads import (
    MAX_BOUNDARY_BYTES,
    MAX_WEB_BYTES,
    MB,
    FieldChoiceError,
    boundary_web_geojson,
    read_boundary_upload,
)
from tests.loaders.hostile_builders import (
    many_circles_geojson,
    shapefile_members,
    squares_bng,
    zip_bytes,
)

REPO = Path(__file__).resolve().parents[3]
XSS = "<img src=x onerror=alert(1)>"
TO_LONLAT = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def expected_bounds(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Lon/lat bounds of BNG squares, by transforming every corner with pyproj directly."""
    corners = np.vstack([np.asarray(g.exterior.coords) for g in frame.geometry])
    lon, lat = TO_LONLAT.transform(corners[:, 0], corners[:, 1])
    return np.array([min(lon), min(lat), max(lon), max(lat)])


# --- boundaries -------------------------------------------------------------------------------------


def bng_geojson(frame: gpd.GeoDataFrame) -> bytes:
    doc = json.loads(frame.to_json())
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}
    return json.dumps(doc).encode("utf-8")


def test_geojson_in_british_national_grid_is_reprojected() -> None:
    frame = squares_bng(3)
    got = read_boundary_upload("bng.geojson", bng_geojson(frame))
    assert list(got.columns) == ["area_code", "area_name", "geometry"]
    assert got.crs.to_epsg() == 4326
    assert got["area_code"].tolist() == list(frame["LEP21CD"])
    assert got["area_name"].tolist() == list(frame["LEP21NM"])
    np.testing.assert_allclose(got.total_bounds, expected_bounds(frame), atol=1e-6)
    assert any("EPSG:27700" in note for note in got.attrs["notes"])


def test_zipped_shapefile_with_prj_is_reprojected_to_uk_lonlat() -> None:
    frame = squares_bng(2)
    members = {f"LEP boundaries/{k}": v for k, v in shapefile_members(frame).items()}
    members["__MACOSX/._areas.shp"] = b"resource fork junk"
    got = read_boundary_upload("leps.zip", zip_bytes(members))
    minx, miny, maxx, maxy = got.total_bounds
    assert -8.7 < minx < maxx < 1.8 and 49.8 < miny < maxy < 60.9  # inside the UK in lon/lat
    np.testing.assert_allclose(got.total_bounds, expected_bounds(frame), atol=1e-6)
    assert got["area_code"].tolist() == list(frame["LEP21CD"])


def test_geopackage_is_read_and_reprojected() -> None:
    frame = squares_bng(2).to_crs("EPSG:3857")
    with tempfile.TemporaryDirectory() as tmp:
        frame.to_file(Path(tmp) / "a.gpkg", layer="areas", driver="GPKG", engine="pyogrio")
        data = (Path(tmp) / "a.gpkg").read_bytes()
    got = read_boundary_upload("areas.gpkg", data)
    np.testing.assert_allclose(got.total_bounds, expected_bounds(squares_bng(2)), atol=1e-6)
    assert got["area_name"].tolist() == ["Area 0", "Area 1"]


def test_plain_lonlat_geojson_and_topojson() -> None:
    square = [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "E37000025", "name": XSS},
                "geometry": {"type": "Polygon", "coordinates": square},
            }
        ],
    }
    got = read_boundary_upload("a.geojson", json.dumps(doc).encode())
    assert got["area_name"].tolist() == [XSS]
    np.testing.assert_allclose(got.total_bounds, [-1.6, 54.9, -1.5, 55.0])
    topo = {
        "type": "Topology",
        "arcs": [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]],
        "objects": {
            "areas": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "properties": {"LEP21CD": "E37000025", "LEP21NM": "North East"}}
                ],
            }
        },
    }
    got = read_boundary_upload("a.topo.json", json.dumps(topo).encode())
    assert got["area_code"].tolist() == ["E37000025"]


def test_code_field_can_be_chosen_when_not_obvious() -> None:
    square = [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ref": "X1", "label": "Mine"},
                "geometry": {"type": "Polygon", "coordinates": square},
            }
        ],
    }
    with pytest.raises(FieldChoiceError) as caught:
        read_boundary_upload("mine.geojson", json.dumps(doc).encode())
    assert caught.value.fields == ("ref", "label")
    got = read_boundary_upload("mine.geojson", json.dumps(doc).encode(), code_field="ref")
    assert got["area_code"].tolist() == ["X1"] and got["area_name"].tolist() == ["X1"]
    assert any("codes from 'ref' are used as names" in note for note in got.attrs["notes"])


def test_features_sharing_a_code_are_merged() -> None:
    frame = squares_bng(2)
    frame["LEP21CD"] = "E37000025"
    got = read_boundary_upload("parts.geojson", bng_geojson(frame))
    assert got["area_code"].tolist() == ["E37000025"]
    assert got.geometry.iloc[0].geom_type == "MultiPolygon"
    assert any("merged into 1 areas" in note for note in got.attrs["notes"])


def test_web_geojson_stays_within_budget_by_simplifying() -> None:
    circles = [shapely.Point(400000 + 30000 * i, 500000).buffer(14000, quad_segs=2000) for i in range(4)]
    frame = gpd.GeoDataFrame(
        {"area_code": [f"E0{i}" for i in range(4)], "area_name": list("abcd")}, geometry=circles, crs="EPSG:27700"
    ).to_crs("EPSG:4326")
    full, notes = boundary_web_geojson(frame, budget=10**9)
    assert notes == [] and len(json.dumps(full)) > 60_000
    small, notes = boundary_web_geojson(frame, budget=60_000)
    assert len(json.dumps(small, separators=(",", ":"))) <= 60_000
    assert [f["properties"]["area_code"] for f in small["features"]] == ["E00", "E01", "E02", "E03"]
    assert any("simplified" in note for note in notes)
    assert MAX_WEB_BYTES == 350_000


def test_reading_uploads_writes_nothing_outside_a_temporary_directory() -> None:
    def state() -> dict[str, float]:
        tracked = [*(REPO / "regional_data").iterdir(), *(REPO / "geo").iterdir()]
        return {str(path): path.stat().st_mtime for path in tracked}

    temp_before = {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("rpe-upload-")}
    before = state()
    read_boundary_upload("leps.zip", zip_bytes(shapefile_members(squares_bng(2))))
    with tempfile.TemporaryDirectory() as tmp:
        squares_bng(1).to_file(Path(tmp) / "a.gpkg", driver="GPKG", engine="pyogrio")
        read_boundary_upload("a.gpkg", (Path(tmp) / "a.gpkg").read_bytes())
    assert state() == before
    assert {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("rpe-upload-")} == temp_before


def test_zip_members_are_extracted_under_fixed_names_only() -> None:
    """A member called e.g. 'x/../../areas.shp' never reaches the file system under its own name:
    the archive is refused before extraction."""
    members = {"ok/../../areas.shp": b"x"}
    with pytest.raises(SourceFormatError, match="points outside the archive"):
        read_boundary_upload("sneaky.zip", zip_bytes(members))
    assert not Path("/areas.shp").exists()
    assert zipfile.is_zipfile(io.BytesIO(zip_bytes(members)))


def test_a_valid_boundary_file_just_under_the_limit_is_read_and_mapped_in_bounded_time(record_property) -> None:
    """A 24 MB GeoJSON (2,500 areas of 400 vertices): the uploader (which counts 25 MB as 25,000,000 bytes in
    most browsers), the server and nginx accept it (tests/test_upload_limits.py), and reading it and making
    its map copy takes seconds (trying five coverage simplifications took minutes)."""
    data = many_circles_geojson(24_000_000)
    assert 23_000_000 < len(data) <= MAX_BOUNDARY_BYTES // MB * 1_000_000
    started = time.perf_counter()
    frame = read_boundary_upload("heavy.geojson", data, code_field="code", name_field="name")
    read = time.perf_counter() - started
    collection, notes = boundary_web_geojson(frame)
    total = time.perf_counter() - started
    record_property("seconds_read", round(read, 1))
    record_property("seconds_total", round(total, 1))
    print(f"24 MB GeoJSON: read in {read:.1f} s, map copy ready after {total:.1f} s")
    assert len(frame) == len(collection["features"]) > 2_300
    assert notes[0] == "Boundaries simplified for the map (tolerance 10,000 m) to keep the page fast."
    assert total < 60


@pytest.mark.parametrize(("size", "coverage_runs"), [(1_500_000, 1), (7_000_000, 0)])
def test_the_map_copy_runs_coverage_simplification_at_most_once(
    monkeypatch: pytest.MonkeyPatch, size: int, coverage_runs: int
) -> None:
    """Each coverage simplification costs seconds on a large file (and the old code tried up to five): it runs
    once, at the tolerance a cheap per-area simplification picked, and not at all above 200,000 vertices."""
    from loaders.uploads import boundaries_web

    frame = read_boundary_upload("circles.geojson", many_circles_geojson(size), code_field="code", name_field="name")
    vertices = int(shapely.get_num_coordinates(np.asarray(frame.geometry.to_numpy(), dtype=object)).sum())
    assert (vertices > boundaries_web.MAX_COVERAGE_VERTICES) == (coverage_runs == 0)
    runs = []
    real = boundaries_web.simplify_coverage
    monkeypatch.setattr(
        boundaries_web,
        "simplify_coverage",
        lambda boundaries, tolerance: runs.append(tolerance) or real(boundaries, tolerance),
    )
    collection, notes = boundary_web_geojson(frame)
    assert len(runs) == coverage_runs
    assert len(collection["features"]) == len(frame) and notes[0].startswith("Boundaries simplified for the map")
