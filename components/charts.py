"""Altair charts for the pages, titled and sourced so they can go straight onto a slide."""

from __future__ import annotations

import json
import math
from typing import Any

import altair as alt
import pandas as pd

from components.chart_layout import narrow_or_wide
from components.palettes import SELECTED_OUTLINE, rgba_css

BAR = "#3b528b"
SELECTED = rgba_css(SELECTED_OUTLINE)
OUTLINE = "#000000"
ERROR_BAR = "#000000"  # over the dark blue and the magenta bars alike, and past their ends on white
SOURCE_LINE = "Source: ONS (and others as listed), Open Government Licence v3.0"
# "► " before the selected area's name on the axis, so the highlight is not colour alone. U+25BA, not U+25B6 "▶":
# Liberation Sans (the sans-serif that vl-convert's PNG export finds) has it, so the label keeps its font and bold.
SELECTED_PREFIX = "\u25ba "
# Each bar gets 18 px, room for its 12-14 px name, so every area is named. A name may take 38% of the chart's
# width, between 90 and 320 px (containerSize() is the chart's column in the browser, [0, 0] offline, where
# 320 px applies): on a phone the bars keep most of the width and a long name ends in "…" (the tooltip has it).
BAR_STEP = 18
NAME_LIMIT = "containerSize()[0] > 0 ? clamp(containerSize()[0] * 0.38, 90, 320) : 320"
# Legend entries and names at a line's end or beside a point, shortened with "…" on a phone (the legend, the
# subtitle or the tooltip keep the full name).
LEGEND_LIMIT = narrow_or_wide(160, 320)
LINE_LABEL_LIMIT = narrow_or_wide(70, 170)
POINT_LABEL_LIMIT = narrow_or_wide(140, 320)
RANKED_LIMIT = 40  # bars in a ranked chart before it shows only the ends of the ranking (and the selected area)


def rows_for_ranked_chart(table: pd.DataFrame, selected_code: str | None, limit: int = RANKED_LIMIT) -> pd.DataFrame:
    """All ranked areas when there are at most `limit`; otherwise the top and bottom limit/2
    plus the selected area, so a 361-LAD chart stays readable. Rows keep their ranked order, so a
    selected area from the middle sits between the top and the bottom group, not below the last."""
    ranked = table.dropna(subset=["value"])
    if len(ranked) <= limit:
        return ranked
    half = limit // 2
    position = pd.Series(range(len(ranked)), index=ranked.index)
    keep = (position < half) | (position >= len(ranked) - half) | (ranked["area_code"] == selected_code)
    return ranked[keep.to_numpy()]


def ranked_chart_note(table: pd.DataFrame, drawn: pd.DataFrame, plural: str, selected_code: str | None) -> str | None:
    """What a shortened ranking leaves out, in words (None when every area with a value has a bar)."""
    ranked = table.dropna(subset=["value"])
    if len(drawn) >= len(ranked):
        return None
    half = RANKED_LIMIT // 2
    also = " and the selected area" if selected_code in set(drawn["area_code"]) and len(drawn) > 2 * half else ""
    return f"Showing {len(drawn)} of {len(ranked)} {plural}: the {half} ranked first, the {half} ranked last{also}."


def name_axis(**extra: Any) -> alt.Axis:
    """The category axis of a bar chart: every name drawn (Streamlit's theme would drop every other one and
    shift the first and last to the axis ends, onto their neighbours), cut to NAME_LIMIT with "…"."""
    return alt.Axis(labelLimit=alt.ExprRef(expr=NAME_LIMIT), labelOverlap=False, labelFlush=False, **extra)


def label_side(value: float, values: pd.Series, gap: int = 10) -> dict:
    """Mark properties that put a point's name on the side with room: right of a point in the left half of
    the x range, left of one in the right half (a name written rightwards from a point near the right edge
    runs off the chart)."""
    low, high = values.min(), values.max()
    if pd.notna(value) and pd.notna(low) and high > low and value > (low + high) / 2:
        return {"align": "right", "dx": -gap}
    return {"align": "left", "dx": gap}


def selected_label_cues(name: str | None) -> dict:
    """Axis properties that mark one category label without colour: "► " before it and bold type. With no
    name (nothing selected, or the selected area has no bar) the labels are left as they are."""
    if name is None:
        return {}
    test = f"datum.value === {json.dumps(name)}"  # JSON string syntax is a valid Vega expression literal
    return {
        "labelExpr": f"{test} ? {json.dumps(SELECTED_PREFIX)} + datum.label : datum.label",
        "labelFontWeight": {"condition": {"test": test, "value": "bold"}, "value": "normal"},
    }


def ranked_bar_chart(
    rows: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    value_title: str,
    value_format: str,
    selected_code: str | None,
    benchmark: float | None,
    benchmark_name: str | None,
    note: str | None = None,
) -> alt.LayerChart:
    """Horizontal bars, best first, the benchmark as a rule, and the selected area marked three ways, not by
    colour alone: its bar is coloured and outlined, and its name on the axis is bold with "► " before it.
    Every bar is named; `note` (a subtitle line) says what a shortened ranking leaves out. Rows with a 95%
    confidence interval (lci, uci) get an error bar, and their tooltip gives it (the `interval` text column)."""
    interval_columns = [c for c in ("lci", "uci", "interval") if c in rows]
    data = rows[["area_code", "area_name", "value", "rank", "gap_pct", *interval_columns]].copy()
    data["selected"] = data["area_code"] == selected_code
    data["rank"] = data["rank"].astype("float")
    order = data["area_name"].tolist()
    chosen = data.loc[data["selected"], "area_name"].tolist()
    height = max(180, BAR_STEP * len(data))
    with_interval = data.dropna(subset=["lci", "uci"]) if {"lci", "uci"} <= set(data) else data.iloc[0:0]
    interval_tip = [alt.Tooltip("interval:N", title="95% confidence interval")] if "interval" in data else []
    bars = (
        alt.Chart(data)
        .mark_bar(stroke=OUTLINE)
        .encode(
            y=alt.Y(
                "area_name:N",
                sort=order,
                title=None,
                axis=name_axis(**selected_label_cues(chosen[0] if chosen else None)),
            ),
            x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.ColorValue(BAR, condition={"test": "datum.selected", "value": SELECTED}),
            strokeWidth=alt.StrokeWidthValue(0, condition={"test": "datum.selected", "value": 2}),
            tooltip=[
                alt.Tooltip("area_name:N", title="Area"),
                alt.Tooltip("value:Q", title=value_title, format=value_format),
                *interval_tip,
                alt.Tooltip("rank:Q", title="Rank"),
                alt.Tooltip("gap_pct:Q", title="Gap to benchmark (%)", format="+.1f"),
                alt.Tooltip("selected:N", title="Selected"),
            ],
        )
        .properties(height=height)
    )
    layers = [bars]
    if not with_interval.empty:
        layers.append(
            alt.Chart(with_interval)
            .mark_rule(color=ERROR_BAR, size=1.5)
            .encode(
                y=alt.Y("area_name:N", sort=order),
                x=alt.X("lci:Q", title=value_title),
                x2=alt.X2("uci:Q"),
                tooltip=[alt.Tooltip("area_name:N", title="Area"), *interval_tip],
            )
        )
        subtitle = f"{subtitle}; black lines: 95% confidence intervals"
    if benchmark is not None and pd.notna(benchmark) and benchmark_name:
        rule_data = pd.DataFrame({"value": [benchmark], "label": [benchmark_name]})
        layers.append(
            alt.Chart(rule_data)
            .mark_rule(color="#b35806", strokeDash=[6, 3], size=2)
            .encode(
                x=alt.X("value:Q"),
                tooltip=[
                    alt.Tooltip("label:N", title="Benchmark"),
                    alt.Tooltip("value:Q", title=value_title, format=value_format),
                ],
            )
        )
    return alt.layer(*layers).properties(
        title=alt.TitleParams(
            text=title, subtitle=[subtitle, *([note] if note else []), SOURCE_LINE], anchor="start", fontSize=16
        ),
        width="container",
    )


def spread_labels(values: list[float], min_gap: float) -> list[float]:
    """Label positions near `values` (same order) pushed apart to at least `min_gap`, so end-of-line
    labels of close series (England 8.9%, UK 9.2%) do not print over each other."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [0.0] * len(values)
    previous = -math.inf
    for i in order:
        placed[i] = max(values[i], previous + min_gap)
        previous = placed[i]
    # centre the block on the original values so labels do not all drift upwards
    shift = (sum(placed) - sum(values)) / len(values) if values else 0.0
    return [p - shift for p in placed]


def label_positions(ends: dict[str, float], min_gap: float) -> dict[str, float]:
    """Heights for direct labels at the ends of lines, pushed apart by at least `min_gap` (in data
    units) so close lines keep readable labels, and centred on the lines' own ends."""
    if not ends:
        return {}
    order = sorted(ends, key=lambda key: ends[key])
    placed: list[float] = []
    for key in order:
        placed.append(ends[key] if not placed else max(ends[key], placed[-1] + min_gap))
    shift = (sum(ends.values()) - sum(placed)) / len(placed)
    return {key: y + shift for key, y in zip(order, placed, strict=True)}


def line_ends(frame: pd.DataFrame, value_field: str) -> pd.DataFrame:
    """series, period and value of each line's last point with a value (where its label goes)."""
    valid = frame[frame[value_field].notna()]
    last = (
        valid.drop_duplicates("series", keep="last")
        if valid["period"].is_monotonic_increasing
        else (valid.sort_values("period", kind="stable").drop_duplicates("series", keep="last"))
    )
    return last[["series", "period", value_field]]
