"""Options for the shared sidebar and per-page pickers, derived from the snapshot."""

from __future__ import annotations

import pandas as pd

PREFERRED_YEAR = 2023  # latest year of the ONS productivity and GVA releases in the snapshot


def area_names(areas: pd.DataFrame, level: str) -> dict[str, str]:
    """code -> name of the mapped areas of a level, sorted by name."""
    rows = areas[areas["geography"] == level].sort_values("area_name")
    return dict(zip(rows["area_code"], rows["area_name"], strict=True))


def default_year(years: list[int]) -> int | None:
    """The productivity tables' latest year if the level has it, else the newest year."""
    if not years:
        return None
    return PREFERRED_YEAR if PREFERRED_YEAR in years else years[0]


def nearest_year(available: list[int], wanted: int) -> int | None:
    """`wanted` if available, else the latest year before it, else the earliest year after it."""
    if not available:
        return None
    if wanted in available:
        return wanted
    earlier = [year for year in available if year < wanted]
    return max(earlier) if earlier else min(available)
