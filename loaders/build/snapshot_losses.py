"""What a candidate snapshot would lose against the current one, per indicator x geography.

Both `python -m loaders.build` and `python -m loaders.refresh` refuse a candidate whose losses go
beyond these limits unless `--accept-losses` is given (official releases add years and areas; they
rarely drop them, and a file cut short or with rows missing must not silently shrink the snapshot):

- areas: at least MIN_AREA_SHARE (90%) of the areas that had values keep values;
- rows: at most MAX_ROW_LOSS (5%) of the (area, year) values go (values turned missing count as gone);
- years per area: at most MAX_AREAS_LOSING_YEARS (5%) of the areas kept lose any year they had;
- first and last year: neither end of the span of years with values moves inwards.

Each problem names the indicator, the geography and where the data comes from: the source files
the build read for it (`provenance`) or, failing that, the source named in the indicator metadata.
"""

from __future__ import annotations

import pandas as pd

KEY = ["indicator", "geography", "area_code", "period"]
GROUP = ["indicator", "geography"]
MIN_AREA_SHARE = 0.9
MAX_ROW_LOSS = 0.05
MAX_AREAS_LOSING_YEARS = 0.05
LIST_LIMIT = 10
COLUMNS = [
    "indicator",
    "geography",
    "rows_before",
    "rows_after",
    "rows_lost",
    "areas_before",
    "areas_after",
    "kept_share",
    "lost",
    "gained",
    "areas_losing_years",
    "losing_years_example",
    "first_before",
    "first_after",
    "latest_before",
    "latest_after",
]

Provenance = dict[tuple[str, str], list[str]]  # (indicator, geography) -> source files (relative paths)


def _valued(table: pd.DataFrame) -> pd.DataFrame:
    return table.loc[table["value"].notna(), KEY].drop_duplicates()


def coverage(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Per (indicator, geography) of either table: rows with values before/after and how many of the
    old ones are gone, areas before/after (kept share, lost, gained), kept areas that lost years (count
    and one example), and the first and latest year with values before/after."""
    old_v, new_v = _valued(old), _valued(new)
    joined = old_v.merge(new_v, on=KEY, how="outer", indicator="side")
    gone = joined[joined["side"] == "left_only"]
    old_areas = old_v.groupby(GROUP)["area_code"].agg(set)
    new_areas = new_v.groupby(GROUP)["area_code"].agg(set)
    spans = {
        name: frame.groupby(GROUP)["period"].agg(["min", "max", "size"])
        for name, frame in (("old", old_v), ("new", new_v))
    }
    gone_by_area = gone.groupby([*GROUP, "area_code"])["period"].agg(list)
    gone_count = gone.groupby(GROUP).size()
    losing_keys = set(gone_by_area.index)
    years_by_area = old_v.groupby([*GROUP, "area_code"])["period"].size()
    rows = []
    for key in sorted(set(old_areas.index) | set(new_areas.index)):
        before, after = old_areas.get(key, set()), new_areas.get(key, set())
        old_span = spans["old"].loc[key] if key in spans["old"].index else None
        new_span = spans["new"].loc[key] if key in spans["new"].index else None
        kept = before & after
        losing = sorted(code for code in kept if (*key, code) in losing_keys)
        example = ""
        if losing:
            years = sorted(gone_by_area.loc[(*key, losing[0])])
            example = f"{losing[0]} lost {_years(years)} of its {years_by_area.loc[(*key, losing[0])]} years"
        rows.append(
            {
                "indicator": key[0],
                "geography": key[1],
                "rows_before": 0 if old_span is None else int(old_span["size"]),
                "rows_after": 0 if new_span is None else int(new_span["size"]),
                "rows_lost": int(gone_count.get(key, 0)),
                "areas_before": len(before),
                "areas_after": len(after),
                "kept_share": (len(kept) / len(before)) if before else 1.0,
                "lost": sorted(before - after),
                "gained": sorted(after - before),
                "areas_losing_years": len(losing),
                "losing_years_example": example,
                "first_before": None if old_span is None else int(old_span["min"]),
                "first_after": None if new_span is None else int(new_span["min"]),
                "latest_before": None if old_span is None else int(old_span["max"]),
                "latest_after": None if new_span is None else int(new_span["max"]),
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def _years(years: list[int]) -> str:
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(year) for year in years[:LIST_LIMIT]) + (" ..." if len(years) > LIST_LIMIT else "")


def sample(codes: list[str]) -> str:
    more = f" and {len(codes) - LIST_LIMIT} more" if len(codes) > LIST_LIMIT else ""
    return ", ".join(codes[:LIST_LIMIT]) + more


def where(indicator: str, geography: str, metadata: dict | None, provenance: Provenance | None) -> str:
    """'<indicator> (<geography>; source: ...; file: ...)': what a problem is about and where it comes from."""
    source = (metadata or {}).get(indicator, {}).get("source")
    files = (provenance or {}).get((indicator, geography))
    if files is None:  # a level the candidate no longer has: any file its indicator comes from
        files = sorted({f for (ind, _), found in (provenance or {}).items() if ind == indicator for f in found})
    parts = [f"source: {source}"] if source else []
    if files:
        parts.append(("file: " if len(files) == 1 else "files: ") + ", ".join(files))
    return f"{indicator} ({'; '.join([geography, *parts])})"


def coverage_problems(
    cov: pd.DataFrame,
    min_share: float = MIN_AREA_SHARE,
    metadata: dict | None = None,
    provenance: Provenance | None = None,
) -> list[str]:
    """The losses beyond the limits (module notes): one line per indicator x geography, naming it, its
    source (files) and every limit it breaks; the largest losses of values first."""
    problems = []
    ordered = cov.assign(order=-cov["rows_lost"]).sort_values(["order", "indicator", "geography"], kind="stable")
    for row in ordered.itertuples(index=False):
        if not row.areas_before:
            continue
        about = where(row.indicator, row.geography, metadata, provenance)
        if row.areas_after == 0:
            problems.append(f"{about}: no areas with values any more (had {row.areas_before})")
            continue
        reasons = []
        if row.kept_share < min_share:
            reasons.append(
                f"keeps {row.areas_before - len(row.lost)} of {row.areas_before} areas "
                f"({row.kept_share:.0%}, below the {min_share:.0%} minimum); lost {sample(row.lost)}"
            )
        if row.rows_lost > MAX_ROW_LOSS * row.rows_before:
            reasons.append(
                f"{row.rows_lost:,} of its {row.rows_before:,} values are gone "
                f"({row.rows_lost / row.rows_before:.0%}, more than the {MAX_ROW_LOSS:.0%} allowed; "
                f"{row.rows_after:,} values now)"
            )
        kept = row.areas_before - len(row.lost)
        if kept and row.areas_losing_years > MAX_AREAS_LOSING_YEARS * kept:
            reasons.append(
                f"{row.areas_losing_years} of {kept} areas lost years they had (more than the "
                f"{MAX_AREAS_LOSING_YEARS:.0%} allowed; e.g. {row.losing_years_example})"
            )
        if row.first_after > row.first_before:
            reasons.append(
                f"years {_years(list(range(row.first_before, row.first_after)))} are gone "
                f"(first year {row.first_before}, now {row.first_after})"
            )
        if row.latest_after < row.latest_before:
            reasons.append(f"latest year {row.latest_before} is gone (latest now {row.latest_after})")
        if reasons:
            problems.append(f"{about}: " + "; ".join(reasons))
    return problems


INDUSTRY_MEASURES = ("gva_current", "gva_cvm", "employment")


def industry_gva_long(table: pd.DataFrame) -> pd.DataFrame:
    """industry_gva.parquet in the indicator table's shape: one 'indicator' per measure and industry
    ("industry_gva gva_current CD-CG"), so that the same limits apply to it."""
    long = table.melt(
        id_vars=["area_code", "geography", "period", "industry"],
        value_vars=[measure for measure in INDUSTRY_MEASURES if measure in table.columns],
        var_name="measure",
    )
    long["indicator"] = "industry_gva " + long["measure"] + " " + long["industry"].astype(str)
    return long[[*KEY, "value"]]


def industry_gva_problems(old: pd.DataFrame | None, new: pd.DataFrame, files: list[str]) -> list[str]:
    """The losses of industry_gva.parquet beyond the limits (none when there was no such file before)."""
    if old is None:
        return []
    old_long, new_long = industry_gva_long(old), industry_gva_long(new)
    provenance = {key: files for key in old_long[GROUP].drop_duplicates().itertuples(index=False, name=None)}
    return coverage_problems(coverage(old_long, new_long), provenance=provenance)
