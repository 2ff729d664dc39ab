"""Validate a candidate snapshot and diff it against the current one (pure functions, no I/O).

`compare(old, new, metadata)` runs the checks a refresh must pass before its snapshot may replace
the current one, and `render_report` writes the result as Markdown:

- schema: the snapshot contract (`loaders.snapshot_schema.validate_snapshot`);
- losses: for every (indicator, geography) the current snapshot has, the areas, values, years per
  area and first/last year the candidate keeps (limits in loaders/build/snapshot_losses.py);
- ranges: percentages within 0-100, no negative money, counts, indices or ratios (by the unit in
  the indicator metadata), confidence bounds likewise;
- the diff: rows added/removed and values changed per indicator, areas gained/lost, the largest
  value changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.build.snapshot_losses import MIN_AREA_SHARE, Provenance, coverage, coverage_problems, sample
from loaders.snapshot_schema import COLUMNS, validate_snapshot

KEY = ["indicator", "geography", "area_code", "period"]
# unit -> (lowest, highest) allowed value; None = unbounded on that side
UNIT_RANGES: dict[str, tuple[float | None, float | None]] = {
    "%": (0.0, 100.0),
    "£": (0.0, None),
    "£m": (0.0, None),
    "count": (0.0, None),
    "persons": (0.0, None),
    "hours": (0.0, None),
    "index": (0.0, None),
    "ratio": (0.0, None),
}
REL_TOLERANCE = 1e-9


@dataclass
class Comparison:
    problems: list[str] = field(default_factory=list)  # any problem blocks the swap
    warnings: list[str] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)  # (check, passed, detail)
    rows: pd.DataFrame | None = None  # per indicator: rows before/after, added, removed, changed
    coverage: pd.DataFrame | None = None  # per (indicator, geography): areas before/after, lost, gained
    changes: pd.DataFrame | None = None  # largest value changes

    @property
    def passed(self) -> bool:
        return not self.problems


def schema_problems(table: pd.DataFrame) -> list[str]:
    """The snapshot contract, plus a non-empty table."""
    if list(table.columns) != COLUMNS:
        return [f"columns {list(table.columns)} != {COLUMNS}"]
    if table.empty:
        return ["the indicator table has no rows"]
    return validate_snapshot(table)


def range_problems(table: pd.DataFrame, metadata: dict) -> tuple[list[str], list[str]]:
    """Values (and confidence bounds) outside the range their unit allows. Returns (problems,
    warnings); an indicator without metadata or with an unknown unit is a warning."""
    problems, warnings = [], []
    for indicator, rows in table.groupby("indicator", sort=True):
        unit = metadata.get(indicator, {}).get("unit")
        if unit is None:
            problems.append(f"{indicator}: no metadata entry (unit unknown)")
            continue
        if unit not in UNIT_RANGES:
            warnings.append(f"{indicator}: unit {unit!r} has no range rule; values not range-checked")
            continue
        low, high = UNIT_RANGES[unit]
        for column in ("value", "lci", "uci"):
            values = rows[column]
            bad = values.notna() & (
                (values < low if low is not None else False) | (values > high if high is not None else False)
            )
            if bad.any():
                worst = rows.loc[bad].iloc[0]
                bounds = f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
                problems.append(
                    f"{indicator}: {int(bad.sum())} {column} outside {bounds} for unit {unit!r} "
                    f"(e.g. {worst['area_code']} {worst['period']}: {worst[column]})"
                )
    return problems, warnings


def _joined(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    left = old[[*KEY, "area_name", "value"]].rename(columns={"value": "before", "area_name": "name_before"})
    right = new[[*KEY, "area_name", "value"]].rename(columns={"value": "after", "area_name": "name_after"})
    joined = left.merge(right, on=KEY, how="outer", indicator="side")
    joined["area_name"] = joined["name_after"].fillna(joined["name_before"])
    return joined


def _changed(joined: pd.DataFrame) -> pd.Series:
    both = joined["side"] == "both"
    before, after = joined["before"], joined["after"]
    presence = before.isna() != after.isna()
    differ = ~np.isclose(before.fillna(0), after.fillna(0), rtol=REL_TOLERANCE, atol=0.0)
    return both & (presence | (before.notna() & after.notna() & differ))


def row_diff(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: rows before/after, rows added, removed, and with a changed value."""
    joined = _joined(old, new)
    joined["added"] = joined["side"] == "right_only"
    joined["removed"] = joined["side"] == "left_only"
    joined["changed"] = _changed(joined)
    out = (
        pd.DataFrame(
            {
                "rows_before": old.groupby("indicator").size(),
                "rows_after": new.groupby("indicator").size(),
                "added": joined.groupby("indicator")["added"].sum(),
                "removed": joined.groupby("indicator")["removed"].sum(),
                "changed": joined.groupby("indicator")["changed"].sum(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    out.index.name = "indicator"
    return out.reset_index()


def largest_changes(old: pd.DataFrame, new: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The value changes with the largest relative size (|after - before| / |before|)."""
    joined = _joined(old, new)
    changed = joined[_changed(joined) & joined["before"].notna() & joined["after"].notna()].copy()
    changed["change"] = changed["after"] - changed["before"]
    with np.errstate(divide="ignore", invalid="ignore"):
        changed["change_pct"] = np.where(
            changed["before"] != 0, changed["change"] / changed["before"].abs() * 100, np.inf
        )
    changed["size"] = changed["change_pct"].abs()
    changed = changed.sort_values(["size", *KEY], ascending=[False, True, True, True, True]).head(limit)
    return changed[[*KEY, "area_name", "before", "after", "change", "change_pct"]].reset_index(drop=True)


def compare(
    old: pd.DataFrame | None,
    new: pd.DataFrame,
    metadata: dict,
    *,
    min_share: float = MIN_AREA_SHARE,
    accept_losses: bool = False,
    provenance: Provenance | None = None,
) -> Comparison:
    """Every check of a candidate snapshot `new` against the current `old` (None: no current one).
    `provenance` names the source files of each (indicator, geography) in loss messages."""
    result = Comparison()
    schema = schema_problems(new)
    detail = "; ".join(schema) or "columns, levels, statuses ok"
    result.checks.append(("schema (snapshot contract)", not schema, detail))
    result.problems += [f"schema: {p}" for p in schema]
    if schema:
        return result  # the other checks assume the contract holds

    ranges, range_warnings = range_problems(new, metadata)
    result.checks.append(("value ranges by unit", not ranges, "; ".join(ranges) or "all values within range"))
    result.problems += [f"range: {p}" for p in ranges]
    result.warnings += range_warnings

    if old is None or old.empty:
        result.warnings.append("no current snapshot to compare with; coverage and diff checks skipped")
        result.checks.append(("areas, values and years kept", True, "no current snapshot"))
        result.rows = row_diff(new.iloc[0:0], new)
        return result

    result.coverage = coverage(old, new)
    losses = coverage_problems(result.coverage, min_share, metadata, provenance)
    detail = "; ".join(losses) or "every indicator and level keeps its areas, values and years (within the limits)"
    if losses and accept_losses:
        result.warnings += [f"loss (accepted with --accept-losses): {p}" for p in losses]
        result.checks.append(("areas, values and years kept", True, "ACCEPTED: " + detail))
    else:
        result.checks.append(("areas, values and years kept", not losses, detail))
        result.problems += [f"loss: {p}" for p in losses]
    result.rows = row_diff(old, new)
    result.changes = largest_changes(old, new)
    return result


# ---------------------------------------------------------------------------------------------- report


def md(text: object) -> str:
    """Text from data made safe inside a Markdown table cell (no HTML, no column breaks)."""
    out = str(text).replace("\\", "\\\\").replace("|", "\\|").replace("&", "&amp;").replace("<", "&lt;")
    return " ".join(out.split())


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    return lines


def _number(value: float) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if np.isinf(value):
        return "new from 0"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def render_report(
    comparison: Comparison | None,
    *,
    outcome: str,
    context: dict[str, str],
    failure: str | None = None,
    sources: list[dict] | None = None,
) -> str:
    """The refresh report as Markdown. `outcome` is the one-line result; `failure` what failed and
    where (None on success); `context` label -> value lines (mode, target, time...); `sources` one
    dict per file (path, origin, sha256, bytes, note)."""
    lines = ["# Snapshot refresh report", "", f"**Result: {md(outcome)}**", ""]
    lines += [f"- {md(label)}: {md(value)}" for label, value in context.items()]
    if failure:
        lines += ["", "## What failed", "", md(failure), "", "The current snapshot was left unchanged."]
    if comparison is not None:
        lines += ["", "## Checks", ""]
        lines += _table(
            ["check", "result", "details"],
            [[name, "pass" if ok else "FAIL", detail] for name, ok, detail in comparison.checks],
        )
        if comparison.problems:
            lines += ["", "### Problems", ""] + [f"- {md(p)}" for p in comparison.problems]
        if comparison.warnings:
            lines += ["", "### Warnings", ""] + [f"- {md(w)}" for w in comparison.warnings]
        if comparison.rows is not None:
            lines += ["", "## Rows by indicator", ""]
            rows = comparison.rows
            total = rows[["rows_before", "rows_after", "added", "removed", "changed"]].sum()
            lines.append(
                f"{int(total['rows_before']):,} rows before, {int(total['rows_after']):,} after: "
                f"{int(total['added']):,} added, {int(total['removed']):,} removed, "
                f"{int(total['changed']):,} values changed."
            )
            lines.append("")
            lines += _table(
                ["indicator", "rows before", "rows after", "added", "removed", "values changed"],
                rows[["indicator", "rows_before", "rows_after", "added", "removed", "changed"]].values.tolist(),
            )
        if comparison.coverage is not None:
            cov = comparison.coverage
            moved = cov[
                cov["lost"].map(len).gt(0)
                | cov["gained"].map(len).gt(0)
                | cov["rows_lost"].gt(0)
                | (cov["first_before"] != cov["first_after"])
                | (cov["latest_before"] != cov["latest_after"])
            ]
            lines += ["", "## Areas, values and years gained or lost", ""]
            if moved.empty:
                lines.append("No indicator or level gained or lost an area, a value or a year.")
            else:
                lines += _table(
                    [
                        "indicator",
                        "level",
                        "areas before",
                        "areas after",
                        "kept",
                        "lost",
                        "gained",
                        "values lost",
                        "areas losing years",
                        "years",
                    ],
                    [
                        [
                            r.indicator,
                            r.geography,
                            r.areas_before,
                            r.areas_after,
                            f"{r.kept_share:.0%}",
                            sample(r.lost),
                            sample(r.gained),
                            f"{r.rows_lost:,} of {r.rows_before:,}",
                            f"{r.areas_losing_years}"
                            + (f" (e.g. {r.losing_years_example})" if r.areas_losing_years else ""),
                            f"{r.first_before}-{r.latest_before} -> {r.first_after}-{r.latest_after}",
                        ]
                        for r in moved.itertuples(index=False)
                    ],
                )
        if comparison.changes is not None:
            lines += ["", "## Largest value changes", ""]
            if comparison.changes.empty:
                lines.append("No value changed.")
            else:
                lines += _table(
                    ["indicator", "level", "area", "period", "before", "after", "change %"],
                    [
                        [
                            r.indicator,
                            r.geography,
                            f"{r.area_code} {r.area_name}",
                            r.period,
                            _number(r.before),
                            _number(r.after),
                            _number(r.change_pct),
                        ]
                        for r in comparison.changes.itertuples(index=False)
                    ],
                )
    if sources:
        lines += ["", "## Source files", ""]
        lines += _table(
            ["file", "from", "bytes", "sha256", "note"],
            [
                [s["path"], s.get("origin", ""), f"{s.get('bytes', 0):,}", s.get("sha256", ""), s.get("note", "")]
                for s in sources
            ],
        )
    return "\n".join(lines) + "\n"
