"""Numbers as people read them, by unit: £41.87, 76.0%, 1,234, index 101.5."""

from __future__ import annotations

import math


def format_value(value: float | None, unit: str, decimals: int) -> str:
    """A value with its unit; "no data" for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    if unit == "£":
        return f"£{value:,.{decimals}f}"
    if unit == "%":
        return f"{value:,.{decimals}f}%"
    if unit in {"count", "persons"}:
        return f"{value:,.0f}"
    return f"{value:,.{decimals}f}"


def format_gap(gap_pct: float | None) -> str:
    """'+4.2%' / '-14.2%' relative to a benchmark; empty when there is no gap to show."""
    if gap_pct is None or (isinstance(gap_pct, float) and math.isnan(gap_pct)):
        return ""
    return f"{gap_pct:+.1f}%"


MISSING_CELL = "no data"  # what a table cell without a value shows (Streamlit would show "None")
