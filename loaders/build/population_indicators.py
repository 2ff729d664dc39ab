"""Population and GDP for every level (sums of LAD figures) and GDP per head for LEPs and
England excluding London (sum of GDP over sum of population), from the ONS GDP LA workbook."""

from __future__ import annotations

import pandas as pd

from loaders.snapshot_schema import tidy_rows
from metrics.aggregation import ratio_of_sums, sum_members

POUNDS_PER_MILLION = 1_000_000


def population_rows(
    population: pd.DataFrame,
    memberships: dict[str, pd.DataFrame],
    names: dict[str, dict[str, str]],
    indicator: str = "population",
) -> pd.DataFrame:
    """population (persons), or another additive LAD table such as GDP (£m), for every level in
    `memberships`; groups missing a member are missing."""
    rows = []
    values = population[["area_code", "period", "value"]]
    for level, membership in memberships.items():
        summed = sum_members(values, membership).rename(columns={"group_code": "area_code"})
        summed["area_name"] = summed["area_code"].map(names[level])
        if level == "lad":
            summed = summed.merge(population[["area_code", "period", "status"]], on=["area_code", "period"])
        rows.append(tidy_rows(summed, indicator, level, status=None if level == "lad" else "derived"))
    return pd.concat(rows, ignore_index=True)


def gdp_per_head_rows(
    gdp_millions: pd.DataFrame,
    population: pd.DataFrame,
    memberships: dict[str, pd.DataFrame],
    names: dict[str, dict[str, str]],
) -> pd.DataFrame:
    """GDP per head (£) = sum of GDP / sum of population, for the levels ONS does not publish."""
    rows = []
    for level, membership in memberships.items():
        ratio = ratio_of_sums(gdp_millions, population, membership, scale=POUNDS_PER_MILLION)
        ratio = ratio.rename(columns={"group_code": "area_code"})
        ratio["area_name"] = ratio["area_code"].map(names[level])
        rows.append(tidy_rows(ratio, "gdp_per_head", level, status="derived"))
    return pd.concat(rows, ignore_index=True)
