"""Is an area better or worse than its comparator, given the survey's uncertainty?

Survey estimates (the APS rates and qualifications, ASHE pay) come with 95% confidence intervals. As ONS
does on Explore Local Statistics, two estimates are called different only when their 95% intervals do not
overlap; intervals that overlap or touch give "not significantly different". This is a conservative test
(two estimates whose intervals overlap slightly can still differ at the 5% level), and it says nothing of
how large a difference matters.

Where either figure has no interval (figures built here from sums of published parts, area groups, the
median of a level, England excluding London, and accounts-based figures such as GVA, which ONS publishes
without intervals), the verdict stays two-way, by the direction of the gap alone (with a "similar" band of
`similar_within_pct` % either side of the comparator), and says that no interval test was possible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from metrics.comparisons import HIGHER_BETTER, LOWER_BETTER, percent_difference

Outcome = Literal["better", "worse", "not_significant", "similar"]
# Which figures lack an interval, when the verdict could not use one.
MissingInterval = Literal["", "area", "comparator", "both"]

BETTER: Outcome = "better"
WORSE: Outcome = "worse"
NOT_SIGNIFICANT: Outcome = "not_significant"
SIMILAR: Outcome = "similar"
SIMILAR_WITHIN_PCT = 1.0
INTERVAL_TEST = "non-overlapping 95% confidence intervals (as ONS does on Explore Local Statistics)"


@dataclass(frozen=True)
class Verdict:
    """The outcome of comparing an area with a comparator.

    `outcome` is None when no verdict can be given (a neutral indicator, a missing figure, a zero comparator).
    `tested` is True when the outcome comes from the interval test; False when it is by the gap alone, and
    then `missing_interval` says whose interval was missing."""

    outcome: Outcome | None
    tested: bool
    missing_interval: MissingInterval = ""


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def usable_interval(value: float | None, lci: float | None, uci: float | None) -> tuple[float, float] | None:
    """(lci, uci) when both limits exist and hold the value (lci <= value <= uci); None otherwise, so a
    broken interval is never used for a verdict (interval_problems lists such rows)."""
    low, high, centre = _number(lci), _number(uci), _number(value)
    if low is None or high is None or centre is None or not low <= centre <= high:
        return None
    return low, high


def intervals_overlap(first: tuple[float, float], second: tuple[float, float]) -> bool:
    """True when the two closed intervals share at least one point (touching ends count as overlap)."""
    return first[0] <= second[1] and second[0] <= first[1]


def significance_verdict(
    value: float | None,
    lci: float | None,
    uci: float | None,
    other: float | None,
    other_lci: float | None,
    other_uci: float | None,
    polarity: str,
    similar_within_pct: float = SIMILAR_WITHIN_PCT,
) -> Verdict:
    """Better / not significantly different / worse than `other` when both figures have a 95% interval
    (non-overlapping intervals = a significant difference); otherwise better / similar / worse by the gap
    alone (similar = within `similar_within_pct` % of `other`). Direction follows polarity: for a
    lower-is-better indicator a value below the comparator is better. Neutral indicators get no verdict."""
    own, reference = _number(value), _number(other)
    if polarity not in {HIGHER_BETTER, LOWER_BETTER} or own is None or reference is None:
        return Verdict(None, False)
    mine, theirs = usable_interval(own, lci, uci), usable_interval(reference, other_lci, other_uci)

    def direction(above: bool) -> Outcome:
        return BETTER if above == (polarity == HIGHER_BETTER) else WORSE

    if mine is not None and theirs is not None:
        if intervals_overlap(mine, theirs):
            return Verdict(NOT_SIGNIFICANT, True)
        return Verdict(direction(mine[0] > theirs[1]), True)
    missing: MissingInterval = "both" if mine is None and theirs is None else ("area" if mine is None else "comparator")
    if reference == 0:
        return Verdict(None, False, missing)
    gap = float(percent_difference(own, reference))
    if abs(gap) <= similar_within_pct:
        return Verdict(SIMILAR, False, missing)
    return Verdict(direction(gap > 0), False, missing)


def interval_problems(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows whose interval is not sane: one limit without the other, a limit without a value, lci > uci,
    or a value outside [lci, uci]. Each with a `problem` column in words; nothing is corrected."""
    has_lci, has_uci, has_value = rows["lci"].notna(), rows["uci"].notna(), rows["value"].notna()
    both = has_lci & has_uci & has_value
    checks = {
        "only one limit": has_lci != has_uci,
        "interval without a value": (has_lci | has_uci) & ~has_value,
        "lci above uci": both & (rows["lci"] > rows["uci"]),
        "value below lci": both & (rows["value"] < rows["lci"]),
        "value above uci": both & (rows["value"] > rows["uci"]),
    }
    problem = pd.Series("", index=rows.index, dtype=object)
    for text, broken in checks.items():
        problem = problem.mask(broken & (problem == ""), text)
    flagged = rows[problem != ""].copy()
    flagged["problem"] = problem[problem != ""]
    return flagged
