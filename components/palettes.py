"""Colour classification for choropleths: colour-blind-safe palettes, classes and legend entries.

Sequential values use five quantile classes of viridis (safe for the common colour-vision
deficiencies and in greyscale). Gaps to a benchmark use a diverging purple-orange palette centred
on zero. No data and suppressed values get their own, clearly different fills, never a class colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

RGBA = tuple[int, int, int, int]

VIRIDIS_5: tuple[RGBA, ...] = (
    (253, 231, 37, 255),
    (94, 201, 98, 255),
    (33, 145, 140, 255),
    (59, 82, 139, 255),
    (68, 1, 84, 255),
)
# ColorBrewer PuOr (reversed so that above-benchmark is purple), 6 classes, no neutral middle.
DIVERGING_6: tuple[RGBA, ...] = (
    (179, 88, 6, 255),
    (241, 163, 64, 255),
    (254, 224, 182, 255),
    (216, 218, 235, 255),
    (153, 142, 195, 255),
    (84, 39, 136, 255),
)
NO_DATA: RGBA = (217, 217, 217, 255)
SUPPRESSED: RGBA = (255, 255, 255, 255)
SELECTED_OUTLINE: RGBA = (230, 0, 126, 255)
OUTLINE: RGBA = (80, 80, 80, 255)


@dataclass(frozen=True)
class LegendEntry:
    label: str
    rgba: RGBA
    kind: str  # "class", "no_data" or "suppressed"


def quantile_breaks(values: pd.Series, classes: int = 5) -> list[float]:
    """Upper bounds of `classes` quantile classes of the non-missing values (last = max)."""
    clean = values.dropna().to_numpy(dtype=float)
    if clean.size == 0:
        return []
    breaks = np.quantile(clean, np.linspace(0, 1, classes + 1)[1:])
    return sorted(set(float(b) for b in breaks))


def diverging_breaks(values: pd.Series) -> list[float]:
    """Symmetric breaks around zero for gaps: +-(1/3, 2/3, 1) of the largest absolute gap."""
    clean = values.dropna().abs()
    top = float(clean.max()) if len(clean) else 1.0
    top = top if top > 0 else 1.0
    steps = [top / 3, 2 * top / 3, top]
    return [-steps[1], -steps[0], 0.0, steps[0], steps[1], steps[2]]


def class_index(value: float, breaks: list[float]) -> int | None:
    """Index of the first class whose upper bound is >= value (None if value is missing)."""
    if value is None or math.isnan(value) or not breaks:
        return None
    for i, upper in enumerate(breaks):
        if value <= upper + 1e-12:
            return i
    return len(breaks) - 1


def fill_colour(value: float, status: str, breaks: list[float], palette: tuple[RGBA, ...]) -> RGBA:
    """The fill for one area: a class colour, or the no-data / suppressed fill."""
    index = class_index(value, breaks)
    if index is None:
        return SUPPRESSED if status == "suppressed" else NO_DATA
    offset = len(palette) - len(breaks)
    return palette[max(0, offset) + index] if len(breaks) < len(palette) else palette[index]


def legend_entries(
    breaks: list[float],
    palette: tuple[RGBA, ...],
    fmt: Callable[[float], str],
    has_missing: bool,
    has_suppressed: bool,
    lower_bound: float | None = None,
) -> list[LegendEntry]:
    """Legend rows from low to high, then no data / suppressed where the map shows them."""
    entries = []
    previous = lower_bound
    for upper in breaks:
        colour = fill_colour(upper, "", breaks, palette)
        label = f"{fmt(previous)} to {fmt(upper)}" if previous is not None else f"up to {fmt(upper)}"
        entries.append(LegendEntry(label, colour, "class"))
        previous = upper
    return entries + status_legend_entries(has_missing, has_suppressed)


def status_legend_entries(has_missing: bool, has_suppressed: bool) -> list[LegendEntry]:
    """The rows after the classes: no data / suppressed, only where the map shows them."""
    entries = []
    if has_missing:
        entries.append(LegendEntry("No data", NO_DATA, "no_data"))
    if has_suppressed:
        entries.append(LegendEntry("Suppressed (withheld by the source)", SUPPRESSED, "suppressed"))
    return entries


def rgba_css(rgba: RGBA) -> str:
    r, g, b, a = rgba
    return f"rgba({r}, {g}, {b}, {a / 255:.2f})"
