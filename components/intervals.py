"""Confidence intervals and verdicts as people read them: "72.1% ± 2.3%", "95% CI £598.0–£631.4", and a verdict
with the test behind it, or why no test was possible. The verdict itself is metrics.significance's."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from components.formatting import format_value, rounded
from metrics.significance import (
    BETTER,
    INTERVAL_TEST,
    NOT_SIGNIFICANT,
    SIMILAR,
    SIMILAR_WITHIN_PCT,
    WORSE,
    Verdict,
    interval_problems,
    significance_verdict,
    usable_interval,
)
from vocabulary.geography import BENCHMARKS, ENGLAND_EXCL_LONDON, LEVELS, MEDIAN
from vocabulary.indicators import Indicator

VERDICT_TEXT = {
    BETTER: "▲ better",
    WORSE: "▼ worse",
    SIMILAR: "● similar",
    NOT_SIGNIFICANT: "● not significantly different",
}
NEUTRAL_TEXT = "n/a (neutral)"
NO_INTERVAL_TEXT = "none published"
TESTED_TEXT = "95% intervals do not overlap"
OVERLAP_TEXT = "95% intervals overlap"
METHOD_TEXT = (
    "Where both figures have a 95% confidence interval (survey-based estimates: the APS employment and activity "
    "rates and qualifications, the model-based unemployment rate, ASHE pay), the verdict has three outcomes: "
    "better or worse only when "
    f"the two intervals do not overlap, else 'not significantly different': the test is {INTERVAL_TEST}. "
    "Intervals that touch count as overlapping. The test is conservative: two figures whose intervals overlap "
    "a little can still differ at the 5% level. Where either figure has no interval (figures this app derives "
    "from sums of published parts, area groups, England excluding London, the median area, and accounts-based "
    "figures such as GVA, which ONS publishes without intervals), the verdict is by the gap alone: better or "
    f"worse, or 'similar' within {SIMILAR_WITHIN_PCT:g}%, and it says which figure has no interval."
)


def interval_width_text(value: float | None, lci: float | None, uci: float | None, unit: str, decimals: int) -> str:
    """ "± 2.3%" when the interval is symmetric at the shown precision, else "95% CI 69.8%–74.4%"; "" without a
    usable interval."""
    limits = usable_interval(value, lci, uci)
    if limits is None or value is None:
        return ""
    low, high = limits
    below, above = rounded(value - low, decimals), rounded(high - value, decimals)
    if unit not in {"count", "persons"} and below == above:
        return f"± {format_value(below, unit, decimals)}"
    if unit in {"count", "persons"} and rounded(value - low, 0) == rounded(high - value, 0):
        return f"± {format_value(value - low, unit, 0)}"
    return f"95% CI {format_value(low, unit, decimals)}–{format_value(high, unit, decimals)}"


def value_with_interval(value: float | None, lci: float | None, uci: float | None, unit: str, decimals: int) -> str:
    """ "72.1% ± 2.3%": the value, and its interval where it has one."""
    width = interval_width_text(value, lci, uci, unit, decimals)
    text = format_value(value, unit, decimals)
    return f"{text} {width}" if width.startswith("±") else (f"{text} ({width})" if width else text)


def no_interval_reason(code: str, geography: str, status: str, indicator_has_intervals: bool, source: str) -> str:
    """Why a figure has no confidence interval, in words."""
    if not indicator_has_intervals:
        return f"{source} publishes no confidence interval for this indicator"
    if code == MEDIAN:
        return "the median of the level's areas has no interval"
    if code == ENGLAND_EXCL_LONDON:
        return f"{BENCHMARKS[ENGLAND_EXCL_LONDON].name} is derived here from sums of published figures"
    if geography == "lep":
        return (
            f"{LEVELS['lep'].plural} figures are built from the APS counts Nomis publishes, and a ratio's "
            "interval would need the counts' covariance, which is not published"
        )
    if status == "derived":
        return "the figure is derived here from published parts"
    return "the source gives no interval for this figure"


def verdict_basis(verdict: Verdict, area_reason: str, comparator_reason: str) -> str:
    """How the verdict was reached: the interval test, or the gap alone and why (whose interval is missing)."""
    if verdict.outcome is None:
        return ""
    if verdict.tested:
        return OVERLAP_TEXT if verdict.outcome == NOT_SIGNIFICANT else TESTED_TEXT
    reasons = {"area": [area_reason], "comparator": [comparator_reason], "both": [area_reason, comparator_reason]}
    why = "; ".join(dict.fromkeys(reason for reason in reasons.get(verdict.missing_interval, []) if reason))
    return f"by the gap alone, no interval: {why}" if why else "by the gap alone, no interval"


def intervals_by(rows: pd.DataFrame, outer: str, inner: str) -> dict:
    """outer -> inner -> (lci, uci) for the rows that have both limits (`outer`, `inner` name the key columns)."""
    if "lci" not in rows:
        return {}
    with_interval = rows.dropna(subset=["lci", "uci"])
    out: dict = {}
    for first, second, low, high in zip(
        with_interval[outer].tolist(),
        with_interval[inner].tolist(),
        with_interval["lci"].tolist(),
        with_interval["uci"].tolist(),
        strict=True,
    ):
        out.setdefault(int(first) if outer == "period" else first, {})[int(second) if inner == "period" else second] = (
            float(low),
            float(high),
        )
    return out


def interval_coverage_table(rows: pd.DataFrame, metadata: Mapping[str, Indicator]) -> pd.DataFrame:
    """Per indicator with intervals: the levels and years that have them, how many values have one, and how
    many intervals break lci <= value <= uci (metrics.significance.interval_problems; none are corrected)."""
    with_interval = rows[rows["lci"].notna() | rows["uci"].notna()]
    problems = interval_problems(rows)
    records = []
    for key, part in with_interval.groupby("indicator", sort=False):
        meta = metadata.get(str(key))
        records.append(
            {
                "indicator": meta.label if meta else str(key),
                "levels with intervals": ", ".join(
                    LEVELS[level].label if level in LEVELS else level for level in sorted(set(part["geography"]))
                ),
                "years": f"{int(part['period'].min())}-{int(part['period'].max())}",
                "values with an interval": len(part),
                "of all values": int(rows.loc[rows["indicator"] == key, "value"].notna().sum()),
                "intervals not holding their value": int((problems["indicator"] == key).sum()),
            }
        )
    return pd.DataFrame(records)


def verdict_sentence(verdict: Verdict, comparator_name: str, area_reason: str, comparator_reason: str) -> str:
    """The verdict in a sentence for a headline: 'Worse than England: the 95% confidence intervals do not
    overlap.', 'Not significantly different from England: ...', or, without an interval test, why not."""
    if verdict.outcome is None:
        return ""
    if verdict.tested:
        if verdict.outcome == NOT_SIGNIFICANT:
            return f"Not significantly different from {comparator_name}: the 95% confidence intervals overlap."
        return f"{verdict.outcome.capitalize()} than {comparator_name}: the 95% confidence intervals do not overlap."
    basis = verdict_basis(verdict, area_reason, comparator_reason).removeprefix("by the gap alone, no interval: ")
    return f"No significance test against {comparator_name}: {basis}."


def comparison_sentence(
    rows: pd.DataFrame, meta: Indicator, area: str, comparator: str, comparator_name: str, year: int
) -> str:
    """Is `area` better, not significantly different or worse than `comparator` in `year` on this indicator
    (`rows`: all its snapshot rows), by the interval test where both have a 95% interval, else why not. An area
    group ("group:<name>") is valued from sums of published parts and has no interval; "" without the values."""
    in_year = rows[(rows["period"] == year) & rows["value"].notna()]
    own, theirs = (in_year[in_year["area_code"] == code] for code in (area, comparator))
    has_intervals = bool(rows["lci"].notna().any())
    if theirs.empty:
        return ""
    theirs_row = theirs.iloc[0]
    comparator_reason = no_interval_reason(
        comparator, str(theirs_row["geography"]), str(theirs_row["status"]), has_intervals, meta.source
    )
    if area.startswith("group:"):
        reasons = [no_interval_reason(area, "", "derived", False, meta.source)] if not has_intervals else []
        untested = usable_interval(theirs_row["value"], theirs_row["lci"], theirs_row["uci"]) is None
        reasons = reasons or ["area groups are valued from sums of published parts", *([comparator_reason] * untested)]
        return f"No significance test against {comparator_name}: {'; '.join(dict.fromkeys(reasons))}."
    if own.empty:
        return ""
    mine = own.iloc[0]
    other = (theirs_row["value"], theirs_row["lci"], theirs_row["uci"])
    verdict = significance_verdict(mine["value"], mine["lci"], mine["uci"], *other, meta.polarity)
    area_reason = no_interval_reason(area, str(mine["geography"]), str(mine["status"]), has_intervals, meta.source)
    return verdict_sentence(verdict, comparator_name, area_reason, comparator_reason)
