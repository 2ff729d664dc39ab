"""Productivity gaps over time: an area against benchmarks, the median area, its parent region, and
every area of a level against its own starting gap (convergence).

Series here are pandas Series indexed by year (int). A year a benchmark lacks stays missing in the
gap (NaN): a gap of zero would claim the area was level with a benchmark that has no value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.comparisons import percent_difference

PARENT_FROM_AREA_TABLE = ("lad", "lep", "cauth")
PARENT_FROM_CODE = ("itl2", "itl3")  # ITL codes nest: TLC14 -> TLC1 -> TLC


def by_year(rows: pd.DataFrame, area_code: str) -> pd.Series:
    """period -> value of one area (years without a value left out), sorted by year."""
    mask = (rows["area_code"] == area_code).to_numpy(dtype=bool) & rows["value"].notna().to_numpy(dtype=bool)
    series = pd.Series(rows["value"].to_numpy(dtype=float)[mask], index=rows["period"].to_numpy(dtype=int)[mask])
    if not series.index.is_unique:
        series = series[~series.index.duplicated()]
    return series if series.index.is_monotonic_increasing else series.sort_index()


def yearly_median(level_rows: pd.DataFrame) -> pd.Series:
    """period -> median value across the level's areas that have a value that year. The median area
    is a benchmark that does not depend on where the level's big areas are."""
    valued = level_rows[level_rows["value"].notna()]
    median = valued.groupby("period")["value"].median()
    median.index = median.index.astype(int)
    return median.astype(float).sort_index()


def gap_over_time(values: pd.Series, benchmark: pd.Series) -> pd.Series:
    """(value / benchmark - 1) * 100 for every year of `values`; NaN where the benchmark has no value
    (or a zero one), never 0."""
    aligned = benchmark.reindex(values.index).where(lambda s: s != 0)
    gap = percent_difference(values.astype(float), aligned.astype(float))
    return gap.replace([np.inf, -np.inf], np.nan)


def growth_pct(start: pd.Series | float, end: pd.Series | float) -> pd.Series | float:
    """Growth from start to end in % ((end / start - 1) * 100)."""
    return (end / start - 1) * 100


def parent_itl1(areas: pd.DataFrame, level: str, area_code: str) -> str | None:
    """The ITL1 region (or nation) an area lies in: from the area table for LADs, LEPs and combined
    authorities, from the nested code for ITL2/ITL3; None for ITL1 areas themselves (they have no
    parent region) and for areas the table does not place."""
    if level in PARENT_FROM_CODE:
        return area_code[:3] if len(area_code) > 3 else None
    if level not in PARENT_FROM_AREA_TABLE:
        return None
    match = areas.loc[(areas["geography"] == level) & (areas["area_code"] == area_code), "parent_itl1"]
    if match.empty or pd.isna(match.iloc[0]) or not str(match.iloc[0]).strip():
        return None
    return str(match.iloc[0])


def convergence_table(level_rows: pd.DataFrame, benchmark: pd.Series, start: int, end: int) -> pd.DataFrame:
    """One row per area with a value in both years: area_code, area_name, start_value, end_value,
    gap_start_pct (to `benchmark` in the start year) and growth_pct (start to end). Plotting the two
    against each other shows whether areas that started behind grew faster (catching up)."""

    def year_values(year: int) -> pd.DataFrame:
        picked = level_rows[(level_rows["period"] == year) & level_rows["value"].notna()]
        return picked.drop_duplicates("area_code").set_index("area_code")[["area_name", "value"]]

    first, last = year_values(start), year_values(end)
    codes = first.index.intersection(last.index, sort=False)
    first, last = first.loc[codes], last.loc[codes]
    table = pd.DataFrame(
        {
            "area_code": codes.astype(str),
            "area_name": first["area_name"].astype(str).to_numpy(),
            "start_value": first["value"].to_numpy(dtype=float),
            "end_value": last["value"].to_numpy(dtype=float),
        }
    )
    bench_start = benchmark.get(start, np.nan)
    usable = pd.notna(bench_start) and bench_start != 0
    table["gap_start_pct"] = percent_difference(table["start_value"], bench_start) if usable else np.nan
    table["growth_pct"] = growth_pct(table["start_value"], table["end_value"])
    return table.sort_values("area_name", ignore_index=True)
