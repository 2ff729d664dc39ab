"""Numbers as people read them, by unit: £41.87, 76.0%, £2,113m, 1,234, index 101.5; gaps with their sign
and unit (+4.2%, -3.81 percentage points). Every number on screen goes through here, so none reads
"-0.00" (a value that rounds to zero is shown as 0) and none loses its unit."""

from __future__ import annotations

import math

PERCENTAGE_POINTS = "percentage points"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def rounded(value: float, decimals: int) -> float:
    """`value` rounded for display, with a negative zero made positive (never "-0.00")."""
    result = round(float(value), decimals)
    return 0.0 if result == 0 else result


def format_value(value: float | None, unit: str, decimals: int) -> str:
    """A value with its unit; "no data" for a missing value."""
    if _missing(value):
        return "no data"
    if unit in {"count", "persons"}:
        return f"{rounded(value, 0):,.0f}"
    number = rounded(value, decimals)
    if unit == "£":
        return f"-£{-number:,.{decimals}f}" if number < 0 else f"£{number:,.{decimals}f}"
    if unit == "£m":
        return f"-£{-number:,.{decimals}f}m" if number < 0 else f"£{number:,.{decimals}f}m"
    if unit == "%":
        return f"{number:,.{decimals}f}%"
    if unit == "hours":
        return f"{number:,.{decimals}f} hours"
    return f"{number:,.{decimals}f}"


def format_signed(value: float | None, decimals: int, unit: str) -> str:
    """A difference with its sign and unit ("+1.23 percentage points", "-4.2%"); zero has no sign; empty
    when there is nothing to show."""
    if _missing(value):
        return ""
    number = rounded(value, decimals)
    text = f"{number:+,.{decimals}f}" if number else f"{0:.{decimals}f}"
    return f"{text}%" if unit == "%" else f"{text} {unit}"


def format_gap(gap_pct: float | None) -> str:
    """'+4.2%' / '-14.2%' relative to a benchmark; empty when there is no gap to show."""
    return format_signed(gap_pct, 1, "%")


def format_target_gap(value: float | None, relative: bool, decimals: int = 2) -> str:
    """A gap to a target's benchmark: in % of the benchmark's value for money and counts, in percentage
    points for rates ("-3.81 percentage points"); "n/a" when there is none."""
    if _missing(value):
        return "n/a"
    return format_signed(value, decimals, "%" if relative else PERCENTAGE_POINTS)


MISSING_CELL = "no data"  # what a table cell without a value shows (Streamlit would show "None")
