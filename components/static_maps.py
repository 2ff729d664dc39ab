"""Small multiples of static choropleths drawn with altair `mark_geoshape`.

pydeck allows only a few WebGL maps per page, so side-by-side maps are Vega-Lite instead. Each map's
own data is a small table (one row per boundary feature: colour class and tooltip text); the geometry
is embedded once, as a named GeoJSON dataset every map looks its shapes up from. Colours follow the
deck.gl maps: five viridis quantile classes per map, grey for no data, white with a dark dashed
outline for values the source suppressed (so the two differ without relying on colour).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from components.charts import SOURCE_LINE
from components.formatting import format_value
from components.palettes import OUTLINE, SELECTED_OUTLINE, VIRIDIS_5, legend_entries, quantile_breaks, rgba_css
from vocabulary.indicators import Indicator

NO_DATA_LABEL = "No data"
SUPPRESSED_LABEL = "Suppressed (withheld by the source)"
SUPPRESSED_STROKE = "#222222"
SELECTED_STROKE = rgba_css(SELECTED_OUTLINE)
AREA_STROKE = rgba_css(OUTLINE)
MAP_WIDTH = 250
MAP_HEIGHT = 310
MAX_MAPS = 6


@dataclass(frozen=True)
class MapPanel:
    """One small map: an indicator's snapshot rows for one level and year (area_code, value, status)."""

    indicator: str
    meta: Indicator
    year: int
    rows: pd.DataFrame


def boundaries_name(level: str) -> str:
    """The name of the level's GeoJSON dataset inside the spec (shared by every map)."""
    return f"boundaries_{level}"


def map_table(
    boundaries: dict, rows: pd.DataFrame, meta: Indicator, selected_code: str | None = None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """One row per boundary feature (areas without a row are drawn as no data) with value, status,
    display text and colour-class label; plus the legend's labels and matching colours.

    Built from plain arrays and turned into a frame once: small pandas operations dominate otherwise.
    The selected area comes last, so its outline is drawn on top of its neighbours'.
    """
    features = boundaries["features"]
    codes = [feature["properties"]["area_code"] for feature in features]
    names = [feature["properties"]["area_name"] for feature in features]
    found = rows.drop_duplicates("area_code")
    by_code = dict(
        zip(
            found["area_code"].tolist(),
            zip(found["value"].tolist(), found["status"].tolist(), strict=True),
            strict=True,
        )
    )
    pairs = [by_code.get(code, (math.nan, "unavailable")) for code in codes]
    value = np.array([pair[0] for pair in pairs], dtype=float)
    status = [str(pair[1]) for pair in pairs]
    unit, decimals = meta.unit, int(meta.decimals)

    def fmt(number: float | None) -> str:
        return format_value(number, unit, decimals)

    has_value = ~np.isnan(value)
    suppressed = ~has_value & np.array([s == "suppressed" for s in status], dtype=bool)
    breaks = quantile_breaks(pd.Series(value))
    entries = legend_entries(
        breaks,
        VIRIDIS_5,
        fmt,
        has_missing=bool((~has_value & ~suppressed).any()),
        has_suppressed=bool(suppressed.any()),
        lower_bound=float(np.nanmin(value)) if has_value.any() else None,
    )
    class_labels = np.array([entry.label for entry in entries if entry.kind == "class"] or [""], dtype=object)
    # Same rule as palettes.class_index: the first class whose upper bound is >= the value.
    if breaks:
        index = np.searchsorted(np.array(breaks) + 1e-12, np.nan_to_num(value), side="left")
        index = np.minimum(index, len(breaks) - 1)
    else:
        index = np.zeros(len(value), dtype=int)
    labels = np.where(has_value, class_labels[index], np.where(suppressed, SUPPRESSED_LABEL, NO_DATA_LABEL))
    order = sorted(range(len(codes)), key=lambda i: codes[i] == selected_code)
    table = pd.DataFrame(
        {
            "area_code": [codes[i] for i in order],
            "area_name": [names[i] for i in order],
            "value": value[order],
            "status": [status[i] for i in order],
            "class_label": labels[order].tolist(),
            "value_text": [SUPPRESSED_LABEL if suppressed[i] else fmt(value[i]) for i in order],
            "suppressed": suppressed[order],
            "selected": [codes[i] == selected_code for i in order],
        }
    )
    return table, [entry.label for entry in entries], [rgba_css(entry.rgba) for entry in entries]


def _legend_title(meta: Indicator) -> str:
    unit = meta.unit
    plain = unit in {"index", "ratio", "count", "persons"}
    return meta.short_label if plain else f"{meta.short_label} ({unit})"


def map_panel_chart(panel: MapPanel, level: str, boundaries: dict, selected_code: str | None = None) -> alt.Chart:
    """One geoshape map. Built through altair's constructors with explicit channel objects (not
    method chains, shorthand strings or alt.when), which validate nothing until `to_dict`: a few
    milliseconds per map instead of tens."""
    table, domain, colours = map_table(boundaries, panel.rows, panel.meta, selected_code)
    short = panel.meta.short_label
    lookup = alt.LookupTransform(
        **{
            "lookup": "area_code",
            "from": alt.LookupData(data=alt.NamedData(name=boundaries_name(level)), key="properties.area_code"),
            "as": "geo",
        }
    )
    encoding = alt.FacetedEncoding(
        shape=alt.Shape(field="geo", type="geojson"),
        color=alt.Color(
            field="class_label",
            type="nominal",
            sort=domain,
            scale=alt.Scale(domain=domain, range=colours),
            legend=alt.Legend(
                title=_legend_title(panel.meta),
                orient="bottom",
                direction="vertical",
                labelLimit=240,
                symbolType="square",
                symbolStrokeColor=AREA_STROKE,
                symbolStrokeWidth=0.5,
            ),
        ),
        stroke=alt.StrokeValue(
            value=AREA_STROKE,
            condition=[
                {"test": "datum.selected", "value": SELECTED_STROKE},
                {"test": "datum.suppressed", "value": SUPPRESSED_STROKE},
            ],
        ),
        strokeWidth=alt.StrokeWidthValue(
            value=0.3,
            condition=[
                {"test": "datum.selected", "value": 2.5},
                {"test": "datum.suppressed", "value": 1.0},
            ],
        ),
        strokeDash=alt.StrokeDashValue(value=[1, 0], condition={"test": "datum.suppressed", "value": [2, 2]}),
        tooltip=[
            alt.Tooltip(field="area_name", type="nominal", title="Area"),
            alt.Tooltip(field="area_code", type="nominal", title="Code"),
            alt.Tooltip(field="value_text", type="nominal", title=short),
            alt.Tooltip(field="class_label", type="nominal", title="Class"),
        ],
    )
    return alt.Chart(
        data=table[["area_code", "area_name", "class_label", "value_text", "suppressed", "selected"]],
        mark=alt.MarkDef(type="geoshape"),
        transform=[lookup],
        encoding=encoding,
        projection=alt.Projection(type="mercator"),
        title=alt.TitleParams(f"{short}, {panel.year}", anchor="start", fontSize=13),
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
    )


class GeoConcatChart(alt.ConcatChart):
    """A concat chart whose GeoJSON datasets are added to the spec after altair has built it.

    altair walks (and validates) every nested coordinate list of embedded data on each `to_dict`,
    which costs a few hundred milliseconds for the LAD boundaries on every rerun. The geometry is
    plain GeoJSON that needs no conversion, so it is attached to the finished spec instead.
    """

    def __init__(self, *args: Any, geo_datasets: dict[str, list] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        object.__setattr__(self, "_geo_datasets", dict(geo_datasets or {}))

    def to_dict(self, validate: bool = False, **kwargs: Any) -> dict:
        """The Vega-Lite spec with the geometry attached. Not validated unless asked (the tests do):
        the spec's shape is fixed, and validating it costs more than building it."""
        spec = super().to_dict(validate=validate, **kwargs)
        if kwargs.get("format", "vega-lite") == "vega-lite":
            spec.setdefault("datasets", {}).update(self._geo_datasets)
        return spec

    def copy(self, *args: Any, **kwargs: Any) -> GeoConcatChart:
        duplicate = super().copy(*args, **kwargs)
        object.__setattr__(duplicate, "_geo_datasets", dict(getattr(self, "_geo_datasets", {})))
        return duplicate


def small_multiples(
    boundaries: dict,
    panels: list[MapPanel],
    level: str,
    level_label: str,
    selected_code: str | None = None,
    selected_name: str | None = None,
    columns: int | None = None,
) -> GeoConcatChart:
    """A grid of maps, one per panel, each with its own quantile classes and legend; the level's
    boundaries go into the spec once however many maps there are."""
    charts = [map_panel_chart(panel, level, boundaries, selected_code) for panel in panels]
    if columns is None:  # two or four maps as a square grid, otherwise rows of three
        columns = 2 if len(panels) in (2, 4) else 3
    subtitle = [
        f"{level_label}. Each map has its own five quantile classes (viridis); grey = no data, "
        "white with dashed outline = suppressed by the source."
    ]
    if selected_name:
        subtitle.append(f"Outlined in magenta: {selected_name}.")
    subtitle.append(SOURCE_LINE)
    return GeoConcatChart(
        concat=charts,
        columns=columns,
        title=alt.TitleParams("Levelling-up indicators mapped", subtitle=subtitle, anchor="start", fontSize=16),
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        geo_datasets={boundaries_name(level): boundaries["features"]},
    )
