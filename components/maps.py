"""Choropleth maps as pydeck decks: no basemap tiles (no network), precomputed RGBA fills, a
tooltip with value, rank and gap, and the selected area outlined."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pydeck as pdk

from components.formatting import format_gap
from components.palettes import OUTLINE, RGBA, SELECTED_OUTLINE, fill_colour

ENGLAND_ONLY = {"lep", "cauth", "rgn"}
TOOLTIP_HTML = "<b>{name}</b><br/>{value_text}<br/>{rank_text}<br/>{gap_text}"


def view_for_level(level: str) -> pdk.ViewState:
    """Initial view: England for English-only geographies, the whole UK otherwise."""
    if level in ENGLAND_ONLY:
        return pdk.ViewState(longitude=-1.6, latitude=52.9, zoom=5.2)
    return pdk.ViewState(longitude=-3.3, latitude=54.8, zoom=4.4)


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
    by_code = table.set_index("area_code")
    features = []
    for feature in boundaries["features"]:
        props = feature["properties"]
        code = props["area_code"]
        row = by_code.loc[code] if code in by_code.index else None
        value = float(row["value"]) if row is not None else float("nan")
        status = str(row["status"]) if row is not None else "unavailable"
        if row is not None and pd.notna(row["rank"]):
            rank_text = f"Rank {int(row['rank'])} of {int(row['rank_of'])}"
        else:
            rank_text = "Not ranked"
        gap = format_gap(float(row["gap_pct"])) if row is not None else ""
        value_text = "Suppressed by the source" if status == "suppressed" and pd.isna(value) else fmt(value)
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


def choropleth_deck(features: dict, level: str) -> pdk.Deck:
    layer = pdk.Layer(
        "GeoJsonLayer",
        data=features,
        id=f"choropleth-{level}",
        pickable=True,
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color="properties.line",
        get_line_width="properties.width",
        line_width_units="pixels",
        auto_highlight=True,
        highlight_color=[255, 255, 255, 90],
    )
    return pdk.Deck(
        layers=[layer],
        initial_view_state=view_for_level(level),
        map_provider=None,
        map_style=None,
        tooltip={"html": TOOLTIP_HTML, "style": {"backgroundColor": "#1f1f1f", "color": "white", "fontSize": "14px"}},
    )
