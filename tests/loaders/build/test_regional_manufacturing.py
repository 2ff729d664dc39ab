"""Manufacturing measures for English regions and ITL2 regions (issue 11): sums of the LADs' GVA by
industry, checked by hand against the raw workbooks and against what ONS publishes for whole regions; the
2021 ITL2 membership and the 2023 successor districts the build derives from official files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from loaders.sources.lookups import read_lookup

REPO = Path(__file__).resolve().parents[3]
TABLE = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
MANIFEST = json.loads((REPO / "regional_data" / "manifest.json").read_text(encoding="utf-8"))
GVA_DIR = "stats/gva_gdp/gva_by_industry_local_authority"
TABLE_6 = "stats/gva_gdp/ons_regional_gva_perhead_and_income_components_itl_apr2025.xlsx"
CUMBERLAND, WESTMORLAND = "E06000063", "E06000064"


def snapshot_value(indicator: str, geography: str, code: str, year: int) -> float:
    hit = TABLE[
        (TABLE["indicator"] == indicator)
        & (TABLE["geography"] == geography)
        & (TABLE["area_code"] == code)
        & (TABLE["period"] == year)
    ]
    assert len(hit) == 1, (indicator, geography, code, year)
    return float(hit["value"].iloc[0])


@pytest.fixture(scope="module")
def raw_gva(shared_data: Path) -> pd.DataFrame:
    """Table 3 (£m) of the twelve LA workbooks, read with pandas alone: LA code, SIC07, one column per year."""
    frames = []
    for path in sorted((shared_data / GVA_DIR).glob("*.xlsx")):
        frame = pd.read_excel(path, sheet_name="Table 3", header=1, engine="calamine")
        frame.columns = [str(c).removesuffix(".0") for c in frame.columns]
        frames.append(frame[frame["SIC07"].isin(["Total", "C (10-33)"])])
    return pd.concat(frames, ignore_index=True)


def test_every_english_region_and_38_itl2_regions_have_a_share_for_every_year() -> None:
    share = TABLE[(TABLE["indicator"] == "manufacturing_gva_share") & TABLE["value"].notna()]
    regions = share[share["geography"] == "rgn"]
    assert regions["area_code"].nunique() == 9 and regions.groupby("area_code").size().eq(26).all()
    itl2 = share[share["geography"] == "itl2"]
    assert itl2["area_code"].nunique() == 38  # 41 ITL2 regions less the three with a split district
    assert not {"TLM6", "TLM8", "TLM9"} & set(itl2["area_code"])


def test_a_region_is_its_itl1_region() -> None:
    """English regions and English ITL1 regions are the same LADs, so their shares are equal to the digit."""
    for region, itl1 in (("E12000001", "TLC"), ("E12000002", "TLD"), ("E12000008", "TLJ")):
        for year in (1998, 2010, 2023):
            assert snapshot_value("manufacturing_gva_share", "rgn", region, year) == pytest.approx(
                snapshot_value("manufacturing_gva_share", "itl1", itl1, year), rel=1e-12
            )


def test_cumbria_itl2_by_hand_from_the_raw_workbook(raw_gva: pd.DataFrame) -> None:
    """TLD1 (Cumbria, 2021) is Cumberland plus Westmorland and Furness: C over Total, 2023."""
    both = raw_gva[raw_gva["LA code"].isin([CUMBERLAND, WESTMORLAND])].groupby("SIC07")["2023"].sum()
    by_hand = both["C (10-33)"] / both["Total"] * 100
    assert snapshot_value("manufacturing_gva_share", "itl2", "TLD1", 2023) == pytest.approx(by_hand, rel=1e-12)
    assert snapshot_value("manufacturing_gva_current_prices", "itl2", "TLD1", 2023) == both["C (10-33)"]
    lq = snapshot_value("manufacturing_gva_lq", "itl2", "TLD1", 2023)
    england = snapshot_value("manufacturing_gva_share", "country", "E92000001", 2023)
    assert lq == pytest.approx(by_hand / england, rel=1e-12)


def test_north_east_region_against_ons_table_6(shared_data: Path) -> None:
    """ONS's own North East (TLC) manufacturing GVA, the sum of its CA ... CM rows, against our LAD sum."""
    table = pd.read_excel(shared_data / TABLE_6, sheet_name="Table 6", header=1, engine="calamine")
    table.columns = [str(c).removesuffix(".0") for c in table.columns]
    north_east = table[(table["ITL code"] == "TLC") & table["SIC07 code"].str.match(r"^C[A-M]")]
    ons = north_east["2023"].sum()
    ours = snapshot_value("manufacturing_gva_current_prices", "rgn", "E12000001", 2023)
    assert abs(ours / ons - 1) < 0.002  # rounding of each LA's £m
    checks = MANIFEST["validation"]["manufacturing_gva"]
    assert checks["itl1_2025"]["areas"] == 12 and checks["itl2_2025"]["areas"] == 44
    assert checks["itl1_2025"]["max_abs_share_point_difference"] < 0.05
    assert checks["itl2_2025"]["max_abs_share_point_difference"] < 0.1
    assert checks["itl2_2025"]["left_out_regions_with_split_lads"] == ["TLM2", "TLM9"]


def test_itl2_membership_chains_the_official_lookups(shared_data: Path) -> None:
    from loaders.build.derived_memberships import itl_2021_membership
    from loaders.sources.boundaries import read_boundaries

    lads = read_boundaries(shared_data / "geo/boundaries/lad/LAD_DEC_2023_UK_BUC.geojson")
    itl2 = read_boundaries(shared_data / "geo/boundaries/itl/ITL2_JAN_2021_UK_BUC.geojson")
    lad_itl3 = read_lookup(
        shared_data / "stats/lookups/LAD_(December_2024)_to_LAU1_to_ITL3_to_ITL2_to_ITL1_"
        "(January_2025)_Lookup_in_the_UK.csv",
        {"LAD24CD": "lad_code", "ITL325CD": "itl3_2025"},
    ).astype(str)
    vintages = read_lookup(
        shared_data / "geo/lookups/ITL321_ITL325_UK_LU.csv", {"ITL321CD": "itl3_2021", "ITL325CD": "itl3_2025"}
    ).astype(str)
    membership, facts = itl_2021_membership(lad_itl3, vintages, lads, itl2)
    placed = dict(zip(membership["member_code"], membership["group_code"], strict=True))
    assert placed[CUMBERLAND] == placed[WESTMORLAND] == "TLD1"  # the 2023 unitaries nest in 2021 Cumbria
    assert placed["E06000065"] == "TLE2" and placed["E06000066"] == "TLK2"  # North Yorkshire, Somerset
    assert placed["W06000023"] == "TLL2" and placed["W06000008"] == "TLL1"  # Powys, Ceredigion (by overlay)
    english = [code for code in lads["area_code"] if code.startswith("E")]
    assert all(code in placed for code in english)
    assert set(facts["regions_left_out"]) == {"TLM6", "TLM8", "TLM9"}
    assert facts["regions_left_out"]["TLM6"]["straddling_lads"] == ["Argyll and Bute", "North Ayrshire"]


def test_2023_successors_come_from_the_boundaries(shared_data: Path) -> None:
    from loaders.build.derived_memberships import lad_successors
    from loaders.sources.boundaries import read_boundaries

    before = read_boundaries(shared_data / "geo/boundaries/lad/LAD_DEC_2021_UK_BUC.geojson")
    after = read_boundaries(shared_data / "geo/boundaries/lad/LAD_DEC_2023_UK_BUC.geojson")
    successors = lad_successors(before, after).groupby("successor_name")["predecessor_name"].agg(sorted)
    assert successors.to_dict() == {  # ONS, "Local government restructuring", April 2023
        "Cumberland": ["Allerdale", "Carlisle", "Copeland"],
        "North Yorkshire": ["Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"],
        "Somerset": ["Mendip", "Sedgemoor", "Somerset West and Taunton", "South Somerset"],
        "Westmorland and Furness": ["Barrow-in-Furness", "Eden", "South Lakeland"],
    }
    assert set(MANIFEST["lad_2023_successors"]["successors"]) == {CUMBERLAND, WESTMORLAND, "E06000065", "E06000066"}
