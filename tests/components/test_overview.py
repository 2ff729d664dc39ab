"""The Overview view model built from the committed snapshot; expectations come from the parquet
files and the GeoJSON read directly with pandas / json, not from the code under test."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from components.overview import OverviewView, build_overview, headline_sentence
from components.palettes import NO_DATA, SELECTED_OUTLINE, SUPPRESSED
from loaders.snapshot import Snapshot, read_boundaries_json, read_snapshot
from metrics.comparisons import HIGHER_BETTER, LOWER_BETTER
from vocabulary.geography import AREA_LEVEL_KEYS, MEDIAN
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
EXCL_LONDON = "ENG_EXCL_LONDON"
NORTH_EAST_LEP = "E37000025"


def geo_features(level: str) -> list[dict]:
    return json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))["features"]


def level_rows(indicator: str, level: str, year: int) -> pd.DataFrame:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level)]
    return rows[rows["period"] == year]


def latest_year(indicator: str, level: str) -> int:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level)]
    return int(rows.loc[rows["value"].notna(), "period"].max())


def suffix(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    return f"{n}" + {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def indicator_for(level: str) -> str:
    """gva_per_hour where the level has it; otherwise the employment rate (English regions)."""
    return "gva_per_hour" if level in METADATA["gva_per_hour"].geographies else "employment_rate_16_64"


CASES = [(level, indicator_for(level)) for level in AREA_LEVEL_KEYS]


@cache
def _snapshot() -> Snapshot:
    return read_snapshot()


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return _snapshot()


@cache
def _build(level: str, indicator: str, year: int, benchmark: str, area: str | None) -> OverviewView:
    """One view per choice, shared by the tests (they only read it)."""
    snap = _snapshot()
    return build_overview(
        snap.rows(indicator), snap.metadata[indicator], read_boundaries_json(level), level, year, benchmark, area
    )


def build(
    snapshot: Snapshot, level: str, indicator: str, year: int, benchmark: str = EXCL_LONDON, area: str | None = None
) -> OverviewView:
    assert snapshot is _snapshot()
    return _build(level, indicator, year, benchmark, area)


def test_every_level_is_covered() -> None:
    assert {level for level, _ in CASES} == {"lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn"}
    assert dict(CASES)["rgn"] == "employment_rate_16_64"
    assert "rgn" in METADATA["employment_rate_16_64"].geographies


@pytest.mark.parametrize(("level", "indicator"), CASES)
def test_map_has_every_boundary_and_colours_exactly_the_areas_with_values(
    snapshot: Snapshot, level: str, indicator: str
) -> None:
    year = latest_year(indicator, level)
    view = build(snapshot, level, indicator, year)
    boundary = geo_features(level)
    assert len(view.features["features"]) == len(boundary)
    assert {f["properties"]["code"] for f in view.features["features"]} == {
        f["properties"]["area_code"] for f in boundary
    }

    rows = level_rows(indicator, level, year)
    with_value = set(rows.loc[rows["value"].notna(), "area_code"])
    suppressed = set(rows.loc[rows["status"] == "suppressed", "area_code"])
    assert with_value  # the latest year has data
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in view.features["features"]}
    coloured = {code for code, fill in fills.items() if fill not in (NO_DATA, SUPPRESSED)}
    assert coloured == with_value
    assert len(coloured) == len(with_value)
    for code, fill in fills.items():
        if code in with_value:
            continue
        assert fill == (SUPPRESSED if code in suppressed else NO_DATA), code
    assert 2 <= len({fills[code] for code in coloured}) <= 5


@pytest.mark.parametrize(("level", "indicator"), CASES)
def test_table_ranks_every_area_with_a_value(snapshot: Snapshot, level: str, indicator: str) -> None:
    year = latest_year(indicator, level)
    view = build(snapshot, level, indicator, year)
    rows = level_rows(indicator, level, year).dropna(subset=["value"])
    ranked = view.table.dropna(subset=["value"])
    assert len(ranked) == len(rows)
    assert (view.table["rank_of"] == len(rows)).all()
    expected = rows.set_index("area_code")["value"]
    got = ranked.set_index("area_code")["value"]
    got.index = got.index.astype(str)  # the snapshot holds area codes as categoricals (loaders/snapshot.py)
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    best = rows.loc[
        rows["value"].idxmax() if METADATA[indicator].polarity != "lower_better" else rows["value"].idxmin(),
        "area_code",
    ]
    assert ranked.iloc[0]["area_code"] == best


def test_legend_shows_no_data_only_where_the_map_has_gaps(snapshot: Snapshot) -> None:
    for level, indicator in CASES:
        year = latest_year(indicator, level)
        view = build(snapshot, level, indicator, year)
        rows = level_rows(indicator, level, year)
        codes = {f["properties"]["area_code"] for f in geo_features(level)}
        valued = set(rows.loc[rows["value"].notna(), "area_code"])
        suppressed = set(rows.loc[rows["status"] == "suppressed", "area_code"])
        gaps = codes - valued - suppressed
        kinds = [entry.kind for entry in view.legend]
        assert ("no_data" in kinds) == bool(gaps), level
        assert ("suppressed" in kinds) == bool(codes & suppressed), level
        assert 2 <= kinds.count("class") <= 5


def test_north_east_lep_headline_against_england_excluding_london(snapshot: Snapshot) -> None:
    year = latest_year("gva_per_hour", "lep")
    rows = level_rows("gva_per_hour", "lep", year)
    value = float(rows.loc[rows["area_code"] == NORTH_EAST_LEP, "value"].iloc[0])
    bench_rows = PARQUET[
        (PARQUET["indicator"] == "gva_per_hour") & (PARQUET["area_code"] == EXCL_LONDON) & (PARQUET["period"] == year)
    ]
    benchmark = float(bench_rows["value"].iloc[0])
    gap = (value / benchmark - 1) * 100
    rank = int((rows["value"] > value).sum()) + 1
    assert gap < 0

    view = build(snapshot, "lep", "gva_per_hour", year, EXCL_LONDON, NORTH_EAST_LEP)
    assert view.benchmark_value == pytest.approx(benchmark)
    assert "North East" in view.headline
    assert f"{abs(gap):.1f}% below England excluding London" in view.headline
    assert f"ranks {suffix(rank)} of 38 LEPs" in view.headline
    assert "above" not in view.headline

    selected = [f for f in view.features["features"] if f["properties"]["code"] == NORTH_EAST_LEP]
    assert selected[0]["properties"]["line"] == list(SELECTED_OUTLINE)
    assert selected[0]["properties"]["gap_text"].startswith(f"-{abs(gap):.1f}%")


def test_headline_without_a_selection_names_the_first_and_last(snapshot: Snapshot) -> None:
    year = latest_year("gva_per_hour", "lep")
    rows = level_rows("gva_per_hour", "lep", year)
    top = rows.loc[rows["value"].idxmax(), "area_name"]
    bottom = rows.loc[rows["value"].idxmin(), "area_name"]
    headline = build(snapshot, "lep", "gva_per_hour", year).headline
    assert "38" in headline and top in headline and bottom in headline
    assert headline.index(top) < headline.index(bottom)


@pytest.mark.parametrize(("level", "indicator"), CASES)
def test_median_benchmark_is_the_median_area(snapshot: Snapshot, level: str, indicator: str) -> None:
    year = latest_year(indicator, level)
    view = build(snapshot, level, indicator, year, MEDIAN)
    expected = level_rows(indicator, level, year)["value"].median()
    assert view.benchmark_value == pytest.approx(float(expected))
    assert view.benchmark_name and "median" in view.benchmark_name
    gaps = view.table.dropna(subset=["value"])["gap_pct"]
    assert (gaps > 0).any() and (gaps < 0).any()


@pytest.mark.parametrize(("code", "name"), [("E92000001", "England"), ("K02000001", "United Kingdom")])
def test_named_benchmarks_take_their_own_value(snapshot: Snapshot, code: str, name: str) -> None:
    year = latest_year("gva_per_hour", "lep")
    expected = PARQUET[
        (PARQUET["indicator"] == "gva_per_hour") & (PARQUET["area_code"] == code) & (PARQUET["period"] == year)
    ]["value"].iloc[0]
    view = build(snapshot, "lep", "gva_per_hour", year, code, NORTH_EAST_LEP)
    assert view.benchmark_value == pytest.approx(float(expected))
    assert view.benchmark_name == name
    assert name in view.headline


def test_benchmark_missing_for_the_year_means_no_gap(snapshot: Snapshot) -> None:
    # England excluding London is not in the snapshot for median pay (medians cannot be derived).
    has = PARQUET[(PARQUET["indicator"] == "median_weekly_pay") & (PARQUET["area_code"] == EXCL_LONDON)]
    assert has.empty
    year = latest_year("median_weekly_pay", "rgn")
    view = build(snapshot, "rgn", "median_weekly_pay", year, EXCL_LONDON, "E12000001")
    assert view.benchmark_value is None
    assert view.table["gap_pct"].isna().all()
    assert "below" not in view.headline and "above" not in view.headline
    assert "ranks" in view.headline


# --- headline_sentence ---------------------------------------------------------------------------

EXCL_LONDON_NAME = "England excluding London"


def test_headline_below_benchmark_with_rank() -> None:
    text = headline_sentence("North East", 31, 38, "lep", -14.24, EXCL_LONDON_NAME, HIGHER_BETTER)
    assert text.startswith("North East")
    assert "ranks 31st of 38 LEPs" in text
    assert "14.2% below England excluding London" in text
    assert "above" not in text
    assert "-" not in text  # the direction is in words, not a minus sign


def test_headline_above_benchmark() -> None:
    text = headline_sentence("Thames Valley Berkshire", 1, 38, "lep", 39.16, EXCL_LONDON_NAME, HIGHER_BETTER)
    assert "ranks 1st of 38 LEPs" in text
    assert "39.2% above England excluding London" in text
    assert "below" not in text


def test_headline_level_with_benchmark() -> None:
    text = headline_sentence("Midshire", 12, 38, "lep", 0.01, "England", HIGHER_BETTER)
    assert "level with England" in text
    assert "above" not in text and "below" not in text


def test_headline_other_levels_use_their_own_nouns() -> None:
    lad = headline_sentence("Hartlepool", 22, 361, "lad", 3.0, "England", HIGHER_BETTER)
    assert "ranks 22nd of 361 local authorities" in lad
    cauth = headline_sentence("Tees Valley", 13, 14, "cauth", -2.0, "England", HIGHER_BETTER)
    assert "ranks 13th of 14 combined authorities" in cauth
    itl3 = headline_sentence("Somewhere", 111, 179, "itl3", None, None, HIGHER_BETTER)
    assert "ranks 111th of 179 ITL3 regions" in itl3


def test_headline_says_which_end_is_first() -> None:
    assert "lowest" in headline_sentence("A", 1, 9, "rgn", None, None, LOWER_BETTER)
    higher = headline_sentence("A", 1, 9, "rgn", None, None, HIGHER_BETTER)
    assert "highest" in higher and "lowest" not in higher


@pytest.mark.parametrize("benchmark", [None, ""])
def test_headline_without_benchmark_has_no_direction(benchmark: str | None) -> None:
    text = headline_sentence("North East", 31, 38, "lep", -14.2, benchmark, HIGHER_BETTER)
    assert "ranks 31st of 38 LEPs" in text
    assert "below" not in text and "above" not in text


def test_headline_without_gap_has_no_direction() -> None:
    text = headline_sentence("North East", 31, 38, "lep", math.nan, EXCL_LONDON_NAME, HIGHER_BETTER)
    assert "below" not in text and "above" not in text and "nan" not in text.lower()


def test_headline_for_an_area_without_a_value() -> None:
    text = headline_sentence("Cumbria", None, 37, "lep", None, EXCL_LONDON_NAME, HIGHER_BETTER)
    assert text.startswith("Cumbria")
    assert "no value" in text
    assert "ranks" not in text
