"""Workplace-based median weekly pay from ASHE table 7 (residence-based pay comes from ELS)."""

from __future__ import annotations

import pandas as pd

from loaders.snapshot_schema import tidy_rows
from loaders.sources.explore_local_statistics import classify_area_code

ASHE_LEVELS = ("uk", "country", "rgn", "lad")


def workplace_pay_rows(ashe: pd.DataFrame, lad_codes: set[str]) -> pd.DataFrame:
    """median_weekly_pay_workplace rows for the UK, England, regions and 2023-set LADs."""
    frame = ashe.rename(columns={"median": "value", "status_median": "status"})
    frame["geography"] = frame["area_code"].map(classify_area_code)
    frame = frame[frame["geography"].isin(ASHE_LEVELS)]
    frame = frame[(frame["geography"] != "lad") | frame["area_code"].isin(lad_codes)]
    frame = frame[(frame["geography"] != "country") | frame["area_code"].str.startswith("E")]
    rows = [tidy_rows(part, "median_weekly_pay_workplace", geography) for geography, part in frame.groupby("geography")]
    return pd.concat(rows, ignore_index=True)
