"""read_boundaries over every format the build uses, and its error messages on broken inputs."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from loaders.errors import SourceFormatError
from loaders.sources.boundaries import read_boundaries

UK_LONLAT = (-8.7, 49.8, 1.8, 60.9)  # minx, miny, maxx, maxy of the UK incl. NI and Shetland

CASES = [
    ("lep/LEP_MAY_2021_EN_BUC.geojson", 38, "E37"),
    ("lad/LAD_DEC_2021_UK_BUC.geojson", 374, ""),
    ("lad/LAD_DEC_2021_UK_BUC.topo.json", 374, ""),
    ("lad/LAD_DEC_2023_UK_BUC.geojson", 361, ""),
    ("lad/LAD_DEC_2023_UK_BUC.topo.json", 361, ""),
    ("itl/ITL1_JAN_2021_UK_BUC.topo.json", 12, "TL"),
    ("itl/ITL2_JAN_2021_UK_BUC.topo.json", 41, "TL"),
    ("itl/ITL3_JAN_2021_UK_BUC.topo.json", 179, "TL"),
    ("itl/ITL3_JAN_2021_UK_BUC_V3.shp", 179, "TL"),
    ("rgn/RGN_DEC_2021_EN_BUC.topo.json", 9, "E12"),
    ("cauth/CAUTH_MAY_2025_EN_BUC.topo.json", 15, "E47"),
    ("ctry/CTRY_DEC_2021_UK_BUC.topo.json", 4, ""),
]


def _in_uk(frame: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = frame.total_bounds
    return UK_LONLAT[0] <= minx and UK_LONLAT[1] <= miny and maxx <= UK_LONLAT[2] and maxy <= UK_LONLAT[3]


@pytest.mark.parametrize(("rel", "count", "prefix"), CASES, ids=[c[0].split("/")[1] for c in CASES])
def test_reads_official_file(geo_dir: Path, rel: str, count: int, prefix: str) -> None:
    frame = read_boundaries(geo_dir / "boundaries" / rel)
    assert list(frame.columns) == ["area_code", "area_name", "geometry"]
    assert len(frame) == count
    assert frame.crs.to_epsg() == 4326
    assert frame.area_code.is_unique and frame.area_code.str.startswith(prefix).all()
    assert frame.area_name.str.len().gt(0).all()
    assert shapely.is_valid(frame.geometry.to_numpy()).all()
    assert frame.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    assert _in_uk(frame)


def test_lep_codes_and_field_detection(geo_dir: Path) -> None:
    leps = read_boundaries(geo_dir / "boundaries/lep/LEP_MAY_2021_EN_BUC.geojson")
    assert leps.area_code.min() == "E37000001" and leps.area_code.max() == "E37000062"
    assert leps.set_index("area_code").area_name["E37000025"] == "North East"
    # explicit fields give the same; GlobalID as code works too (it is unique)
    explicit = read_boundaries(geo_dir / "boundaries/lep/LEP_MAY_2021_EN_BUC.geojson", "LEP21CD", "LEP21NM")
    assert explicit.area_code.tolist() == leps.area_code.tolist()
    by_guid = read_boundaries(geo_dir / "boundaries/lep/LEP_MAY_2021_EN_BUC.geojson", "GlobalID", "LEP21NM")
    assert by_guid.area_code.str.len().eq(36).all()


def test_repairs_are_counted(geo_dir: Path) -> None:
    """PROVENANCE: LAD21 BUC has 2 self-intersecting rings; the ITL3 shapefile has one (TLJ36)."""
    assert read_boundaries(geo_dir / "boundaries/lad/LAD_DEC_2021_UK_BUC.geojson").attrs["repaired"] == 2
    assert read_boundaries(geo_dir / "boundaries/itl/ITL3_JAN_2021_UK_BUC_V3.shp").attrs["repaired"] == 1


def test_shapefile_reprojected_matches_topojson(geo_dir: Path) -> None:
    shp = read_boundaries(geo_dir / "boundaries/itl/ITL3_JAN_2021_UK_BUC_V3.shp")
    topo = read_boundaries(geo_dir / "boundaries/itl/ITL3_JAN_2021_UK_BUC.topo.json")
    assert set(shp.area_code) == set(topo.area_code)
    a = shp.to_crs(27700).set_index("area_code").area
    b = topo.to_crs(27700).set_index("area_code").area[a.index]
    assert ((a - b).abs() / b).max() < 0.02
    # same place, not just same size: centroids within 1 km
    ca = shp.to_crs(27700).set_index("area_code").centroid
    cb = topo.to_crs(27700).set_index("area_code").centroid[ca.index]
    assert ca.distance(cb).max() < 1000


def test_geojson_with_legacy_crs_member_is_reprojected(geo_dir: Path) -> None:
    lsip = read_boundaries(geo_dir / "boundaries/lsip/LSIP_AUG_2023_EN_BUC.geojson")  # EPSG:27700 inside
    assert len(lsip) == 38 and _in_uk(lsip)


def test_bow_tie_is_repaired_to_polygons(tmp_path: Path) -> None:
    bow = [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]
    path = tmp_path / "bow.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"XCD": "X1", "XNM": "Bow"},
                        "geometry": {"type": "Polygon", "coordinates": bow},
                    }
                ],
            }
        )
    )
    frame = read_boundaries(path)
    assert frame.attrs["repaired"] == 1
    assert frame.geometry[0].is_valid and frame.geom_type[0] == "MultiPolygon"
    assert frame.geometry[0].area == pytest.approx(0.5)


def _collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features})


SQUARE = {"type": "Polygon", "coordinates": [[[0, 50], [0, 51], [1, 51], [0, 50]]]}


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("empty.geojson", "", "empty"),
        ("garbage.geojson", "this is not json {", "not valid JSON"),
        ("nofeatures.geojson", _collection([]), "no features"),
        (
            "nocode.geojson",
            _collection([{"type": "Feature", "properties": {"NAME": "x"}, "geometry": SQUARE}]),
            "code field",
        ),
        (
            "dups.geojson",
            _collection([{"type": "Feature", "properties": {"ACD": "E1", "ANM": "x"}, "geometry": SQUARE}] * 2),
            "duplicate codes.*E1",
        ),
        (
            "metres.geojson",
            _collection(
                [
                    {
                        "type": "Feature",
                        "properties": {"ACD": "E1", "ANM": "x"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[400000, 300000], [400010, 300000], [400000, 300010], [400000, 300000]]],
                        },
                    }
                ]
            ),
            "not lon/lat",
        ),
        ("badtopo.topo.json", json.dumps({"type": "Topology", "objects": {}}), "no objects"),
        ("boundaries.kml", "<kml/>", "unknown boundary file extension"),
    ],
)
def test_broken_inputs_name_the_file(tmp_path: Path, name: str, content: str, match: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SourceFormatError, match=match) as info:
        read_boundaries(path)
    assert name in str(info.value)


def test_missing_file_and_wrong_field(tmp_path: Path, geo_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match="gone.geojson: file not found"):
        read_boundaries(tmp_path / "gone.geojson")
    with pytest.raises(SourceFormatError, match="LEP_MAY_2021_EN_BUC.geojson: code field 'LEP20CD' missing"):
        read_boundaries(geo_dir / "boundaries/lep/LEP_MAY_2021_EN_BUC.geojson", code_field="LEP20CD")


def test_shapefile_without_prj(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"ACD": ["E1"], "ANM": ["x"]}, geometry=[shapely.box(0, 0, 1000, 1000)], crs=27700)
    path = tmp_path / "noprj.shp"
    frame.to_file(path, engine="pyogrio")
    assert read_boundaries(path).area_code.tolist() == ["E1"]  # control: with .prj it reads
    path.with_suffix(".prj").unlink()
    with pytest.raises(SourceFormatError, match=r"noprj.shp: .*CRS\) is missing"):
        read_boundaries(path)
