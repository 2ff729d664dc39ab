"""Your data charts: the uploaded column ranked, and charted against an official indicator, with the
figures the shared exports see.

Each chart of the page is drawn through shell.figures (show_chart / show_map), so it gets the shared
download menu (PNG 2x, SVG, Vega-Lite JSON, CSV and XLSX of the plotted data), a slide in the slide pack
and a screen in presentation mode. The uploaded values stay in memory: the figures hold the session's
data frames and every export is built in memory when it is clicked.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from components.charts import (
    BAR_STEP,
    POINT_LABEL_LIMIT,
    label_side,
    name_axis,
    rows_for_ranked_chart,
    selected_label_cues,
)
from components.figures import Figure, chart_titles
from components.palettes import (
    SELECTED_OUTLINE,
    rgba_css,
)
from components.your_data import UPLOADED_UNIT, axis_format, source_line, upload_credit, upload_source
from metrics.comparisons import NEUTRAL
from metrics.ranking import ranked_table
from vocabulary.indicators import Indicator

BAR_COLOUR = "#3b528b"
SELECTED_COLOUR = rgba_css(SELECTED_OUTLINE)
# The words beside the selected bar (and before the selected point's name): the highlight is not colour alone.
# U+25C4, the counterpart of the "► " the official rankings put before the selected name: Liberation Sans (the
# sans-serif vl-convert's PNG export finds) has both, unlike U+25C0 / U+25B6.
SELECTED_MARK = "\u25c4 selected"
BAR_LIMIT = 40  # bars drawn at most: the largest and smallest 20 (plus the selected area)


def uploaded_bar_rows(values: pd.DataFrame, selected_code: str | None, limit: int = BAR_LIMIT) -> pd.DataFrame:
    """The areas the ranked chart draws: every valued area (largest first), or the largest and smallest
    limit/2 and the selected area when there are more; with rank and whether each is selected."""
    table = ranked_table(values, NEUTRAL, None)
    rows = rows_for_ranked_chart(table, selected_code, limit).copy()
    rows["selected"] = rows["area_code"] == selected_code
    extra = [c for c in ("name_in_file", "uploaded") if c in values.columns]
    if extra:
        rows = rows.merge(values[["area_code", *extra]].drop_duplicates("area_code"), on="area_code", how="left")
    return rows.reset_index(drop=True)


def bar_subtitle(where: str, values: pd.DataFrame, selected_code: str | None, limit: int = BAR_LIMIT) -> str:
    """'LEPs, ranked largest first', saying so when only the ends of a long ranking are drawn."""
    valued = int(values["value"].notna().sum())
    if valued <= limit:
        return f"{where}, ranked largest first"
    also = " and the selected area" if selected_code in set(values["area_code"]) else ""
    return f"{where}: the {limit // 2} largest and {limit // 2} smallest of {valued} areas{also}, largest first"


def selected_text(rows: pd.DataFrame) -> pd.DataFrame:
    """The label drawn beside the selected bar or point (no rows when nothing is selected)."""
    return rows[rows["selected"]].assign(mark_text=SELECTED_MARK)


def uploaded_bar_chart(
    values: pd.DataFrame,
    label: str,
    title: str,
    subtitle: str,
    decimals: int,
    selected_code: str | None,
    source: str = "",
) -> alt.LayerChart:
    """The uploaded column ranked as bars (largest first), like the official rankings. The selected
    area is marked not by colour alone: its bar is outlined, its name on the axis is bold with "► "
    before it (as on the official rankings) and the words "◄ selected" stand beside the bar."""
    rows = uploaded_bar_rows(values, selected_code)
    data = rows[["area_code", "area_name", "value", "status", "rank", "selected"]].copy()
    data["rank"] = data["rank"].astype(float)
    value_format = axis_format(decimals)
    names = data["area_name"].tolist()
    chosen = data.loc[data["selected"], "area_name"].tolist()
    y = alt.Y(
        "area_name:N", sort=names, title=None, axis=name_axis(**selected_label_cues(chosen[0] if chosen else None))
    )
    bars = (
        alt.Chart(data)
        .mark_bar(stroke="#000000")
        .encode(
            y=y,
            x=alt.X("value:Q", title=label, axis=alt.Axis(format=value_format)),
            color=alt.ColorValue(BAR_COLOUR, condition={"test": "datum.selected", "value": SELECTED_COLOUR}),
            strokeWidth=alt.StrokeWidthValue(0, condition={"test": "datum.selected", "value": 2}),
            tooltip=[
                alt.Tooltip("area_name:N", title="Area"),
                alt.Tooltip("area_code:N", title="Code"),
                alt.Tooltip("value:Q", title=label, format=value_format),
                alt.Tooltip("rank:Q", title="Rank"),
            ],
        )
    )
    marker = selected_text(data).assign(at=lambda f: f["value"].clip(lower=0))
    # beside the bar, or inside its end (white) when the bar reaches the right half: no words off the chart
    side = label_side(
        float(marker["at"].iloc[0]) if len(marker) else float("nan"),
        pd.Series([min(0.0, float(data["value"].min())), float(data["value"].max())]),
        gap=5,
    )
    words = (
        alt.Chart(marker)
        .mark_text(
            baseline="middle",
            fontWeight="bold",
            font="sans-serif",
            color="#000000" if side["align"] == "left" else "#ffffff",
            **side,
        )
        .encode(y=alt.Y("area_name:N", sort=names), x=alt.X("at:Q"), text=alt.Text("mark_text:N"))
    )
    lines = [subtitle, source_line(source)] if source else [subtitle]
    return alt.layer(bars, words).properties(
        title=alt.TitleParams(text=title, subtitle=lines, anchor="start", fontSize=16),
        width="container",
        height=max(180, BAR_STEP * len(data)),
    )


def bar_chart_data(
    values: pd.DataFrame, selected_code: str | None, *, column: str, period: int | None, source: str
) -> pd.DataFrame:
    """The ranked chart's bars as its CSV / XLSX: code, name, period, value (as uploaded), unit, status,
    then the column, rank, how the area was keyed in the file and where the values came from."""
    rows = uploaded_bar_rows(values, selected_code)
    out = pd.DataFrame(
        {
            "area_code": rows["area_code"].to_numpy(dtype=object),
            "area_name": rows["area_name"].to_numpy(dtype=object),
            "period": period,
            "value": rows["value"].to_numpy(dtype=float),
            "unit": UPLOADED_UNIT,
            "status": rows["status"].fillna("").to_numpy(dtype=object),
            "measure": column,
            "rank": rows["rank"].to_numpy(dtype=float),
            "selected": rows["selected"].to_numpy(dtype=bool),
        }
    )
    if "uploaded" in rows:
        out["key_in_file"] = rows["uploaded"].to_numpy(dtype=object)
    if "name_in_file" in rows:
        out["name_in_file"] = rows["name_in_file"].fillna("").to_numpy(dtype=object)
    out["source"] = source
    return out


def comparison_table(values: pd.DataFrame, official: pd.DataFrame) -> pd.DataFrame:
    """area_code, area_name, uploaded, uploaded_status, official, official_status for areas in both, by
    name."""
    ours = values[["area_code", "area_name", "value", "status"]].rename(
        columns={"value": "uploaded", "status": "uploaded_status"}
    )
    theirs = official[["area_code", "value", "status"]].rename(
        columns={"value": "official", "status": "official_status"}
    )
    both = ours.merge(theirs, on="area_code", how="inner")
    return both.sort_values("area_name", ignore_index=True)


def correlation(table: pd.DataFrame) -> tuple[float | None, int]:
    """Pearson's r of uploaded vs official over areas with both values, and how many there are."""
    both = table.dropna(subset=["uploaded", "official"])
    if len(both) < 3 or both["uploaded"].std() == 0 or both["official"].std() == 0:
        return None, len(both)
    return float(np.corrcoef(both["uploaded"], both["official"])[0, 1]), len(both)


def comparison_points(table: pd.DataFrame, selected_code: str | None) -> pd.DataFrame:
    """The points of the scatter: areas with both values, and whether each is the selected one."""
    data = table.dropna(subset=["uploaded", "official"]).copy()
    data["selected"] = data["area_code"] == selected_code
    return data.reset_index(drop=True)


def comparison_chart(
    table: pd.DataFrame,
    *,
    uploaded_label: str,
    official_label: str,
    official_format: str,
    uploaded_decimals: int,
    title: str,
    subtitle: str,
    source: str,
    selected_code: str | None,
) -> alt.LayerChart:
    """Scatter of the uploaded value (y) against an official indicator (x), one point per area; the
    selected area is a larger magenta diamond named beside it ("◄ <name> (selected)"), so shape, size and words
    mark it as well as colour."""
    data = comparison_points(table, selected_code)
    points = (
        alt.Chart(data)
        .mark_point(filled=True, opacity=0.85)
        .encode(
            x=alt.X(
                "official:Q", title=official_label, scale=alt.Scale(zero=False), axis=alt.Axis(format=official_format)
            ),
            y=alt.Y(
                "uploaded:Q",
                title=uploaded_label,
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=axis_format(uploaded_decimals)),
            ),
            color=alt.ColorValue(BAR_COLOUR, condition={"test": "datum.selected", "value": SELECTED_COLOUR}),
            shape=alt.ShapeValue("circle", condition={"test": "datum.selected", "value": "diamond"}),
            size=alt.SizeValue(60, condition={"test": "datum.selected", "value": 160}),
            tooltip=[
                alt.Tooltip("area_name:N", title="Area"),
                alt.Tooltip("area_code:N", title="Code"),
                alt.Tooltip("official:Q", title=official_label, format=official_format),
                alt.Tooltip("uploaded:Q", title=uploaded_label, format=axis_format(uploaded_decimals)),
            ],
        )
    )
    marker = selected_text(data).assign(mark_text=lambda f: "\u25c4 " + f["area_name"] + " (selected)")
    side = label_side(float(marker["official"].iloc[0]) if len(marker) else float("nan"), data["official"])
    words = (
        alt.Chart(marker)
        .mark_text(
            baseline="middle", fontWeight="bold", font="sans-serif", color="#000000", limit=POINT_LABEL_LIMIT, **side
        )
        .encode(x=alt.X("official:Q"), y=alt.Y("uploaded:Q"), text=alt.Text("mark_text:N"))
    )
    return alt.layer(points, words).properties(
        title=alt.TitleParams(text=title, subtitle=[subtitle, source_line(source)], anchor="start", fontSize=16),
        width="container",
        height=320,
    )


def comparison_data(
    table: pd.DataFrame,
    selected_code: str | None,
    *,
    column: str,
    period: int | None,
    source: str,
    indicator: str,
    official_year: int,
    official_unit: str,
) -> pd.DataFrame:
    """The scatter's points as its CSV / XLSX: the uploaded value (y) in the tidy columns, then the
    official indicator (x) with its year, unit and status."""
    data = comparison_points(table, selected_code)
    return pd.DataFrame(
        {
            "area_code": data["area_code"].to_numpy(dtype=object),
            "area_name": data["area_name"].to_numpy(dtype=object),
            "period": period,
            "value": data["uploaded"].to_numpy(dtype=float),
            "unit": UPLOADED_UNIT,
            "status": data["uploaded_status"].fillna("").to_numpy(dtype=object),
            "measure": column,
            "source": source,
            "official_indicator": indicator,
            "official_period": official_year,
            "official_value": data["official"].to_numpy(dtype=float),
            "official_unit": official_unit,
            "official_status": data["official_status"].fillna("").to_numpy(dtype=object),
            "selected": data["selected"].to_numpy(dtype=bool),
        }
    )


def bar_figure(
    values: pd.DataFrame,
    chart: Any,
    *,
    selected_code: str | None,
    column: str,
    period: int | None,
    file_name: str,
    level: str,
) -> Figure:
    """The ranked chart of the uploaded column as the shared exports see it (source: the user's file)."""
    title, subtitle = chart_titles(chart)
    source = upload_source(file_name)
    return Figure(
        "your_data_ranked",
        title,
        subtitle,
        chart,
        lambda: bar_chart_data(values, selected_code, column=column, period=period, source=source),
        sources=(source,),
        file_stem=f"your_data_ranked_{level}",
        credit=upload_credit(("values",), ("area names",), os_boundaries=False),
    )


def comparison_figure(
    table: pd.DataFrame,
    chart: Any,
    *,
    selected_code: str | None,
    column: str,
    period: int | None,
    file_name: str,
    level: str,
    indicator: str,
    meta: Indicator,
    year: int,
) -> Figure:
    """The scatter against an official indicator: sources are the user's file and the indicator's own."""
    title, subtitle = chart_titles(chart)
    source = upload_source(file_name)
    return Figure(
        "your_data_scatter",
        title,
        subtitle,
        chart,
        lambda: comparison_data(
            table,
            selected_code,
            column=column,
            period=period,
            source=source,
            indicator=indicator,
            official_year=year,
            official_unit=str(meta.unit),
        ),
        sources=(source, str(meta.source)),
        indicators=(indicator,),
        file_stem=f"your_data_vs_{indicator}_{level}_{year}",
        credit=upload_credit(("values",), ("figures and area names",), os_boundaries=False),
    )
