"""Gaps, location quotients, ranks, quartile bands and ordinals on hand-computed cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.comparisons import (
    HIGHER_BETTER,
    LOWER_BETTER,
    NEUTRAL,
    location_quotient,
    ordinal,
    percent_difference,
    quartile_band,
    rank_areas,
)


def as_list(series: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in series]


# --- percent_difference / location_quotient ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reference", "expected"),
    [(110.0, 100.0, 10.0), (90.0, 100.0, -10.0), (100.0, 100.0, 0.0), (33.66, 39.25, -14.242038216560509)],
)
def test_percent_difference_scalars(value: float, reference: float, expected: float) -> None:
    assert percent_difference(value, reference) == pytest.approx(expected)


def test_percent_difference_series_keeps_index_and_missing() -> None:
    values = pd.Series([50.0, 25.0, math.nan], index=["a", "b", "c"])
    result = percent_difference(values, 40.0)
    assert list(result.index) == ["a", "b", "c"]
    assert result["a"] == pytest.approx(25.0)
    assert result["b"] == pytest.approx(-37.5)
    assert math.isnan(result["c"])


def test_percent_difference_against_missing_reference_is_missing() -> None:
    assert math.isnan(percent_difference(10.0, math.nan))


def test_location_quotient() -> None:
    # The seed claim: 23% of the economy against a 9.2% national share is 2.5x the national average.
    assert location_quotient(23.0, 9.2) == pytest.approx(2.5)
    assert location_quotient(9.2, 9.2) == pytest.approx(1.0)
    shares = pd.Series([4.6, 18.4, math.nan])
    result = location_quotient(shares, 9.2)
    assert list(result[:2]) == pytest.approx([0.5, 2.0])
    assert math.isnan(result[2])


# --- rank_areas ----------------------------------------------------------------------------------


def test_higher_better_ranks_the_largest_first() -> None:
    assert as_list(rank_areas(pd.Series([10.0, 30.0, 20.0]), HIGHER_BETTER)) == [3, 1, 2]


def test_lower_better_ranks_the_smallest_first() -> None:
    assert as_list(rank_areas(pd.Series([10.0, 30.0, 20.0]), LOWER_BETTER)) == [1, 3, 2]


def test_neutral_ranks_by_size_largest_first() -> None:
    assert as_list(rank_areas(pd.Series([10.0, 30.0, 20.0]), NEUTRAL)) == [3, 1, 2]


@pytest.mark.parametrize("polarity", [HIGHER_BETTER, LOWER_BETTER, NEUTRAL])
def test_missing_values_are_unranked_and_do_not_count(polarity: str) -> None:
    ranks = rank_areas(pd.Series([5.0, math.nan, 7.0]), polarity)
    assert pd.isna(ranks[1])
    assert sorted(as_list(ranks[[0, 2]])) == [1, 2]  # the gap does not push anyone to rank 3


def test_ties_share_the_better_rank_and_the_next_rank_is_skipped() -> None:
    values = pd.Series([30.0, 10.0, 30.0, 20.0])
    assert as_list(rank_areas(values, HIGHER_BETTER)) == [1, 4, 1, 3]
    assert as_list(rank_areas(values, LOWER_BETTER)) == [3, 1, 3, 2]


def test_ranks_keep_the_index() -> None:
    values = pd.Series([1.0, 2.0], index=["E1", "E2"])
    ranks = rank_areas(values, HIGHER_BETTER)
    assert ranks["E2"] == 1 and ranks["E1"] == 2


# --- quartile_band -------------------------------------------------------------------------------


def test_quartile_bands_of_eight_values() -> None:
    values = pd.Series([8.0, 1.0, 7.0, 2.0, 6.0, 3.0, 5.0, 4.0])
    expected = {1.0: 1, 2.0: 1, 3.0: 2, 4.0: 2, 5.0: 3, 6.0: 3, 7.0: 4, 8.0: 4}
    assert as_list(quartile_band(values)) == [expected[v] for v in values]


def test_quartile_bands_split_twelve_areas_three_per_band() -> None:
    values = pd.Series([float(v) for v in range(12)])
    bands = as_list(quartile_band(values))
    assert bands == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]


def test_quartile_bands_ignore_missing_values() -> None:
    bands = quartile_band(pd.Series([1.0, math.nan, 2.0, 3.0, 4.0]))
    assert as_list(bands) == [1, None, 2, 3, 4]


def test_quartile_bands_are_monotonic_in_value() -> None:
    values = pd.Series([3.3, 9.1, 0.2, 5.5, 5.5, 7.0, 1.1, 8.8, 2.4, 6.6, 4.0])
    bands = quartile_band(values)
    order = values.sort_values().index
    assert as_list(bands[order]) == sorted(as_list(bands[order]))  # type: ignore[type-var]
    assert set(as_list(bands)) == {1, 2, 3, 4}
    assert bands[4] == bands[3]  # equal values, equal band


# --- ordinal -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (10, "10th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (14, "14th"),
        (20, "20th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (31, "31st"),
        (38, "38th"),
        (101, "101st"),
        (102, "102nd"),
        (111, "111th"),
        (112, "112th"),
        (113, "113th"),
        (121, "121st"),
        (361, "361st"),
        (1000, "1000th"),
        (1011, "1011th"),
    ],
)
def test_ordinal(n: int, expected: str) -> None:
    assert ordinal(n) == expected
