"""Colour classification for choropleths: quantile classes, fills, diverging breaks, legend rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from components.palettes import (
    DIVERGING_6,
    NO_DATA,
    SUPPRESSED,
    VIRIDIS_5,
    class_index,
    diverging_breaks,
    fill_colour,
    legend_entries,
    quantile_breaks,
    rgba_css,
)

ONE_TO_TEN = pd.Series([float(v) for v in range(1, 11)])


def fmt(value: float) -> str:
    return f"{value:.1f}"


# --- quantile_breaks ---------------------------------------------------------------------------


def test_quantile_breaks_of_one_to_ten() -> None:
    # Linear-interpolated quantiles of 1..10 at 20%, 40%, ..., 100%: 1 + p * 9.
    assert quantile_breaks(ONE_TO_TEN) == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])


def test_quantile_breaks_ignore_missing_values() -> None:
    with_gaps = pd.concat([ONE_TO_TEN, pd.Series([math.nan, math.nan])], ignore_index=True)
    assert quantile_breaks(with_gaps) == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])


def test_quantile_breaks_are_ascending_and_end_at_the_maximum() -> None:
    values = pd.Series([41.2, 3.0, 17.5, 17.5, 99.9, 0.4, 58.1, 23.0, 23.0, 7.7, 64.0])
    breaks = quantile_breaks(values)
    assert breaks == sorted(breaks)
    assert len(set(breaks)) == len(breaks)
    assert breaks[-1] == pytest.approx(99.9)
    assert breaks[0] > values.min()


def test_quantile_breaks_of_nothing_and_of_one_repeated_value() -> None:
    assert quantile_breaks(pd.Series([math.nan, math.nan], dtype=float)) == []
    assert quantile_breaks(pd.Series([], dtype=float)) == []
    assert quantile_breaks(pd.Series([5.0, 5.0, 5.0])) == [5.0]


def test_quantile_breaks_with_fewer_classes() -> None:
    assert quantile_breaks(ONE_TO_TEN, classes=2) == pytest.approx([5.5, 10.0])


# --- class_index ---------------------------------------------------------------------------------


BREAKS = [2.8, 4.6, 6.4, 8.2, 10.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1.0, 0), (2.8, 0), (2.81, 1), (4.6, 1), (5.0, 2), (6.4, 2), (8.0, 3), (8.2, 3), (9.9, 4), (10.0, 4)],
)
def test_class_index_uses_upper_bounds(value: float, expected: int) -> None:
    assert class_index(value, BREAKS) == expected


def test_class_index_above_the_top_break_is_the_top_class() -> None:
    assert class_index(12.0, BREAKS) == 4


def test_class_index_of_missing_values_or_without_breaks_is_none() -> None:
    assert class_index(math.nan, BREAKS) is None
    assert class_index(None, BREAKS) is None  # type: ignore[arg-type]
    assert class_index(3.0, []) is None


# --- fill_colour ---------------------------------------------------------------------------------


def test_missing_value_is_grey_and_suppressed_is_white() -> None:
    assert NO_DATA != SUPPRESSED
    assert fill_colour(math.nan, "", BREAKS, VIRIDIS_5) == NO_DATA
    assert fill_colour(math.nan, "unavailable", BREAKS, VIRIDIS_5) == NO_DATA
    assert fill_colour(math.nan, "suppressed", BREAKS, VIRIDIS_5) == SUPPRESSED
    assert SUPPRESSED[:3] == (255, 255, 255)


def test_missing_and_suppressed_fills_are_never_class_colours() -> None:
    for palette in (VIRIDIS_5, DIVERGING_6):
        assert NO_DATA not in palette
        assert SUPPRESSED not in palette


def test_zero_is_a_value_not_missing() -> None:
    breaks = [0.0, 1.0, 2.0, 3.0, 4.0]
    assert fill_colour(0.0, "", breaks, VIRIDIS_5) == VIRIDIS_5[0]


def test_classes_take_palette_colours_in_order() -> None:
    values = [1.0, 4.0, 6.0, 8.0, 10.0]  # one in each class of BREAKS
    assert [fill_colour(v, "", BREAKS, VIRIDIS_5) for v in values] == list(VIRIDIS_5)
    assert fill_colour(3.0, "provisional", BREAKS, VIRIDIS_5) == VIRIDIS_5[1]


def test_fewer_classes_than_colours_still_ascend_through_the_palette() -> None:
    breaks = [5.0, 10.0]
    low, high = fill_colour(1.0, "", breaks, VIRIDIS_5), fill_colour(9.0, "", breaks, VIRIDIS_5)
    assert low in VIRIDIS_5 and high in VIRIDIS_5
    assert VIRIDIS_5.index(low) < VIRIDIS_5.index(high)


def test_viridis_runs_from_light_to_dark() -> None:
    # Sequential palette: low values light, high values dark (relative luminance decreases).
    def luminance(rgba: tuple[int, int, int, int]) -> float:
        r, g, b, _ = rgba
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lums = [luminance(c) for c in VIRIDIS_5]
    assert lums == sorted(lums, reverse=True)
    assert all(c[3] == 255 for c in VIRIDIS_5)


# --- diverging_breaks ----------------------------------------------------------------------------


def test_diverging_breaks_are_symmetric_about_zero() -> None:
    breaks = diverging_breaks(pd.Series([-30.0, 10.0, 5.0, math.nan]))
    assert breaks == pytest.approx([-20.0, -10.0, 0.0, 10.0, 20.0, 30.0])
    interior = breaks[:-1]  # the last break is the top class's upper bound (the largest gap)
    assert sorted(interior) == pytest.approx(sorted(-b for b in interior))
    assert 0.0 in breaks
    assert len(breaks) == len(DIVERGING_6)


def test_diverging_breaks_use_the_largest_absolute_gap_on_either_side() -> None:
    assert diverging_breaks(pd.Series([3.0, -1.0]))[-1] == pytest.approx(3.0)
    assert diverging_breaks(pd.Series([-12.0, 1.0]))[-1] == pytest.approx(12.0)


def test_diverging_breaks_of_no_gap_do_not_collapse() -> None:
    for values in (pd.Series([0.0, 0.0]), pd.Series([], dtype=float)):
        breaks = diverging_breaks(values)
        assert breaks == sorted(breaks)
        assert len(set(breaks)) == len(breaks)


def test_diverging_fills_separate_above_from_below() -> None:
    breaks = diverging_breaks(pd.Series([-30.0, 30.0]))
    below = [fill_colour(v, "", breaks, DIVERGING_6) for v in (-30.0, -15.0, -0.1)]
    above = [fill_colour(v, "", breaks, DIVERGING_6) for v in (0.1, 15.0, 30.0)]
    assert below + above == list(DIVERGING_6)
    assert fill_colour(-0.1, "", breaks, DIVERGING_6) != fill_colour(0.1, "", breaks, DIVERGING_6)


# --- legend_entries ------------------------------------------------------------------------------


def test_legend_rows_run_low_to_high_in_palette_order() -> None:
    entries = legend_entries(BREAKS, VIRIDIS_5, fmt, has_missing=False, has_suppressed=False, lower_bound=1.0)
    assert [e.kind for e in entries] == ["class"] * 5
    assert [e.rgba for e in entries] == list(VIRIDIS_5)
    assert "1.0" in entries[0].label and "2.8" in entries[0].label
    for previous, entry, upper in zip([1.0, *BREAKS], entries, BREAKS, strict=False):
        assert fmt(previous) in entry.label
        assert fmt(upper) in entry.label
        assert entry.label.index(fmt(previous)) < entry.label.index(fmt(upper))


def test_legend_without_lower_bound_still_names_each_upper_bound() -> None:
    entries = legend_entries(BREAKS, VIRIDIS_5, fmt, has_missing=False, has_suppressed=False)
    assert [fmt(b) in e.label for b, e in zip(BREAKS, entries, strict=True)] == [True] * 5


@pytest.mark.parametrize(
    ("has_missing", "has_suppressed", "extra"),
    [
        (False, False, []),
        (True, False, [("no_data", NO_DATA)]),
        (False, True, [("suppressed", SUPPRESSED)]),
        (True, True, [("no_data", NO_DATA), ("suppressed", SUPPRESSED)]),
    ],
)
def test_no_data_and_suppressed_rows_only_when_present(
    has_missing: bool, has_suppressed: bool, extra: list[tuple[str, tuple[int, int, int, int]]]
) -> None:
    entries = legend_entries(BREAKS, VIRIDIS_5, fmt, has_missing=has_missing, has_suppressed=has_suppressed)
    tail = [(e.kind, e.rgba) for e in entries[len(BREAKS) :]]
    assert tail == extra
    labels = " ".join(e.label.lower() for e in entries[len(BREAKS) :])
    assert ("no data" in labels) == has_missing
    assert ("suppressed" in labels) == has_suppressed


def test_legend_of_no_classes() -> None:
    entries = legend_entries([], VIRIDIS_5, fmt, has_missing=True, has_suppressed=False)
    assert [e.kind for e in entries] == ["no_data"]


def test_rgba_css() -> None:
    assert rgba_css((255, 0, 128, 255)) == "rgba(255, 0, 128, 1.00)"
    assert rgba_css((0, 0, 0, 0)) == "rgba(0, 0, 0, 0.00)"
