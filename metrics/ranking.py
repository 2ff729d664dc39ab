"""One indicator at one level in one year: values ranked and compared with a benchmark."""

from __future__ import annotations

import math

import pandas as pd

from metrics.comparisons import LOWER_BETTER, NEUTRAL, ordinal, percent_difference, rank_areas

LEVEL_NOUNS = {
    "lep": ("LEP", "LEPs"),
    "itl1": ("ITL1 region", "ITL1 regions"),
    "itl2": ("ITL2 region", "ITL2 regions"),
    "itl3": ("ITL3 region", "ITL3 regions"),
    "lad": ("local authority", "local authorities"),
    "cauth": ("combined authority", "combined authorities"),
    "rgn": ("region", "regions"),
}


def ranked_table(rows: pd.DataFrame, polarity: str, benchmark: float | None) -> pd.DataFrame:
    """area_code, area_name, value, status, rank (1 = best, or largest if neutral), rank_of (areas
    with a value), gap_pct to the benchmark; sorted best first, areas without a value last."""
    table = rows[["area_code", "area_name", "value", "status"]].copy()
    table["rank"] = rank_areas(table["value"], polarity)
    table["rank_of"] = int(table["value"].notna().sum())
    bench = benchmark if benchmark is not None and not math.isnan(benchmark) else math.nan
    table["gap_pct"] = percent_difference(table["value"], bench)
    return table.sort_values(["rank", "area_name"], na_position="last", ignore_index=True)


def headline_sentence(
    area_name: str,
    rank: int | None,
    rank_of: int,
    level: str,
    gap_pct: float | None,
    benchmark_name: str | None,
    polarity: str,
) -> str:
    """'North East was ranked 31st of 38 LEPs; 14.2% below England excluding London.'"""
    plural = LEVEL_NOUNS.get(level, (level, level))[1]
    if rank is None or pd.isna(rank):
        return f"{area_name} has no value for this indicator and year."
    order = "largest" if polarity == NEUTRAL else ("lowest" if polarity == LOWER_BETTER else "highest")
    text = f"{area_name} ranks {ordinal(int(rank))} of {rank_of} {plural} ({ordinal(1)} = {order})"
    if gap_pct is None or pd.isna(gap_pct) or not benchmark_name:
        return text + "."
    if abs(gap_pct) < 0.05:
        return text + f"; level with {benchmark_name}."
    direction = "above" if gap_pct > 0 else "below"
    return text + f"; {abs(gap_pct):.1f}% {direction} {benchmark_name}."
