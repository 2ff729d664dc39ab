"""Gap, trajectory and verdict functions for targets."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.targets import (
    ACHIEVED,
    CHANGE,
    CLOSE_GAP,
    NOT_ACHIEVED,
    NOT_MEASURABLE,
    OFF_TRACK,
    ON_TRACK,
    REACH_VALUE,
    Target,
    assess,
    gap_series,
    rebased,
    trajectory,
    uses_relative_gap,
)


def _series(values: dict[int, float]) -> pd.Series:
    return pd.Series(values, dtype=float)


def _halve(baseline: int = 2014, target: int = 2024) -> Target:
    return Target("halve", "A", "x", CLOSE_GAP, 50, baseline, target, "B")


BENCH = _series({year: 100.0 for year in range(2014, 2025)})


def test_gap_and_relative_gap() -> None:
    gap = gap_series(_series({2020: 90, 2021: 95}), _series({2020: 100, 2021: 100, 2022: 100}))
    assert gap.to_dict() == {2020: -10, 2021: -5}
    relative = gap_series(_series({2020: 45}), _series({2020: 50}), relative=True)
    assert relative[2020] == pytest.approx(-10)
    assert uses_relative_gap("£") and uses_relative_gap("count") and not uses_relative_gap("%")


def test_trajectory_is_a_straight_line() -> None:
    line = trajectory(2014, -10.0, 2024, -5.0, [2014, 2019, 2024])
    assert line.tolist() == [-10.0, -7.5, -5.0]


def test_narrowing_gap_is_on_track() -> None:
    area = _series({2014: 90, 2016: 92, 2018: 94})  # gap -10 -> -6; the line needs -8 by 2018
    result = assess(_halve(), area, BENCH)
    assert result.verdict == ON_TRACK
    assert result.baseline == -10 and result.target == -5 and result.latest_year == 2018
    assert result.required_now == pytest.approx(-8)


def test_widening_gap_is_off_track() -> None:
    result = assess(_halve(), _series({2014: 90, 2018: 88}), BENCH)
    assert result.verdict == OFF_TRACK


def test_gap_crossing_zero_counts_as_achieved() -> None:
    result = assess(_halve(), _series({2014: 90, 2017: 103}), BENCH)
    assert result.verdict == ACHIEVED


def test_missing_years_are_gaps_not_zeros() -> None:
    result = assess(_halve(), _series({2014: 90, 2015: float("nan"), 2018: 94}), BENCH)
    assert 2015 in result.path["period"].tolist()
    assert pd.isna(result.path.loc[result.path["period"] == 2015, "actual"]).all()
    assert result.verdict == ON_TRACK


def test_target_year_in_the_past_is_judged_at_the_target_year() -> None:
    target = _halve(2014, 2018)
    assert assess(target, _series({2014: 90, 2018: 96, 2020: 80}), BENCH).verdict == ACHIEVED
    assert assess(target, _series({2014: 90, 2018: 93, 2020: 99}), BENCH).verdict == NOT_ACHIEVED
    missing = assess(target, _series({2014: 90, 2017: 99, 2020: 99}), BENCH)
    assert missing.verdict == NOT_MEASURABLE and "target year 2018" in missing.reason


def test_target_year_in_the_future_uses_the_latest_year() -> None:
    result = assess(_halve(2014, 2030), _series({2014: 90, 2020: 93}), BENCH)
    # line: -10 -> -5 over 16 years; needs -8.125 in 2020; actual -7
    assert result.verdict == ON_TRACK and result.latest_year == 2020


def test_missing_benchmark_or_baseline_is_not_measurable() -> None:
    assert assess(_halve(), _series({2014: 90, 2018: 94}), None).verdict == NOT_MEASURABLE
    assert assess(_halve(), _series({2014: 90}), _series({})).verdict == NOT_MEASURABLE
    no_baseline = assess(_halve(), _series({2018: 90, 2020: 94}), BENCH)
    assert no_baseline.verdict == NOT_MEASURABLE and "baseline year 2014" in no_baseline.reason
    no_gap = assess(_halve(), _series({2014: 100, 2018: 94}), BENCH)
    assert no_gap.verdict == NOT_MEASURABLE and "no gap" in no_gap.reason


def test_change_and_value_targets() -> None:
    jobs = Target("jobs", "A", "filled_jobs", CHANGE, 100, 2014, 2024)
    assert assess(jobs, _series({2014: 1000, 2019: 1060})).verdict == ON_TRACK  # needs 1050
    assert assess(jobs, _series({2014: 1000, 2019: 1040})).verdict == OFF_TRACK
    falling = Target("claimants", "A", "claimant_rate", REACH_VALUE, 2.0, 2014, 2024)
    assert assess(falling, _series({2014: 4.0, 2019: 2.9})).verdict == ON_TRACK  # needs 3.0
    assert assess(falling, _series({2014: 4.0, 2019: 1.9})).verdict == ACHIEVED


def test_unmeasurable_target_keeps_its_reason() -> None:
    target = Target("better jobs", "A", "x", CHANGE, 0, 2014, 2024, unmeasurable_reason="no definition")
    result = assess(target, _series({2014: 1, 2020: 2}))
    assert result.verdict == NOT_MEASURABLE and result.reason == "no definition"


def test_invalid_targets_are_rejected() -> None:
    with pytest.raises(ValueError, match="after the baseline"):
        Target("t", "A", "x", CHANGE, 1, 2020, 2020)
    with pytest.raises(ValueError, match="needs a benchmark"):
        Target("t", "A", "x", CLOSE_GAP, 50, 2014, 2024)
    assert rebased(_halve(), 2018).baseline_year == 2018


def test_reason_shows_counts_as_whole_numbers_and_gaps_with_decimals() -> None:
    jobs = Target("jobs", "A", "filled_jobs", CHANGE, 100_000, 2014, 2024)
    reason = assess(jobs, _series({2014: 834_022, 2019: 835_000})).reason  # the line needs 884,022 by 2019
    assert reason.endswith("needs 884,022 by then and the actual is 835,000")
    gap = assess(_halve(2014, 2030), _series({2014: 90, 2020: 93}), BENCH).reason  # needs -8.125, actual -7
    assert gap.endswith("needs a gap of -8.12 by then and the actual gap is -7.00")
