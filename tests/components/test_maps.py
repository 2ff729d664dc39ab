"""Choropleth features and the pydeck deck, on a tiny synthetic boundary set."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pydeck as pdk
import pytest

from components.maps import TOOLTIP_HTML, choropleth_deck, choropleth_features
from components.palettes import NO_DATA, OUTLINE, SELECTED_OUTLINE, SUPPRESSED, VIRIDIS_5

XSS = "<img src=x onerror=alert(1)>"
TOOLTIP_FIELDS = {"name", "value_text", "rank_text", "gap_text"}


def square(x: float, y: float) -> dict:
    ring = [[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def boundaries() -> dict:
    names = {"E1": "Alpha", "E2": XSS, "E3": "Charlie", "E4": 'Delta & Sons "quoted"'}
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"area_code": code, "area_name": name}, "geometry": square(i, 50)}
            for i, (code, name) in enumerate(names.items())
        ],
    }


def table() -> pd.DataFrame:
    """A ranked table as the page builds it; E4 has no row at all (drawn as no data)."""
    return pd.DataFrame(
        {
            "area_code": ["E2", "E1", "E3"],
            "area_name": [XSS, "Alpha", "Charlie"],
            "value": [50.0, 40.0, math.nan],
            "status": ["", "", "suppressed"],
            "rank": pd.array([1, 2, pd.NA], dtype="Int64"),
            "rank_of": [2, 2, 2],
            "gap_pct": [25.0, 0.0, math.nan],
        }
    )


BREAKS = [40.0, 50.0]


def fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"£{value:.2f}"


@pytest.fixture
def features() -> dict:
    return choropleth_features(boundaries(), table(), BREAKS, VIRIDIS_5, fmt, "England", selected_code="E1")


def by_code(collection: dict) -> dict[str, dict]:
    return {f["properties"]["code"]: f for f in collection["features"]}


def test_one_feature_per_boundary_feature_in_order(features: dict) -> None:
    assert features["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in features["features"]] == ["E1", "E2", "E3", "E4"]
    assert [f["geometry"] for f in features["features"]] == [f["geometry"] for f in boundaries()["features"]]


def test_every_fill_is_four_ints(features: dict) -> None:
    for feature in features["features"]:
        fill = feature["properties"]["fill"]
        assert isinstance(fill, list) and len(fill) == 4
        assert all(type(c) is int and 0 <= c <= 255 for c in fill)
        line = feature["properties"]["line"]
        assert len(line) == 4 and all(type(c) is int for c in line)


def test_fills_by_value_suppressed_and_missing(features: dict) -> None:
    props = {code: f["properties"] for code, f in by_code(features).items()}
    assert props["E1"]["fill"] == list(VIRIDIS_5[-2])  # lower class
    assert props["E2"]["fill"] == list(VIRIDIS_5[-1])  # top class
    assert props["E3"]["fill"] == list(SUPPRESSED)
    assert props["E4"]["fill"] == list(NO_DATA)
    assert props["E1"]["fill"] != props["E2"]["fill"]


def test_selected_area_is_outlined_wider(features: dict) -> None:
    props = {code: f["properties"] for code, f in by_code(features).items()}
    assert props["E1"]["line"] == list(SELECTED_OUTLINE)
    for code in ("E2", "E3", "E4"):
        assert props[code]["line"] == list(OUTLINE)
        assert props[code]["line"] != list(SELECTED_OUTLINE)
        assert props["E1"]["width"] > props[code]["width"] > 0


def test_nothing_selected_means_no_highlight() -> None:
    collection = choropleth_features(boundaries(), table(), BREAKS, VIRIDIS_5, fmt, "England")
    assert all(f["properties"]["line"] != list(SELECTED_OUTLINE) for f in collection["features"])
    assert len({f["properties"]["width"] for f in collection["features"]}) == 1


def test_text_from_data_is_kept_raw(features: dict) -> None:
    # Streamlit's deck.gl tooltip HTML-escapes substituted values, so escaping here would double-escape.
    props = {code: f["properties"] for code, f in by_code(features).items()}
    assert props["E2"]["name"] == XSS
    assert props["E4"]["name"] == 'Delta & Sons "quoted"'
    assert "&lt;" not in json.dumps(features)


def test_tooltip_text_per_area(features: dict) -> None:
    props = {code: f["properties"] for code, f in by_code(features).items()}
    assert props["E2"]["value_text"] == "£50.00"
    assert "1" in props["E2"]["rank_text"] and "2" in props["E2"]["rank_text"]
    assert "+25.0%" in props["E2"]["gap_text"] and "England" in props["E2"]["gap_text"]
    assert props["E1"]["gap_text"].startswith("0.0% vs")  # level with the benchmark: no sign, never "-0.0%"
    assert "uppressed" in props["E3"]["value_text"]
    assert not re.search(r"\d", props["E3"]["rank_text"])
    assert props["E3"]["gap_text"] == ""
    assert props["E4"]["value_text"] == "n/a"  # the page's formatter decides how missing reads
    assert not re.search(r"\d", props["E4"]["rank_text"])
    assert props["E4"]["gap_text"] == ""


def test_no_benchmark_no_gap_text() -> None:
    collection = choropleth_features(boundaries(), table(), BREAKS, VIRIDIS_5, fmt, None)
    assert all(f["properties"]["gap_text"] == "" for f in collection["features"])


def placeholders(template: str) -> set[str]:
    return set(re.findall(r"{(.*?)}", template))


def test_tooltip_template_only_uses_feature_text_fields(features: dict) -> None:
    assert placeholders(TOOLTIP_HTML) == TOOLTIP_FIELDS
    for feature in features["features"]:
        assert set(feature["properties"]) >= TOOLTIP_FIELDS
        assert all(isinstance(feature["properties"][k], str) for k in TOOLTIP_FIELDS)


# --- deck ----------------------------------------------------------------------------------------


@pytest.fixture
def deck(features: dict) -> pdk.Deck:
    return choropleth_deck(features, "lep")


def test_deck_tooltip_template(deck: pdk.Deck) -> None:
    tooltip = deck._tooltip  # what st.pydeck_chart sends as the tooltip
    assert isinstance(tooltip, dict)
    assert placeholders(tooltip["html"]) == TOOLTIP_FIELDS
    # The template itself carries no data: every variable part comes through a placeholder.
    assert XSS not in tooltip["html"] and "Alpha" not in tooltip["html"]


def test_deck_layer_draws_the_precomputed_colours(deck: pdk.Deck) -> None:
    spec = json.loads(deck.to_json())
    (layer,) = spec["layers"]
    assert layer["@@type"] == "GeoJsonLayer"
    assert layer["getFillColor"] == "@@=properties.fill"
    assert layer["getLineColor"] == "@@=properties.line"
    assert layer["pickable"] is True
    assert layer["id"] == "choropleth-lep"  # a stable id: map selections refer to it across reruns
    assert len(layer["data"]["features"]) == 4


def test_deck_has_no_basemap(deck: pdk.Deck) -> None:
    """No basemap tiles, so no network. pydeck 0.9.3 with map_provider=None emits no "mapProvider"
    key; with the default map_style it emits the sentinel "mapStyle": "__MAP_STYLE__", with
    map_style=None no "mapStyle" key at all. Streamlit 1.67's deck.gl component deletes the sentinel,
    but fills a *missing* (or empty) mapStyle with a Carto basemap URL
    (https://basemaps.cartocdn.com/gl/positron-gl-style/style.json), which the browser then fetches.
    So the only JSON that really means "no basemap" is the sentinel."""
    raw = deck.to_json()
    spec = json.loads(raw)
    assert "mapProvider" not in spec or spec["mapProvider"] is None
    assert "cartocdn" not in raw and "mapbox://" not in raw and "api.mapbox.com" not in raw
    assert "google" not in raw.lower()
    assert spec.get("mapStyle") == "__MAP_STYLE__"


def test_initial_view_frames_england_for_english_levels(features: dict) -> None:
    england = json.loads(choropleth_deck(features, "lep").to_json())["initialViewState"]
    uk = json.loads(choropleth_deck(features, "lad").to_json())["initialViewState"]
    for view in (england, uk):
        assert 49.5 < view["latitude"] < 56.5 and -6.5 < view["longitude"] < 1.8
    assert uk["latitude"] > england["latitude"]  # the UK view reaches Scotland
    assert uk["zoom"] < england["zoom"]


def test_deck_clears_to_an_opaque_background(deck: pdk.Deck) -> None:
    """Once deck.gl has drawn, its canvas hides the still preview beneath it (and the preview does not
    show through around the areas, nor after a pan or zoom)."""
    (view,) = json.loads(deck.to_json())["views"]
    assert view["clear"] is True
    assert len(view["clearColor"]) == 4 and view["clearColor"][3] == 255
