"""Comparisons of areas: gaps to a benchmark, ranks, location quotients, quartile bands."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

HIGHER_BETTER = "higher_better"
LOWER_BETTER = "lower_better"
NEUTRAL = "neutral"


def percent_difference(value: pd.Series | float, reference: pd.Series | float) -> pd.Series | float:
    """(value / reference - 1) * 100: how far above (+) or below (-) the reference, in %."""
    return (value / reference - 1) * 100


def location_quotient(area_share: pd.Series | float, reference_share: pd.Series | float) -> pd.Series | float:
    """An area's share of an activity relative to the reference area's share (1 = same concentration)."""
    return area_share / reference_share


def rank_areas(values: pd.Series, polarity: str) -> pd.Series:
    """Rank 1 = best. Higher values rank first unless lower is better; neutral indicators rank by
    size (largest first). Missing values get no rank; ties share the better rank."""
    ascending = polarity == LOWER_BETTER
    return values.rank(ascending=ascending, method="min", na_option="keep").astype("Int64")


def quartile_band(values: pd.Series) -> pd.Series:
    """1 (lowest quarter of areas) to 4 (highest), by value; missing values stay missing."""
    ranks = values.rank(pct=True, method="average")
    bands = np.ceil(ranks * 4).clip(1, 4)
    return bands.astype("Int64")


def ordinal(n: int) -> str:
    """1 -> '1st', 22 -> '22nd', 13 -> '13th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def area_standing(values: np.ndarray, value: float, polarity: str) -> tuple[int, int]:
    """Rank (1 = best; ties share the better rank) and quartile band (4 = best quarter) of `value`
    among `values` (the level's non-missing values, `value` included). The same rules as
    metrics.comparisons.rank_areas and quartile_band, by polarity, worked out for one area."""
    signed, own = (-values, -value) if polarity == LOWER_BETTER else (values, value)
    rank = 1 + int((signed > own).sum())
    average_rank_from_bottom = (signed < own).sum() + ((signed == own).sum() + 1) / 2
    band = int(min(4, max(1, math.ceil(average_rank_from_bottom / values.size * 4))))
    return rank, band


def correlation(table: pd.DataFrame) -> float | None:
    """Pearson correlation of x and y (None with fewer than three areas or no spread)."""
    if len(table) < 3 or table["x"].std() == 0 or table["y"].std() == 0:
        return None
    return float(table["x"].corr(table["y"]))
