"""Everything the Overview page shows for one choice of level, indicator, year, benchmark and area,
computed from the snapshot without Streamlit so tests can call it directly."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from components.charts import ranked_bar_chart, ranked_chart_note, rows_for_ranked_chart
from components.figures import DERIVED, Figure, chart_titles, choropleth_figure, figure_sources
from components.formatting import format_value
from components.intervals import NO_INTERVAL_TEXT, interval_width_text, no_interval_reason, verdict_sentence
from components.maps import DeckSpec, choropleth_deck, choropleth_features
from components.palettes import VIRIDIS_5, LegendEntry, legend_entries, quantile_breaks
from metrics.comparisons import LOWER_BETTER, NEUTRAL, ordinal
from metrics.ranking import ranked_table
from metrics.significance import significance_verdict
from vocabulary.geography import BENCHMARKS, LEVELS, MEDIAN
from vocabulary.indicators import Indicator

PREFERRED_INDICATORS = ("gva_per_hour", "employment_rate_16_64", "median_weekly_pay")


@dataclass
class OverviewView:
    table: pd.DataFrame
    deck: DeckSpec
    features: dict
    chart: object
    legend: list[LegendEntry]
    headline: str
    benchmark_value: float | None
    benchmark_name: str | None
    value_label: str
    chart_note: str | None = None  # what a shortened ranked chart leaves out (None: every area has a bar)


def indicators_for(metadata: dict[str, Indicator], level: str) -> list[str]:
    return [key for key, meta in metadata.items() if level in meta.geographies]


def preferred_indicator(choices: list[str]) -> str | None:
    """The default indicator of a level: GVA per hour where it exists, else a labour-market measure."""
    return next((key for key in PREFERRED_INDICATORS if key in choices), choices[0] if choices else None)


def years_for(rows: pd.DataFrame) -> list[int]:
    return sorted(int(year) for year in rows.loc[rows["value"].notna(), "period"].unique())


def benchmark_value(indicator_rows: pd.DataFrame, level_rows: pd.DataFrame, code: str, year: int) -> float | None:
    """The benchmark's value in `year`: a named area (UK, England, England excl. London) or the
    median of the level's areas. None when the snapshot has no such value."""
    if code == MEDIAN:
        values = level_rows["value"].dropna()
        return float(values.median()) if len(values) else None
    match = indicator_rows[(indicator_rows["area_code"] == code) & (indicator_rows["period"] == year)]
    values = match["value"].dropna()
    return float(values.iloc[0]) if len(values) else None


def value_format(unit: str, decimals: int) -> str:
    """d3-format string for chart axes and tooltips."""
    if unit == "£":
        return f",.{decimals}f"  # d3 "$" prints a dollar sign; the axis title carries "£"
    if unit in {"count", "persons"}:
        return ",.0f"
    return f",.{decimals}f"


def build_overview(
    indicator_rows: pd.DataFrame,
    meta: Indicator,
    boundaries: dict,
    level: str,
    year: int,
    benchmark_code: str,
    selected_code: str | None,
) -> OverviewView:
    """Map, ranked chart, legend and headline for one view. `indicator_rows` are all snapshot rows of
    the indicator (every level and year); `meta` its metadata entry."""
    level_rows = indicator_rows[(indicator_rows["geography"] == level) & (indicator_rows["period"] == year)]
    bench = benchmark_value(indicator_rows, level_rows, benchmark_code, year)
    bench_name = BENCHMARKS[benchmark_code].name if bench is not None else None
    if benchmark_code == MEDIAN and bench is not None:
        bench_name = f"the median {LEVELS[level].noun}"
    table = ranked_table(level_rows, meta.polarity, bench)

    unit, decimals = meta.unit, int(meta.decimals)

    def fmt(value: float | None) -> str:
        return format_value(value, unit, decimals)

    breaks = quantile_breaks(table["value"])
    features = choropleth_features(boundaries, table, breaks, VIRIDIS_5, fmt, bench_name, selected_code)
    drawn = {feature["properties"]["code"] for feature in features["features"]}
    drawn_rows = table[table["area_code"].isin(drawn)]
    legend = legend_entries(
        breaks,
        VIRIDIS_5,
        fmt,
        has_missing=(drawn_rows["value"].isna() & (drawn_rows["status"] != "suppressed")).any()
        or len(drawn - set(table["area_code"])) > 0,
        has_suppressed=(drawn_rows["status"] == "suppressed").any(),
        lower_bound=float(table["value"].min()) if table["value"].notna().any() else None,
    )
    value_label = f"{meta.short_label} ({unit})" if unit not in {"index", "ratio"} else meta.short_label
    if "lci" in table and table["lci"].notna().any():
        table["interval"] = [
            interval_width_text(value, lci, uci, unit, decimals) or (NO_INTERVAL_TEXT if pd.notna(value) else "")
            for value, lci, uci in zip(table["value"], table["lci"], table["uci"], strict=True)
        ]
    drawn = rows_for_ranked_chart(table, selected_code)
    note = ranked_chart_note(table, drawn, LEVELS[level].plural, selected_code)
    chart = ranked_bar_chart(
        drawn,
        title=f"{meta.label}, {year}",
        subtitle=f"{LEVELS[level].label} ranked; line: {bench_name or 'no benchmark'}",
        value_title=value_label,
        value_format=value_format(unit, decimals),
        selected_code=selected_code,
        benchmark=bench,
        benchmark_name=bench_name,
        note=note,
    )
    headline = _headline(table, level, bench_name, meta.polarity, selected_code, fmt)
    if selected_code and bench is not None and "interval" in table:
        against = (benchmark_code, bench, bench_name or "")
        headline = f"{headline} {_significance(table, meta, indicator_rows, level, year, against, selected_code)}"
    return OverviewView(
        table, choropleth_deck(features, level), features, chart, legend, headline, bench, bench_name, value_label, note
    )


def _headline(
    table: pd.DataFrame, level: str, bench_name: str | None, polarity: str, selected_code: str | None, fmt
) -> str:
    ranked = table.dropna(subset=["value"])
    if ranked.empty:
        return "No area of this level has a value for this indicator and year."
    if selected_code and selected_code in set(table["area_code"]):
        row = table[table["area_code"] == selected_code].iloc[0]
        gap = None if math.isnan(row["gap_pct"]) else float(row["gap_pct"])
        rank = None if pd.isna(row["rank"]) else int(row["rank"])
        sentence = headline_sentence(row["area_name"], rank, int(row["rank_of"]), level, gap, bench_name, polarity)
        flag = f" ({row['status']})" if row["status"] in ("provisional", "estimated") and pd.notna(row["value"]) else ""
        return f"{sentence} Value: {fmt(row['value'])}{flag}."
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    plural = LEVELS[level].plural
    return (
        f"{len(ranked)} {plural}: first {top['area_name']} ({fmt(top['value'])}), "
        f"last {bottom['area_name']} ({fmt(bottom['value'])}). Pick an area to see where it stands."
    )


def _significance(
    table: pd.DataFrame,
    meta: Indicator,
    indicator_rows: pd.DataFrame,
    level: str,
    year: int,
    against: tuple[str, float, str],
    selected: str,
) -> str:
    """For an indicator with intervals: is the selected area better, not significantly different or worse than
    the benchmark (metrics.significance), or why no test is possible. `against`: its code, value and name."""
    code, bench, name = against
    picked = table[table["area_code"] == selected]
    if picked.empty or pd.isna(picked["value"].iloc[0]):
        return ""
    own = picked.iloc[0]
    bench_rows = indicator_rows[(indicator_rows["area_code"] == code) & (indicator_rows["period"] == year)]
    bench_lci = float(bench_rows["lci"].iloc[0]) if len(bench_rows) else math.nan
    bench_uci = float(bench_rows["uci"].iloc[0]) if len(bench_rows) else math.nan
    verdict = significance_verdict(own["value"], own["lci"], own["uci"], bench, bench_lci, bench_uci, meta.polarity)
    return verdict_sentence(
        verdict,
        name,
        no_interval_reason(selected, level, str(own["status"]), True, meta.source),
        no_interval_reason(code, BENCHMARKS[code].geography or "", "", True, meta.source),
    )


def overview_map_figure(
    view: Any, meta: Indicator, indicator: str, level: str, year: int, metadata: Mapping[str, Indicator]
) -> Figure:
    versus = f"; gaps compared with {view.benchmark_name}" if view.benchmark_name else ""
    return choropleth_figure(
        "overview_map",
        features=view.features,
        legend=view.legend,
        legend_title=view.value_label,
        legend_note="Five classes with equal numbers of areas (quantiles).",
        table=view.table,
        meta=meta,
        indicator=indicator,
        level=level,
        year=year,
        metadata=metadata,
        subtitle=f"{LEVELS[level].label}{versus}",
        gap_title=f"gap_pct_to_{view.benchmark_name}" if view.benchmark_name else None,
    )


def ranked_chart_data(
    table: pd.DataFrame,
    selected: str | None,
    year: int,
    meta: Indicator,
    indicator: str,
    benchmark_code: str,
    benchmark_value: float | None,
    benchmark_name: str | None,
) -> pd.DataFrame:
    """The bars of the ranked chart (the same rows it draws, with their 95% intervals where the indicator has
    them) and the benchmark line."""
    rows = rows_for_ranked_chart(table, selected)
    out = pd.DataFrame(
        {
            "area_code": rows["area_code"].to_numpy(dtype=object),
            "area_name": rows["area_name"].to_numpy(dtype=object),
            "period": year,
            "value": rows["value"].to_numpy(dtype=float),
            "unit": meta.unit,
            "status": rows["status"].to_numpy(dtype=object),
            "indicator": indicator,
            "rank": rows["rank"].to_numpy(dtype=float),
            "gap_pct": rows["gap_pct"].to_numpy(dtype=float),
            "drawn_as": "bar",
        }
    )
    if "interval" in rows:  # the indicator has 95% intervals at this level: the error bars' limits
        out.insert(4, "lci", rows["lci"].to_numpy(dtype=float))
        out.insert(5, "uci", rows["uci"].to_numpy(dtype=float))
    if benchmark_value is not None and benchmark_name:
        line = {
            "area_code": "" if benchmark_code == MEDIAN else benchmark_code,
            "area_name": benchmark_name,
            "period": year,
            "value": float(benchmark_value),
            "unit": meta.unit,
            "status": DERIVED if benchmark_code == MEDIAN else "",
            "indicator": indicator,
            "rank": np.nan,
            "gap_pct": 0.0,
            "drawn_as": "benchmark line",
        }
        out = pd.concat([out, pd.DataFrame([line])], ignore_index=True)
    return out


def overview_chart_figure(
    view: Any,
    meta: Indicator,
    indicator: str,
    year: int,
    selected: str | None,
    benchmark_code: str,
    metadata: Mapping[str, Indicator],
) -> Figure:
    title, subtitle = chart_titles(view.chart)
    return Figure(
        "overview_ranked",
        title,
        subtitle,
        view.chart,
        lambda: ranked_chart_data(
            view.table, selected, year, meta, indicator, benchmark_code, view.benchmark_value, view.benchmark_name
        ),
        sources=figure_sources(metadata, [indicator]),
        indicators=(indicator,),
        file_stem=f"overview_ranked_{indicator}_{year}",
    )


def headline_sentence(
    area_name: str,
    rank: int | None,
    rank_of: int,
    level: str,
    gap_pct: float | None,
    benchmark_name: str | None,
    polarity: str,
) -> str:
    """'North East was ranked 31st of 38 LEPs; 14.2% below England excluding London.'"""
    plural = LEVELS[level].plural
    if rank is None or pd.isna(rank):
        return f"{area_name} has no value for this indicator and year."
    order = "largest" if polarity == NEUTRAL else ("lowest" if polarity == LOWER_BETTER else "highest")
    text = f"{area_name} ranks {ordinal(int(rank))} of {rank_of} {plural} ({ordinal(1)} = {order})"
    if gap_pct is None or pd.isna(gap_pct) or not benchmark_name:
        return text + "."
    if abs(gap_pct) < 0.05:
        return text + f"; level with {benchmark_name}."
    direction = "above" if gap_pct > 0 else "below"
    return text + f"; {abs(gap_pct):.1f}% {direction} {benchmark_name}."
