"""Static exports of the interactive choropleths: a Vega-Lite `geoshape` map drawn from the very features
the deck.gl map shows (components.maps.choropleth_features), so the classes, palette, no-data and
suppressed fills, and the selected area's outline are the same, with the same legend entries beside it.

deck.gl draws on a WebGL canvas the server cannot render; this spec goes through vl-convert instead
(components.exports). It is a plain dict (no altair validation walk over every coordinate), built only
when someone asks for an image. Exterior rings in geo/*.geojson are clockwise, as Vega expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from components.palettes import OUTLINE, SELECTED_OUTLINE, LegendEntry

# The $schema altair writes (a test keeps them equal), so a map's Vega-Lite JSON names the same version as a chart's;
# written out here because importing altair for a constant would slow the map pages' first run.
VL_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"

MAP_WIDTH = 520
MAP_HEIGHT = {"england": 560, "uk": 700}
ENGLAND_ONLY = {"lep", "cauth", "rgn"}
LEGEND_WIDTH = 300
ROW_PX = 26
SWATCH_PX = 20
SUPPRESSED_STROKE = "#222222"
UNCLASSIFIED = "Other"


def _hex(rgba: Sequence[int]) -> str:
    """#rrggbb of an RGBA fill (the static map draws fills opaque, as the deck map does)."""
    r, g, b = (int(c) for c in list(rgba)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def map_rows(features: dict, entries: list[LegendEntry]) -> list[dict]:
    """One GeoJSON feature per area with what the static map needs: the legend label of its fill (so the
    colour comes from the legend, exactly), outline colour and width, whether it is suppressed. The
    selected area comes last so its outline is drawn over its neighbours'."""
    label_of = {_hex(entry.rgba): entry.label for entry in entries}
    kind_of = {_hex(entry.rgba): entry.kind for entry in entries}
    selected = _hex(SELECTED_OUTLINE)
    rows = []
    for feature in features["features"]:
        props = feature["properties"]
        fill = _hex(props["fill"])
        line = _hex(props.get("line", OUTLINE))
        rows.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "code": props.get("code"),
                    "name": props.get("name"),
                    "value_text": props.get("value_text", ""),
                    "label": label_of.get(fill, UNCLASSIFIED),
                    "fill": fill,
                    "stroke": line,
                    "width": float(props.get("width", 0.5)),
                    "selected": line == selected,
                    "suppressed": kind_of.get(fill) == "suppressed",
                },
            }
        )
    rows.sort(key=lambda row: row["properties"]["selected"])
    return rows


def legend_rows(entries: list[LegendEntry], extra: Sequence[str] = ()) -> list[dict]:
    """Legend swatches top to bottom, in the order the page's HTML legend lists them."""
    rows = []
    for i, entry in enumerate(entries):
        rows.append(
            {
                "label": entry.label,
                "fill": _hex(entry.rgba),
                "kind": entry.kind,
                "y0": 8 + i * ROW_PX,
                "y1": 8 + i * ROW_PX + SWATCH_PX,
                "ym": 8 + i * ROW_PX + SWATCH_PX / 2,
            }
        )
    for j, label in enumerate(extra):
        i = len(entries) + j
        rows.append(
            {
                "label": label,
                "fill": "#ffffff",
                "kind": "unclassified",
                "y0": 8 + i * ROW_PX,
                "y1": 8 + i * ROW_PX + SWATCH_PX,
                "ym": 8 + i * ROW_PX + SWATCH_PX / 2,
            }
        )
    return rows


def static_map_spec(
    features: dict,
    entries: list[LegendEntry],
    *,
    title: str,
    subtitle: Sequence[str],
    legend_title: str,
    level: str,
    legend_note: str | None = None,
) -> dict[str, Any]:
    """A Vega-Lite spec: the map (mercator, fitted to the areas) and its legend side by side.

    Fills are the deck map's own colours (a nominal scale whose domain is the legend's labels and
    whose range is their colours); suppressed areas also get a dark dashed outline, and the legend
    swatch for them is dashed, as on the page.
    """
    rows = map_rows(features, entries)
    extra = [UNCLASSIFIED] if any(r["properties"]["label"] == UNCLASSIFIED for r in rows) else []
    legend = legend_rows(entries, extra)
    domain = [row["label"] for row in legend]
    colours = [row["fill"] for row in legend]
    height = MAP_HEIGHT["england" if level in ENGLAND_ONLY else "uk"]
    map_view = {
        "width": MAP_WIDTH,
        "height": height,
        "data": {"values": rows},
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape"},
        "encoding": {
            "color": {
                "field": "properties.label",
                "type": "nominal",
                "scale": {"domain": domain, "range": colours},
                "legend": None,
            },
            "stroke": {"field": "properties.stroke", "type": "nominal", "scale": None},
            "strokeWidth": {
                "condition": [
                    {"test": "datum.properties.selected", "value": 2.5},
                    {"test": "datum.properties.suppressed", "value": 1.0},
                ],
                "value": 0.35,
            },
            "strokeDash": {"condition": {"test": "datum.properties.suppressed", "value": [3, 2]}, "value": [1, 0]},
            "tooltip": [
                {"field": "properties.name", "type": "nominal", "title": "Area"},
                {"field": "properties.code", "type": "nominal", "title": "Code"},
                {"field": "properties.value_text", "type": "nominal", "title": "Value"},
            ],
        },
    }
    legend_height = 16 + ROW_PX * len(legend) + (ROW_PX if legend_note else 0)
    swatches = {
        "mark": {"type": "rect", "strokeWidth": 1},
        "encoding": {
            "x": {"value": 0},
            "x2": {"value": SWATCH_PX + 6},
            "y": {"field": "y0", "type": "quantitative", "scale": None},
            "y2": {"field": "y1"},
            "fill": {"field": "fill", "type": "nominal", "scale": None},
            "stroke": {
                "condition": {"test": "datum.kind === 'suppressed'", "value": SUPPRESSED_STROKE},
                "value": "#555555",
            },
            "strokeDash": {"condition": {"test": "datum.kind === 'suppressed'", "value": [3, 2]}, "value": [1, 0]},
        },
    }
    labels = {
        "mark": {"type": "text", "align": "left", "baseline": "middle", "fontSize": 13, "limit": LEGEND_WIDTH - 40},
        "encoding": {
            "x": {"value": SWATCH_PX + 14},
            "y": {"field": "ym", "type": "quantitative", "scale": None},
            "text": {"field": "label", "type": "nominal"},
        },
    }
    legend_layers: list[dict] = [swatches, labels]
    legend_data: list[dict] = legend
    if legend_note:
        note_y = 8 + ROW_PX * len(legend) + 12
        legend_layers.append(
            {
                "data": {"values": [{"note": legend_note, "y": note_y}]},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "middle",
                    "fontSize": 11,
                    "color": "#333333",
                    "limit": LEGEND_WIDTH - 4,
                },
                "encoding": {
                    "x": {"value": 0},
                    "y": {"field": "y", "type": "quantitative", "scale": None},
                    "text": {"field": "note", "type": "nominal"},
                },
            }
        )
    legend_view = {
        "width": LEGEND_WIDTH,
        "height": legend_height,
        "data": {"values": legend_data},
        "title": {"text": legend_title, "anchor": "start", "fontSize": 14, "orient": "top"},
        "layer": legend_layers,
    }
    return {
        "$schema": VL_SCHEMA,
        "title": {"text": title, "subtitle": list(subtitle), "anchor": "start", "fontSize": 20},
        "hconcat": [map_view, legend_view],
        "spacing": 24,
        "config": {"view": {"stroke": None}, "axis": {"grid": False}},
        "background": "white",
    }
