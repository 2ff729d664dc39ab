"""The Levelling up scorecard's verdicts with 95% confidence intervals: three-way where the area and the benchmark
both have one (better / not significantly different / worse), by the gap where one is missing, with the reason.
Expectations are hand-worked on synthetic rows or read here from the committed parquet."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from components.levelling_up import prepare_indicator, scorecard_row, scorecard_summary
from tests.components.test_levelling_up import (
    ENGLAND,
    EXCL_LONDON,
    HARTLEPOOL,
    NORTH_EAST_LEP,
    card,
    interval_of,
    row,
)
from tests.synthetic_indicators import synthetic_indicator

# --- verdicts with confidence intervals ------------------------------------------------------------


def synthetic_with_intervals(area_interval: tuple[float, float], england_interval: tuple[float, float] | None):
    """Area A at 80 and England at 70 in 2020 (14% apart), each with the given 95% interval."""
    england_lci, england_uci = england_interval or (math.nan, math.nan)
    rows = pd.DataFrame(
        {
            "indicator": "x",
            "geography": ["lad", "lad", "country"],
            "area_code": ["A", "B", ENGLAND],
            "area_name": ["A", "B", "England"],
            "period": [2020, 2020, 2020],
            "value": [80.0, 60.0, 70.0],
            "status": ["", "", ""],
            "lci": [area_interval[0], 58.0, england_lci],
            "uci": [area_interval[1], 62.0, england_uci],
        }
    )
    return synthetic_indicator("X", polarity="higher_better", geographies=("lad", "country")), prepare_indicator(
        rows, "lad"
    )


@pytest.mark.parametrize(
    ("area_interval", "england_interval", "verdict", "text", "basis"),
    [
        ((75.0, 85.0), (69.0, 71.0), "better", "▲ better", "95% intervals do not overlap"),
        ((68.0, 92.0), (69.0, 71.0), "not_significant", "● not significantly different", "95% intervals overlap"),
        ((71.0, 89.0), (69.0, 71.0), "not_significant", "● not significantly different", "95% intervals overlap"),
        ((75.0, 85.0), None, "better", "▲ better", "by the gap alone, no interval: the source gives no interval"),
    ],
)
def test_scorecard_verdict_uses_the_intervals_when_both_exist(
    area_interval: tuple[float, float],
    england_interval: tuple[float, float] | None,
    verdict: str,
    text: str,
    basis: str,
) -> None:
    meta, data = synthetic_with_intervals(area_interval, england_interval)
    got = scorecard_row("x", meta, data, "lad", "A", 2020, ENGLAND)
    assert (got["verdict"], got["verdict_text"]) == (verdict, text)
    assert got["verdict_basis"].startswith(basis)
    assert (got["lci"], got["uci"]) == area_interval


def test_hartlepool_2023_against_england_three_way_from_the_intervals() -> None:
    """Hartlepool, 2023: unemployment 4.3% (3.0-5.6) against England's 3.7% (3.5-3.9) overlaps, so 'not
    significantly different' (by the gap alone, 16% higher, it would be 'worse'); the employment rate 67.9%
    (63.0-72.8) against 76.0% (75.6-76.4) does not overlap: 'worse'."""
    table = card("lad", HARTLEPOOL, 2023, ENGLAND)
    unemployment, employment = row(table, "unemployment_rate"), row(table, "employment_rate_16_64")
    assert interval_of("unemployment_rate", HARTLEPOOL, 2023, "lad") == (3.0, 5.6)
    assert unemployment["verdict_text"] == "● not significantly different"
    assert unemployment["verdict_basis"] == "95% intervals overlap"
    assert unemployment["interval_text"] == "± 1.3%"
    assert employment["verdict_text"] == "▼ worse" and employment["verdict_basis"] == "95% intervals do not overlap"
    assert (employment["benchmark_lci"], employment["benchmark_uci"]) == interval_of(
        "employment_rate_16_64", ENGLAND, 2023
    )
    summary = scorecard_summary(table, "Hartlepool")
    assert "● not significantly different on" in summary


def test_figures_without_an_interval_say_why() -> None:
    hartlepool = card("lad", HARTLEPOOL, 2023, EXCL_LONDON)
    gva = row(hartlepool, "gva_per_hour")
    assert gva["benchmark"] == "England excluding London" and gva["interval_text"] == ""
    assert gva["verdict_basis"].startswith("by the gap alone, no interval:")
    assert "publishes no confidence interval for this indicator" in gva["verdict_basis"]
    lep = card("lep", NORTH_EAST_LEP, 2022, EXCL_LONDON)
    employment = row(lep, "employment_rate_16_64")
    assert employment["verdict"] in ("better", "worse", "similar") and math.isnan(employment["lci"])
    assert "covariance" in employment["verdict_basis"] and "England excluding London" in employment["verdict_basis"]
