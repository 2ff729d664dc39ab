"""Small multiples of static choropleths with altair `mark_geoshape`.

pydeck allows only a few WebGL maps per page, so side-by-side maps are drawn as Vega-Lite instead.
The level's boundaries are embedded once, as a named GeoJSON dataset that every map looks its
geometry up from; each map carries only its own small value table. Colours follow the deck.gl maps:
five viridis quantile classes per map, grey for no data, white with a dashed outline for values the
source suppressed (so the two differ without colour).
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from components.charts import SOURCE_LINE
from components.formatting import format_value
from components.palettes import (
    NO_DATA,
    OUTLINE,
    SELECTED_OUTLINE,
    SUPPRESSED,
    VIRIDIS_5,
    class_index,
    legend_entries,
    quantile_breaks,
    rgba_css,
)

NO_DATA_LABEL = "No data"
SUPPRESSED_LABEL = "Suppressed (withheld by the source)"
SUPPRESSED_STROKE = "#222222"
MAP_WIDTH = 260
MAP_HEIGHT = 320


@dataclass(frozen=True)
class MapPanel:
    """One small map: an indicator's rows for one level and year (area_code, value, status)."""

    indicator: str
    meta: dict
    year: int
    rows: pd.DataFrame


def boundaries_name(level: str) -> str:
    """The name of the level's GeoJSON dataset inside the spec (shared by every map)."""
    return f"boundaries_{level}"


def map_table(boundaries: dict, rows: pd.DataFrame, meta: dict, selected_code: str | None = None
              ) -> tuple[pd.DataFrame, list[str], list[str]]:
    """One row per boundary feature (so areas without a value are drawn grey) with its value, status,
    display text and colour class label; plus the legend's label domain and colour range.

    The selected area is placed last so its outline is drawn over its neighbours'.
    """
    codes = [feature["properties"]["area_code"] for feature in boundaries["features"]]
    names = [feature["properties"]["area_name"] for feature in boundaries["features"]]
    table = pd.DataFrame({"area_code": codes, "area_name": names})
    values = rows[["area_code", "value", "status"]].drop_duplicates("area_code")
    table = table.merge(values, on="area_code", how="left")
    table["status"] = table["status"].fillna("unavailable").astype(str)
    unit, decimals = meta["unit"], int(meta["decimals"])

    def fmt(value: float | None) -> str:
        return format_value(value, unit, decimals)

    drawn = table["value"]
    breaks = quantile_breaks(drawn)
    suppressed = drawn.isna() & (table["status"] == "suppressed")
    missing = drawn.isna() & ~suppressed
    entries = legend_entries(breaks, VIRIDIS_5, fmt, has_missing=bool(missing.any()),
                             has_suppressed=bool(suppressed.any()),
                             lower_bound=float(drawn.min()) if drawn.notna().any() else None)
    class_labels = [entry.label for entry in entries if entry.kind == "class"]
    labels = []
    for value, is_suppressed in zip(drawn.tolist(), suppressed.tolist(), strict=True):
        index = class_index(value, breaks)
        if index is not None:
            labels.append(class_labels[index])
        else:
            labels.append(SUPPRESSED_LABEL if is_suppressed else NO_DATA_LABEL)
    table["class_label"] = labels
    table["value_text"] = [SUPPRESSED_LABEL if s else fmt(v) for v, s in zip(drawn, suppressed, strict=True)]
    table["suppressed"] = suppressed
    table["selected"] = table["area_code"] == selected_code
    table = pd.concat([table[~table["selected"]], table[table["selected"]]], ignore_index=True)
    domain = [entry.label if entry.kind != "suppressed" else SUPPRESSED_LABEL for entry in entries]
    colours = [rgba_css(entry.rgba) for entry in entries]
    return table, domain, colours


def map_panel_chart(panel: MapPanel, level: str, selected_code: str | None, boundaries: dict) -> alt.Chart:
    """One geoshape map: the value table drives the marks, geometry comes from the shared dataset."""
    table, domain, colours = map_table(boundaries, panel.rows, panel.meta, selected_code)
    table = table.drop(columns=["value"])  # the text column carries the value; keeps the payload small
    short = panel.meta["short_label"]
    selected = "datum.selected"
    return (
        alt.Chart(table, title=alt.TitleParams(f"{short}, {panel.year}", anchor="start", fontSize=13))
        .mark_geoshape()
        .transform_lookup(
            lookup="area_code",
            from_=alt.LookupData(data=alt.NamedData(name=boundaries_name(level)), key="properties.area_code"),
            as_="geo",
        )
        .encode(
            shape="geo:G",
            color=alt.Color(
                "class_label:N",
                scale=alt.Scale(domain=domain, range=colours),
                sort=domain,
                legend=alt.Legend(title=_legend_title(panel.meta), orient="bottom", direction="vertical",
                                  labelLimit=240, symbolStrokeColor=rgba_css(OUTLINE), symbolStrokeWidth=0.5),
            ),
            stroke=alt.when(selected).then(alt.value(rgba_css(SELECTED_OUTLINE)))
            .when("datum.suppressed").then(alt.value(SUPPRESSED_STROKE))
            .otherwise(alt.value(rgba_css(OUTLINE))),
            strokeWidth=alt.when(selected).then(alt.value(2.5)).when("datum.suppressed").then(alt.value(1.0))
            .otherwise(alt.value(0.3)),
            strokeDash=alt.condition("datum.suppressed", alt.value([2, 2]), alt.value([1, 0])),
            tooltip=[alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("area_code:N", title="Code"),
                     alt.Tooltip("value_text:N", title=short), alt.Tooltip("class_label:N", title="Class")],
        )
        .project(type="mercator")
        .properties(width=MAP_WIDTH, height=MAP_HEIGHT)
    )


def _legend_title(meta: dict) -> str:
    unit = meta["unit"]
    return meta["short_label"] if unit in {"index", "ratio", "count", "persons"} else f"{meta['short_label']} ({unit})"


def small_multiples(
    boundaries: dict,
    panels: list[MapPanel],
    level: str,
    level_label: str,
    selected_code: str | None = None,
    selected_name: str | None = None,
    columns: int = 3,
) -> alt.ConcatChart:
    """A grid of maps, one per panel, each with its own quantile classes and legend.

    The boundaries go into the spec once (top-level `datasets`), however many maps there are.
    """
    charts = [map_panel_chart(panel, level, selected_code, boundaries) for panel in panels]
    subtitle = [f"{level_label}; each map has its own five quantile classes (viridis)."]
    if selected_name:
        subtitle.append(f"Outlined in magenta: {selected_name}.")
    subtitle.append(SOURCE_LINE)
    return alt.concat(*charts, columns=columns, datasets={boundaries_name(level): boundaries["features"]}).properties(
        title=alt.TitleParams("Levelling-up indicators mapped", subtitle=subtitle, anchor="start", fontSize=16),
    ).resolve_scale(color="independent")


__all__ = ["MapPanel", "NO_DATA", "SUPPRESSED", "boundaries_name", "map_table", "small_multiples"]
