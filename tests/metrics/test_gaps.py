"""Gaps over time, the median area, parent regions and convergence, on hand-worked frames and on the
committed area table (parents checked against the published ITL/LEP geography, not the code)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from metrics.gaps import (
    Line,
    by_year,
    convergence_table,
    gap_frame,
    gap_over_time,
    growth_pct,
    hour_job_frame,
    parent_itl1,
    yearly_median,
)
from tests.snapshot_rows import level_values, snapshot, values

REPO = Path(__file__).resolve().parents[2]
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")


def rows(records: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=["area_code", "area_name", "period", "value"])


LEVEL = rows(
    [
        ("A", "Alpha", 2004, 20.0),
        ("A", "Alpha", 2005, 22.0),
        ("A", "Alpha", 2006, 24.0),
        ("B", "Beta", 2004, 30.0),
        ("B", "Beta", 2005, 31.0),
        ("B", "Beta", 2006, 33.0),
        ("C", "Gamma", 2004, 40.0),
        ("C", "Gamma", 2005, math.nan),
        ("C", "Gamma", 2006, 44.0),
        ("D", "Delta", 2004, math.nan),
        ("D", "Delta", 2005, math.nan),
        ("D", "Delta", 2006, 50.0),
    ]
)


# --- by_year / yearly_median -----------------------------------------------------------------------


def test_by_year_is_one_area_sorted_without_missing_years() -> None:
    shuffled = LEVEL.sample(frac=1, random_state=3)
    series = by_year(shuffled, "C")
    assert list(series.index) == [2004, 2006]
    assert list(series) == [40.0, 44.0]
    assert by_year(LEVEL, "nowhere").empty


def test_yearly_median_ignores_missing_values() -> None:
    median = yearly_median(LEVEL)
    # 2004: 20, 30, 40 -> 30; 2005: 22, 31 -> 26.5; 2006: 24, 33, 44, 50 -> 38.5
    assert median.to_dict() == {2004: 30.0, 2005: 26.5, 2006: 38.5}


def test_yearly_median_leaves_out_years_without_any_value() -> None:
    frame = rows([("A", "Alpha", 2004, 1.0), ("A", "Alpha", 2005, math.nan), ("B", "Beta", 2005, math.nan)])
    assert yearly_median(frame).to_dict() == {2004: 1.0}


# --- gap_over_time ----------------------------------------------------------------------------------


def test_gap_is_negative_below_and_positive_above_the_benchmark() -> None:
    area = pd.Series([90.0, 100.0, 110.0], index=[2004, 2005, 2006])
    bench = pd.Series([100.0, 100.0, 100.0], index=[2004, 2005, 2006])
    gap = gap_over_time(area, bench)
    assert gap.tolist() == pytest.approx([-10.0, 0.0, 10.0])
    assert gap[2004] < 0 < gap[2006]


def test_hand_worked_gap() -> None:
    # North East-like: £33.66 against £39.25 -> (33.66 / 39.25 - 1) * 100 = -14.2420...
    gap = gap_over_time(pd.Series([33.66], index=[2019]), pd.Series([39.25], index=[2019]))
    assert gap[2019] == pytest.approx(-14.242038216560509)


def test_missing_benchmark_years_stay_missing_not_zero() -> None:
    area = pd.Series([90.0, 95.0, 99.0, 101.0], index=[2004, 2005, 2006, 2007])
    bench = pd.Series([100.0, 100.0], index=[2004, 2007])  # nothing for 2005-2006
    gap = gap_over_time(area, bench)
    assert list(gap.index) == [2004, 2005, 2006, 2007]
    assert math.isnan(gap[2005]) and math.isnan(gap[2006])
    assert (gap.fillna(-999) != 0).all()
    assert gap[2004] == pytest.approx(-10.0) and gap[2007] == pytest.approx(1.0)


def test_zero_or_missing_benchmark_value_gives_no_gap() -> None:
    area = pd.Series([5.0, 6.0], index=[2004, 2005])
    gap = gap_over_time(area, pd.Series([0.0, math.nan], index=[2004, 2005]))
    assert gap.isna().all()


def test_benchmark_years_outside_the_area_are_ignored() -> None:
    gap = gap_over_time(pd.Series([50.0], index=[2010]), pd.Series([40.0, 50.0, 60.0], index=[2009, 2010, 2011]))
    assert gap.to_dict() == {2010: 0.0}


def test_growth_pct() -> None:
    assert growth_pct(20.0, 25.0) == pytest.approx(25.0)
    assert growth_pct(40.0, 30.0) == pytest.approx(-25.0)


# --- parent_itl1 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "code", "parent"),
    [
        ("lep", "E37000025", "TLC"),  # North East LEP: North East (England)
        ("lep", "E37000015", "TLD"),  # Greater Manchester LEP: North West
        ("lad", "E08000003", "TLD"),  # Manchester
        ("lad", "W06000015", "TLL"),  # Cardiff: Wales
        ("lad", "S12000036", "TLM"),  # City of Edinburgh: Scotland
        ("cauth", "E47000007", "TLG"),  # West Midlands CA
        ("itl2", "TLC1", "TLC"),
        ("itl3", "TLD33", "TLD"),
        ("itl3", "TLI31", "TLI"),
    ],
)
def test_parent_region(level: str, code: str, parent: str) -> None:
    assert parent_itl1(AREAS, level, code) == parent


def test_itl1_areas_have_no_parent_region() -> None:
    assert parent_itl1(AREAS, "itl1", "TLC") is None
    assert parent_itl1(AREAS, "uk", "K02000001") is None


def test_unknown_or_unplaced_area_has_no_parent() -> None:
    table = pd.DataFrame({"area_code": ["X1", "X2"], "geography": ["lad", "lad"], "parent_itl1": ["", None]})
    assert parent_itl1(table, "lad", "X1") is None
    assert parent_itl1(table, "lad", "X2") is None
    assert parent_itl1(table, "lad", "X3") is None
    assert parent_itl1(AREAS, "lep", "E06000001") is None  # a LAD code looked up as a LEP


# --- convergence_table -------------------------------------------------------------------------------


def test_convergence_table_hand_worked() -> None:
    bench = pd.Series([25.0, 30.0], index=[2004, 2006])
    table = convergence_table(LEVEL, bench, 2004, 2006).set_index("area_code")
    assert list(table.index) == ["A", "B", "C"]  # D has no 2004 value; sorted by name
    assert table.loc["A", "gap_start_pct"] == pytest.approx(-20.0)  # 20 / 25 - 1
    assert table.loc["B", "gap_start_pct"] == pytest.approx(20.0)
    assert table.loc["A", "growth_pct"] == pytest.approx(20.0)  # 24 / 20 - 1
    assert table.loc["C", "growth_pct"] == pytest.approx(10.0)
    assert table.loc["B", "start_value"] == 30.0 and table.loc["B", "end_value"] == 33.0
    assert table.loc["C", "area_name"] == "Gamma"


def test_convergence_without_a_benchmark_start_value_has_no_gap() -> None:
    table = convergence_table(LEVEL, pd.Series([30.0], index=[2006]), 2004, 2006)
    assert len(table) == 3
    assert table["gap_start_pct"].isna().all()
    assert table["growth_pct"].notna().all()


def test_convergence_for_years_without_data_is_empty() -> None:
    table = convergence_table(LEVEL, pd.Series(dtype=float), 1990, 2006)
    assert table.empty
    assert {"area_code", "gap_start_pct", "growth_pct"} <= set(table.columns)


def test_gap_frame_keeps_missing_benchmark_years_as_gaps() -> None:
    area = pd.Series([10.0, 11.0, 12.0], index=[2004, 2005, 2006])
    frame = gap_frame(area, [Line("parent", "Parent", pd.Series([10.0, 12.0], index=[2004, 2006]))])
    assert frame["period"].tolist() == [2004, 2005, 2006]
    assert math.isnan(frame["gap_pct"].iloc[1]) and math.isnan(frame["benchmark_value"].iloc[1])
    assert frame["gap_pct"].iloc[0] == 0.0 and frame["gap_pct"].iloc[2] == 0.0
    assert gap_frame(area, []).empty


def test_hour_job_frame_matches_the_parquet() -> None:
    snap = snapshot()
    frame = hour_job_frame(
        snap.rows("gva_per_hour_index", "lad", 2023),
        snap.rows("gva_per_job_index", "lad", 2023),
        snap.rows("gva_per_hour", "lad", 2023),
        snap.rows("gva_per_job", "lad", 2023),
    )
    hour = level_values("gva_per_hour_index", "lad").query("period == 2023").dropna(subset=["value"])
    job = level_values("gva_per_job_index", "lad").query("period == 2023").dropna(subset=["value"])
    both = set(hour["area_code"]) & set(job["area_code"])
    assert set(frame["area_code"]) == both
    assert not any(code.startswith("N09") for code in frame["area_code"])  # no 2023 per-job figure
    indexed = frame.set_index("area_code")
    assert indexed.loc["E08000003", "hour_index"] == pytest.approx(values("gva_per_hour_index", "E08000003")[2023])
    assert indexed.loc["E08000003", "job_value"] == pytest.approx(values("gva_per_job", "E08000003")[2023])
    assert indexed.loc["E08000003", "area_name"] == "Manchester"
