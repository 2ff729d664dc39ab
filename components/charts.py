"""Altair charts for the pages, titled and sourced so they can go straight onto a slide."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from components.palettes import SELECTED_OUTLINE, rgba_css

BAR = "#3b528b"
SELECTED = rgba_css(SELECTED_OUTLINE)
OUTLINE = "#000000"
SOURCE_LINE = "Source: ONS (and others as listed), Open Government Licence v3.0"
# "► " before the selected area's name on the axis, so the highlight is not colour alone. U+25BA, not U+25B6 "▶":
# Liberation Sans (the sans-serif that vl-convert's PNG export finds) has it, so the label keeps its font and bold.
SELECTED_PREFIX = "\u25ba "


def rows_for_ranked_chart(table: pd.DataFrame, selected_code: str | None, limit: int = 40) -> pd.DataFrame:
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
) -> alt.LayerChart:
    """Horizontal bars, best first, the benchmark as a rule, and the selected area marked three ways, not by
    colour alone: its bar is coloured and outlined, and its name on the axis is bold with "► " before it."""
    data = rows[["area_code", "area_name", "value", "rank", "gap_pct"]].copy()
    data["selected"] = data["area_code"] == selected_code
    data["rank"] = data["rank"].astype("float")
    order = data["area_name"].tolist()
    chosen = data.loc[data["selected"], "area_name"].tolist()
    height = max(180, 16 * len(data))
    bars = (
        alt.Chart(data)
        .mark_bar(stroke=OUTLINE)
        .encode(
            y=alt.Y("area_name:N", sort=order, title=None,
                    axis=alt.Axis(labelLimit=260, **selected_label_cues(chosen[0] if chosen else None))),
            x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.condition("datum.selected", alt.value(SELECTED), alt.value(BAR)),
            strokeWidth=alt.condition("datum.selected", alt.value(2), alt.value(0)),
            tooltip=[
                alt.Tooltip("area_name:N", title="Area"),
                alt.Tooltip("value:Q", title=value_title, format=value_format),
                alt.Tooltip("rank:Q", title="Rank"),
                alt.Tooltip("gap_pct:Q", title="Gap to benchmark (%)", format="+.1f"),
                alt.Tooltip("selected:N", title="Selected"),
            ],
        )
        .properties(height=height)
    )
    layers = [bars]
    if benchmark is not None and pd.notna(benchmark) and benchmark_name:
        rule_data = pd.DataFrame({"value": [benchmark], "label": [benchmark_name]})
        layers.append(
            alt.Chart(rule_data).mark_rule(color="#b35806", strokeDash=[6, 3], size=2).encode(
                x="value:Q", tooltip=[alt.Tooltip("label:N", title="Benchmark"),
                                      alt.Tooltip("value:Q", title=value_title, format=value_format)]
            )
        )
    return alt.layer(*layers).properties(
        title=alt.TitleParams(text=title, subtitle=[subtitle, SOURCE_LINE], anchor="start", fontSize=16),
        width="container",
    )
