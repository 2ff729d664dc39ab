"""Altair charts for the pages, titled and sourced so they can go straight onto a slide."""

from __future__ import annotations

import altair as alt
import pandas as pd

from components.palettes import SELECTED_OUTLINE, rgba_css

BAR = "#3b528b"
SELECTED = rgba_css(SELECTED_OUTLINE)
SOURCE_LINE = "Source: ONS (and others as listed), Open Government Licence v3.0"


def rows_for_ranked_chart(table: pd.DataFrame, selected_code: str | None, limit: int = 40) -> pd.DataFrame:
    """All ranked areas when there are at most `limit`; otherwise the top and bottom limit/2
    plus the selected area, so a 361-LAD chart stays readable."""
    ranked = table.dropna(subset=["value"])
    if len(ranked) <= limit:
        return ranked
    half = limit // 2
    keep = pd.concat([ranked.head(half), ranked.tail(half), ranked[ranked["area_code"] == selected_code]])
    return keep.drop_duplicates("area_code")


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
    """Horizontal bars, best first, the selected area highlighted and the benchmark as a rule."""
    data = rows[["area_code", "area_name", "value", "rank", "gap_pct"]].copy()
    data["selected"] = data["area_code"] == selected_code
    data["rank"] = data["rank"].astype("float")
    order = data["area_name"].tolist()
    height = max(180, 16 * len(data))
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("area_name:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=value_format)),
            color=alt.condition("datum.selected", alt.value(SELECTED), alt.value(BAR)),
            tooltip=[
                alt.Tooltip("area_name:N", title="Area"),
                alt.Tooltip("value:Q", title=value_title, format=value_format),
                alt.Tooltip("rank:Q", title="Rank"),
                alt.Tooltip("gap_pct:Q", title="Gap to benchmark (%)", format="+.1f"),
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
