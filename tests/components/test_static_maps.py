"""Small-multiple geoshape maps: classes and fills on a tiny synthetic boundary set (hand-worked),
and the Vega-Lite spec for the real LAD boundaries (one geoshape per indicator, geometry embedded
once, every feature drawn)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from components.palettes import NO_DATA, VIRIDIS_5, rgba_css
from components.static_maps import (
    NO_DATA_LABEL,
    SUPPRESSED_LABEL,
    GeoConcatChart,
    MapPanel,
    boundaries_name,
    map_table,
    small_multiples,
)
from tests.synthetic_indicators import synthetic_indicator
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
META = synthetic_indicator("Test rate", short_label="Rate")


def square(x: float) -> dict:
    ring = [[x, 50], [x, 51], [x + 1, 51], [x + 1, 50], [x, 50]]  # clockwise, as altair wants
    return {"type": "Polygon", "coordinates": [ring]}


def synthetic_boundaries() -> dict:
    codes = ["A1", "A2", "A3", "A4", "A5", "A6", "A7"]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"area_code": code, "area_name": f"Area {code}"}, "geometry": square(i)}
            for i, code in enumerate(codes)
        ],
    }


def synthetic_rows() -> pd.DataFrame:
    """Five valued areas (one per quintile), A6 suppressed, A7 with no row at all."""
    return pd.DataFrame(
        {
            "area_code": ["A1", "A2", "A3", "A4", "A5", "A6"],
            "value": [10.0, 20.0, 30.0, 40.0, 50.0, math.nan],
            "status": ["", "", "", "", "", "suppressed"],
        }
    )


def spec_of(chart: GeoConcatChart) -> dict:
    return chart.to_dict(validate=True)


def panel_rows(spec: dict, panel: dict) -> list[dict]:
    data = panel["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def test_map_table_classes_no_data_and_suppressed() -> None:
    table, domain, colours = map_table(synthetic_boundaries(), synthetic_rows(), META, selected_code="A2")
    assert len(table) == 7
    by_code = table.set_index("area_code")
    # Quintile upper bounds of 10..50 are 18, 26, 34, 42, 50: one area per class.
    assert by_code.loc["A1", "class_label"] == domain[0]
    assert by_code.loc["A5", "class_label"] == domain[4]
    assert len({by_code.loc[code, "class_label"] for code in ["A1", "A2", "A3", "A4", "A5"]}) == 5
    assert by_code.loc["A6", "class_label"] == SUPPRESSED_LABEL and bool(by_code.loc["A6", "suppressed"])
    assert by_code.loc["A6", "value_text"] == SUPPRESSED_LABEL
    assert by_code.loc["A7", "class_label"] == NO_DATA_LABEL and not bool(by_code.loc["A7", "suppressed"])
    assert by_code.loc["A7", "value_text"] == "no data"
    assert by_code.loc["A3", "value_text"] == "30.0%"
    assert domain[5:] == [NO_DATA_LABEL, SUPPRESSED_LABEL]
    assert colours[:5] == [rgba_css(rgba) for rgba in VIRIDIS_5]
    assert colours[5] == rgba_css(NO_DATA)
    assert colours[6] == "rgba(255, 255, 255, 1.00)"  # suppressed: white (with a dashed outline)
    assert table.iloc[-1]["area_code"] == "A2" and table["selected"].sum() == 1  # drawn last, on top


def test_legend_lists_no_data_and_suppressed_only_when_present() -> None:
    rows = synthetic_rows().iloc[:5]
    boundaries = synthetic_boundaries()
    boundaries["features"] = boundaries["features"][:5]
    _, domain, _ = map_table(boundaries, rows, META)
    assert NO_DATA_LABEL not in domain and SUPPRESSED_LABEL not in domain
    assert len(domain) == 5


def test_spec_has_one_geoshape_per_panel_and_the_geometry_once() -> None:
    boundaries = synthetic_boundaries()
    panels = [
        MapPanel("x", META, 2020, synthetic_rows()),
        MapPanel("y", replace(META, short_label="Other"), 2021, synthetic_rows().iloc[:3]),
    ]
    spec = spec_of(small_multiples(boundaries, panels, "lad", "LADs", "A2", "Area A2"))
    assert [panel["mark"]["type"] for panel in spec["concat"]] == ["geoshape", "geoshape"]
    assert spec["datasets"][boundaries_name("lad")] == boundaries["features"]
    for panel in spec["concat"]:
        (lookup,) = panel["transform"]
        assert lookup["from"]["data"] == {"name": boundaries_name("lad")}
        assert lookup["from"]["key"] == "properties.area_code" and lookup["as"] == "geo"
        assert panel["encoding"]["shape"] == {"field": "geo", "type": "geojson"}
        assert len(panel_rows(spec, panel)) == len(boundaries["features"])
    assert [panel["title"]["text"] for panel in spec["concat"]] == ["Rate, 2020", "Other, 2021"]
    assert spec["resolve"]["scale"]["color"] == "independent"
    assert "Area A2" in " ".join(spec["title"]["subtitle"])


def test_copies_keep_the_geometry() -> None:
    chart = small_multiples(synthetic_boundaries(), [MapPanel("x", META, 2020, synthetic_rows())], "rgn", "Regions")
    copied = chart.properties(background="white")
    assert copied.to_dict()["datasets"][boundaries_name("rgn")] == synthetic_boundaries()["features"]
    assert copied.to_dict()["background"] == "white"


@pytest.fixture(scope="module")
def lad_spec() -> tuple[dict, dict, list[str]]:
    boundaries = json.loads((REPO / "geo" / "lad.geojson").read_text(encoding="utf-8"))
    indicators = [
        "gva_per_hour",
        "employment_rate_16_64",
        "median_weekly_pay",
        "gdhi_per_head",
        "qualifications_nvq4_plus",
        "claimant_rate",
    ]
    panels = []
    for key in indicators:
        rows = PARQUET[(PARQUET["indicator"] == key) & (PARQUET["geography"] == "lad") & (PARQUET["period"] == 2021)]
        panels.append(MapPanel(key, METADATA[key], 2021, rows))
    spec = spec_of(small_multiples(boundaries, panels, "lad", "LADs", "E06000001", "Hartlepool"))
    return spec, boundaries, indicators


def test_lad_spec_draws_every_feature_on_every_map(lad_spec: tuple[dict, dict, list[str]]) -> None:
    spec, boundaries, indicators = lad_spec
    geoshapes = [panel for panel in spec["concat"] if panel["mark"]["type"] == "geoshape"]
    assert len(geoshapes) == len(indicators) == 6
    assert len(spec["datasets"][boundaries_name("lad")]) == len(boundaries["features"]) == 361
    codes = {f["properties"]["area_code"] for f in boundaries["features"]}
    for panel, key in zip(geoshapes, indicators, strict=True):
        rows = panel_rows(spec, panel)
        assert {row["area_code"] for row in rows} == codes
        expected = PARQUET[
            (PARQUET["indicator"] == key) & (PARQUET["geography"] == "lad") & (PARQUET["period"] == 2021)
        ]
        valued = set(expected.loc[expected["value"].notna(), "area_code"]) & codes
        drawn = {row["area_code"] for row in rows if row["class_label"] not in (NO_DATA_LABEL, SUPPRESSED_LABEL)}
        assert drawn == valued, key
        suppressed = set(expected.loc[expected["status"] == "suppressed", "area_code"]) & codes
        assert {row["area_code"] for row in rows if row["class_label"] == SUPPRESSED_LABEL} == suppressed, key
        assert rows[-1]["area_code"] == "E06000001" and rows[-1]["selected"]


def test_lad_spec_stays_small(lad_spec: tuple[dict, dict, list[str]]) -> None:
    spec, boundaries, _ = lad_spec
    text = json.dumps(spec, separators=(",", ":"))
    geometry = json.dumps(boundaries["features"], separators=(",", ":"))
    first_ring = json.dumps(boundaries["features"][0]["geometry"]["coordinates"][0][:3], separators=(",", ":"))
    assert text.count(first_ring[1:-1]) == 1  # the geometry is embedded once, not once per map
    # Six maps cost the geometry plus six small value tables.
    assert len(text) < len(geometry) + 6 * 80_000
