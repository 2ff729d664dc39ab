"""A figure is one chart or map of a page as exports see it (the Figure record): title, subtitle, the
spec, and the plotted data in tidy form (area_code, area_name, period, value, unit, status, then what else
the figure plots). Specs of maps and the data tables are callables, so describing a figure costs nothing
until someone downloads it. Each page's view module describes its own figures with the builders here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from components.map_export import static_map_spec
from components.palettes import LegendEntry
from vocabulary.indicators import Indicator

DERIVED = "derived"


@dataclass(frozen=True)
class Figure:
    """One chart or map of a page, as exported.

    `spec`: a Vega-Lite dict, an altair chart, or a callable returning either. `data`: the plotted data
    (a DataFrame or a callable returning one) with area_code, area_name, period, value, unit and status
    where they apply. `sources`: source names for the source line; `indicators`: metadata keys for
    the definitions in the XLSX metadata sheet.
    """

    key: str
    title: str
    subtitle: str
    spec: Any
    data: Any
    kind: str = "chart"  # "chart" or "map"
    sources: tuple[str, ...] = ()
    indicators: tuple[str, ...] = field(default_factory=tuple)
    file_stem: str = ""  # names the downloaded files (default: the key)
    # The line after the source line; None: the Open Government Licence (maps add the OS copyright).
    # Figures of a user's own data say instead what is theirs and what is official.
    credit: str | None = None
    description: str = ""  # what the figure shows, in words (the page's alt text): a slide picture's alt text
    # Definitions of indicators the figure derives on the page (not in the snapshot's metadata), for the
    # metadata sheet of its XLSX: e.g. one industry's location quotient on Sector strengths.
    definitions: tuple[Indicator, ...] = ()

    @property
    def stem(self) -> str:
        """A file name stem: anything but letters, digits, - and _ replaced."""
        return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in self.file_stem or self.key) or "figure"


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


def figure_sources(metadata: Mapping[str, Indicator], indicators: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(metadata[key].source) for key in indicators if key in metadata))


def map_data(
    features: dict,
    table: pd.DataFrame,
    period: int,
    unit: str,
    indicator: str,
    legend: list[LegendEntry],
    gap_title: str | None = None,
) -> pd.DataFrame:
    """One row per area drawn on a choropleth: its value (with its 95% interval, lci and uci, where the
    indicator has them), status (areas without a row: unavailable), rank, gap and the legend class it is
    coloured by."""
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
            "unit": unit,
            "status": rows["status"].fillna("unavailable").to_numpy(dtype=object),
            "indicator": indicator,
            "rank": rows["rank"].to_numpy(dtype=float) if "rank" in rows else np.nan,
            "map_class": classes,
        }
    )
    if "lci" in rows and "uci" in rows and (rows["lci"].notna() | rows["uci"].notna()).any():
        position = out.columns.get_loc("value") + 1  # the 95% interval beside the value, where the source gives one
        out.insert(position, "lci", rows["lci"].to_numpy(dtype=float))
        out.insert(position + 1, "uci", rows["uci"].to_numpy(dtype=float))
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
    meta: Indicator,
    indicator: str,
    level: str,
    year: int,
    subtitle: str,
    metadata: Mapping[str, Indicator],
    gap_title: str | None = None,
) -> Figure:
    """A deck.gl choropleth's exportable twin: same features, classes, colours and legend."""
    title = f"{meta.label}, {year}"

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
        return map_data(features, table, year, meta.unit, indicator, legend, gap_title)

    return Figure(
        key,
        title,
        subtitle,
        spec,
        data,
        kind="map",
        sources=figure_sources(metadata, [indicator]),
        indicators=(indicator,),
        file_stem=f"{key}_{indicator}_{level}_{year}",
    )


def chart_figure(
    key: str,
    chart: Any,
    data: Any,
    indicators: Sequence[str],
    metadata: Mapping[str, Indicator],
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
        sources=figure_sources(metadata, indicators),
        indicators=tuple(indicators),
    )
