"""One indicator at one level in one year: values ranked and compared with a benchmark."""

from __future__ import annotations

import math

import pandas as pd

from metrics.comparisons import percent_difference, rank_areas


def ranked_table(rows: pd.DataFrame, polarity: str, benchmark: float | None) -> pd.DataFrame:
    """area_code, area_name, value, status (and lci, uci where the rows have them), rank (1 = best, or
    largest if neutral), rank_of (areas with a value), gap_pct to the benchmark; sorted best first, areas
    without a value last."""
    table = rows[["area_code", "area_name", "value", "status", *(c for c in ("lci", "uci") if c in rows)]].copy()
    table["rank"] = rank_areas(table["value"], polarity)
    table["rank_of"] = int(table["value"].notna().sum())
    bench = benchmark if benchmark is not None and not math.isnan(benchmark) else math.nan
    table["gap_pct"] = percent_difference(table["value"], bench)
    return table.sort_values(["rank", "area_name"], na_position="last", ignore_index=True)
