"""LAD -> LEP by area overlay, checked against the derived CSV, the DfE 2020 table and the 2023 LADs."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from loaders.sources.boundaries import read_boundaries
from loaders.sources.lep_lookup import COLUMNS, compare_lookups, derive_lad_to_lep
from loaders.sources.lookups import read_lookup

GBSLEP = "E37000012"
OVERLAP_LADS = {
    "E07000192": "Cannock Chase",
    "E07000193": "East Staffordshire",
    "E07000194": "Lichfield",
    "E07000199": "Tamworth",
    "E07000234": "Bromsgrove",
    "E07000236": "Redditch",
    "E07000239": "Wyre Forest",
}


@pytest.fixture(scope="module")
def leps(geo_dir: Path) -> gpd.GeoDataFrame:
    return read_boundaries(geo_dir / "boundaries/lep/LEP_MAY_2021_EN_BUC.geojson")


@pytest.fixture(scope="module")
def lad21(geo_dir: Path) -> gpd.GeoDataFrame:
    return read_boundaries(geo_dir / "boundaries/lad/LAD_DEC_2021_UK_BUC.geojson")


@pytest.fixture(scope="module")
def lad23(geo_dir: Path) -> gpd.GeoDataFrame:
    return read_boundaries(geo_dir / "boundaries/lad/LAD_DEC_2023_UK_BUC.geojson")


@pytest.fixture(scope="module")
def lu21(lad21: gpd.GeoDataFrame, leps: gpd.GeoDataFrame) -> pd.DataFrame:
    return derive_lad_to_lep(lad21, leps)


@pytest.fixture(scope="module")
def lu23(lad23: gpd.GeoDataFrame, leps: gpd.GeoDataFrame) -> pd.DataFrame:
    return derive_lad_to_lep(lad23, leps)


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame.lad_code, frame.lep_code, strict=True))


def test_lad21_shape_and_overlaps(lu21: pd.DataFrame, lad21: gpd.GeoDataFrame) -> None:
    assert list(lu21.columns) == COLUMNS
    assert lu21.lep_code.nunique() == 38
    english = set(lad21.area_code[lad21.area_code.str.startswith("E")])
    assert len(english) == 309 and set(lu21.lad_code) == english  # every English LAD, nothing else
    two = lu21[lu21.in_two_leps]
    assert dict(zip(two.lad_code, two.lad_name, strict=True)) == OVERLAP_LADS
    assert two.groupby("lad_code").lep_code.apply(lambda s: GBSLEP in set(s) and len(s) == 2).all()
    assert set(two.lep_code) == {GBSLEP, "E37000032", "E37000038"}  # + Staffordshire, Worcestershire
    assert len(lu21) == 309 + 7
    assert lu21.share.min() > 0.99  # unambiguous: LEP21 polygons are unions of LAD21 polygons


def test_no_borderline_overlaps(lad21: gpd.GeoDataFrame, leps: gpd.GeoDataFrame) -> None:
    """With a 1% threshold we get the same memberships: nothing sits between 1% and 50%."""
    assert _pairs(derive_lad_to_lep(lad21, leps, min_share=0.01)) == _pairs(derive_lad_to_lep(lad21, leps))


def test_lad21_equals_derived_csv(lu21: pd.DataFrame, geo_dir: Path) -> None:
    path = geo_dir / "derived/LAD21_LEP21_EN_LU_derived.csv"
    parts = [
        read_lookup(
            path,
            {
                "LAD21CD": "lad_code",
                "LAD21NM": "lad_name",
                f"LEP21CD{i}": "lep_code",
                f"LEP21NM{i}": "lep_name",
            },
        ).dropna(subset=["lep_code"])
        for i in (1, 2)
    ]
    derived = pd.concat(parts, ignore_index=True)
    assert len(derived) == 316
    assert compare_lookups(lu21, derived).empty
    assert _pairs(lu21) == _pairs(derived)


# Every difference from the DfE LAD20->LEP20 table, with its reason (computed, then written down).
# Format: lad_code -> (LEP in DfE 2020 table or None, LEP in our 2021 overlay or None).
_RECODED_GCGP = ("E37000047", "E37000059")  # Rutland left GCGP in April 2021, so GCGP got a new code
_RECODED_GLLEP = ("E37000014", "E37000060")  # Greater Lincolnshire enlarged (Rutland, N & NE Lincs)
_LCR_TO_YNY = ("E37000050", "E37000058")  # 2020 overlap LCR/YNY ended; DfE had picked Leeds City Region
_RECODED_LCR = ("E37000050", "E37000062")  # Leeds City Region shrank to West Yorkshire, new code
EXPECTED_DFE_DIFFERENCES: dict[str, tuple[str | None, str | None]] = {
    # Humber wound up: Hull & East Riding form Hull and East Yorkshire LEP
    "E06000010": ("E37000049", "E37000061"),
    "E06000011": ("E37000049", "E37000061"),
    # North / North East Lincolnshire (in 2020 in both Humber and GLLEP; DfE picked GLLEP) and the
    # Lincolnshire districts: all in the re-coded Greater Lincolnshire
    **dict.fromkeys(
        [
            "E06000012",
            "E06000013",
            "E07000136",
            "E07000137",
            "E07000138",
            "E07000139",
            "E07000140",
            "E07000141",
            "E07000142",
        ],
        _RECODED_GLLEP,
    ),
    "E06000017": ("E37000047", "E37000060"),  # Rutland: GCGP -> Greater Lincolnshire
    **dict.fromkeys(["E06000031", "E07000008", "E07000009", "E07000010", "E07000011", "E07000012"], _RECODED_GCGP),
    # York & North Yorkshire: York, Craven, Harrogate, Selby now only in YNY
    **dict.fromkeys(["E06000014", "E07000163", "E07000165", "E07000169"], _LCR_TO_YNY),
    **dict.fromkeys(["E08000032", "E08000033", "E08000034", "E08000035", "E08000036"], _RECODED_LCR),
    # Northamptonshire: 7 districts (LAD20) replaced by 2 unitaries (LAD21), same LEP (SEMLEP)
    **dict.fromkeys(
        ["E07000150", "E07000151", "E07000152", "E07000153", "E07000154", "E07000155", "E07000156"],
        ("E37000057", None),
    ),
    "E06000061": (None, "E37000057"),
    "E06000062": (None, "E37000057"),
    # The overlap LADs: DfE lists only GBSLEP; we also list their second LEP
    **dict.fromkeys(["E07000192", "E07000193", "E07000194", "E07000199"], (None, "E37000032")),
    **dict.fromkeys(["E07000234", "E07000236", "E07000239"], (None, "E37000038")),
}
# Buckinghamshire Thames Valley -> Buckinghamshire was a rename only (code E37000043 kept), and the
# Buckinghamshire unitary (E06000060) already existed in 2020, so it causes no code difference.


def test_lad21_vs_dfe_2020_table(lu21: pd.DataFrame, geo_dir: Path) -> None:
    cols = {"LAD20CD": "lad_code", "LAD20NM": "lad_name", "LEP20CD": "lep_code", "LEP20NM": "lep_name"}
    dfe = read_lookup(geo_dir / "lookups/LAD20_LEP20_EN_LU_DfE_unofficial.csv", cols, unique=["lad_code"])
    diff = compare_lookups(lu21, dfe)
    expected = {(lad, lep, "other") for lad, (lep, _) in EXPECTED_DFE_DIFFERENCES.items() if lep} | {
        (lad, lep, "ours") for lad, (_, lep) in EXPECTED_DFE_DIFFERENCES.items() if lep
    }
    assert set(zip(diff.lad_code, diff.lep_code, diff.side, strict=True)) == expected
    assert len(diff) == 70
    # the Buckinghamshire rename: same code and LAD, only the name differs
    bucks20 = dfe[dfe.lep_code == "E37000043"]
    bucks21 = lu21[lu21.lep_code == "E37000043"]
    assert bucks20.lad_code.tolist() == bucks21.lad_code.tolist() == ["E06000060"]
    assert (bucks20.lep_name.iloc[0], bucks21.lep_name.iloc[0]) == (
        "Buckinghamshire Thames Valley",
        "Buckinghamshire",
    )


def test_lad23_successors_wholly_in_one_lep(lu23: pd.DataFrame, lad23: gpd.GeoDataFrame) -> None:
    english = set(lad23.area_code[lad23.area_code.str.startswith("E")])
    assert len(english) == 296 and set(lu23.lad_code) == english
    expected = {
        "E06000063": "E37000007",
        "E06000064": "E37000007",
        "E06000065": "E37000058",
        "E06000066": "E37000016",
    }
    rows = lu23[lu23.lad_code.isin(expected)]
    assert dict(zip(rows.lad_code, rows.lep_code, strict=True)) == expected
    assert (rows.share > 0.99).all() and not rows.in_two_leps.any()
    assert set(lu23[lu23.in_two_leps].lad_code) == set(OVERLAP_LADS)
    assert lu23.share.min() > 0.95  # LAD23 BUC is a different generalisation from LEP21: still clear


def test_common_lads_get_same_leps(lu21: pd.DataFrame, lu23: pd.DataFrame) -> None:
    common = set(lu21.lad_code) & set(lu23.lad_code)
    # April 2023: 6 Cumbrian, 7 North Yorkshire and 4 Somerset districts merged into 4 unitaries
    assert len(common) == 309 - 17 == 296 - 4
    a, b = lu21[lu21.lad_code.isin(common)], lu23[lu23.lad_code.isin(common)]
    assert compare_lookups(a, b).empty


def test_compare_lookups_reports_both_sides() -> None:
    ours = pd.DataFrame({"lad_code": ["A", "B"], "lep_code": ["X", "Y"]})
    other = pd.DataFrame({"lad_code": ["A", "B"], "lep_code": ["X", "Z"]})
    diff = compare_lookups(ours, other)
    assert list(zip(diff.lad_code, diff.lep_code, diff.side, strict=True)) == [
        ("B", "Z", "other"),
        ("B", "Y", "ours"),
    ]


def test_invalid_share_rejected(lad21: gpd.GeoDataFrame, leps: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="min_share"):
        derive_lad_to_lep(lad21, leps, min_share=0)


def test_overlay_uses_metres_and_repairs(leps: gpd.GeoDataFrame) -> None:
    """A bow-tie LAD (invalid) half inside a LEP still gets a correct share from the repaired shape."""
    lep = leps[leps.area_code == "E37000051"]  # London
    c = lep.to_crs(27700).geometry.iloc[0].centroid
    bow = shapely.Polygon(
        [(c.x - 100, c.y - 100), (c.x + 100, c.y + 100), (c.x + 100, c.y - 100), (c.x - 100, c.y + 100)]
    )
    lads = gpd.GeoDataFrame({"area_code": ["T1"], "area_name": ["Test"]}, geometry=[bow], crs=27700).to_crs(4326)
    result = derive_lad_to_lep(lads, lep)
    assert result.lep_code.tolist() == ["E37000051"] and result.share.iloc[0] == pytest.approx(1, abs=1e-6)
