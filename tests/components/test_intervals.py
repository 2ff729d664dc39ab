"""Confidence intervals on the charts, tables, headlines and downloads: the band and error-bar layers are encoded
from lci/uci, the text reads "± half-width" or "95% CI low–high", exports carry lci/uci, and figures without an
interval say why. Expected values come from the committed parquet read here with pandas."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from components.compare_areas import (
    area_options,
    area_positions,
    compare_data,
    rows_for_areas,
    series_rows,
    time_series_chart,
)
from components.exports import svg
from components.intervals import (
    interval_coverage_table,
    interval_width_text,
    no_interval_reason,
    value_with_interval,
    verdict_sentence,
)
from components.overview import build_overview, ranked_chart_data
from loaders.snapshot import read_boundaries_json
from metrics.significance import NOT_SIGNIFICANT, WORSE, Verdict, interval_problems
from tests.snapshot_rows import AREAS, METADATA, PARQUET, rows_of, snapshot
from vocabulary.geography import ENGLAND, ENGLAND_EXCL_LONDON, MEDIAN

NORTH_EAST_LEP, TEES_VALLEY_LEP, HARTLEPOOL = "E37000025", "E37000034", "E06000001"
LABELS = area_options(AREAS)
POSITIONS = area_positions(PARQUET)


def parquet_rows(indicator: str, code: str) -> pd.DataFrame:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == code)].dropna(subset=["value"])
    return rows.sort_values("period", ignore_index=True)


def layers_of(spec: dict, mark: str) -> list[dict]:
    return [layer for layer in spec["layer"] if layer["mark"]["type"] == mark]


# --- the committed snapshot ---------------------------------------------------------------------------


def test_every_interval_in_the_snapshot_holds_its_value() -> None:
    """lci <= value <= uci on every row with an interval; none has one limit alone (rows breaking this would be
    listed on Data and methods and left as published, never used for a verdict)."""
    with_interval = PARQUET[PARQUET["lci"].notna() | PARQUET["uci"].notna()]
    assert len(with_interval) > 30_000
    problems = interval_problems(PARQUET)
    assert problems.empty, problems[["indicator", "area_code", "period", "value", "lci", "uci", "problem"]].head(20)
    both = with_interval.dropna(subset=["value", "lci", "uci"])
    assert len(both) == len(with_interval)
    assert ((both["lci"] <= both["value"]) & (both["value"] <= both["uci"])).all()


def test_coverage_table_lists_the_survey_indicators_with_their_counts() -> None:
    table = interval_coverage_table(PARQUET, METADATA).set_index("indicator")
    with_interval = PARQUET[PARQUET["lci"].notna()]
    expected = with_interval.groupby("indicator").size()
    assert sorted(table.index) == sorted(METADATA[key].label for key in expected.index)
    for key, count in expected.items():
        assert table.loc[METADATA[key].label, "values with an interval"] == count
    assert (table["intervals not holding their value"] == 0).all()
    assert METADATA["gva_per_hour"].label not in table.index


# --- words ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lci", "uci", "unit", "decimals", "text"),
    [
        (4.3, 3.0, 5.6, "%", 1, "± 1.3%"),
        (527.7, 455.29956, 600.10044, "£", 1, "± £72.4"),
        (887000.0, 861600.0, 912400.0, "persons", 0, "± 25,400"),
        (70.0, 68.0, 73.0, "%", 1, "95% CI 68.0%–73.0%"),
        (70.0, math.nan, math.nan, "%", 1, ""),
        (80.0, 68.0, 73.0, "%", 1, ""),  # a value outside its interval: not shown as if it were sane
    ],
)
def test_interval_text(value: float, lci: float, uci: float, unit: str, decimals: int, text: str) -> None:
    assert interval_width_text(value, lci, uci, unit, decimals) == text


def test_value_with_interval_reads_as_one_phrase() -> None:
    assert value_with_interval(4.3, 3.0, 5.6, "%", 1) == "4.3% ± 1.3%"
    assert value_with_interval(70.0, 68.0, 73.0, "%", 1) == "70.0% (95% CI 68.0%–73.0%)"
    assert value_with_interval(70.0, None, None, "%", 1) == "70.0%"


def test_reasons_for_a_missing_interval() -> None:
    assert "publishes no confidence interval" in no_interval_reason("E06000001", "lad", "", False, "ONS GVA")
    assert "median" in no_interval_reason(MEDIAN, "", "", True, "APS")
    assert "England excluding London" in no_interval_reason(ENGLAND_EXCL_LONDON, "benchmark", "derived", True, "APS")
    assert "covariance" in no_interval_reason(NORTH_EAST_LEP, "lep", "", True, "APS")
    assert no_interval_reason(HARTLEPOOL, "lad", "", True, "APS") == "the source gives no interval for this figure"


def test_verdict_sentences() -> None:
    assert verdict_sentence(Verdict(NOT_SIGNIFICANT, True), "England", "", "") == (
        "Not significantly different from England: the 95% confidence intervals overlap."
    )
    assert verdict_sentence(Verdict(WORSE, True), "England", "", "") == (
        "Worse than England: the 95% confidence intervals do not overlap."
    )
    untested = verdict_sentence(Verdict(WORSE, False, "comparator"), "England excluding London", "a", "b is derived")
    assert untested == "No significance test against England excluding London: b is derived."


# --- Compare areas: bands over time --------------------------------------------------------------------------


def north_east_series(indicator: str) -> pd.DataFrame:
    codes = [NORTH_EAST_LEP, TEES_VALLEY_LEP]
    return series_rows(rows_for_areas(PARQUET, POSITIONS, codes), indicator, codes, LABELS)


def test_time_series_of_north_east_lep_draws_a_band_from_lci_to_uci() -> None:
    series = north_east_series("employment_16_64")
    spec = time_series_chart(
        series, METADATA["employment_16_64"], [NORTH_EAST_LEP, TEES_VALLEY_LEP], LABELS, "s"
    ).to_dict()
    (band,) = layers_of(spec, "area")
    assert band["encoding"]["y"]["field"] == "lci" and band["encoding"]["y2"]["field"] == "uci"
    assert band["encoding"]["color"]["field"] == "area"
    drawn = pd.DataFrame(spec["datasets"][band["data"]["name"]])
    expected = parquet_rows("employment_16_64", NORTH_EAST_LEP)
    mine = drawn[drawn["area_code"] == NORTH_EAST_LEP].sort_values("period")
    assert mine["lci"].tolist() == expected["lci"].tolist() and mine["uci"].tolist() == expected["uci"].tolist()
    (points,) = layers_of(spec, "point")
    tips = {tip["field"]: tip.get("title") for tip in points["encoding"]["tooltip"]}
    assert tips["interval"] == "95% confidence interval"
    point_rows = pd.DataFrame(spec["datasets"][points["data"]["name"]])
    first = expected.iloc[0]
    got = point_rows[(point_rows["area_code"] == NORTH_EAST_LEP) & (point_rows["period"] == first["period"])]
    assert got["interval"].iloc[0] == f"± {first['value'] - first['lci']:,.0f}"
    assert any("95% confidence interval" in line for line in spec["title"]["subtitle"])
    # the exported SVG really draws the band: one filled area path per area
    assert svg(spec).count('class="mark-area') >= 1


def test_time_series_without_intervals_has_no_band() -> None:
    series = north_east_series("gva_per_hour")
    spec = time_series_chart(series, METADATA["gva_per_hour"], [NORTH_EAST_LEP, TEES_VALLEY_LEP], LABELS, "s").to_dict()
    assert layers_of(spec, "area") == []
    assert not any("confidence" in line for line in spec["title"]["subtitle"])


def test_compare_download_carries_lci_and_uci() -> None:
    data = compare_data(north_east_series("employment_16_64"), "employment_16_64", "persons")
    expected = parquet_rows("employment_16_64", NORTH_EAST_LEP)
    mine = data[data["area_code"] == NORTH_EAST_LEP].reset_index(drop=True)
    assert mine["lci"].tolist() == expected["lci"].tolist() and mine["uci"].tolist() == expected["uci"].tolist()


# --- Overview: error bars on the ranked chart, and the headline's verdict --------------------------------------


def overview(indicator: str, year: int, benchmark: str, selected: str | None):
    return build_overview(
        rows_of(indicator),
        METADATA[indicator],
        read_boundaries_json("lad"),
        "lad",
        year,
        benchmark,
        selected,
    )


def test_ranked_chart_draws_error_bars_from_lci_to_uci() -> None:
    view = overview("unemployment_rate", 2023, ENGLAND, HARTLEPOOL)
    spec = view.chart.to_dict()
    rules = [layer for layer in layers_of(spec, "rule") if "x2" in layer["encoding"]]
    assert len(rules) == 1
    (bars_layer,) = layers_of(spec, "bar")
    assert rules[0]["encoding"]["x"]["field"] == "lci" and rules[0]["encoding"]["x2"]["field"] == "uci"
    drawn = pd.DataFrame(spec["datasets"][rules[0]["data"]["name"]]).set_index("area_code")
    hartlepool = parquet_rows("unemployment_rate", HARTLEPOOL).set_index("period").loc[2023]
    assert (drawn.loc[HARTLEPOOL, "lci"], drawn.loc[HARTLEPOOL, "uci"]) == (hartlepool["lci"], hartlepool["uci"])
    assert "interval" in {tip["field"] for tip in bars_layer["encoding"]["tooltip"]}
    bar_rows = pd.DataFrame(spec["datasets"][bars_layer["data"]["name"]]).set_index("area_code")
    assert bar_rows.loc[HARTLEPOOL, "interval"] == "± 1.3%"


def test_ranked_chart_of_gva_has_no_error_bars() -> None:
    view = overview("gva_per_hour", 2023, ENGLAND, HARTLEPOOL)
    spec = view.chart.to_dict()
    assert not [layer for layer in layers_of(spec, "rule") if "x2" in layer["encoding"]]
    assert "interval" not in view.table
    assert "significan" not in view.headline


@pytest.mark.parametrize(
    ("indicator", "sentence"),
    [
        ("unemployment_rate", "Not significantly different from England: the 95% confidence intervals overlap."),
        ("employment_rate_16_64", "Worse than England: the 95% confidence intervals do not overlap."),
    ],
)
def test_overview_headline_gives_the_three_way_verdict(indicator: str, sentence: str) -> None:
    """Hartlepool, 2023: unemployment 4.3% (3.0-5.6) against England's 3.7% (3.5-3.9) overlaps; the employment
    rate 67.9% (63.0-72.8) against 76.0% (75.6-76.4) does not."""
    assert overview(indicator, 2023, ENGLAND, HARTLEPOOL).headline.endswith(sentence)


def test_overview_headline_against_a_benchmark_without_interval_says_why() -> None:
    excl_london = parquet_rows("employment_rate_16_64", ENGLAND_EXCL_LONDON)
    year = int(excl_london["period"].max())
    assert excl_london["lci"].isna().all()
    headline = overview("employment_rate_16_64", year, ENGLAND_EXCL_LONDON, HARTLEPOOL).headline
    assert headline.endswith(
        "No significance test against England excluding London: England excluding London is derived here from "
        "sums of published figures."
    )


def test_overview_downloads_carry_lci_and_uci() -> None:
    from components.overview import overview_map_figure

    view = overview("unemployment_rate", 2023, ENGLAND, HARTLEPOOL)
    expected = parquet_rows("unemployment_rate", HARTLEPOOL).set_index("period").loc[2023]
    map_rows = overview_map_figure(view, METADATA["unemployment_rate"], "unemployment_rate", "lad", 2023, METADATA)
    data = map_rows.data().set_index("area_code")
    assert list(data.columns[:6]) == ["area_name", "period", "value", "lci", "uci", "unit"]
    assert (data.loc[HARTLEPOOL, "lci"], data.loc[HARTLEPOOL, "uci"]) == (expected["lci"], expected["uci"])
    chart_rows = ranked_chart_data(
        view.table, HARTLEPOOL, 2023, METADATA["unemployment_rate"], "unemployment_rate", ENGLAND, 3.7, "England"
    )
    assert {"lci", "uci"} <= set(chart_rows.columns)
    gva = overview("gva_per_hour", 2023, ENGLAND, HARTLEPOOL)
    gva_map = overview_map_figure(gva, METADATA["gva_per_hour"], "gva_per_hour", "lad", 2023, METADATA)
    assert "lci" not in gva_map.data().columns  # no empty interval columns where the indicator has none


def test_snapshot_reader_keeps_the_intervals() -> None:
    rows = snapshot().rows("unemployment_rate")
    assert rows["lci"].notna().sum() == PARQUET[PARQUET["indicator"] == "unemployment_rate"]["lci"].notna().sum()


# --- any two areas (the Targets page's gap targets) ------------------------------------------------------------


def test_comparison_sentence_tests_two_areas_with_intervals() -> None:
    from components.intervals import comparison_sentence

    rows = rows_of("unemployment_rate")
    text = comparison_sentence(rows, METADATA["unemployment_rate"], HARTLEPOOL, ENGLAND, "England", 2023)
    assert text == "Not significantly different from England: the 95% confidence intervals overlap."
    rows = rows_of("employment_rate_16_64")
    text = comparison_sentence(rows, METADATA["employment_rate_16_64"], HARTLEPOOL, ENGLAND, "England", 2023)
    assert text == "Worse than England: the 95% confidence intervals do not overlap."


def test_comparison_sentence_says_why_a_lep_or_a_group_has_no_test() -> None:
    from components.intervals import comparison_sentence

    meta = METADATA["employment_rate_16_64"]
    rows = rows_of("employment_rate_16_64")
    lep = comparison_sentence(rows, meta, NORTH_EAST_LEP, ENGLAND_EXCL_LONDON, "England excluding London", 2022)
    assert lep.startswith("No significance test against England excluding London: ")
    assert "covariance" in lep and "derived here from sums of published figures" in lep
    group = comparison_sentence(rows, meta, "group:Pilot", ENGLAND, "England", 2022)
    assert group == "No significance test against England: area groups are valued from sums of published parts."
    gva = comparison_sentence(
        rows_of("gva_per_hour"), METADATA["gva_per_hour"], NORTH_EAST_LEP, ENGLAND_EXCL_LONDON, "E", 2022
    )
    assert "publishes no confidence interval for this indicator" in gva
    assert comparison_sentence(rows, meta, NORTH_EAST_LEP, ENGLAND, "England", 1990) == ""
