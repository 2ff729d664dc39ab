"""The Productivity gaps page's charts (gap and level lines, convergence scatter, per hour against per job)
and their exportable figures, drawn from the tables of components.productivity_gaps."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from components.chart_layout import LEGEND_COLUMNS, narrow_or_wide
from components.charts import (
    BAR,
    LEGEND_LIMIT,
    LINE_LABEL_LIMIT,
    POINT_LABEL_LIMIT,
    SELECTED,
    SOURCE_LINE,
    label_positions,
    label_side,
    line_ends,
)
from components.figures import DERIVED, layer_data
from components.overview import value_format
from metrics.gaps import Convergence, Line
from vocabulary.geography import ENGLAND, ENGLAND_EXCL_LONDON, LEVELS, MEDIAN, UK

PARENT = "parent"


# Okabe-Ito colours (colour-blind safe) and a different dash for every line, so print and greyscale work.
LINE_STYLES: dict[str, tuple[str, list[int]]] = {
    ENGLAND_EXCL_LONDON: ("#D55E00", [12, 3]),
    ENGLAND: ("#0072B2", [5, 3]),
    UK: ("#000000", [2, 3]),
    PARENT: ("#009E73", [10, 3, 2, 3]),
    MEDIAN: ("#CC79A7", [4, 2, 1, 2, 1, 2]),
}


LINE_ORDER = (ENGLAND_EXCL_LONDON, ENGLAND, UK, PARENT, MEDIAN)


LABEL_PX = 14  # direct label spacing


def _title(text: str, subtitle: str) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=[subtitle, SOURCE_LINE], anchor="start", fontSize=16)


def labelled_lines(
    frame: pd.DataFrame,
    *,
    value_field: str,
    value_title: str,
    value_fmt: str,
    styles: dict[str, tuple[str, list[int]]],
    title: str,
    subtitle: str,
    zero_rule: bool,
    height: int,
    legend: bool = True,
    axis_fmt: str | None = None,
) -> alt.LayerChart:
    """One line per `series` value of `frame` (period, series, value_field, ...), each with its own
    colour and dash and a direct label at its last point; optionally a rule at zero. `height` is the
    plot's (title, axes and legend come on top: components/chart_layout.py)."""
    present = set(frame["series"])
    domain = [name for name in styles if name in present]
    colour_scale = alt.Scale(domain=domain, range=[styles[name][0] for name in domain])
    ends = line_ends(frame, value_field)
    values = frame[value_field].to_numpy(dtype=float)
    spread = float(np.nanmax(values) - np.nanmin(values)) if np.isfinite(values).any() else 0.0
    heights = label_positions(
        dict(zip(ends["series"], ends[value_field], strict=True)),
        min_gap=max(spread, 1e-9) * LABEL_PX / max(height, 60),
    )
    labels = pd.DataFrame(
        {
            "series": ends["series"].to_numpy(),
            "period": ends["period"].to_numpy(),
            "label_y": [heights[name] for name in ends["series"]],
        }
    )
    x = alt.X("period:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(nice=False, zero=False))
    tooltip = [
        alt.Tooltip("period:Q", title="Year", format="d"),
        alt.Tooltip("series:N", title="Line"),
        alt.Tooltip(f"{value_field}:Q", title=value_title, format=value_fmt),
    ]
    tooltip += [
        alt.Tooltip(f"{name}:Q", title=name.replace("_", " ").capitalize(), format=value_fmt)
        for name in ("area_value", "benchmark_value")
        if name in frame.columns
    ]
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2.5, invalid="break-paths-filter-domains")
        .encode(
            x=x,
            y=alt.Y(
                f"{value_field}:Q",
                title=value_title,
                axis=alt.Axis(format=axis_fmt or value_fmt),
                scale=alt.Scale(zero=zero_rule),
            ),
            color=alt.Color(
                "series:N",
                scale=colour_scale,
                title=None,
                legend=alt.Legend(orient="bottom", symbolStrokeWidth=2, labelLimit=LEGEND_LIMIT, columns=LEGEND_COLUMNS)
                if legend
                else None,
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=domain, range=[styles[n][1] for n in domain]),
                title=None,
                legend=alt.Legend() if legend else None,
            ),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(labels)
        .mark_text(align="left", dx=6, fontSize=11, fontWeight="bold", limit=LINE_LABEL_LIMIT)
        .encode(
            x=alt.X("period:Q"),
            y=alt.Y("label_y:Q"),
            text=alt.Text("series:N"),
            color=alt.Color("series:N", scale=colour_scale, legend=None),
        )
    )
    layers: list[alt.Chart] = [lines, text]
    if zero_rule:
        layers.insert(
            0, alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#666", size=1).encode(y=alt.Y("zero:Q"))
        )
    return alt.layer(*layers, title=_title(title, subtitle), width="container", height=height)


def gap_chart(frame: pd.DataFrame, label: str, indicator_label: str) -> alt.LayerChart:
    """The area's % gap to each benchmark by year; zero = level with the benchmark."""
    data = frame.rename(columns={"benchmark": "series"})
    labels = dict(zip(data["key"], data["series"], strict=True))
    styles = {labels[key]: LINE_STYLES[key] for key in LINE_ORDER if key in labels}
    first, last = (int(data["period"].min()), int(data["period"].max())) if len(data) else (0, 0)
    return labelled_lines(
        data,
        value_field="gap_pct",
        value_title="Gap (%)",
        value_fmt="+.1f",
        axis_fmt="+.0f",
        styles=styles,
        title=f"{label}: gap to benchmarks, {first}–{last}",
        subtitle=f"{indicator_label}; (area / benchmark − 1) × 100; below zero = behind the benchmark",
        zero_rule=True,
        height=300,
    )


def level_chart(
    area_values: pd.Series, label: str, lines: list[Line], indicator_label: str, unit: str, decimals: int
) -> alt.LayerChart:
    """The area's own values (£) with the benchmarks', over the area's years."""
    years = area_values.index.to_numpy(dtype=int)
    styles = {label: (SELECTED, [1, 0]), **{line.label: LINE_STYLES[line.key] for line in lines}}
    frame = pd.DataFrame(
        {
            "period": np.tile(years, len(lines) + 1),
            "series": np.repeat([label, *(line.label for line in lines)], len(years)),
            "value": np.concatenate(
                [
                    area_values.to_numpy(dtype=float),
                    *(line.values.reindex(area_values.index).to_numpy(dtype=float) for line in lines),
                ]
            ),
        }
    )
    return labelled_lines(
        frame,
        value_field="value",
        value_title=f"{indicator_label.split(' (')[0]} ({unit})",
        value_fmt=value_format(unit, decimals),
        styles=styles,
        title=f"{label} and its benchmarks",
        subtitle=indicator_label,
        zero_rule=False,
        height=240,
        legend=False,
    )


def convergence_chart(
    result: Convergence,
    selected_code: str | None,
    *,
    benchmark_name: str,
    start: int,
    end: int,
    level: str,
    indicator_label: str,
    value_fmt: str,
) -> alt.LayerChart:
    """Scatter of gap at the start against growth since, the benchmark's growth as a rule, the
    selected area as a labelled diamond, and the four quadrants named in the corners."""
    data = result.table.assign(selected=result.table["area_code"] == selected_code)
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("gap_start_pct:Q", title=f"Gap in {start} (%)", format="+.1f"),
        alt.Tooltip("growth_pct:Q", title=f"Growth {start}–{end} (%)", format="+.1f"),
        alt.Tooltip("start_value:Q", title=f"Value {start}", format=value_fmt),
        alt.Tooltip("end_value:Q", title=f"Value {end}", format=value_fmt),
    ]
    x = alt.X(
        "gap_start_pct:Q",
        title=f"Gap to {benchmark_name} in {start} (%)",
        axis=alt.Axis(format="+.0f"),
        scale=alt.Scale(zero=False),
    )
    y = alt.Y(
        "growth_pct:Q", title=f"Growth {start}–{end} (%)", axis=alt.Axis(format="+.0f"), scale=alt.Scale(zero=False)
    )
    layers: list[alt.Chart] = [
        alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#666", strokeDash=[4, 3]).encode(x=alt.X("x:Q")),
    ]
    if result.benchmark_growth is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"y": [result.benchmark_growth]}))
            .mark_rule(color="#b35806", strokeDash=[6, 3], size=2)
            .encode(y=alt.Y("y:Q"))
        )
        layers.append(_quadrant_labels(data, result.benchmark_growth))
    layers += highlighted_points(data, x, y, tooltip)
    noun = LEVELS[level].plural
    return alt.layer(
        *layers,
        title=_title(
            f"Convergence: gap in {start} against growth to {end}",
            f"{indicator_label}; {len(data)} {noun}; vertical line: level with {benchmark_name}",
        ),
        width="container",
        height=320,
    )


def highlighted_points(data: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list) -> list[alt.Chart]:
    """All areas as circles; the selected one (column `selected`) a larger diamond in the highlight
    colour, drawn last and named beside it, so it stands out without relying on colour."""
    ordered = data.sort_values("selected", kind="stable")
    ordered = ordered.assign(role=np.where(ordered["selected"], "selected", "other"))
    roles = ["other", "selected"]
    points = (
        alt.Chart(ordered)
        .mark_point(filled=True, opacity=0.8, stroke="#000", strokeWidth=0.3)
        .encode(
            x=x,
            y=y,
            tooltip=tooltip,
            color=alt.Color("role:N", scale=alt.Scale(domain=roles, range=[BAR, SELECTED]), legend=None),
            size=alt.Size("role:N", scale=alt.Scale(domain=roles, range=[55, 220]), legend=None),
            shape=alt.Shape("role:N", scale=alt.Scale(domain=roles, range=["circle", "diamond"]), legend=None),
        )
    )
    chosen = ordered[ordered["selected"]]
    if chosen.empty:
        return [points]
    x_field = x.shorthand.split(":")[0]
    side = label_side(float(chosen[x_field].iloc[0]), ordered[x_field])
    label = (
        alt.Chart(chosen[["area_name", x_field, y.shorthand.split(":")[0]]])
        .mark_text(dy=-8, fontWeight="bold", fontSize=12, limit=POINT_LABEL_LIMIT, **side)
        .encode(x=x, y=y, text=alt.Text("area_name:N"))
    )
    return [points, label]


def _quadrant_labels(data: pd.DataFrame, benchmark_growth: float) -> alt.Chart:
    """The four quadrants named at the middle of their outer edges (one text layer)."""
    xs = [0.0, *data["gap_start_pct"].dropna()]
    ys = [benchmark_growth, *data["growth_pct"].dropna()]
    left, right, low, high = min(xs) / 2, max(xs) / 2, min(ys), max(ys)
    corners = pd.DataFrame(
        {
            "x": [left, right, left, right],
            "y": [high, high, low, low],
            "text": ["Behind, catching up", "Ahead, pulling away", "Behind, falling back", "Ahead, lead narrowing"],
        }
    )
    return (
        alt.Chart(corners)
        .mark_text(color="#555", fontSize=narrow_or_wide(9, 11), fontStyle="italic")
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("text:N"))
    )


def hour_job_chart(frame: pd.DataFrame, selected_code: str | None, year: int, level: str) -> alt.LayerChart:
    """Per-hour index against per-job index (UK = 100): on the diagonal, an area's jobs are as
    productive relative to the UK as its hours; above it, jobs work longer hours than the UK's."""
    data = frame.assign(selected=frame["area_code"] == selected_code)
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("hour_index:Q", title="Per hour, index (UK = 100)", format=".1f"),
        alt.Tooltip("job_index:Q", title="Per job, index (UK = 100)", format=".1f"),
        alt.Tooltip("hour_value:Q", title="GVA per hour (£)", format="$,.2f"),
        alt.Tooltip("job_value:Q", title="GVA per filled job (£)", format="$,.0f"),
    ]
    x = alt.X("hour_index:Q", title="GVA per hour worked, index (UK = 100)", scale=alt.Scale(zero=False))
    y = alt.Y("job_index:Q", title="GVA per filled job, index (UK = 100)", scale=alt.Scale(zero=False))
    both = pd.concat([data["hour_index"], data["job_index"]])
    low, high = (float(both.min()), float(both.max())) if len(both) else (100.0, 100.0)
    diagonal = pd.DataFrame({"hour_index": [low, high], "job_index": [low, high]})
    layers: list[alt.Chart] = [
        alt.Chart(diagonal)
        .mark_line(color="#999", strokeDash=[4, 4])
        .encode(x=alt.X("hour_index:Q"), y=alt.Y("job_index:Q")),
        *highlighted_points(data, x, y, tooltip),
    ]
    noun = LEVELS[level].plural
    return alt.layer(
        *layers,
        title=_title(
            f"GVA per hour against GVA per filled job, {year}",
            f"{len(data)} {noun}; smoothed indices, UK = 100; dashed line: equal indices",
        ),
        width="container",
        height=320,
    )


def gap_chart_data(chart: Any, area_code: str, label: str, indicator: str) -> pd.DataFrame:
    frame = layer_data(chart, "gap_pct")
    return pd.DataFrame(
        {
            "area_code": area_code,
            "area_name": label,
            "period": frame["period"].to_numpy(dtype=int),
            "value": frame["gap_pct"].to_numpy(dtype=float),
            "unit": "% gap",
            "status": DERIVED,
            "indicator": indicator,
            "benchmark": frame["series"].to_numpy(dtype=object),
            "benchmark_code": frame["key"].to_numpy(dtype=object),
            "area_value": frame["area_value"].to_numpy(dtype=float),
            "benchmark_value": frame["benchmark_value"].to_numpy(dtype=float),
        }
    )


def level_chart_data(chart: Any, gap_chart: Any, area_code: str, unit: str, indicator: str) -> pd.DataFrame:
    frame = layer_data(chart, "value")
    gaps = layer_data(gap_chart, "gap_pct")
    codes = dict(zip(gaps["series"], gaps["key"], strict=False))
    series = frame["series"].astype(str)
    first = series.iloc[0] if len(series) else ""
    return pd.DataFrame(
        {
            "area_code": [area_code if name == first else codes.get(name, "") for name in series],
            "area_name": series.to_numpy(dtype=object),
            "period": frame["period"].to_numpy(dtype=int),
            "value": frame["value"].to_numpy(dtype=float),
            "unit": unit,
            "status": [
                "" if name == first else DERIVED if codes.get(name) in (MEDIAN, "parent") else "" for name in series
            ],
            "indicator": indicator,
        }
    )


def convergence_data(table: pd.DataFrame, start: int, end: int, unit: str, indicator: str) -> pd.DataFrame:
    """The convergence scatter's points (from the table the page shows: Area, Code, values, gap, growth)."""
    return pd.DataFrame(
        {
            "area_code": table["Code"].to_numpy(dtype=object),
            "area_name": table["Area"].to_numpy(dtype=object),
            "period": end,
            "value": table[f"Value {end}"].to_numpy(dtype=float),
            "unit": unit,
            "status": "",
            "indicator": indicator,
            "start_year": start,
            "start_value": table[f"Value {start}"].to_numpy(dtype=float),
            "gap_in_start_year_pct": table[f"Gap in {start} (%)"].to_numpy(dtype=float),
            "growth_pct": table[f"Growth {start}–{end} (%)"].to_numpy(dtype=float),
        }
    )
