"""Area groups beside the areas of a level: each group's value, where it would rank, and its gap to every
benchmark, as text a person reads (a group that cannot be valued says why, in words)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from components.formatting import format_gap, format_value
from metrics.comparisons import percent_difference
from metrics.groups import AreaGroup, GroupError, group_series, provisional_years
from vocabulary.geography import BENCHMARKS, ENGLAND, OFFICIAL_BENCHMARK_CODES
from vocabulary.indicators import Indicator

NO_VALUE = "no value"


def gap_column(code: str) -> str:
    return f"gap to {BENCHMARKS[code].name}"


def benchmark_values(indicator_rows: pd.DataFrame, year: int, codes: Sequence[str] = OFFICIAL_BENCHMARK_CODES) -> dict:
    """code -> the benchmark's value in `year` (missing benchmarks left out)."""
    rows = indicator_rows[(indicator_rows["period"] == year) & indicator_rows["area_code"].isin(codes)]
    rows = rows.dropna(subset=["value"]).drop_duplicates("area_code")
    return dict(zip(rows["area_code"], rows["value"].astype(float), strict=True))


def group_table(
    groups: Sequence[AreaGroup],
    level: str,
    indicator: str,
    meta: Indicator,
    year: int,
    rows_of: Callable[[str, str | None], pd.DataFrame],
    areas: pd.DataFrame,
    level_values: pd.Series,
    benchmarks: dict[str, float],
    reference: str = ENGLAND,
) -> pd.DataFrame:
    """One row of text per group of this level: group, value (with "provisional" where a part is), where it
    would rank among the level's areas (1 = highest), the gap to each benchmark in % of its value, and a
    note (the number of areas, or why there is no value)."""
    gap_columns = [gap_column(code) for code in OFFICIAL_BENCHMARK_CODES]
    columns = ["group", "value", "would rank", *gap_columns, "note"]
    ranked = level_values.dropna().sort_values(ascending=False).to_numpy()
    unit, decimals, label = meta.unit, int(meta.decimals), meta.label
    rows = []
    for group in groups:
        if group.level != level:
            continue
        row = {"group": group.name, "value": NO_VALUE, "would rank": "not ranked", **dict.fromkeys(gap_columns, "")}
        try:
            series = group_series(group, indicator, rows_of, areas, reference)
        except GroupError as exc:
            rows.append({**row, "note": f"{label} cannot be given for this group: {exc}."})
            continue
        value = series.get(year)
        if value is None or pd.isna(value):
            years = f"{int(series.index.min())}-{int(series.index.max())}"
            rows.append({**row, "note": f"No value for {year}; the group has values for {years}."})
            continue
        provisional = year in provisional_years(group, indicator, rows_of, areas, reference)
        row["value"] = format_value(float(value), unit, decimals) + (" (provisional)" if provisional else "")
        row["would rank"] = f"{int((ranked > value).sum()) + 1} of {len(ranked) + 1}"
        for code, column in zip(OFFICIAL_BENCHMARK_CODES, gap_columns, strict=True):
            bench = benchmarks.get(code)
            row[column] = format_gap(percent_difference(float(value), bench)) if bench else "no benchmark value"
        rows.append({**row, "note": f"{len(group.members)} areas, valued from additive parts"})
    return pd.DataFrame(rows, columns=columns)
