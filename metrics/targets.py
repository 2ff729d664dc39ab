"""Gap-closing and value targets: baseline gap, straight-line trajectory, actual path and a verdict.

A gap is the area's value minus the benchmark's: in percentage points for rates, and as a percentage
of the benchmark for money and counts (a gap in current-price pounds would widen with inflation
alone). "Close X% of the gap" means the gap at the target year should be (1 - X/100) of the
baseline gap; progress is measured as the share of the baseline gap still open, so a gap that
crosses zero counts as closed. "Change" and "value" targets follow the area's own value instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

CLOSE_GAP = "close_gap"
CHANGE = "change"
REACH_VALUE = "reach_value"
KINDS = (CLOSE_GAP, CHANGE, REACH_VALUE)

ON_TRACK = "on track"
OFF_TRACK = "off track"
ACHIEVED = "achieved"
NOT_ACHIEVED = "not achieved"
NOT_MEASURABLE = "not measurable with the available data"


@dataclass(frozen=True)
class Target:
    """One target. `amount` is the % of the gap to close (close_gap), the change to reach (change,
    in the indicator's unit) or the value to reach (reach_value)."""

    name: str
    area: str  # an area code, or "group:<name>" for a user-defined group
    indicator: str
    kind: str
    amount: float
    baseline_year: int
    target_year: int
    benchmark: str | None = None
    unmeasurable_reason: str | None = None  # set for targets no official data can measure
    source_text: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown target kind {self.kind!r}")
        if self.target_year <= self.baseline_year:
            raise ValueError("the target year must come after the baseline year")
        if self.kind == CLOSE_GAP and not self.benchmark and not self.unmeasurable_reason:
            raise ValueError("a gap target needs a benchmark")


@dataclass
class Assessment:
    verdict: str
    reason: str
    path: pd.DataFrame = field(default_factory=pd.DataFrame)  # period, actual, trajectory
    baseline: float | None = None  # baseline gap (close_gap) or value
    target: float | None = None  # the gap or value aimed for at the target year
    latest_year: int | None = None
    latest: float | None = None  # latest actual gap or value
    required_now: float | None = None  # trajectory value in the latest year


def gap_series(area: pd.Series, benchmark: pd.Series, relative: bool = False) -> pd.Series:
    """Area minus benchmark per year (in % of the benchmark if `relative`), only for years where both exist."""
    both = pd.concat([area.rename("area"), benchmark.rename("benchmark")], axis=1).dropna()
    if relative:
        return ((both["area"] / both["benchmark"] - 1) * 100).rename("gap")
    return (both["area"] - both["benchmark"]).rename("gap")


def uses_relative_gap(unit: str) -> bool:
    """Gaps in rates are in percentage points; gaps in money and counts are relative (%)."""
    return unit != "%"


def rebased(target: Target, baseline_year: int) -> Target:
    """The same target measured from another baseline year (e.g. the first year with data)."""
    return replace(target, name=f"{target.name} (re-based to {baseline_year})", baseline_year=baseline_year)


def trajectory(start_year: int, start: float, end_year: int, end: float, years: list[int]) -> pd.Series:
    """The straight line from (start_year, start) to (end_year, end), evaluated at `years`."""
    slope = (end - start) / (end_year - start_year)
    return pd.Series([start + slope * (year - start_year) for year in years], index=years, dtype=float)


def _open_share(gap: float, baseline_gap: float) -> float:
    """Share of the baseline gap still open (1 = unchanged, 0 = closed, negative = crossed)."""
    return gap / baseline_gap


def assess(
    target: Target,
    area: pd.Series,
    benchmark: pd.Series | None = None,
    relative: bool = False,
    fmt: Callable[[float], str] | None = None,
) -> Assessment:
    """Judge a target against yearly values (index = year) of the area and, for gap targets, the
    benchmark (gap in % of the benchmark if `relative`). Years missing from either series are left out
    of the path, never filled. `fmt` writes the numbers of the reason with their unit (the caller knows
    it); without it they are bare numbers."""
    if target.unmeasurable_reason:
        return Assessment(NOT_MEASURABLE, target.unmeasurable_reason)
    area = area.dropna().sort_index()
    if target.kind == CLOSE_GAP:
        if benchmark is None or benchmark.dropna().empty:
            return Assessment(NOT_MEASURABLE, "the benchmark has no values for this indicator")
        actual = gap_series(area, benchmark.dropna(), relative)
        measured = "gap"
    else:
        actual = area
        measured = "value"
    if actual.empty:
        return Assessment(NOT_MEASURABLE, f"no {measured} can be computed: the area has no values")
    if target.baseline_year not in actual.index:
        years = f"{int(actual.index.min())}-{int(actual.index.max())}"
        return Assessment(
            NOT_MEASURABLE, f"no {measured} for the baseline year {target.baseline_year}; the data cover {years}"
        )
    baseline = float(actual[target.baseline_year])
    if target.kind == CLOSE_GAP:
        if baseline == 0:
            return Assessment(NOT_MEASURABLE, f"there was no gap in {target.baseline_year}")
        goal = baseline * (1 - target.amount / 100)
    elif target.kind == CHANGE:
        goal = baseline + target.amount
    else:
        goal = target.amount
    since = actual[actual.index >= target.baseline_year]
    years = list(range(target.baseline_year, max(int(since.index.max()), target.target_year) + 1))
    line = trajectory(target.baseline_year, baseline, target.target_year, goal, years)
    path = pd.DataFrame({"period": years, "actual": since.reindex(years).to_numpy(), "trajectory": line.to_numpy()})
    latest_year = int(since.index.max())
    latest = float(since[latest_year])
    assessment = Assessment("", "", path, baseline, goal, latest_year, latest, float(line[latest_year]))
    assessment.verdict, assessment.reason = _verdict(target, baseline, goal, since, line, fmt or _fmt)
    return assessment


def _better_or_equal(value: float, reference: float, baseline: float, goal: float, kind: str) -> bool:
    """Whether `value` is at least as far along from baseline towards goal as `reference`."""
    if kind == CLOSE_GAP:
        return _open_share(value, baseline) <= _open_share(reference, baseline) + 1e-12
    rising = goal >= baseline
    return value >= reference - 1e-12 if rising else value <= reference + 1e-12


def _verdict(
    target: Target, baseline: float, goal: float, since: pd.Series, line: pd.Series, fmt: Callable[[float], str]
) -> tuple[str, str]:
    latest_year = int(since.index.max())
    latest = float(since[latest_year])
    gap = target.kind == CLOSE_GAP
    a, the = ("a gap of ", "the actual gap") if gap else ("", "the actual")
    if target.target_year <= latest_year:
        if target.target_year not in since.index:
            return NOT_MEASURABLE, f"no data for the target year {target.target_year}"
        at_target = float(since[target.target_year])
        words = f"{'gap ' if gap else ''}{fmt(at_target)} against {a}{fmt(goal)} needed"
        if _better_or_equal(at_target, goal, baseline, goal, target.kind):
            return ACHIEVED, f"met in {target.target_year} ({words})"
        return NOT_ACHIEVED, f"missed in {target.target_year} ({words})"
    if _better_or_equal(latest, goal, baseline, goal, target.kind):
        return ACHIEVED, f"already met in {latest_year}, ahead of {target.target_year}"
    if latest_year == target.baseline_year:
        return NOT_MEASURABLE, f"no data after the baseline year {target.baseline_year} yet"
    required = float(line[latest_year])
    on_track = _better_or_equal(latest, required, baseline, goal, target.kind)
    return (
        ON_TRACK if on_track else OFF_TRACK,
        f"{latest_year} is the latest year with data: the straight-line path needs {a}{fmt(required)} "
        f"by then and {the} is {fmt(latest)}",
    )


def _fmt(value: float) -> str:
    """Two decimals for gaps and rates; whole numbers from 1,000 up (jobs, pounds), where decimals mislead;
    never "-0.00"."""
    if value is None or math.isnan(value):
        return "n/a"
    decimals = 0 if abs(value) >= 1000 else 2
    shown = round(value, decimals) or 0.0
    return f"{shown:,.{decimals}f}"
