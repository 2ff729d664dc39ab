"""Choropleth maps as pydeck decks: no basemap tiles (no network), precomputed RGBA fills, a
tooltip with value, rank and gap, and the selected area outlined."""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd
import pydeck as pdk

from components.formatting import format_gap
from components.palettes import OUTLINE, RGBA, SELECTED_OUTLINE, fill_colour

ENGLAND_ONLY = {"lep", "cauth", "rgn"}
PAGE_MAP_HEIGHT = 560  # px: a deck.gl map on a page (its still preview is drawn for this height)
NOTED_STATUSES = ("provisional", "estimated")  # said beside the value in the tooltip
TOOLTIP_HTML = "<b>{name}</b><br/>{value_text}<br/>{rank_text}<br/>{gap_text}"
TOOLTIP_STYLE = {"backgroundColor": "#1f1f1f", "color": "white", "fontSize": "14px"}
NO_BASEMAP = "__MAP_STYLE__"
MAP_BACKGROUND: RGBA = (255, 255, 255, 255)  # the page's background (theme base "light")


def view_for_level(level: str) -> dict:
    """Initial view: England for English-only geographies, the whole UK otherwise."""
    if level in ENGLAND_ONLY:
        return {"longitude": -1.6, "latitude": 52.9, "zoom": 5.2, "minZoom": 4, "maxZoom": 11}
    return {"longitude": -3.3, "latitude": 54.8, "zoom": 4.4, "minZoom": 3.5, "maxZoom": 11}


def choropleth_features(
    boundaries: dict,
    table: pd.DataFrame,
    breaks: list[float],
    palette: tuple[RGBA, ...],
    fmt: Callable[[float], str],
    benchmark_name: str | None,
    selected_code: str | None = None,
) -> dict:
    """A FeatureCollection whose features carry fill colour and tooltip text for each area.

    `table` is a ranked table (area_code, value, status, rank, rank_of, gap_pct). Areas without a row
    are drawn as no data. Text from the data is left raw: Streamlit escapes tooltip values.
    """
    by_code = table.drop_duplicates("area_code").set_index("area_code").to_dict("index")
    features = []
    for feature in boundaries["features"]:
        props = feature["properties"]
        code = props["area_code"]
        row = by_code.get(code)
        value = float(row["value"]) if row is not None else float("nan")
        status = str(row["status"]) if row is not None else "unavailable"
        if row is not None and pd.notna(row["rank"]):
            rank_text = f"Rank {int(row['rank'])} of {int(row['rank_of'])}"
        else:
            rank_text = "Not ranked"
        gap = format_gap(float(row["gap_pct"])) if row is not None else ""
        value_text = "Suppressed by the source" if status == "suppressed" and pd.isna(value) else fmt(value)
        if status in NOTED_STATUSES and pd.notna(value):
            value_text += f" ({status})"
        features.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "code": code,
                    "name": props["area_name"],
                    "value_text": value_text,
                    "rank_text": rank_text,
                    "gap_text": f"{gap} vs {benchmark_name}" if gap and benchmark_name else "",
                    "fill": list(fill_colour(value, status, breaks, palette)),
                    "line": list(SELECTED_OUTLINE if code == selected_code else OUTLINE),
                    "width": 3 if code == selected_code else 0.5,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


class DeckSpec(pdk.Deck):
    """A deck.gl JSON spec written by us, handed to st.pydeck_chart like any pydeck.Deck.

    pydeck's own serialiser pretty-prints (doubling the payload) and turns every string property
    into an expression (e.g. lineWidthUnits "pixels" -> "@@=pixels"), so the spec is built as plain
    JSON here and serialised once, compactly.
    """

    def __init__(self, spec: dict, tooltip: dict) -> None:
        super().__init__(layers=[], map_provider=None, tooltip=tooltip)
        self.spec = spec
        self._json = json.dumps(spec, separators=(",", ":"), ensure_ascii=False)

    def to_json(self) -> str:
        return self._json


def choropleth_deck(features: dict, level: str) -> DeckSpec:
    """GeoJSON layer with precomputed fills over no basemap at all (no tile or style requests)."""
    view = view_for_level(level)
    layer = {
        "@@type": "GeoJsonLayer",
        "id": f"choropleth-{level}",
        "data": features,
        "pickable": True,
        "stroked": True,
        "filled": True,
        "getFillColor": "@@=properties.fill",
        "getLineColor": "@@=properties.line",
        "getLineWidth": "@@=properties.width",
        "lineWidthUnits": "pixels",
        "lineJointRounded": True,
        "autoHighlight": True,
        "highlightColor": [255, 255, 255, 90],
    }
    spec = {
        "initialViewState": view,
        "layers": [layer],
        # An opaque clear: once deck.gl has drawn, it covers the still preview beneath it (map_preview.py).
        "views": [{"@@type": "MapView", "controller": True, "clear": True, "clearColor": list(MAP_BACKGROUND)}],
        # Streamlit's sentinel for "no map style": without it, it injects a CARTO basemap.
        "mapStyle": NO_BASEMAP,
    }
    return DeckSpec(spec, {"html": TOOLTIP_HTML, "style": TOOLTIP_STYLE})
