"""Numbers as people read them, by unit, and gaps with their sign."""

from __future__ import annotations

import math

import numpy as np
import pytest

from components.formatting import format_gap, format_value


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (41.866, "£", 2, "£41.87"),
        (41.8, "£", 2, "£41.80"),
        (28412.4, "£", 0, "£28,412"),
        (1234567.891, "£", 1, "£1,234,567.9"),
        (0.0, "£", 2, "£0.00"),
        (76.04, "%", 1, "76.0%"),
        (23.456, "%", 1, "23.5%"),
        (0.0, "%", 1, "0.0%"),
        (1234.0, "count", 0, "1,234"),
        (1234.4, "count", 2, "1,234"),  # counts are whole numbers whatever the decimals say
        (56550123.0, "persons", 0, "56,550,123"),
        (101.53, "index", 1, "101.5"),
        (2.456, "ratio", 2, "2.46"),
        (12345.6, "ratio", 1, "12,345.6"),
    ],
)
def test_format_value_by_unit(value: float, unit: str, decimals: int, expected: str) -> None:
    assert format_value(value, unit, decimals) == expected


def test_numpy_floats_are_formatted_like_floats() -> None:
    assert format_value(np.float64(41.866), "£", 2) == "£41.87"


@pytest.mark.parametrize("missing", [None, math.nan, np.nan, np.float64("nan")])
@pytest.mark.parametrize("unit", ["£", "%", "count", "index"])
def test_missing_value_is_no_data_never_zero(missing: float | None, unit: str) -> None:
    text = format_value(missing, unit, 1)
    assert text == "no data"
    assert "0" not in text


@pytest.mark.parametrize(
    ("gap", "expected"),
    [(4.24, "+4.2%"), (-14.21, "-14.2%"), (-14.26, "-14.3%"), (0.0, "0.0%"), (123.456, "+123.5%")],
)
def test_format_gap_has_a_sign_and_one_decimal(gap: float, expected: str) -> None:
    assert format_gap(gap) == expected


@pytest.mark.parametrize("missing", [None, math.nan, np.float64("nan")])
def test_format_gap_of_nothing_is_empty(missing: float | None) -> None:
    assert format_gap(missing) == ""


@pytest.mark.parametrize(
    ("value", "decimals", "unit", "expected"),
    [
        (-0.001, 2, "percentage points", "0.00 percentage points"),  # issue 11: a target read "-0.00 points"
        (-0.004, 2, "%", "0.00%"),
        (-3.8149, 2, "percentage points", "-3.81 percentage points"),
        (2.5, 1, "%", "+2.5%"),
    ],
)
def test_signed_numbers_never_read_minus_zero_and_carry_their_unit(
    value: float, decimals: int, unit: str, expected: str
) -> None:
    from components.formatting import format_signed  # new in issue 11: imported here so older code fails here

    assert format_signed(value, decimals, unit) == expected


def test_values_that_round_to_zero_have_no_minus_sign() -> None:
    assert format_value(-0.004, "£", 2) == "£0.00"
    assert format_value(-0.04, "%", 1) == "0.0%"
    assert format_value(-12.5, "£", 2) == "-£12.50"
    assert format_value(2113330.4, "£m", 0) == "£2,113,330m"
    assert format_gap(-0.04) == "0.0%"


def test_target_gaps_say_points_or_percent() -> None:
    from components.formatting import format_target_gap

    assert format_target_gap(-3.8149, relative=False) == "-3.81 percentage points"
    assert format_target_gap(-3.8149, relative=True) == "-3.81%"
    assert format_target_gap(-0.0001, relative=False) == "0.00 percentage points"
    assert format_target_gap(None, relative=True) == "n/a"
