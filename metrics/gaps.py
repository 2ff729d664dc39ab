"""Productivity gaps over time: an area against benchmarks, the median area, its parent region, and
every area of a level against its own starting gap (convergence).

Series here are pandas Series indexed by year (int). A year a benchmark lacks stays missing in the
gap (NaN): a gap of zero would claim the area was level with a benchmark that has no value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.comparisons import percent_difference

PARENT_FROM_AREA_TABLE = ("lad", "lep", "cauth")
PARENT_FROM_CODE = ("itl2", "itl3")  # ITL codes nest: TLC14 -> TLC1 -> TLC


@dataclass(frozen=True)
class Line:
    """One benchmark's yearly values (index = year) with the name shown on the chart."""

    key: str
    label: str
    values: pd.Series


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


GAP_COLUMNS = ["period", "benchmark", "key", "area_value", "benchmark_value", "gap_pct"]


def gap_frame(area_values: pd.Series, lines: list[Line]) -> pd.DataFrame:
    """Long table of the gap chart: period, benchmark (label), key, area_value, benchmark_value,
    gap_pct, for every year of the area; a year a benchmark lacks keeps a missing gap."""
    if not lines or area_values.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    years = area_values.index.to_numpy(dtype=int)
    count = len(years)
    area = area_values.to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "period": np.tile(years, len(lines)),
            "benchmark": np.repeat([line.label for line in lines], count),
            "key": np.repeat([line.key for line in lines], count),
            "area_value": np.tile(area, len(lines)),
            "benchmark_value": np.concatenate(
                [line.values.reindex(area_values.index).to_numpy(dtype=float) for line in lines]
            ),
            "gap_pct": np.concatenate(
                [gap_over_time(area_values, line.values).to_numpy(dtype=float) for line in lines]
            ),
        }
    )


def gap_table(frame: pd.DataFrame, index_values: pd.Series | None) -> pd.DataFrame:
    """The gap chart as a table, one row per year: the area's value, its index (UK = 100) where the
    series has one, and the gap to each benchmark in % (columns named 'Gap to ... (%)')."""
    if frame.empty:
        return pd.DataFrame(columns=["Year", "Value"])
    years = pd.unique(frame["period"])
    table = pd.DataFrame({"Year": years.astype(int), "Value": frame["area_value"].to_numpy(dtype=float)[: len(years)]})
    if index_values is not None:
        table["Index (UK = 100)"] = index_values.reindex(years).to_numpy(dtype=float)
    for label, part in frame.groupby("benchmark", sort=False):
        table[f"Gap to {label} (%)"] = part.set_index("period")["gap_pct"].reindex(years).to_numpy(dtype=float)
    return table


@dataclass
class Convergence:
    table: pd.DataFrame
    benchmark_growth: float | None
    missing: int


def convergence(level_rows: pd.DataFrame, benchmark: Line | None, start: int, end: int) -> Convergence:
    """Gap in the start year against growth since, for every area of the level with both values;
    `benchmark_growth` is the benchmark's own growth (areas above it grew faster than the benchmark)."""
    bench_values = benchmark.values if benchmark is not None else pd.Series(dtype=float)
    table = convergence_table(level_rows, bench_values, start, end)
    growth = None
    if start in bench_values.index and end in bench_values.index:
        growth = float(growth_pct(bench_values[start], bench_values[end]))
    areas = level_rows["area_code"].nunique()
    return Convergence(table, growth, int(areas - len(table)))


def hour_job_frame(
    hour_index: pd.DataFrame, job_index: pd.DataFrame, hour: pd.DataFrame, job: pd.DataFrame
) -> pd.DataFrame:
    """One row per area with both indices (UK = 100) in one year: area_code, area_name, hour_index,
    job_index, hour_value, job_value (£). Rows are one level and one year of each indicator."""

    def values(rows: pd.DataFrame) -> pd.Series:
        valued = rows[rows["value"].notna()]
        series = pd.Series(valued["value"].to_numpy(dtype=float), index=valued["area_code"].to_numpy())
        return series[~series.index.duplicated()]

    first = hour_index[hour_index["value"].notna()].drop_duplicates("area_code")
    jobs = values(job_index)
    first = first[first["area_code"].isin(jobs.index)]
    codes = first["area_code"].to_numpy()
    frame = pd.DataFrame(
        {
            "area_code": codes.astype(str),
            "area_name": first["area_name"].astype(str).to_numpy(),
            "hour_index": first["value"].to_numpy(dtype=float),
            "job_index": jobs.reindex(codes).to_numpy(dtype=float),
            "hour_value": values(hour).reindex(codes).to_numpy(dtype=float),
            "job_value": values(job).reindex(codes).to_numpy(dtype=float),
        }
    )
    return frame.sort_values("area_name", ignore_index=True)
