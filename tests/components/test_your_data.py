"""Your data view: the choropleth of an upload (official or uploaded boundaries), its map figure, legends,
credits and defaults (components/your_data.py). Reference areas and values come from the committed parquet
files (tests/components/your_data_data.py)."""

from __future__ import annotations

import json
from html import escape

import numpy as np
import pandas as pd
import pytest

from components import your_data as yd
from components.exports import (
    LICENCE_LINE,
    OS_LINE,
    figure_data,
    source_lines,
    spec_dict,
)
from components.legend import legend_html
from components.palettes import NO_DATA, VIRIDIS_5
from loaders.uploads import boundary_web_geojson, read_boundary_upload
from tests.components.your_data_data import (
    LEPS,
    METADATA,
    XSS,
    boundaries,
    lep_values,
)
from vocabulary.geography import AREA_LEVEL_KEYS

# --- values of the matched areas -------------------------------------------------------------------------


def test_decimals_for() -> None:
    assert yd.decimals_for(pd.Series([1.0, 2.0, np.nan])) == 0
    assert yd.decimals_for(pd.Series([1.5, 2.25])) == 2
    assert yd.decimals_for(pd.Series([1 / 3])) == 3
    assert yd.decimals_for(pd.Series([np.nan])) == 0


# --- map ------------------------------------------------------------------------------------------------


def test_map_of_uploaded_values_over_official_boundaries() -> None:
    values = lep_values()
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0))
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in view.features["features"]}
    assert len(fills) == 38 and view.drawn == 38 and view.valued == 10
    assert all(fills[c] == NO_DATA for c in LEPS if c not in set(values["area_code"]))
    assert fills[values["area_code"][0]] == VIRIDIS_5[0] and fills[values["area_code"][9]] == VIRIDIS_5[-1]
    assert [e.label for e in view.legend][-1] == "No data"


def test_names_from_a_file_reach_the_deck_as_literal_text() -> None:
    """Streamlit HTML-escapes every value it puts into the deck.gl tooltip, so the spec must carry the
    name exactly as written (escaping here would show '&lt;img' to the user)."""
    values = lep_values()
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0))
    spec = view.deck.to_json()
    assert (
        f"In your file: {XSS}"
        in json.loads(spec)["layers"][0]["data"]["features"][
            [f["properties"]["code"] for f in view.features["features"]].index(values["area_code"][0])
        ]["properties"]["gap_text"]
    )
    assert XSS in spec and escape(XSS) not in spec
    others = [
        f["properties"]["gap_text"]
        for f in view.features["features"]
        if f["properties"]["code"] != values["area_code"][0]
    ]
    assert set(others) == {""}  # same name as the official one: nothing to say


def test_html_we_build_from_file_text_is_escaped() -> None:
    html = legend_html(XSS, yd.upload_map(boundaries("lep"), lep_values(), "lep", yd.value_formatter(0)).legend)
    assert XSS not in html and escape(XSS) in html


def test_map_over_uploaded_boundaries_is_fitted_to_them() -> None:
    square = [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"area_code": "X1", "area_name": XSS},
                "geometry": {"type": "Polygon", "coordinates": square},
            }
        ],
    }
    frame = read_boundary_upload("mine.geojson", json.dumps(doc).encode())
    web, _ = boundary_web_geojson(frame)
    values = pd.DataFrame({"area_code": ["X1"], "area_name": [XSS], "value": [3.0], "status": [""]})
    view = yd.upload_map(web, values, "lad", yd.value_formatter(0), fit=True)
    spec = json.loads(view.deck.to_json())
    state = spec["initialViewState"]
    assert state["longitude"] == pytest.approx(-1.55, abs=1e-3) and state["latitude"] == pytest.approx(54.95, abs=1e-3)
    assert 8 < state["zoom"] < 13  # a 0.1-degree square fills the map
    assert spec["layers"][0]["data"]["features"][0]["properties"]["name"] == XSS
    assert spec["mapStyle"] == "__MAP_STYLE__"


# --- map figure: the shared download menu, slide pack and presentation mode ----------------------------


def test_map_figure_is_the_static_twin_of_the_uploaded_map() -> None:
    values = lep_values()
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0), values["area_code"][0])
    figure = yd.upload_map_figure(
        view,
        values,
        title="Score (your data)",
        subtitle="LEPs",
        legend_title="Score",
        level="lep",
        period=2022,
        measure="Score",
        unit=yd.UPLOADED_UNIT,
        sources=(yd.upload_source("mine.csv"),),
        credit=yd.upload_credit(("values",), ("boundaries",), os_boundaries=True),
    )
    assert figure.kind == "map" and figure.stem == "your_data_map_lep"
    assert source_lines(figure)[1] == (
        "Your values: under their owner's terms, not the Open Government Licence. "
        f"Official boundaries: {LICENCE_LINE} {OS_LINE}"
    )
    spec = spec_dict(figure.spec)
    assert spec["title"]["text"] == "Score (your data)"
    data = figure_data(figure)
    assert len(data) == 38 and set(data["area_code"]) == set(LEPS)
    valued = data.dropna(subset=["value"]).set_index("area_code")
    np.testing.assert_allclose(valued["value"], values.set_index("area_code")["value"].reindex(valued.index))
    assert (data.loc[data["value"].isna(), "status"] == "unavailable").all()
    assert data.set_index("area_code").loc[values["area_code"][0], "name_in_file"] == XSS
    assert view.note == "Five classes with equal numbers of areas (quantiles)."


# --- helpers ---------------------------------------------------------------------------------------------


def test_example_and_comparison_defaults() -> None:
    assert yd.compare_default(["a", "gva_per_hour", "median_weekly_pay"]) == "gva_per_hour"
    assert yd.compare_default(["a", "b"], avoid="a") == "b"
    assert yd.example_indicator(METADATA, "lep", "gva_per_hour") == "employment_rate_16_64"
    for level in AREA_LEVEL_KEYS:
        key = yd.example_indicator(METADATA, level, "gva_per_hour")
        assert key != "gva_per_hour" and level in METADATA[key].geographies


def test_few_distinct_values_get_one_class_each_labelled_by_value() -> None:
    values = lep_values().head(3).assign(value=[10.0, 12.0, 10.0])
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0))
    assert [(e.label, e.kind) for e in view.legend] == [("10", "class"), ("12", "class"), ("No data", "no_data")]
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in view.features["features"]}
    codes = values["area_code"].tolist()
    assert fills[codes[0]] == fills[codes[2]] != fills[codes[1]]
    assert {fills[codes[0]], fills[codes[1]]} <= set(VIRIDIS_5)


def test_quantile_legend_labels_never_repeat() -> None:
    values = lep_values().assign(value=[10.0, 10.2, 10.4, 10.6, 10.8, 11.0, 11.2, 11.4, 11.6, 12.0])
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0))
    labels = [e.label for e in view.legend if e.kind == "class"]
    assert len(labels) == 5 and len(set(labels)) == 5
    assert labels[0].startswith("10.0 to ")
    assert yd.axis_format(0) == ",.2~f" and yd.axis_format(3) == ",.3~f"


def test_credit_licenses_only_the_official_parts() -> None:
    own_boundaries = yd.upload_credit(("values", "boundaries"), (), os_boundaries=False)
    assert "Open Government Licence v3.0." not in own_boundaries and "Crown copyright" not in own_boundaries
    assert own_boundaries.startswith("Your values and boundaries:")
    official_figures = yd.upload_credit(("boundaries",), ("figures",), os_boundaries=False)
    assert f"Official figures: {LICENCE_LINE}" in official_figures and "Crown copyright" not in official_figures
