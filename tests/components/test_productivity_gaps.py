"""The Productivity gaps builders on the committed snapshot. Expected values are computed here from the
parquet files with pandas (or worked by hand), never taken from the code under test."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from components.productivity_gaps import (
    MEASURES,
    area_label,
    benchmark_label,
    benchmark_lines,
    build_area_view,
    build_convergence_view,
    build_hour_job_view,
    convergence_note,
    convergence_table_view,
    describe_gap,
    follow_default,
    gap_headline,
    hour_job_table_view,
    indicator_id,
    productivity_levels,
    series_options,
    shared_benchmark,
    start_year_options,
)
from metrics.gaps import Line, convergence, gap_frame, gap_table, hour_job_frame
from tests.snapshot_rows import AREAS, PARQUET, level_values, snapshot, values

EXCL_LONDON, ENGLAND, UK = "ENG_EXCL_LONDON", "E92000001", "K02000001"
NORTH_EAST_LEP = "E37000025"


def all_rows(indicator: str) -> pd.DataFrame:
    return snapshot().rows(indicator)


# --- choices and words -------------------------------------------------------------------------------


def test_levels_with_productivity_exclude_english_regions() -> None:
    levels = productivity_levels(snapshot().metadata)
    assert set(levels) == {"lep", "itl1", "itl2", "itl3", "lad", "cauth"}


def test_unsmoothed_exists_only_per_hour() -> None:
    assert series_options("hour") == ["smoothed", "unsmoothed"]
    assert series_options("job") == ["smoothed"]
    assert indicator_id("hour", "smoothed") == "gva_per_hour"
    assert indicator_id("hour", "unsmoothed") == "gva_per_hour_unsmoothed"
    assert indicator_id("job", "smoothed") == "gva_per_job"
    assert indicator_id("job", "unsmoothed") == "gva_per_job"  # no unsmoothed per job: fall back
    for measure in MEASURES.values():
        for indicator in filter(None, (measure.smoothed, measure.unsmoothed, measure.index)):
            assert indicator in set(PARQUET["indicator"]), indicator


def test_start_years_are_before_the_end_year() -> None:
    assert start_year_options([2004, 2005, 2006], 2006) == [2004, 2005]
    assert start_year_options([2004], 2004) == []


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("North East", "lep", "North East LEP"),
        ("Solent LEP", "lep", "Solent LEP"),
        ("Manchester", "lad", "Manchester"),
        ("Cumbria", "itl2", "Cumbria (ITL2 region)"),
        ("North East (England)", "itl1", "North East (England)"),
        ("West Midlands", "cauth", "West Midlands (combined authority)"),
    ],
)
def test_area_label(name: str, level: str, expected: str) -> None:
    assert area_label(name, level) == expected


def test_describe_gap_words() -> None:
    assert describe_gap(-8.34, "England") == "8.3% below England"
    assert describe_gap(4.26, "the UK") == "4.3% above the UK"
    assert describe_gap(-9.12) == "9.1% below"
    assert describe_gap(0.0) == "level"
    assert describe_gap(0.01, "England") == "level with England"
    assert describe_gap(math.nan, "England") == "no comparison with England"
    assert benchmark_label("median", "lad") == "the median local authority"
    assert benchmark_label(EXCL_LONDON, "lep") == "England excluding London"


# --- direct labels -------------------------------------------------------------------------------------


# --- benchmarks and gaps --------------------------------------------------------------------------


def test_benchmark_lines_for_a_lep() -> None:
    lines = benchmark_lines(all_rows("gva_per_hour"), AREAS, "lep", NORTH_EAST_LEP)
    assert [line.key for line in lines] == [EXCL_LONDON, ENGLAND, UK, "parent", "median"]
    labels = [line.label for line in lines]
    assert labels == [
        "England excluding London",
        "England",
        "United Kingdom",
        "Parent region: North East (England)",
        "Median LEP",
    ]
    parent = next(line for line in lines if line.key == "parent")
    pd.testing.assert_series_equal(
        parent.values, values("gva_per_hour", "TLC"), check_names=False, check_index_type=False
    )
    median = next(line for line in lines if line.key == "median")
    expected = level_values("gva_per_hour", "lep").groupby("period")["value"].median()
    pd.testing.assert_series_equal(median.values, expected, check_names=False, check_index_type=False)


def test_itl_areas_take_their_parent_from_the_code_and_itl1_has_none() -> None:
    rows = all_rows("gva_per_hour")
    itl3 = benchmark_lines(rows, AREAS, "itl3", "TLK41")
    assert next(line for line in itl3 if line.key == "parent").label == "Parent region: South West (England)"
    itl1 = benchmark_lines(rows, AREAS, "itl1", "TLC")
    assert "parent" not in [line.key for line in itl1]
    assert len(itl1) == 4


def test_gap_frame_against_england_excluding_london_matches_the_parquet() -> None:
    area = values("gva_per_hour", NORTH_EAST_LEP)
    lines = benchmark_lines(all_rows("gva_per_hour"), AREAS, "lep", NORTH_EAST_LEP)
    frame = gap_frame(area, lines)
    eel = frame[frame["key"] == EXCL_LONDON].set_index("period")["gap_pct"]
    expected = (area / values("gva_per_hour", EXCL_LONDON) - 1) * 100
    assert list(eel.index) == list(range(2004, 2024))
    assert (eel < 0).all()
    assert eel.to_numpy() == pytest.approx(expected.to_numpy())
    assert len(frame) == 5 * 20


def test_itl3_gap_series_covers_its_own_years_only() -> None:
    area = values("gva_per_hour", "TLK41")
    frame = gap_frame(area, benchmark_lines(all_rows("gva_per_hour"), AREAS, "itl3", "TLK41"))
    assert frame["period"].max() == 2022 and frame["period"].min() == 2004
    assert frame["gap_pct"].notna().all()


def test_gap_table_is_the_chart_data_one_row_a_year() -> None:
    area = values("gva_per_hour", NORTH_EAST_LEP)
    index = values("gva_per_hour_index", NORTH_EAST_LEP)
    lines = benchmark_lines(all_rows("gva_per_hour"), AREAS, "lep", NORTH_EAST_LEP)
    table = gap_table(gap_frame(area, lines), index)
    assert table["Year"].tolist() == list(range(2004, 2024))
    assert table["Value"].to_numpy() == pytest.approx(area.to_numpy())
    assert table["Index (UK = 100)"].to_numpy() == pytest.approx(index.to_numpy())
    expected = (area / values("gva_per_hour", UK) - 1) * 100
    assert table["Gap to United Kingdom (%)"].to_numpy() == pytest.approx(expected.to_numpy())
    assert "Gap to Median LEP (%)" in table.columns


def test_shared_benchmark_median_and_named() -> None:
    rows = all_rows("gva_per_job")
    median = shared_benchmark(rows, "lad", "median")
    expected = level_values("gva_per_job", "lad").dropna(subset=["value"]).groupby("period")["value"].median()
    assert median is not None and median.label == "the median local authority"
    assert median.values.to_numpy() == pytest.approx(expected.to_numpy())
    named = shared_benchmark(rows, "lad", ENGLAND)
    assert named is not None and named.values.to_numpy() == pytest.approx(values("gva_per_job", ENGLAND).to_numpy())
    assert shared_benchmark(rows.iloc[0:0], "lad", ENGLAND) is None


# --- headline ----------------------------------------------------------------------------------------


def test_headline_for_north_east_lep() -> None:
    area = values("gva_per_hour", NORTH_EAST_LEP)
    bench = shared_benchmark(all_rows("gva_per_hour"), "lep", EXCL_LONDON)
    index = values("gva_per_hour_index", NORTH_EAST_LEP)
    text = gap_headline("North East LEP", area, bench, 2023, 2004, MEASURES["hour"], "£", 2, index)
    eel = values("gva_per_hour", EXCL_LONDON)
    gap_2023 = (area[2023] / eel[2023] - 1) * 100
    gap_2004 = (area[2004] / eel[2004] - 1) * 100
    assert gap_2023 < 0 and gap_2004 < 0
    assert text.startswith(f"North East LEP: £{area[2023]:.2f} per hour in 2023, ")
    assert f"{abs(gap_2023):.1f}% below England excluding London" in text
    assert f"in 2004 it was {abs(gap_2004):.1f}% below" in text
    assert f"Index {index[2023]:.1f} (UK = 100)" in text


def test_headline_uses_the_latest_year_the_area_has() -> None:
    area = pd.Series([50000.0, 51000.0], index=[2021, 2022])
    bench = Line(UK, "United Kingdom", pd.Series([50000.0, 60000.0, 61000.0], index=[2021, 2022, 2023]))
    text = gap_headline("Belfast", area, bench, 2023, 2021, MEASURES["job"], "£", 0)
    assert text == "Belfast: £51,000 per filled job in 2022, 15.0% below United Kingdom; in 2021 it was level."
    assert gap_headline("X", pd.Series(dtype=float), bench, 2023, None, MEASURES["job"], "£", 0) == (
        "X has no GVA per filled job values."
    )


# --- convergence ------------------------------------------------------------------------------------


def test_convergence_of_leps_matches_the_parquet() -> None:
    rows = all_rows("gva_per_hour")
    level_rows = rows[rows["geography"] == "lep"]
    bench = shared_benchmark(rows, "lep", EXCL_LONDON)
    result = convergence(level_rows, bench, 2004, 2023)
    table = result.table.set_index("area_code")
    leps = level_values("gva_per_hour", "lep").pivot(index="area_code", columns="period", values="value")
    eel = values("gva_per_hour", EXCL_LONDON)
    assert len(table) == 38 and result.missing == 0
    expected_gap = (leps[2004] / eel[2004] - 1) * 100
    expected_growth = (leps[2023] / leps[2004] - 1) * 100
    assert table["gap_start_pct"].to_numpy() == pytest.approx(expected_gap[table.index].to_numpy())
    assert table["growth_pct"].to_numpy() == pytest.approx(expected_growth[table.index].to_numpy())
    assert result.benchmark_growth == pytest.approx((eel[2023] / eel[2004] - 1) * 100)
    assert table.loc[NORTH_EAST_LEP, "gap_start_pct"] < 0


def test_convergence_counts_areas_without_both_years() -> None:
    rows = all_rows("gva_per_job")
    level_rows = rows[rows["geography"] == "lad"]
    result = convergence(level_rows, shared_benchmark(rows, "lad", UK), 2002, 2023)
    lads = level_values("gva_per_job", "lad")
    with_both = lads.dropna(subset=["value"]).groupby("area_code")["period"].apply(lambda p: {2002, 2023} <= set(p))
    assert len(result.table) == int(with_both.sum())
    assert result.missing == lads["area_code"].nunique() - int(with_both.sum()) > 0  # Northern Ireland 2023


def test_convergence_note_names_the_quadrants() -> None:
    note = convergence_note("England", 50.0)
    assert "top left = catching up" in note and "+50.0%" in note
    assert "no growth figure" in convergence_note("England", None)


# --- per hour against per job -----------------------------------------------------------------------


# --- charts ------------------------------------------------------------------------------------------


def test_start_year_follows_the_earliest_year_until_the_user_picks_one() -> None:
    assert follow_default(None, None, 2004) == 2004  # first run
    assert follow_default(2004, 2004, 2002) == 2002  # per hour -> per job, untouched
    assert follow_default(2010, 2004, 2002) == 2010  # the user's own choice stays
    assert follow_default(2004, 2004, None) is None  # no earlier year at all


def test_table_views_have_readable_headings() -> None:
    rows = all_rows("gva_per_hour")
    result = convergence(rows[rows["geography"] == "lep"], shared_benchmark(rows, "lep", EXCL_LONDON), 2004, 2023)
    view = convergence_table_view(result.table, 2004, 2023)
    assert list(view.columns) == ["Area", "Code", "Value 2004", "Value 2023", "Gap in 2004 (%)", "Growth 2004–2023 (%)"]
    assert view["Growth 2004–2023 (%)"].is_monotonic_decreasing and len(view) == 38
    snap = snapshot()
    frame = hour_job_frame(
        snap.rows("gva_per_hour_index", "itl1", 2023),
        snap.rows("gva_per_job_index", "itl1", 2023),
        snap.rows("gva_per_hour", "itl1", 2023),
        snap.rows("gva_per_job", "itl1", 2023),
    )
    table = hour_job_table_view(frame)
    assert table.columns[0] == "Area" and "Per job, index (UK = 100)" in table.columns and len(table) == 12


# --- whole sections ---------------------------------------------------------------------------------


def test_area_view_without_smoothed_values_explains_and_hints() -> None:
    snap = snapshot()
    devon = "E47000015"  # Devon and Torbay, with its smoothed rows removed to make an area without values
    meta = snap.metadata["gva_per_hour"]
    smoothed = snap.rows("gva_per_hour")
    view = build_area_view(
        smoothed[smoothed["area_code"] != devon],
        snap.rows("gva_per_hour_index", "cauth"),
        AREAS,
        meta,
        MEASURES["hour"],
        "cauth",
        devon,
        "Devon and Torbay",
        EXCL_LONDON,
        2023,
        2004,
        True,
    )
    assert view.message == (
        "Devon and Torbay (combined authority) has no GVA per hour worked (current prices, "
        "smoothed) values in the snapshot. Try the unsmoothed series."
    )
    assert view.gap_chart is None
    unsmoothed = build_area_view(
        snap.rows("gva_per_hour_unsmoothed"),
        None,
        AREAS,
        snap.metadata["gva_per_hour_unsmoothed"],
        MEASURES["hour"],
        "cauth",
        devon,
        "Devon and Torbay",
        EXCL_LONDON,
        2023,
        2004,
        False,
    )
    area = values("gva_per_hour_unsmoothed", devon)
    assert not unsmoothed.message and unsmoothed.has_parent
    assert unsmoothed.headline.startswith(f"Devon and Torbay (combined authority): £{area[2023]:.2f} per hour in 2023")
    assert "Index" not in unsmoothed.headline  # no UK = 100 index for the unsmoothed series
    assert unsmoothed.table["Value"].to_numpy() == pytest.approx(area.to_numpy())


def test_convergence_view_without_a_benchmark_says_so() -> None:
    snap = snapshot()
    view = build_convergence_view(
        snap.rows("gva_per_hour"), snap.metadata["gva_per_hour"], "lep", "NOWHERE", 2004, 2023, None
    )
    assert view.chart is None and view.message == (
        "No LEPs have values for both 2004 and 2023 with a value for NOWHERE."
    )
    ok = build_convergence_view(
        snap.rows("gva_per_hour"), snap.metadata["gva_per_hour"], "lep", "median", 2004, 2023, NORTH_EAST_LEP
    )
    assert ok.chart is not None and "the median LEP" in ok.note and len(ok.table) == 38


def test_hour_job_view_says_how_many_areas_are_left_out() -> None:
    snap = snapshot()
    cut = {
        name: snap.rows(name, "lad", 2023)
        for name in ("gva_per_hour_index", "gva_per_job_index", "gva_per_hour", "gva_per_job")
    }
    view = build_hour_job_view(*cut.values(), "lad", 2023, None)
    no_jobs = level_values("gva_per_job_index", "lad").query("period == 2023")["value"].isna().sum()
    assert no_jobs == 11
    assert view.note.endswith(f"{no_jobs} local authorities without both figures for 2023 are not shown.")
    assert len(view.table) == 361 - no_jobs
