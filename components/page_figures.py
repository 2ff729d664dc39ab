"""The figures of each page as exports see them (components.exports.Figure): title, subtitle, the spec,
and the plotted data in tidy form (area_code, area_name, period, value, unit, status, then what else the
figure plots). Specs of maps and the data tables are callables, so describing a figure costs nothing
until someone downloads it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from components.charts import rows_for_ranked_chart
from components.exports import Figure
from components.map_export import static_map_spec
from components.overview import LEVEL_LABELS, MEDIAN
from components.palettes import LegendEntry
from components.static_maps import MapPanel, map_table

DERIVED = "derived"


# --- helpers ---------------------------------------------------------------------------------------


def chart_titles(chart: Any) -> tuple[str, str]:
    """Title and first subtitle line (not the source line) of an altair chart or a Vega-Lite dict."""
    if isinstance(chart, dict):
        title = chart.get("title")
    else:
        title = getattr(chart, "title", None)
        if hasattr(title, "to_dict"):
            title = title.to_dict(validate=False)
    if isinstance(title, str):
        return title, ""
    if not isinstance(title, dict):
        return "", ""
    text = title.get("text", "")
    text = " ".join(text) if isinstance(text, list) else str(text)
    subtitle = title.get("subtitle") or []
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle)
    lines = [str(line) for line in lines if not str(line).startswith("Source:")]
    return text, " ".join(lines)


def layer_data(chart: Any, column: str) -> pd.DataFrame:
    """The data of the first layer of an altair layer chart that has `column` (the plotted series)."""
    for layer in getattr(chart, "layer", []) or []:
        data = getattr(layer, "data", None)
        if isinstance(data, pd.DataFrame) and column in data.columns:
            return data
    data = getattr(chart, "data", None)
    if isinstance(data, pd.DataFrame) and column in data.columns:
        return data
    raise ValueError(f"the chart plots no data with a {column!r} column")


def _sources(metadata: Mapping[str, dict], indicators: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(metadata[key]["source"]) for key in indicators if key in metadata))


def map_data(
    features: dict,
    table: pd.DataFrame,
    period: int,
    meta: dict,
    indicator: str,
    legend: list[LegendEntry],
    gap_title: str | None = None,
) -> pd.DataFrame:
    """One row per area drawn on a choropleth: its value, status (areas without a row: unavailable),
    rank, gap and the legend class it is coloured by."""
    by_code = table.drop_duplicates("area_code").set_index("area_code")
    label_of = {tuple(entry.rgba[:3]): entry.label for entry in legend}
    codes = [f["properties"]["code"] for f in features["features"]]
    names = [f["properties"]["name"] for f in features["features"]]
    classes = [label_of.get(tuple(f["properties"]["fill"][:3]), "") for f in features["features"]]
    rows = by_code.reindex(codes)
    out = pd.DataFrame(
        {
            "area_code": codes,
            "area_name": names,
            "period": period,
            "value": rows["value"].to_numpy(dtype=float),
            "unit": meta["unit"],
            "status": rows["status"].fillna("unavailable").to_numpy(dtype=object),
            "indicator": indicator,
            "rank": rows["rank"].to_numpy(dtype=float) if "rank" in rows else np.nan,
            "map_class": classes,
        }
    )
    if "gap_pct" in rows:
        out[gap_title or "gap_pct"] = rows["gap_pct"].to_numpy(dtype=float)
    return out.sort_values(["rank", "area_name"], na_position="last", ignore_index=True)


def choropleth_figure(
    key: str,
    *,
    features: dict,
    legend: list[LegendEntry],
    legend_title: str,
    legend_note: str | None,
    table: pd.DataFrame,
    meta: dict,
    indicator: str,
    level: str,
    year: int,
    subtitle: str,
    metadata: Mapping[str, dict],
    gap_title: str | None = None,
) -> Figure:
    """A deck.gl choropleth's exportable twin: same features, classes, colours and legend."""
    title = f"{meta['label']}, {year}"

    def spec() -> dict:
        return static_map_spec(
            features,
            legend,
            title=title,
            subtitle=[subtitle],
            legend_title=legend_title,
            level=level,
            legend_note=legend_note,
        )

    def data() -> pd.DataFrame:
        return map_data(features, table, year, meta, indicator, legend, gap_title)

    return Figure(
        key,
        title,
        subtitle,
        spec,
        data,
        kind="map",
        sources=_sources(metadata, [indicator]),
        indicators=(indicator,),
        file_stem=f"{key}_{indicator}_{level}_{year}",
    )


# --- Overview -------------------------------------------------------------------------------------


def overview_map_figure(
    view: Any, meta: dict, indicator: str, level: str, year: int, metadata: Mapping[str, dict]
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
        subtitle=f"{LEVEL_LABELS[level]}{versus}",
        gap_title=f"gap_pct_to_{view.benchmark_name}" if view.benchmark_name else None,
    )


def ranked_chart_data(
    table: pd.DataFrame,
    selected: str | None,
    year: int,
    meta: dict,
    indicator: str,
    benchmark_code: str,
    benchmark_value: float | None,
    benchmark_name: str | None,
) -> pd.DataFrame:
    """The bars of the ranked chart (the same rows it draws) and the benchmark line."""
    rows = rows_for_ranked_chart(table, selected)
    out = pd.DataFrame(
        {
            "area_code": rows["area_code"].to_numpy(dtype=object),
            "area_name": rows["area_name"].to_numpy(dtype=object),
            "period": year,
            "value": rows["value"].to_numpy(dtype=float),
            "unit": meta["unit"],
            "status": rows["status"].to_numpy(dtype=object),
            "indicator": indicator,
            "rank": rows["rank"].to_numpy(dtype=float),
            "gap_pct": rows["gap_pct"].to_numpy(dtype=float),
            "drawn_as": "bar",
        }
    )
    if benchmark_value is not None and benchmark_name:
        line = {
            "area_code": "" if benchmark_code == MEDIAN else benchmark_code,
            "area_name": benchmark_name,
            "period": year,
            "value": float(benchmark_value),
            "unit": meta["unit"],
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
    meta: dict,
    indicator: str,
    year: int,
    selected: str | None,
    benchmark_code: str,
    metadata: Mapping[str, dict],
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
        sources=_sources(metadata, [indicator]),
        indicators=(indicator,),
        file_stem=f"overview_ranked_{indicator}_{year}",
    )


# --- Manufacturing --------------------------------------------------------------------------------


def manufacturing_map_figure(
    view: Any, meta: dict, indicator: str, level: str, year: int, metadata: Mapping[str, dict]
) -> Figure:
    versus = f"; gaps compared with {view.benchmark_name}" if view.benchmark_name else ""
    return choropleth_figure(
        "manufacturing_map",
        features=view.features,
        legend=view.legend,
        legend_title=view.legend_title,
        legend_note=view.legend_note,
        table=view.table,
        meta=meta,
        indicator=indicator,
        level=level,
        year=year,
        metadata=metadata,
        subtitle=f"{LEVEL_LABELS[level]}{versus}",
        gap_title=f"gap_pct_to_{view.benchmark_name}" if view.benchmark_name else None,
    )


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


def section_figure(key: str, spec: dict, data: Any, indicators: Sequence[str], metadata: Mapping[str, dict]) -> Figure:
    """A figure of a prebuilt Vega-Lite dict (the Manufacturing sections)."""
    title, subtitle = chart_titles(spec)
    return Figure(
        key, title, subtitle, spec, data, sources=_sources(metadata, indicators), indicators=tuple(indicators)
    )


# --- Productivity gaps ----------------------------------------------------------------------------


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


def hour_job_data(table: pd.DataFrame, year: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": table["Code"].to_numpy(dtype=object),
            "area_name": table["Area"].to_numpy(dtype=object),
            "period": year,
            "value": table["Per hour, index (UK = 100)"].to_numpy(dtype=float),
            "unit": "index (UK = 100)",
            "status": "",
            "gva_per_job_index": table["Per job, index (UK = 100)"].to_numpy(dtype=float),
            "gva_per_hour_gbp": table["GVA per hour (£)"].to_numpy(dtype=float),
            "gva_per_job_gbp": table["GVA per job (£)"].to_numpy(dtype=float),
        }
    )


def chart_figure(
    key: str,
    chart: Any,
    data: Any,
    indicators: Sequence[str],
    metadata: Mapping[str, dict],
    subtitle: str | None = None,
    kind: str = "chart",
) -> Figure:
    """A figure of an altair chart whose own title and subtitle name what it shows (kind "map" for
    Vega-Lite maps, whose exports also carry the OS copyright line)."""
    title, own_subtitle = chart_titles(chart)
    return Figure(
        key,
        title,
        subtitle if subtitle is not None else own_subtitle,
        chart,
        data,
        kind=kind,
        sources=_sources(metadata, indicators),
        indicators=tuple(indicators),
    )


# --- Levelling up ---------------------------------------------------------------------------------


def scatter_data(
    points: pd.DataFrame, x_key: str, y_key: str, x_year: int | None, y_year: int | None, metadata: Mapping[str, dict]
) -> pd.DataFrame:
    x_meta, y_meta = metadata[x_key], metadata[y_key]
    return pd.DataFrame(
        {
            "area_code": points["area_code"].to_numpy(dtype=object),
            "area_name": points["area_name"].to_numpy(dtype=object),
            "x_indicator": x_key,
            "x_period": x_year,
            "x_value": points["x"].to_numpy(dtype=float),
            "x_unit": x_meta["unit"],
            "y_indicator": y_key,
            "y_period": y_year,
            "y_value": points["y"].to_numpy(dtype=float),
            "y_unit": y_meta["unit"],
            "selected": points["selected"].to_numpy(dtype=bool),
        }
    )


def small_multiples_data(boundaries: dict, panels: Sequence[MapPanel], selected: str | None) -> pd.DataFrame:
    """Every area of every small map, one row per map and area, with the class it is coloured by."""
    frames = []
    for panel in panels:
        table, _, _ = map_table(boundaries, panel.rows, panel.meta, selected)
        frames.append(
            pd.DataFrame(
                {
                    "area_code": table["area_code"],
                    "area_name": table["area_name"],
                    "period": panel.year,
                    "value": table["value"],
                    "unit": panel.meta["unit"],
                    "status": table["status"],
                    "indicator": panel.indicator,
                    "map_class": table["class_label"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["indicator", "area_name"], ignore_index=True)


# --- Compare areas and Targets --------------------------------------------------------------------


def compare_data(series: pd.DataFrame, indicator: str, unit: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": series["area_code"].to_numpy(dtype=object),
            "area_name": series["area"].to_numpy(dtype=object),
            "period": series["period"].to_numpy(dtype=int),
            "value": series["value"].to_numpy(dtype=float),
            "unit": unit,
            "status": series["status"].to_numpy(dtype=object),
            "indicator": indicator,
        }
    )


def trajectory_data(path: pd.DataFrame, area_code: str, area_name: str, unit: str, indicator: str) -> pd.DataFrame:
    """Actual values (or gaps) and the straight-line path to the target, as the chart draws them."""
    long = path.melt("period", var_name="series", value_name="value").dropna(subset=["value"])
    return pd.DataFrame(
        {
            "area_code": area_code,
            "area_name": area_name,
            "period": long["period"].to_numpy(dtype=int),
            "value": long["value"].to_numpy(dtype=float),
            "unit": unit,
            "status": np.where(long["series"] == "actual", "", DERIVED),
            "indicator": indicator,
            "series": long["series"]
            .map({"actual": "Actual", "trajectory": "Straight-line path to target"})
            .to_numpy(dtype=object),
        }
    )


def scorecard_data(card: pd.DataFrame, area_code: str, area_name: str, metadata: Mapping[str, dict]) -> pd.DataFrame:
    """The scorecard as numbers (not the display text): one row per indicator for the area."""
    numbers = card[[c for c in card.columns if not c.endswith("_text") and c not in ("label", "polarity")]]
    out = pd.DataFrame(
        {
            "area_code": area_code,
            "area_name": area_name,
            "period": card["year"].to_numpy(dtype=object),
            "value": card["value"].to_numpy(dtype=float),
            "unit": [metadata[key]["unit"] for key in card["indicator"]],
            "status": card["status"].to_numpy(dtype=object),
            "indicator_label": card["label"].to_numpy(dtype=object),
            "polarity": card["polarity"].to_numpy(dtype=object),
        }
    )
    rest = numbers.drop(columns=[c for c in ("year", "value", "status") if c in numbers.columns])
    return pd.concat([out, rest.reset_index(drop=True)], axis=1)
