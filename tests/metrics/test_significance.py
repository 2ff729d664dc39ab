"""The three-way verdict (non-overlapping 95% intervals) and its two-way fall-back, on hand-made cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.comparisons import HIGHER_BETTER, LOWER_BETTER, NEUTRAL
from metrics.significance import (
    BETTER,
    NOT_SIGNIFICANT,
    SIMILAR,
    WORSE,
    Verdict,
    interval_problems,
    intervals_overlap,
    significance_verdict,
    usable_interval,
)

NAN = math.nan


def test_separate_intervals_higher_is_better() -> None:
    assert significance_verdict(75.0, 73.0, 77.0, 70.0, 69.5, 70.5, HIGHER_BETTER) == Verdict(BETTER, True)
    assert significance_verdict(65.0, 63.0, 67.0, 70.0, 69.5, 70.5, HIGHER_BETTER) == Verdict(WORSE, True)


def test_separate_intervals_lower_is_better_flips_the_direction() -> None:
    # unemployment: a lower rate whose interval lies wholly below the comparator's is better
    assert significance_verdict(3.0, 2.5, 3.5, 4.0, 3.9, 4.1, LOWER_BETTER) == Verdict(BETTER, True)
    assert significance_verdict(5.0, 4.5, 5.5, 4.0, 3.9, 4.1, LOWER_BETTER) == Verdict(WORSE, True)


def test_overlapping_intervals_are_not_significantly_different_even_with_a_large_gap() -> None:
    # 10% above the comparator, but the survey's uncertainty covers it
    verdict = significance_verdict(77.0, 68.0, 86.0, 70.0, 69.5, 70.5, HIGHER_BETTER)
    assert verdict == Verdict(NOT_SIGNIFICANT, True)


def test_touching_intervals_count_as_overlapping() -> None:
    assert significance_verdict(75.0, 72.0, 78.0, 70.0, 68.0, 72.0, HIGHER_BETTER) == Verdict(NOT_SIGNIFICANT, True)
    assert significance_verdict(65.0, 62.0, 68.0, 70.0, 68.0, 72.0, LOWER_BETTER) == Verdict(NOT_SIGNIFICANT, True)
    assert intervals_overlap((1.0, 2.0), (2.0, 3.0))
    assert not intervals_overlap((1.0, 2.0), (2.0000001, 3.0))


def test_one_side_without_interval_falls_back_to_the_gap_and_says_whose_is_missing() -> None:
    assert significance_verdict(75.0, NAN, NAN, 70.0, 69.5, 70.5, HIGHER_BETTER) == Verdict(BETTER, False, "area")
    assert significance_verdict(75.0, 73.0, 77.0, 70.0, None, None, HIGHER_BETTER) == Verdict(
        BETTER, False, "comparator"
    )
    assert significance_verdict(65.0, None, None, 70.0, None, None, HIGHER_BETTER) == Verdict(WORSE, False, "both")


def test_half_an_interval_is_no_interval() -> None:
    assert significance_verdict(75.0, 73.0, NAN, 70.0, 69.5, 70.5, HIGHER_BETTER) == Verdict(BETTER, False, "area")


def test_an_interval_that_does_not_hold_its_value_is_not_used() -> None:
    # value outside [lci, uci] or lci > uci: the interval is broken, so no test is claimed
    assert usable_interval(80.0, 73.0, 77.0) is None
    assert usable_interval(75.0, 77.0, 73.0) is None
    assert significance_verdict(80.0, 73.0, 77.0, 70.0, 69.5, 70.5, HIGHER_BETTER) == Verdict(BETTER, False, "area")


def test_without_intervals_a_small_gap_is_similar() -> None:
    assert significance_verdict(70.5, None, None, 70.0, None, None, HIGHER_BETTER) == Verdict(SIMILAR, False, "both")
    assert significance_verdict(70.5, None, None, 70.0, None, None, HIGHER_BETTER, similar_within_pct=0.5) == Verdict(
        BETTER, False, "both"
    )


def test_neutral_polarity_gets_no_verdict_even_with_separate_intervals() -> None:
    assert significance_verdict(75.0, 73.0, 77.0, 70.0, 69.5, 70.5, NEUTRAL).outcome is None


@pytest.mark.parametrize(("value", "other"), [(NAN, 70.0), (75.0, NAN), (None, 70.0), (75.0, None)])
def test_a_missing_figure_gets_no_verdict(value: float | None, other: float | None) -> None:
    assert significance_verdict(value, 73.0, 77.0, other, 69.0, 71.0, HIGHER_BETTER).outcome is None


def test_a_zero_comparator_without_intervals_gets_no_verdict_but_with_intervals_is_tested() -> None:
    assert significance_verdict(1.0, None, None, 0.0, None, None, HIGHER_BETTER).outcome is None
    assert significance_verdict(1.0, 0.8, 1.2, 0.0, 0.0, 0.1, HIGHER_BETTER) == Verdict(BETTER, True)


def test_interval_problems_names_each_broken_row_and_keeps_sane_ones_out() -> None:
    rows = pd.DataFrame(
        {
            "area_code": ["ok", "none", "one", "swap", "low", "high", "novalue"],
            "value": [5.0, 5.0, 5.0, 5.0, 3.0, 8.0, NAN],
            "lci": [4.0, NAN, 4.0, 6.0, 4.0, 4.0, 4.0],
            "uci": [6.0, NAN, NAN, 4.0, 6.0, 6.0, 6.0],
        }
    )
    problems = interval_problems(rows)
    assert dict(zip(problems["area_code"], problems["problem"], strict=True)) == {
        "one": "only one limit",
        "swap": "lci above uci",
        "low": "value below lci",
        "high": "value above uci",
        "novalue": "interval without a value",
    }
