"""The TopoJSON decoder: exact coordinates on a hand-made topology, and agreement with the GeoJSON
conversion of a real ONS file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from loaders.sources.topojson import TopoJSONError, decode_arcs, topology_to_features

# Two unit squares side by side on a quantised grid; the shared edge x=2 is stored once (arc 0).
# A uses it forwards, B reversed (~0 == -1). transform: x = 10 + 0.5*gx, y = 20 + 2*gy.
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 2], "translate": [10, 20]},
    "objects": {
        "squares": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "properties": {"AREACD": "A"}, "id": "a"},
                {"type": "Polygon", "arcs": [[-1, 2]], "properties": {"AREACD": "B"}},
                # second part is a collapsed 2-position "ring" (arc 3): it must be dropped
                {"type": "MultiPolygon", "arcs": [[[0, 1]], [[3]]], "properties": {"AREACD": "M"}},
                {"type": "Point", "coordinates": [3, 1], "properties": {"AREACD": "P"}},
                {"type": None, "properties": {"AREACD": "N"}},
            ],
        }
    },
    "arcs": [
        [[2, 0], [0, 2]],  # (2,0) -> (2,2)
        [[2, 2], [-2, 0], [0, -2], [2, 0]],  # (2,2) -> (0,2) -> (0,0) -> (2,0)
        [[2, 0], [2, 0], [0, 2], [-2, 0]],  # (2,0) -> (4,0) -> (4,2) -> (2,2)
        [[5, 5], [1, 0]],
    ],
}

SQUARE_A = [[11.0, 20.0], [11.0, 24.0], [10.0, 24.0], [10.0, 20.0], [11.0, 20.0]]
SQUARE_B = [[11.0, 24.0], [11.0, 20.0], [12.0, 20.0], [12.0, 24.0], [11.0, 24.0]]


def test_delta_decoding_of_arcs() -> None:
    arcs = decode_arcs(TINY["arcs"], TINY["transform"])
    assert arcs[1] == [[11.0, 24.0], [10.0, 24.0], [10.0, 20.0], [11.0, 20.0]]
    assert arcs[2] == [[11.0, 20.0], [12.0, 20.0], [12.0, 24.0], [11.0, 24.0]]


def test_tiny_topology_gives_exact_coordinates() -> None:
    features = {f["properties"]["AREACD"]: f for f in topology_to_features(TINY)}
    assert features["A"]["geometry"] == {"type": "Polygon", "coordinates": [SQUARE_A]}
    assert features["A"]["id"] == "a"
    # reversed shared arc: B starts at the top of x=11 and walks down it
    assert features["B"]["geometry"] == {"type": "Polygon", "coordinates": [SQUARE_B]}
    assert features["M"]["geometry"] == {"type": "MultiPolygon", "coordinates": [[SQUARE_A]]}
    # points are quantised but not delta-encoded
    assert features["P"]["geometry"] == {"type": "Point", "coordinates": [11.5, 22.0]}
    assert features["N"]["geometry"] is None


def test_neighbours_share_their_edge_exactly() -> None:
    a, b = (shapely.geometry.shape(f["geometry"]) for f in topology_to_features(TINY)[:2])
    assert a.area == b.area == 4.0
    assert a.intersection(b).length == 4.0 and a.intersection(b).area == 0


def test_unquantised_topology_and_geometry_collection() -> None:
    topo = {
        "type": "Topology",
        "objects": {
            "one": {
                "type": "GeometryCollection",
                "geometries": [{"type": "GeometryCollection", "geometries": [{"type": "LineString", "arcs": [~0]}]}],
            }
        },
        "arcs": [[[0.5, 1.5], [2.5, 3.5]]],
    }
    [feature] = topology_to_features(topo)
    inner = feature["geometry"]["geometries"][0]
    assert inner == {"type": "LineString", "coordinates": [[2.5, 3.5], [0.5, 1.5]]}


def test_errors() -> None:
    with pytest.raises(TopoJSONError, match="not a TopoJSON"):
        topology_to_features({"type": "FeatureCollection"})
    bad = json.loads(json.dumps(TINY))
    bad["objects"]["squares"]["geometries"][0]["arcs"] = [[0, 9]]
    with pytest.raises(TopoJSONError, match="arc index 9"):
        topology_to_features(bad)
    two = dict(TINY, objects={"x": TINY["objects"]["squares"], "y": TINY["objects"]["squares"]})
    with pytest.raises(TopoJSONError, match="several objects"):
        topology_to_features(two)
    assert len(topology_to_features(two, "y")) == 5


def test_real_lad_topology_matches_sibling_geojson(geo_dir: Path) -> None:
    lad = geo_dir / "boundaries" / "lad"
    topo = json.loads((lad / "LAD_DEC_2021_UK_BUC.topo.json").read_text())
    geo = json.loads((lad / "LAD_DEC_2021_UK_BUC.geojson").read_text())
    ours = {f["properties"]["AREACD"]: shapely.geometry.shape(f["geometry"]) for f in topology_to_features(topo)}
    theirs = {f["properties"]["LAD21CD"]: shapely.geometry.shape(f["geometry"]) for f in geo["features"]}
    assert len(ours) == 374
    assert ours.keys() == theirs.keys()
    for code, geom in ours.items():
        # the GeoJSON is our decode rounded to 6 dp, so areas agree to rounding error
        assert geom.area == pytest.approx(theirs[code].area, rel=1e-4), code
        assert geom.bounds == pytest.approx(theirs[code].bounds, abs=1e-6), code
