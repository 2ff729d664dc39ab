"""ONS's smoothing of subregional productivity: a weighted 5-year moving average.

Interior years use weights (1, 2, 3, 2, 1) / 9. ONS does not publish its end-year weights; the
ones below were estimated by least squares from ONS's June 2025 LAD tables (published smoothed
values against GVA / hours and GVA / jobs for every LAD). With them, every published LAD value for
every year is reproduced to the tables' rounding: within £0.006 per hour, and within 0.05% per job
(the residual is the rounding of LAD GVA to whole £ millions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

INTERIOR_WEIGHTS = np.array([1, 2, 3, 2, 1]) / 9


@dataclass(frozen=True)
class EndWeights:
    """Weights for the first two and last two years; each applies to consecutive years starting at
    the series' first year (first, second) or ending at its last year (penultimate, last)."""

    first: tuple[float, ...]
    second: tuple[float, ...]
    penultimate: tuple[float, ...]
    last: tuple[float, ...]


PER_HOUR = EndWeights(
    first=(0.41, 0.40, 0.19),
    second=(0.4993, 0.3509, 0.1498),
    penultimate=(0.1109, 0.2597, 0.3696, 0.2598),
    last=(0.19, 0.40, 0.41),
)
PER_JOB = EndWeights(
    first=(0.41, 0.40, 0.19),
    second=(0.2598, 0.3696, 0.2597, 0.1109),
    penultimate=(0.1109, 0.2597, 0.3696, 0.2598),
    last=(0.19, 0.40, 0.41),
)


def ons_smooth(series: pd.Series, ends: EndWeights = PER_HOUR) -> pd.Series:
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
    n = len(values)
    out = np.empty_like(values)
    for i in range(2, n - 2):
        out[i] = values[i - 2 : i + 3] @ INTERIOR_WEIGHTS
    out[0] = values[: len(ends.first)] @ np.array(ends.first)
    out[1] = values[: len(ends.second)] @ np.array(ends.second)
    out[n - 2] = values[n - len(ends.penultimate) :] @ np.array(ends.penultimate)
    out[n - 1] = values[n - len(ends.last) :] @ np.array(ends.last)
    return pd.Series(out, index=series.index, name=series.name)
