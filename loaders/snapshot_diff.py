"""Validate a candidate snapshot and diff it against the current one (pure functions, no I/O).

`compare(old, new, metadata)` runs the checks a refresh must pass before its snapshot may replace
the current one, and `render_report` writes the result as Markdown:

- schema: the snapshot contract (`loaders.snapshot_schema.validate_snapshot`);
- coverage: for every (indicator, geography) the current snapshot has, the candidate keeps at least
  `min_share` of the areas that have values, and still has values for the current latest year;
- ranges: percentages within 0-100, no negative money, counts, indices or ratios (by the unit in
  the indicator metadata), confidence bounds likewise;
- the diff: rows added/removed and values changed per indicator, areas gained/lost, the largest
  value changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loaders.snapshot_schema import COLUMNS, validate_snapshot

KEY = ["indicator", "geography", "area_code", "period"]
MIN_AREA_SHARE = 0.9
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
LIST_LIMIT = 10


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


def _with_values(table: pd.DataFrame) -> pd.DataFrame:
    return table.loc[table["value"].notna(), KEY]


def coverage(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Per (indicator, geography) of either table: areas with values before/after, the share of the
    old areas kept, areas lost and gained, and the latest year with values before/after."""
    old_v, new_v = _with_values(old), _with_values(new)
    groups = ["indicator", "geography"]
    old_areas = old_v.groupby(groups)["area_code"].agg(lambda s: set(s))
    new_areas = new_v.groupby(groups)["area_code"].agg(lambda s: set(s))
    old_latest = old_v.groupby(groups)["period"].max()
    new_latest = new_v.groupby(groups)["period"].max()
    rows = []
    for key in sorted(set(old_areas.index) | set(new_areas.index)):
        before, after = old_areas.get(key, set()), new_areas.get(key, set())
        lost, gained = sorted(before - after), sorted(after - before)
        latest_before = old_latest.get(key)
        latest_after = new_latest.get(key)
        rows.append({
            "indicator": key[0], "geography": key[1],
            "areas_before": len(before), "areas_after": len(after),
            "kept_share": (len(before & after) / len(before)) if before else 1.0,
            "lost": lost, "gained": gained,
            "latest_before": None if latest_before is None else int(latest_before),
            "latest_after": None if latest_after is None else int(latest_after),
        })
    columns = ["indicator", "geography", "areas_before", "areas_after", "kept_share", "lost", "gained",
               "latest_before", "latest_after"]
    return pd.DataFrame(rows, columns=columns)


def _sample(codes: list[str]) -> str:
    more = f" and {len(codes) - LIST_LIMIT} more" if len(codes) > LIST_LIMIT else ""
    return ", ".join(codes[:LIST_LIMIT]) + more


def coverage_problems(cov: pd.DataFrame, min_share: float = MIN_AREA_SHARE, metadata: dict | None = None
                      ) -> list[str]:
    """Losses that block a refresh: an (indicator, geography) keeping < min_share of its areas, or
    losing the latest year it had. With `metadata`, each problem names the indicator's source."""
    problems = []
    for row in cov.itertuples(index=False):
        source = (metadata or {}).get(row.indicator, {}).get("source")
        where = f"{row.indicator} ({row.geography}" + (f"; source: {source})" if source else ")")
        if row.areas_before and row.areas_after == 0:
            problems.append(f"{where}: no areas with values any more (had {row.areas_before})")
            continue
        if row.areas_before and row.kept_share < min_share:
            problems.append(
                f"{where}: keeps {row.areas_before - len(row.lost)} of {row.areas_before} areas "
                f"({row.kept_share:.0%}, below the {min_share:.0%} minimum); lost {_sample(row.lost)}"
            )
        if row.latest_before is not None and (row.latest_after is None or row.latest_after < row.latest_before):
            problems.append(f"{where}: latest year {row.latest_before} is gone (latest now {row.latest_after})")
    return problems


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
    out = pd.DataFrame({
        "rows_before": old.groupby("indicator").size(),
        "rows_after": new.groupby("indicator").size(),
        "added": joined.groupby("indicator")["added"].sum(),
        "removed": joined.groupby("indicator")["removed"].sum(),
        "changed": joined.groupby("indicator")["changed"].sum(),
    }).fillna(0).astype(int)
    out.index.name = "indicator"
    return out.reset_index()


def largest_changes(old: pd.DataFrame, new: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The value changes with the largest relative size (|after - before| / |before|)."""
    joined = _joined(old, new)
    changed = joined[_changed(joined) & joined["before"].notna() & joined["after"].notna()].copy()
    changed["change"] = changed["after"] - changed["before"]
    with np.errstate(divide="ignore", invalid="ignore"):
        changed["change_pct"] = np.where(changed["before"] != 0, changed["change"] / changed["before"].abs() * 100,
                                         np.inf)
    changed["size"] = changed["change_pct"].abs()
    changed = changed.sort_values(["size", *KEY], ascending=[False, True, True, True, True]).head(limit)
    return changed[[*KEY, "area_name", "before", "after", "change", "change_pct"]].reset_index(drop=True)


def compare(old: pd.DataFrame | None, new: pd.DataFrame, metadata: dict, *, min_share: float = MIN_AREA_SHARE,
            accept_coverage_loss: bool = False) -> Comparison:
    """Every check of a candidate snapshot `new` against the current `old` (None: no current one)."""
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
        result.checks.append(("areas and years kept", True, "no current snapshot"))
        result.rows = row_diff(new.iloc[0:0], new)
        return result

    result.coverage = coverage(old, new)
    losses = coverage_problems(result.coverage, min_share, metadata)
    detail = "; ".join(losses) or f"every indicator and level keeps >= {min_share:.0%} of its areas and its latest year"
    if losses and accept_coverage_loss:
        result.warnings += [f"coverage (accepted with --accept-coverage-loss): {p}" for p in losses]
        result.checks.append(("areas and years kept", True, "ACCEPTED: " + detail))
    else:
        result.checks.append(("areas and years kept", not losses, detail))
        result.problems += [f"coverage: {p}" for p in losses]
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


def render_report(comparison: Comparison | None, *, outcome: str, context: dict[str, str],
                  failure: str | None = None, sources: list[dict] | None = None) -> str:
    """The refresh report as Markdown. `outcome` is the one-line result; `failure` what failed and
    where (None on success); `context` label -> value lines (mode, target, time...); `sources` one
    dict per file (path, origin, sha256, bytes, note)."""
    lines = ["# Snapshot refresh report", "", f"**Result: {md(outcome)}**", ""]
    lines += [f"- {md(label)}: {md(value)}" for label, value in context.items()]
    if failure:
        lines += ["", "## What failed", "", md(failure), "", "The current snapshot was left unchanged."]
    if comparison is not None:
        lines += ["", "## Checks", ""]
        lines += _table(["check", "result", "details"],
                        [[name, "pass" if ok else "FAIL", detail] for name, ok, detail in comparison.checks])
        if comparison.problems:
            lines += ["", "### Problems", ""] + [f"- {md(p)}" for p in comparison.problems]
        if comparison.warnings:
            lines += ["", "### Warnings", ""] + [f"- {md(w)}" for w in comparison.warnings]
        if comparison.rows is not None:
            lines += ["", "## Rows by indicator", ""]
            rows = comparison.rows
            total = rows[["rows_before", "rows_after", "added", "removed", "changed"]].sum()
            lines.append(f"{int(total['rows_before']):,} rows before, {int(total['rows_after']):,} after: "
                         f"{int(total['added']):,} added, {int(total['removed']):,} removed, "
                         f"{int(total['changed']):,} values changed.")
            lines.append("")
            lines += _table(["indicator", "rows before", "rows after", "added", "removed", "values changed"],
                            rows[["indicator", "rows_before", "rows_after", "added", "removed", "changed"]]
                            .values.tolist())
        if comparison.coverage is not None:
            moved = comparison.coverage[
                comparison.coverage["lost"].map(len).gt(0) | comparison.coverage["gained"].map(len).gt(0)
                | (comparison.coverage["latest_before"] != comparison.coverage["latest_after"])
            ]
            lines += ["", "## Areas and latest years gained or lost", ""]
            if moved.empty:
                lines.append("No indicator or level gained or lost an area or its latest year.")
            else:
                lines += _table(
                    ["indicator", "level", "areas before", "areas after", "kept", "lost", "gained", "latest year"],
                    [[r.indicator, r.geography, r.areas_before, r.areas_after, f"{r.kept_share:.0%}",
                      _sample(r.lost), _sample(r.gained), f"{r.latest_before} -> {r.latest_after}"]
                     for r in moved.itertuples(index=False)],
                )
        if comparison.changes is not None:
            lines += ["", "## Largest value changes", ""]
            if comparison.changes.empty:
                lines.append("No value changed.")
            else:
                lines += _table(
                    ["indicator", "level", "area", "period", "before", "after", "change %"],
                    [[r.indicator, r.geography, f"{r.area_code} {r.area_name}", r.period, _number(r.before),
                      _number(r.after), _number(r.change_pct)] for r in comparison.changes.itertuples(index=False)],
                )
    if sources:
        lines += ["", "## Source files", ""]
        lines += _table(["file", "from", "bytes", "sha256", "note"],
                        [[s["path"], s.get("origin", ""), f"{s.get('bytes', 0):,}", s.get("sha256", ""),
                          s.get("note", "")] for s in sources])
    return "\n".join(lines) + "\n"
