"""regional_data/industry_gva.parquet: its shape, sums over LADs checked by hand against the raw workbooks,
agreement with the manufacturing indicators and with ONS's regional tables, withheld values kept missing,
the reader's errors, and the build refusing a snapshot that would lose part of it."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders.build.industry_gva import PUBLISHED_PARTS, fill_withheld_from_itl3, industry_gva_table, sum_industries
from loaders.build.industry_validation import SHARE_TOLERANCE_POINTS, tolerance_problem
from loaders.build.manufacturing_indicators import industry_totals
from loaders.build.run import Candidate, loss_problems
from loaders.build.snapshot_losses import industry_gva_problems
from loaders.snapshot import DATA_DIR, SnapshotError, read_industry_gva
from vocabulary.industries import INDUSTRIES

REPO = Path(__file__).resolve().parents[3]
GVA_DIR = "stats/gva_gdp/gva_by_industry_local_authority"
TABLE_6 = "stats/gva_gdp/ons_regional_gva_perhead_and_income_components_itl_apr2025.xlsx"
CHESHIRE_WARRINGTON = ("E37000003", ["E06000049", "E06000050", "E06000007"])  # LEP and its LADs


@pytest.fixture(scope="module")
def industry_gva() -> pd.DataFrame:
    return read_industry_gva()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))


def _rows(table: pd.DataFrame, geography: str, code: str, industry: str, year: int) -> pd.Series:
    hit = table[
        (table["geography"] == geography)
        & (table["area_code"] == code)
        & (table["industry"] == industry)
        & (table["period"] == year)
    ]
    assert len(hit) == 1, (geography, code, industry, year)
    return hit.iloc[0]


def test_schema_and_coverage(industry_gva: pd.DataFrame) -> None:
    assert list(industry_gva.columns) == [
        "area_code",
        "geography",
        "period",
        "industry",
        "gva_current",
        "gva_cvm",
        "status",
    ]
    assert str(industry_gva["gva_current"].dtype) == str(industry_gva["gva_cvm"].dtype) == "float32"
    assert set(industry_gva["industry"]) == {row.code for row in INDUSTRIES}
    areas = industry_gva.groupby("geography")["area_code"].nunique().to_dict()
    assert areas == {
        "lad": 361,
        "lep": 38,
        "itl1": 12,
        "itl2": 38,
        "rgn": 9,
        "cauth": 15,
        "country": 1,
        "uk": 1,
        "benchmark": 1,
    }
    per_area = industry_gva.groupby(["geography", "area_code"]).size()
    assert per_area.eq(49 * 26).all()  # every industry, 1998-2023
    assert set(industry_gva["status"]) == {"", "suppressed", "itl3_sum"}
    withheld = industry_gva[industry_gva["status"] == "suppressed"]
    assert (withheld["gva_current"].isna() | withheld["gva_cvm"].isna()).all()  # missing, never zero
    assert industry_gva.loc[industry_gva["status"] == "", ["gva_current", "gva_cvm"]].notna().all().all()


def test_reference_economies_and_itl1_regions_have_no_withheld_industry(industry_gva: pd.DataFrame) -> None:
    """Every location quotient needs its reference whole: the UK, countries, England, England excluding
    London and ITL1 regions take ONS's Table 3c figure where a LAD's is withheld (current prices only)."""
    whole = industry_gva[industry_gva["area_code"].isin(PUBLISHED_PARTS)]
    assert set(whole["geography"]) == {"uk", "country", "benchmark", "itl1"}
    assert not (whole["status"] == "suppressed").any()
    filled = whole[whole["status"] == "itl3_sum"]
    assert len(filled) and filled["gva_current"].notna().all() and filled["gva_cvm"].isna().all()
    assert set(industry_gva.loc[industry_gva["status"] == "itl3_sum", "area_code"]) <= set(PUBLISHED_PARTS)


def test_withheld_rows_are_filled_from_the_itl3_sums_of_their_area() -> None:
    table = pd.DataFrame(
        {
            "area_code": ["E92000001", "E92000001", "TLC", "E06000001"],
            "geography": ["country", "country", "itl1", "lad"],
            "period": [2023, 2023, 2023, 2023],
            "industry": ["AB", "K", "AB", "AB"],
            "gva_current": [np.nan, 500.0, np.nan, np.nan],
            "gva_cvm": [np.nan, 400.0, np.nan, np.nan],
            "status": ["suppressed", "", "suppressed", "suppressed"],
        }
    )
    itl3 = pd.DataFrame(
        {
            "area_code": ["TLC31", "TLC32", "TLI31", "TLL11"],
            "period": [2023] * 4,
            "industry": ["AB"] * 4,
            "value": [10.0, 20.0, 40.0, 80.0],
        }
    )
    out, filled = fill_withheld_from_itl3(table, itl3)
    assert filled == 2
    assert out.loc[0, "gva_current"] == 70  # England: TLC31 + TLC32 + TLI31 (not Wales)
    assert out.loc[2, "gva_current"] == 30 and out.loc[2, "status"] == "itl3_sum"
    assert out.loc[1, "gva_current"] == 500 and out.loc[1, "status"] == ""  # not withheld: untouched
    assert pd.isna(out.loc[3, "gva_current"]) and out.loc[3, "status"] == "suppressed"  # a LAD stays withheld
    assert pd.isna(out.loc[0, "gva_cvm"])


def test_cheshire_and_warrington_by_hand_from_the_raw_workbook(shared_data: Path, industry_gva: pd.DataFrame) -> None:
    """CD-CG and CI-CL of the LEP = the sum of its three LADs' cells in Table 3 and Table 2 (pandas only)."""
    lep, lads = CHESHIRE_WARRINGTON
    path = next((shared_data / GVA_DIR).glob("*tldnorthwest.xlsx"))
    for sheet, column in (("Table 3", "gva_current"), ("Table 2", "gva_cvm")):
        raw = pd.read_excel(path, sheet_name=sheet, header=1, engine="calamine")
        raw.columns = [str(c).removesuffix(".0") for c in raw.columns]
        mine = raw[raw["LA code"].isin(lads)]
        for file_code, code in (("CD-CG (19-23)", "CD-CG"), ("CI-CL (26-30)", "CI-CL"), ("Total", "Total")):
            by_hand = mine.loc[mine["SIC07"] == file_code, "2023"].astype(float).sum()
            assert _rows(industry_gva, "lep", lep, code, 2023)[column] == by_hand, (sheet, code)


def test_manufacturing_share_equals_the_snapshot_indicator(industry_gva: pd.DataFrame) -> None:
    """C / Total from this table is manufacturing_gva_share of indicators.parquet, for every area and year."""
    indicators = pd.read_parquet(DATA_DIR / "indicators.parquet")
    share = indicators[indicators["indicator"] == "manufacturing_gva_share"]
    keys = ["geography", "area_code", "period"]
    wide = industry_gva[industry_gva["industry"].isin(["C", "Total"])].pivot(
        index=keys, columns="industry", values="gva_current"
    )
    ours = (wide["C"].astype("float64") / wide["Total"].astype("float64") * 100).rename("ours").reset_index()
    merged = share.merge(ours, on=keys, how="inner", validate="1:1")
    assert len(merged) == len(share) > 10_000
    both = merged["value"].notna()
    assert (merged["value"].isna() == merged["ours"].isna()).all()
    assert (merged.loc[both, "value"] - merged.loc[both, "ours"]).abs().max() <= 1e-12


def test_a_withheld_member_leaves_the_group_missing_not_smaller() -> None:
    current = pd.DataFrame(
        {
            "area_code": ["A", "A", "B", "B"],
            "period": [2023] * 4,
            "industry": ["Total", "AB (1-9)", "Total", "AB (1-9)"],
            "value": [100.0, 10.0, 50.0, math.nan],
            "status": ["", "", "", "suppressed"],
        }
    )
    memberships = {
        "lad": pd.DataFrame({"member_code": ["A", "B"], "group_code": ["A", "B"]}),
        "lep": pd.DataFrame({"member_code": ["A", "B"], "group_code": ["G", "G"]}),
    }
    table = industry_gva_table(current, current.assign(value=current["value"] * 2), memberships)
    group = table[table["area_code"] == "G"].set_index("industry")
    assert group.loc["Total", "gva_current"] == 150 and group.loc["Total", "gva_cvm"] == 300
    assert pd.isna(group.loc["AB", "gva_current"]) and group.loc["AB", "status"] == "suppressed"
    lad = table[table["area_code"] == "A"].set_index("industry")
    assert lad.loc["AB", "gva_current"] == 10 and lad.loc["AB", "status"] == ""


def test_summing_every_industry_at_once_equals_industry_totals_one_by_one(industry_gva: pd.DataFrame) -> None:
    lads = industry_gva[(industry_gva["geography"] == "lad") & industry_gva["area_code"].str.startswith("E08")]
    rows = lads.rename(columns={"gva_current": "value"}).astype({"value": "float64", "period": "int64"})
    rows = rows[["area_code", "period", "industry", "value", "status"]]
    membership = pd.DataFrame({"member_code": rows["area_code"].unique()})
    membership["group_code"] = membership["member_code"].str[:7]
    keys = ["group_code", "period", "industry"]
    at_once = sum_industries(rows, membership).sort_values(keys, ignore_index=True)
    one_by_one = industry_totals(rows, membership).sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(at_once[one_by_one.columns], one_by_one, check_dtype=False)


def test_manifest_facts_provisional_year_cvm_and_rounding(manifest: dict) -> None:
    facts = manifest["industry_gva"]
    assert facts["provisional_year"] == 2023 and "provisional" in facts["provisional_source"]
    assert "2022 money value" in facts["gva_cvm"] and "not additive" in facts["cvm_groups_are_approximate"]
    assert facts["rounding_residuals"]["finest"]["max_abs_residual_gbp_m"] <= 7
    assert facts["rounding_residuals"]["sections"]["max_abs_residual_gbp_m"] <= 5
    entry = manifest["outputs"]["regional_data/industry_gva.parquet"]
    assert len(entry["sha256"]) == 64 and entry["bytes"] == (DATA_DIR / "industry_gva.parquet").stat().st_size


def test_industry_shares_match_ons_table_6_for_english_regions(shared_data: Path, manifest: dict) -> None:
    """ONS's North East CD-CG share in 2023 (Table 6: CD-CE + CF + CG over Total, pandas only) against ours."""
    checks = manifest["validation"]["industry_shares"]
    assert checks["itl1_2025"]["areas"] == 9 and checks["itl1_2025"]["industries"] == 27
    assert checks["itl1_2025"]["max_abs_share_point_difference"] <= SHARE_TOLERANCE_POINTS
    assert checks["itl3_2025"]["industries"] == 49
    table = pd.read_excel(shared_data / TABLE_6, sheet_name="Table 6", header=1, engine="calamine")
    table.columns = [str(c).removesuffix(".0") for c in table.columns]
    north_east = table[table["ITL code"] == "TLC"].set_index("SIC07 code")["2023"]
    ons = north_east[["CD-CE (19-20)", "CF (21)", "CG (22-23)"]].sum() / north_east["Total"] * 100
    ours = read_industry_gva()
    part = _rows(ours, "itl1", "TLC", "CD-CG", 2023)["gva_current"]
    total = _rows(ours, "itl1", "TLC", "Total", 2023)["gva_current"]
    assert float(part) / float(total) * 100 == pytest.approx(ons, abs=0.02)


def test_a_share_beyond_the_tolerance_is_named() -> None:
    english = pd.DataFrame(
        {
            "industry": ["C", "K"],
            "area_code": ["TLC", "TLI"],
            "area_name": ["North East", "London"],
            "period": [2023, 2020],
            "share_ours": [14.0, 20.2],
            "share_ons": [14.0, 20.0],
            "share_point_difference": [0.0, 0.2],
        }
    )
    assert "industry K in TLI London 2020" in tolerance_problem(english)
    assert tolerance_problem(english.iloc[:1]) is None


def test_reader_names_a_missing_or_foreign_file(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(DATA_DIR, copy / "regional_data")
    shutil.copytree(REPO / "geo", copy / "geo")
    (copy / "regional_data" / "industry_gva.parquet").write_bytes(b"not parquet")
    with pytest.raises(SnapshotError, match=r"industry_gva\.parquet does not match manifest\.json"):
        read_industry_gva(copy / "regional_data")
    (copy / "regional_data" / "industry_gva.parquet").unlink()
    with pytest.raises(SnapshotError, match=r"industry_gva\.parquet is missing"):
        read_industry_gva(copy / "regional_data")


def test_build_refuses_to_lose_industry_years(tmp_path: Path, industry_gva: pd.DataFrame) -> None:
    """A candidate whose industry_gva.parquet lacks 2023 is refused (before, only indicators.parquet was
    compared, so this loss passed in silence)."""
    target = tmp_path / "target"
    (target / "regional_data").mkdir(parents=True)
    shutil.copy(DATA_DIR / "industry_gva.parquet", target / "regional_data" / "industry_gva.parquet")
    shutil.copy(DATA_DIR / "indicators.parquet", target / "regional_data" / "indicators.parquet")
    indicators = pd.read_parquet(DATA_DIR / "indicators.parquet")
    shorter = industry_gva[industry_gva["period"] < 2023]
    candidate = Candidate(tmp_path / "candidate", indicators, {}, {}, shorter)
    problems = loss_problems(target, candidate)
    assert problems and all(p.startswith("industry_gva ") for p in problems)
    assert any("industry_gva gva_current CD-CG (lad; file: stats/gva_gdp/" in p for p in problems)
    assert all("latest year 2023 is gone (latest now 2022)" in p for p in problems)
    assert loss_problems(target, Candidate(tmp_path / "candidate", indicators, {}, {}, industry_gva)) == []


def test_losing_areas_of_one_industry_is_named() -> None:
    old = read_industry_gva()
    new = old[~((old["geography"] == "lep") & (old["industry"] == "61-63") & (old["area_code"] < "E37000020"))]
    problems = industry_gva_problems(old, new, ["workbooks"])
    assert len(problems) == 2  # current prices and CVM of 61-63 at LEP level
    assert all(p.startswith("industry_gva gva_c") and "61-63 (lep; file: workbooks)" in p for p in problems)
    assert industry_gva_problems(None, new, ["workbooks"]) == []
