"""ONS's smoothing of subregional productivity: a weighted 5-year moving average.

Interior years use weights (1, 2, 3, 2, 1) / 9. ONS does not publish its end-year weights; the
ones below were estimated by least squares from ONS's June 2025 LAD tables (published smoothed
£ per hour against GVA / hours for all 361 LADs). With them, every published LAD value for every
year is reproduced to within £0.0054, i.e. the two-decimal rounding of the tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

INTERIOR_WEIGHTS = np.array([1, 2, 3, 2, 1]) / 9
# (offset of first year used relative to the smoothed year, weights)
FIRST_YEAR = (0, np.array([0.41, 0.40, 0.19]))
SECOND_YEAR = (-1, np.array([0.4993, 0.3509, 0.1498]))
PENULTIMATE_YEAR = (-2, np.array([0.1109, 0.2597, 0.3696, 0.2598]))
LAST_YEAR = (-2, np.array([0.19, 0.40, 0.41]))


def ons_smooth(series: pd.Series) -> pd.Series:
    """Smooth a consecutive annual series (index = year) the way ONS smooths £ per hour / per job.

    Needs at least five years; a series with gaps is rejected, because the filter would silently
    mix non-adjacent years.
    """
    series = series.sort_index()
    years = series.index.to_numpy()
    if len(series) < 5:
        raise ValueError(f"smoothing needs at least 5 years, got {len(series)}")
    if not np.array_equal(np.diff(years), np.ones(len(years) - 1)):
        raise ValueError("smoothing needs consecutive years with no gaps")
    values = series.to_numpy(dtype=float)
    out = np.empty_like(values)
    n = len(values)
    for i in range(2, n - 2):
        out[i] = values[i - 2 : i + 3] @ INTERIOR_WEIGHTS
    for position, (offset, weights) in (
        (0, FIRST_YEAR),
        (1, SECOND_YEAR),
        (n - 2, PENULTIMATE_YEAR),
        (n - 1, LAST_YEAR),
    ):
        start = position + offset
        out[position] = values[start : start + len(weights)] @ weights
    return pd.Series(out, index=series.index, name=series.name)
