"""Web-ready boundaries: small enough for the browser, still one unbroken mosaic, d3-wound rings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
import shapely.geometry

from loaders.sources.boundaries import read_boundaries
from loaders.sources.lookups import read_lookup
from loaders.sources.web_boundaries import (
    WEB_DECIMALS,
    WEB_TOLERANCE_M,
    signed_area,
    simplify_coverage,
    snap_round_coverage,
    to_web_geojson,
    write_atomically,
)

BUDGET = 350_000
REPO = Path(__file__).resolve().parents[3]
SNAPSHOT_DECIMALS = 3  # loaders.build.WEB_DECIMALS: the committed geo/ files
# Enclosed area that belongs to no area of a level (holes in the level's union): sea inlets whose
# mouth the rounding closed (measured 2026-12: at most 1.2e-3 deg2 per level, of which land <= 3.3e-5).
MAX_ENCLOSED_DEG2 = 2e-3
MAX_ENCLOSED_LAND_DEG2 = 1e-4  # ~0.7 km2


@pytest.fixture(scope="module")
def lad23(geo_dir: Path) -> gpd.GeoDataFrame:
    return read_boundaries(geo_dir / "boundaries/lad/LAD_DEC_2023_UK_BUC.topo.json")


@pytest.fixture(scope="module")
def lad23_web(lad23: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return simplify_coverage(lad23, WEB_TOLERANCE_M)


@pytest.fixture(scope="module")
def lad23_doc(lad23_web: gpd.GeoDataFrame) -> tuple[bytes, dict]:
    data = to_web_geojson(lad23_web, WEB_DECIMALS)
    return data, json.loads(data)


def _rings(geometry: dict) -> list[tuple[list, bool]]:
    """(ring, is_exterior) for a GeoJSON Polygon or MultiPolygon."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [(ring, i == 0) for poly in polys for i, ring in enumerate(poly)]


def test_all_uk_lads_fit_the_budget(lad23_doc: tuple[bytes, dict]) -> None:
    data, doc = lad23_doc
    assert len(data) <= BUDGET
    assert len(doc["features"]) == 361
    assert data == json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()  # compact
    assert {tuple(f["properties"]) for f in doc["features"]} == {("area_code", "area_name")}
    assert b'"area_code":"W06000001","area_name":"Isle of Anglesey"' in data


def test_no_empty_geometries_and_rounded(lad23_doc: tuple[bytes, dict], lad23_web: gpd.GeoDataFrame) -> None:
    _, doc = lad23_doc
    assert not lad23_web.geometry.is_empty.any()
    for feature in doc["features"]:
        rings = _rings(feature["geometry"])
        assert rings and all(len(ring) >= 4 and ring[0] == ring[-1] for ring, _ in rings)
        assert all(round(v, WEB_DECIMALS) == v for ring, _ in rings for pos in ring for v in pos)


def test_exteriors_clockwise_holes_counter_clockwise(lad23_doc: tuple[bytes, dict]) -> None:
    _, doc = lad23_doc
    exteriors = holes = 0
    for feature in doc["features"]:
        for ring, exterior in _rings(feature["geometry"]):
            area = signed_area(ring)
            assert (area < 0) if exterior else (area > 0), feature["properties"]["area_code"]
            exteriors += exterior
            holes += not exterior
    assert exteriors >= 361 and holes >= 1  # LAD23 has holes (e.g. enclaves), so both paths are exercised


def _hole_area(geom: shapely.Geometry) -> float:
    return sum(shapely.Polygon(r).area for p in shapely.get_parts(geom) for r in p.interiors)


def _mosaic_defects(geoms: np.ndarray) -> tuple[float, float]:
    """(overlap m2, gap m2) of a set of polygons in metres: overlap = sum of areas - union area; gaps
    = area of holes in the union (an inland region has none of its own)."""
    union = shapely.union_all(geoms)
    return float(shapely.area(geoms).sum() - union.area), _hole_area(union)


def test_shared_edges_stay_shared(lad23: gpd.GeoDataFrame, lad23_web: gpd.GeoDataFrame, geo_dir: Path) -> None:
    rgn = read_lookup(geo_dir / "lookups/LAD23_RGN23_EN_LU.csv", {"LAD23CD": "lad", "RGN23CD": "rgn"}, unique=["lad"])
    before = lad23.to_crs(27700).set_index("area_code").geometry
    after = lad23_web.to_crs(27700).set_index("area_code").geometry
    for region, lads in rgn.groupby("rgn").lad:
        overlap, gaps = _mosaic_defects(after[lads].to_numpy())
        _, gaps_before = _mosaic_defects(before[lads].to_numpy())
        assert overlap < 1e4, region  # < 0.01 km2
        assert gaps <= gaps_before + 1e4, region
    # control: ordinary per-polygon simplification at the same tolerance does break the mosaic
    naive = shapely.simplify(before[rgn.lad[rgn.rgn == "E12000005"]].to_numpy(), WEB_TOLERANCE_M)
    overlap, gaps = _mosaic_defects(naive)
    assert overlap > 1e6 or gaps > 1e6


def test_neighbours_still_touch(lad23: gpd.GeoDataFrame, lad23_web: gpd.GeoDataFrame) -> None:
    before = lad23.to_crs(27700).geometry.to_numpy()
    after = lad23_web.to_crs(27700).geometry.to_numpy()
    i, j = shapely.STRtree(before).query(before, predicate="touches")
    keep = i < j
    i, j = i[keep], j[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(before[i]), shapely.boundary(before[j])))
    long = shared > 2000
    assert long.sum() > 700
    still = shapely.length(shapely.intersection(shapely.boundary(after[i[long]]), shapely.boundary(after[j[long]])))
    assert (still > 0).all()
    assert shapely.area(shapely.intersection(after[i], after[j])).max() < 1.0


def test_areas_roughly_kept(lad23: gpd.GeoDataFrame, lad23_web: gpd.GeoDataFrame) -> None:
    a0, a1 = lad23.to_crs(27700).area, lad23_web.to_crs(27700).area
    rel = ((a1 - a0) / a0).abs()
    assert rel.median() < 0.02 and (rel < 0.1).mean() > 0.95


LEVELS = [
    ("lep/LEP_MAY_2021_EN_BUC.geojson", 38, True),
    ("itl/ITL1_JAN_2021_UK_BUC.topo.json", 12, False),
    ("itl/ITL2_JAN_2021_UK_BUC.topo.json", 41, False),
    ("itl/ITL3_JAN_2021_UK_BUC.topo.json", 179, False),
    ("itl/ITL3_JAN_2021_UK_BUC_V3.shp", 179, False),
    ("cauth/CAUTH_MAY_2025_EN_BUC.topo.json", 15, False),
    ("rgn/RGN_DEC_2021_EN_BUC.topo.json", 9, False),
    ("lad/LAD_DEC_2021_UK_BUC.topo.json", 374, False),
]


@pytest.mark.parametrize(("rel", "count", "overlapping"), LEVELS, ids=[lv[0].split("/")[1] for lv in LEVELS])
def test_other_levels(geo_dir: Path, rel: str, count: int, overlapping: bool) -> None:
    raw = read_boundaries(geo_dir / "boundaries" / rel)
    web = simplify_coverage(raw, WEB_TOLERANCE_M)
    data = to_web_geojson(snap_round_coverage(web, SNAPSHOT_DECIMALS), SNAPSHOT_DECIMALS)
    assert len(json.loads(data)["features"]) == count
    assert len(data) <= BUDGET
    assert shapely.is_valid(web.geometry.to_numpy()).all() and not web.geometry.is_empty.any()
    rounded = np.array([shapely.geometry.shape(f["geometry"]) for f in json.loads(data)["features"]])
    assert shapely.is_valid(rounded).all()
    land = shapely.union_all(web.geometry.to_numpy())
    enclosed_land = sum(shapely.intersection(hole, land).area for hole in _enclosed(rounded))
    assert enclosed_land <= MAX_ENCLOSED_LAND_DEG2
    overlap_before, _ = _mosaic_defects(raw.to_crs(27700).geometry.to_numpy())
    overlap_after, _ = _mosaic_defects(web.to_crs(27700).geometry.to_numpy())
    if overlapping:  # GBSLEP overlaps two LEPs by design (~1,300 km2): keep it about the same
        assert overlap_after == pytest.approx(overlap_before, rel=0.02) and overlap_before > 1e9
    else:  # includes the ITL3 shapefile, whose shared borders carry float noise before snapping
        assert overlap_after < 1e4


def _enclosed(geoms: np.ndarray) -> list[shapely.Polygon]:
    """Holes of a level's union: places enclosed by the level's areas that none of them owns."""
    parts = shapely.get_parts(shapely.union_all(geoms))
    return [shapely.Polygon(ring) for part in parts if part.geom_type == "Polygon" for ring in part.interiors]


SNAPSHOT_LEVELS = ("cauth", "itl1", "itl2", "itl3", "lad", "lep", "rgn")


@pytest.mark.parametrize("level", SNAPSHOT_LEVELS)
def test_committed_boundaries_are_valid_at_their_precision(level: str) -> None:
    """What the browser gets: every area a valid polygon on the 3-decimal grid (no self-touching rings),
    neighbours meeting edge to edge with no overlaps (LEPs overlap by design), little enclosed and unowned."""
    features = json.loads((REPO / "geo" / f"{level}.geojson").read_text())["features"]
    geoms = np.array([shapely.geometry.shape(f["geometry"]) for f in features])
    bad = [f["properties"]["area_code"] for f, ok in zip(features, shapely.is_valid(geoms), strict=True) if not ok]
    assert bad == [], [shapely.is_valid_reason(g) for g in geoms[~shapely.is_valid(geoms)]]
    coords = shapely.get_coordinates(geoms)
    assert np.array_equal(coords, np.round(coords, SNAPSHOT_DECIMALS))
    if level != "lep":
        assert shapely.coverage_is_valid(geoms)
    assert sum(hole.area for hole in _enclosed(geoms)) <= MAX_ENCLOSED_DEG2


def _pinched_pair() -> gpd.GeoDataFrame:
    """A square with an inlet 0.0004 wide (closes at 3 decimals) and its neighbour to the east."""
    inlet = shapely.Polygon(
        [(0, 0), (0.01, 0), (0.01, 0.01), (0.0052, 0.01), (0.0052, 0.002), (0.0048, 0.002), (0.0048, 0.01), (0, 0.01)]
    )
    return gpd.GeoDataFrame(
        {"area_code": ["A", "B"], "area_name": ["a", "b"]}, geometry=[inlet, shapely.box(0.01, 0, 0.02, 0.01)], crs=4326
    )


def _web_shapes(frame: gpd.GeoDataFrame, decimals: int) -> np.ndarray:
    return np.array(
        [shapely.geometry.shape(f["geometry"]) for f in json.loads(to_web_geojson(frame, decimals))["features"]]
    )


def test_snap_rounding_keeps_a_pinched_area_valid() -> None:
    frame = _pinched_pair()
    assert not shapely.is_valid(_web_shapes(frame, 3)[0])  # control: rounding vertex by vertex self-touches
    snapped = _web_shapes(snap_round_coverage(frame, 3), 3)
    assert shapely.is_valid(snapped).all() and shapely.coverage_is_valid(snapped)
    assert snapped[0].area == pytest.approx(1e-4, abs=5e-6) and snapped[1].area == pytest.approx(1e-4)


def test_snap_rounding_gives_a_shared_part_to_both_overlapping_areas() -> None:
    frame = gpd.GeoDataFrame(
        {"area_code": ["A", "B"], "area_name": ["a", "b"]},
        geometry=[shapely.box(0, 0, 0.0101, 0.01), shapely.box(0.0049, 0, 0.02, 0.01)],
        crs=4326,
    )
    a, b = _web_shapes(snap_round_coverage(frame, 3), 3)
    assert a.bounds == (0.0, 0.0, 0.01, 0.01) and b.bounds == (0.005, 0.0, 0.02, 0.01)
    assert shapely.intersection(a, b).area == pytest.approx(0.005 * 0.01)


def test_snap_rounding_names_an_area_that_vanishes() -> None:
    frame = gpd.GeoDataFrame(
        {"area_code": ["SPECK"], "area_name": ["s"]}, geometry=[shapely.box(0.0001, 0.0001, 0.0002, 0.0002)], crs=4326
    )
    with pytest.raises(ValueError, match="'SPECK' is empty after snapping to 2 decimals"):
        snap_round_coverage(frame, 2)


def _feature_frame(polygon: shapely.Polygon) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"area_code": ["X"], "area_name": ["Ynys Môn"]}, geometry=[polygon], crs=4326)


def test_winding_and_degenerate_holes_on_a_hand_made_polygon() -> None:
    shell = [(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)]  # counter-clockwise
    big_hole = [(1, 1), (1, 2), (2, 2), (2, 1), (1, 1)]  # clockwise
    tiny_hole = [(3.0001, 3.0001), (3.0002, 3.0001), (3.0002, 3.0002), (3.0001, 3.0001)]  # gone at 2 dp
    data = to_web_geojson(_feature_frame(shapely.Polygon(shell, [big_hole, tiny_hole])), decimals=2)
    assert "Ynys Môn".encode() in data  # UTF-8, not \\u escapes
    doc = json.loads(data)
    geometry = doc["features"][0]["geometry"]
    assert geometry["type"] == "Polygon" and len(geometry["coordinates"]) == 2
    outer, hole = geometry["coordinates"]
    assert signed_area(outer) == -16.0 and signed_area(hole) == 1.0
    assert outer == [[0, 0], [0, 4], [4, 4], [4, 0], [0, 0]]


def test_area_vanishing_under_rounding_raises() -> None:
    speck = shapely.box(0.00001, 0.00001, 0.00002, 0.00002)
    with pytest.raises(ValueError, match="'X' is empty after rounding"):
        to_web_geojson(_feature_frame(speck), decimals=2)


def test_write_atomically(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "lad.geojson"
    write_atomically(target, b"first")
    write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert os.listdir(target.parent) == ["lad.geojson"]  # no temp files left behind


def test_write_atomically_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "lad.geojson"
    write_atomically(target, b"good")
    with pytest.raises(TypeError):
        write_atomically(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"good" and os.listdir(tmp_path) == ["lad.geojson"]
