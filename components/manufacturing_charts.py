"""The Manufacturing page's charts (trend, sub-sectors, enterprises): their tidy tables, altair charts,
sections and exportable figures. Series differ by dash, marker shape, position and label as well as colour,
so they survive greyscale printing and colour-vision deficiencies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from components.chart_layout import LEGEND_COLUMNS, chart_dict
from components.charts import LEGEND_LIMIT, LINE_LABEL_LIMIT, SOURCE_LINE, name_axis, spread_labels
from components.figures import DERIVED, Figure, chart_titles, figure_sources
from components.manufacturing import TREND_BENCHMARKS, display_name, subsector_table
from metrics.manufacturing import enterprise_table
from vocabulary.geography import BENCHMARKS, LEVELS, OFFICIAL_BENCHMARK_CODES
from vocabulary.indicators import Indicator

# Style per trend series order: 0 the selected area, 1 England, 2 England excl. London, 3 UK.
TREND_STYLES: dict[int, tuple[str, list[int], str]] = {
    0: ("#e6007e", [1, 0], "circle"),
    1: ("#3b528b", [7, 3], "square"),
    2: ("#21918c", [2, 2], "triangle-up"),
    3: ("#6b6b6b", [9, 3, 2, 3], "diamond"),
}
SERIES_COLOURS = ("#e6007e", "#3b528b", "#21918c", "#6b6b6b")
ENGLAND_MARK = "#b35806"


def _title(text: str, subtitle: list[str]) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=[*subtitle, SOURCE_LINE], anchor="start", fontSize=16)


def trend_label_rows(rows: pd.DataFrame, plot_px: int = 250, label_px: int = 15) -> pd.DataFrame:
    """The last point of each series with a label position spread so labels do not overlap
    (`plot_px`: the plotting area's height, on a y axis from zero to the largest value)."""
    last = rows.sort_values("period").groupby("series", sort=False).tail(1).reset_index(drop=True)
    top = float(rows["value"].max())
    gap = top * label_px / plot_px if top > 0 else 1.0
    last["label_y"] = spread_labels(last["value"].tolist(), gap)
    last["label"] = [f"{s} {v:.1f}%" for s, v in zip(last["series"], last["value"], strict=True)]
    return last


def trend_chart(rows: pd.DataFrame, *, title: str, subtitle: str, height: int = 280) -> alt.LayerChart:
    """Manufacturing share of GVA over time (`rows` from trend_rows, not empty): one line per series
    with its own dash and markers, and a name label at the end of each line. `height` is the plot's
    (titles, axes and legend come on top: components/chart_layout.py)."""
    data = rows[["series", "area_code", "period", "value", "status", "order"]].copy()
    present = data.drop_duplicates("series").sort_values("order")
    domain = present["series"].tolist()
    styles = [TREND_STYLES[int(order)] for order in present["order"]]
    colour_scale = alt.Scale(domain=domain, range=[s[0] for s in styles])
    colour = alt.Color(
        "series:N",
        scale=colour_scale,
        legend=alt.Legend(
            title=None, orient="bottom", symbolStrokeWidth=2, columns=LEGEND_COLUMNS, labelLimit=LEGEND_LIMIT
        ),
    )
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=domain, range=[s[1] for s in styles]), legend=None)
    shape = alt.Shape("series:N", scale=alt.Scale(domain=domain, range=[s[2] for s in styles]), legend=None)
    years = [int(data["period"].min()), int(data["period"].max())]
    x = alt.X(
        "period:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(domain=years, nice=False)
    )
    y = alt.Y("value:Q", title="Manufacturing % of GVA", scale=alt.Scale(zero=True))
    tooltip = [
        alt.Tooltip("series:N", title="Area"),
        alt.Tooltip("period:Q", title="Year", format="d"),
        alt.Tooltip("value:Q", title="% of GVA", format=".1f"),
        alt.Tooltip("status:N", title="Status"),
    ]
    base = alt.Chart(data)
    lines = base.mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour, strokeDash=dash, detail=alt.Detail("series:N")
    )
    points = base.mark_point(size=45, filled=True).encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    labels = (
        alt.Chart(trend_label_rows(data, height))
        .mark_text(align="left", dx=8, fontSize=12, limit=LINE_LABEL_LIMIT)
        .encode(
            x=alt.X("period:Q"),
            y=alt.Y("label_y:Q"),
            text=alt.Text("label:N"),
            color=alt.Color("series:N", scale=colour_scale, legend=None),
        )
    )
    return alt.layer(lines, points, labels).properties(
        title=_title(title, [subtitle]),
        width="container",
        height=height,
    )


def subsector_chart(table: pd.DataFrame, *, title: str, subtitle: str) -> alt.LayerChart:
    """Grouped horizontal bars: each sub-sector's % of manufacturing GVA, one bar per series in a fixed
    order within every group; withheld shares draw no bar and say 'withheld' instead."""
    data = table.copy()
    data["label_x"] = data["value"].fillna(0.0)
    series = data.drop_duplicates("series").sort_values("series_order")["series"].tolist()
    subsectors = data.drop_duplicates("subsector").sort_values("subsector_order")["subsector"].tolist()
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=series, range=list(SERIES_COLOURS[: len(series)])),
        legend=alt.Legend(title=None, orient="bottom", labelLimit=LEGEND_LIMIT, columns=LEGEND_COLUMNS),
    )
    y = alt.Y("subsector:N", sort=subsectors, title=None, axis=name_axis())
    top = float(data["value"].max()) if data["value"].notna().any() else 1.0
    offset = alt.YOffset("series:N", sort=series)
    tooltip = [
        alt.Tooltip("subsector:N", title="Sub-sector"),
        alt.Tooltip("series:N", title="Area"),
        alt.Tooltip("label:N", title="% of manufacturing GVA"),
    ]
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=y,
            yOffset=offset,
            x=alt.X(
                "value:Q", title="% of manufacturing GVA", scale=alt.Scale(domainMin=0, domainMax=top * 1.2)
            ),  # room for the labels
            color=colour,
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart(data)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(
            y=y,
            yOffset=offset,
            x=alt.X("label_x:Q"),
            text=alt.Text("label:N"),
            tooltip=tooltip,
            color=alt.ColorValue("#1f1f1f", condition={"test": "datum.withheld", "value": "#6b6b6b"}),
        )
    )
    order_text = "; ".join(f"{i + 1}. {name}" for i, name in enumerate(series))
    height = max(120, len(subsectors) * len(series) * 22)  # the plot: titles, axis and legend come on top
    return alt.layer(bars, labels).properties(
        title=_title(title, [subtitle, f"Bars in each group, top to bottom: {order_text}"]),
        width="container",
        height=height,
    )


def enterprise_chart(table: pd.DataFrame, *, area_label: str, title: str, subtitle: str) -> alt.FacetChart:
    """One panel per size band: the area's % of manufacturing enterprises in that band each year (bars)
    and England's % (dashed line with diamonds), each panel on its own scale so large firms show too."""
    data = table[["period", "band", "band_order", "count", "total", "share_pct", "england_share_pct"]].copy()
    bands = data.drop_duplicates("band").sort_values("band_order")["band"].tolist()
    tooltip = [
        alt.Tooltip("band:N", title="Size band"),
        alt.Tooltip("period:O", title="Year"),
        alt.Tooltip("count:Q", title=f"{area_label}: enterprises", format=",.0f"),
        alt.Tooltip("share_pct:Q", title=f"{area_label}: % of manufacturing enterprises", format=".1f"),
        alt.Tooltip("england_share_pct:Q", title="England: % of manufacturing enterprises", format=".1f"),
    ]
    x = alt.X("period:O", title=None, axis=alt.Axis(labelAngle=0))
    bars = (
        alt.Chart()
        .mark_bar(color="#3b528b")
        .encode(x=x, y=alt.Y("share_pct:Q", title="% of enterprises"), tooltip=tooltip)
    )  # the subtitle says of what
    england = (
        alt.Chart()
        .mark_line(
            color=ENGLAND_MARK,
            strokeDash=[6, 3],
            strokeWidth=2,
            point=alt.OverlayMarkDef(shape="diamond", size=60, color=ENGLAND_MARK),
        )
        .encode(x=x, y=alt.Y("england_share_pct:Q"), tooltip=tooltip)
    )
    return (
        alt.layer(bars, england, data=data)
        .properties(width=150, height=200)  # four panels fit a desktop column (a phone scrolls them sideways)
        .facet(column=alt.Column("band:N", sort=bands, title=None, header=alt.Header(labelFontSize=13)))
        .resolve_scale(y="independent")
        .properties(title=_title(title, [subtitle, f"Bars: {area_label}; dashed line with diamonds: England"]))
    )


# --- ready-to-show sections (tables plus Vega-Lite specs, cheap to cache and to re-send) -------------


def vega_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart as a Vega-Lite dict, converted once so a page can cache it and re-send it on every rerun
    without paying for altair's conversion again (chart_dict: validated where debug mode is on). Altair's
    default theme sizes are dropped, as st.altair_chart does, so width="container" fills the column."""
    spec = chart_dict(chart)
    view = spec.get("config", {}).get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    if "config" in spec and not view:
        spec["config"].pop("view", None)
        if not spec["config"]:
            spec.pop("config")
    return spec


@dataclass(frozen=True)
class Section:
    table: pd.DataFrame
    spec: dict | None
    note: str | None = None


def trend_section(
    share_rows: pd.DataFrame, level: str, area_code: str | None, area_name: str | None, level_has_share: bool
) -> Section:
    """The trend chart: the selected area (where its level has the share of GVA) against England,
    England excluding London and the UK; a note when the area itself cannot be drawn."""
    rows = trend_rows(share_rows, level, area_code if level_has_share else None, area_name)
    has_area = bool((rows["order"] == 0).any())
    note = None
    if area_code and not has_area:
        note = (
            f"Manufacturing share of GVA is not built for {LEVELS[level].plural}; the chart shows the benchmarks only."
        )
    if rows.empty:
        return Section(rows, None, note)
    subject = f"{display_name(str(area_name), level)} and benchmarks" if has_area else "benchmarks"
    first, last = int(rows["period"].min()), int(rows["period"].max())
    chart = trend_chart(
        rows,
        title=f"Manufacturing share of GVA, {subject}, {first}-{last}",
        subtitle="Current prices, workplace-based; England, England excluding London and UK",
    )
    return Section(rows, vega_spec(chart), note)


def subsector_section(
    rows_by_indicator: dict[str, pd.DataFrame], year: int, series: list[tuple[str, str, str]]
) -> Section:
    """Sub-sector mix of the first series (the selected area) beside the comparators, with a note naming
    the series whose shares ONS withholds."""
    table = subsector_table(rows_by_indicator, year, series)
    if table["value"].isna().all():
        names = ", ".join(dict.fromkeys(table["series"]))
        return Section(
            table,
            None,
            f"ONS withholds (disclosure control) every manufacturing sub-sector of {names} "
            f"in {year}, so there is no mix to show; withheld is not zero.",
        )
    chart = subsector_chart(
        table,
        title=f"Manufacturing sub-sector mix, {series[0][2]}, {year}",
        subtitle="Share of manufacturing GVA (%), workplace-based",
    )
    withheld = list(dict.fromkeys(table.loc[table["withheld"], "series"]))
    note = None
    if withheld:
        note = (
            f"Withheld by ONS (disclosure control), not zero: {', '.join(withheld)}. An area built from a "
            "local authority whose sub-sectors ONS withholds (e.g. Cornwall, Isles of Scilly) cannot have its "
            "mix summed."
        )
    return Section(table, vega_spec(chart), note)


def enterprise_section(
    rows_by_indicator: dict[str, pd.DataFrame], level: str, area_code: str, area_label: str
) -> Section:
    """Enterprises by size band for the area over every year, against England's band shares."""
    table = enterprise_table(rows_by_indicator, level, area_code)
    if table.empty:
        return Section(table, None, f"UK Business Counts have no manufacturing enterprises for {area_label}.")
    first, last = int(table["period"].min()), int(table["period"].max())
    latest_total = float(table.loc[table["period"] == last, "total"].iloc[0])
    chart = enterprise_chart(
        table,
        area_label=area_label,
        title=f"Manufacturing enterprises by size band, {area_label}, {first}-{last}",
        subtitle="% of the area's manufacturing enterprises in each band, compared with England",
    )
    note = f"{area_label} had {latest_total:,.0f} manufacturing enterprises in {last}."
    return Section(table, vega_spec(chart), note)


def trend_rows(share_rows: pd.DataFrame, level: str, area_code: str | None, area_name: str | None) -> pd.DataFrame:
    """series, area_code, period, value, status, order: the selected area's manufacturing share of GVA
    over every year with a value (order 0), then England (1), England excluding London (2) and the UK (3)."""
    wanted = [(order, bench.geography, bench.code) for order, bench in enumerate(TREND_BENCHMARKS, start=1)]
    if area_code and area_name:
        wanted.insert(0, (0, level, area_code))
    candidates = share_rows[share_rows["area_code"].isin([code for _, _, code in wanted])].dropna(subset=["value"])
    frames = []
    for order, geography, code in wanted:
        rows = candidates[(candidates["geography"] == geography) & (candidates["area_code"] == code)]
        if rows.empty:
            continue
        label = BENCHMARKS[code].name if code in OFFICIAL_BENCHMARK_CODES else display_name(str(area_name), level)
        frames.append(
            pd.DataFrame(
                {
                    "series": label,
                    "area_code": code,
                    "period": rows["period"].astype(int).to_numpy(),
                    "value": rows["value"].astype(float).to_numpy(),
                    "status": rows["status"].astype(str).to_numpy(),
                    "order": order,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["series", "area_code", "period", "value", "status", "order"])
    return pd.concat(frames, ignore_index=True).sort_values(["order", "period"], ignore_index=True)


def trend_data(table: pd.DataFrame, indicator: str, unit: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": table["area_code"].to_numpy(dtype=object),
            "area_name": table["series"].to_numpy(dtype=object),
            "period": table["period"].to_numpy(dtype=int),
            "value": table["value"].to_numpy(dtype=float),
            "unit": unit,
            "status": table["status"].to_numpy(dtype=object),
            "indicator": indicator,
        }
    )


def subsector_data(table: pd.DataFrame, year: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": table["area_code"].to_numpy(dtype=object),
            "area_name": table["series"].to_numpy(dtype=object),
            "period": year,
            "value": table["value"].to_numpy(dtype=float),
            "unit": "% of manufacturing GVA",
            "status": table["status"].to_numpy(dtype=object),
            "subsector": table["subsector"].to_numpy(dtype=object),
        }
    )


def enterprise_data(table: pd.DataFrame, area_code: str, area_label: str, england_code: str) -> pd.DataFrame:
    """Each band's % of manufacturing enterprises, for the area (bars) and England (line), with counts."""
    area = pd.DataFrame(
        {
            "area_code": area_code,
            "area_name": area_label,
            "period": table["period"].to_numpy(dtype=int),
            "value": table["share_pct"].to_numpy(dtype=float),
            "unit": "% of manufacturing enterprises",
            "status": DERIVED,
            "band": table["band"].to_numpy(dtype=object),
            "enterprises": table["count"].to_numpy(dtype=float),
            "all_manufacturing": table["total"].to_numpy(dtype=float),
        }
    )
    england = pd.DataFrame(
        {
            "area_code": england_code,
            "area_name": "England",
            "period": table["period"].to_numpy(dtype=int),
            "value": table["england_share_pct"].to_numpy(dtype=float),
            "unit": "% of manufacturing enterprises",
            "status": DERIVED,
            "band": table["band"].to_numpy(dtype=object),
            "enterprises": table["england_count"].to_numpy(dtype=float),
            "all_manufacturing": table["england_total"].to_numpy(dtype=float),
        }
    )
    return pd.concat([area, england], ignore_index=True)


def section_figure(
    key: str, spec: dict, data: Any, indicators: Sequence[str], metadata: Mapping[str, Indicator]
) -> Figure:
    """A figure of a prebuilt Vega-Lite dict (the Manufacturing sections)."""
    title, subtitle = chart_titles(spec)
    return Figure(
        key, title, subtitle, spec, data, sources=figure_sources(metadata, indicators), indicators=tuple(indicators)
    )
