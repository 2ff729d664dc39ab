"""The static twin of the deck.gl choropleth: same classes, colours, legend, no-data and suppressed
styling, with title and OS attribution; rendered to PNG and SVG and checked as files."""

from __future__ import annotations

import io
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from altair.vegalite.v6.schema import load_schema
from PIL import Image

from components.exports import OS_LINE, export_spec, png, svg, vega_json
from components.figures import map_data
from components.map_export import LEGEND_WIDTH, MAP_WIDTH, VL_SCHEMA, legend_rows, map_rows, static_map_spec
from components.overview import build_overview, overview_map_figure
from components.palettes import NO_DATA, SELECTED_OUTLINE, SUPPRESSED, VIRIDIS_5
from loaders.snapshot import read_boundaries_json, read_snapshot

REPO = Path(__file__).resolve().parents[2]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
NEWCASTLE = "E08000021"
SUPPRESSED_INDICATOR, SUPPRESSED_YEAR = "manufacturing_employment_share_residence", 2022


def hex_of(rgba) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgba[:3])


@pytest.fixture(scope="module")
def snapshot():
    return read_snapshot()


def overview(snapshot, indicator: str, year: int, level: str = "lad"):
    meta = snapshot.metadata[indicator]
    view = build_overview(
        snapshot.rows(indicator),
        meta,
        read_boundaries_json(level),
        level,
        year,
        "ENG_EXCL_LONDON",
        NEWCASTLE if level == "lad" else None,
    )
    return view, overview_map_figure(view, meta, indicator, level, year, snapshot.metadata)


@pytest.fixture(scope="module")
def gva(snapshot):
    return overview(snapshot, "gva_per_hour", 2023)


@pytest.fixture(scope="module")
def withheld(snapshot):
    return overview(snapshot, SUPPRESSED_INDICATOR, SUPPRESSED_YEAR)


@pytest.fixture(scope="module")
def gva_spec(gva) -> dict:
    return export_spec(gva[1])


def colour_by_feature(spec: dict) -> dict[str, str]:
    """Area code -> the colour the static map paints it (via its colour scale)."""
    view = spec["hconcat"][0]
    scale = view["encoding"]["color"]["scale"]
    lookup = dict(zip(scale["domain"], scale["range"], strict=True))
    return {row["properties"]["code"]: lookup[row["properties"]["label"]] for row in view["data"]["values"]}


def test_every_area_has_the_deck_maps_fill(gva) -> None:
    view, figure = gva
    painted = colour_by_feature(figure.spec())
    deck = {f["properties"]["code"]: hex_of(f["properties"]["fill"]) for f in view.features["features"]}
    assert painted == deck
    assert len(painted) == len(read_boundaries_json("lad")["features"])


def test_classes_follow_the_quantiles_of_the_values(gva) -> None:
    _, figure = gva
    painted = colour_by_feature(figure.spec())
    values = (
        PARQUET[
            (PARQUET["indicator"] == "gva_per_hour") & (PARQUET["geography"] == "lad") & (PARQUET["period"] == 2023)
        ]
        .dropna(subset=["value"])
        .set_index("area_code")["value"]
    )
    top, bottom = values.idxmax(), values.idxmin()
    assert painted[top] == hex_of(VIRIDIS_5[-1]) and painted[bottom] == hex_of(VIRIDIS_5[0])
    above_fifth_quintile = values[values > values.quantile(0.8) + 1e-9].index
    assert {painted[code] for code in above_fifth_quintile if code in painted} == {hex_of(VIRIDIS_5[-1])}


def test_legend_is_the_pages_legend(gva) -> None:
    view, figure = gva
    spec = figure.spec()
    legend_data = spec["hconcat"][1]["data"]["values"]
    assert [row["label"] for row in legend_data] == [entry.label for entry in view.legend]
    assert [row["fill"] for row in legend_data] == [hex_of(entry.rgba) for entry in view.legend]
    assert spec["hconcat"][1]["title"]["text"] == view.value_label


def test_suppressed_and_no_data_are_styled_apart(withheld) -> None:
    view, figure = withheld
    spec = figure.spec()
    rows = {row["properties"]["code"]: row["properties"] for row in spec["hconcat"][0]["data"]["values"]}
    truth = PARQUET[
        (PARQUET["indicator"] == SUPPRESSED_INDICATOR)
        & (PARQUET["geography"] == "lad")
        & (PARQUET["period"] == SUPPRESSED_YEAR)
    ].set_index("area_code")
    suppressed = set(truth.index[(truth["status"] == "suppressed") & truth["value"].isna()]) & set(rows)
    assert len(suppressed) > 100  # APS residents' shares: many LADs withheld in 2022
    assert {code for code, props in rows.items() if props["suppressed"]} == suppressed
    assert {rows[code]["fill"] for code in suppressed} == {hex_of(SUPPRESSED)}
    no_rows = set(rows) - set(truth.index)
    assert no_rows and {rows[code]["fill"] for code in no_rows} == {hex_of(NO_DATA)}
    legend = spec["hconcat"][1]
    kinds = [row["kind"] for row in legend["data"]["values"]]
    assert kinds[-2:] == ["no_data", "suppressed"]
    swatch = legend["layer"][0]["encoding"]
    assert swatch["strokeDash"]["condition"]["test"] == "datum.kind === 'suppressed'"  # dashed, as on the page
    outline = spec["hconcat"][0]["encoding"]["strokeDash"]
    assert outline["condition"]["test"] == "datum.properties.suppressed" and outline["condition"]["value"] != [1, 0]


def test_the_selected_area_is_outlined_on_top(gva) -> None:
    _, figure = gva
    rows = figure.spec()["hconcat"][0]["data"]["values"]
    assert rows[-1]["properties"]["code"] == NEWCASTLE and rows[-1]["properties"]["selected"]
    assert rows[-1]["properties"]["stroke"] == hex_of(SELECTED_OUTLINE)
    assert sum(row["properties"]["selected"] for row in rows) == 1


def test_a_fill_outside_the_legend_is_labelled_not_dropped() -> None:
    features = {
        "features": [
            {"type": "Feature", "geometry": None, "properties": {"code": "X", "name": "X", "fill": [1, 2, 3, 255]}}
        ]
    }
    rows = map_rows(features, [])
    assert rows[0]["properties"]["label"] == "Other"
    assert legend_rows([], ["Other"])[0]["label"] == "Other"


def test_png_is_twice_the_map_and_shows_every_class(gva_spec: dict) -> None:
    data = png(gva_spec)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.width >= 2 * (MAP_WIDTH + LEGEND_WIDTH) and image.height >= 2 * gva_spec["hconcat"][0]["height"]
    counts = {colour: n for n, colour in image.getcolors(maxcolors=image.width * image.height)}
    for rgba in VIRIDIS_5:  # each class colour covers real area on the map, not just its legend swatch
        assert counts.get(tuple(rgba[:3]), 0) > 5_000, rgba
    assert counts.get(tuple(SELECTED_OUTLINE[:3]), 0) > 20  # Newcastle's outline


def test_svg_has_title_legend_source_and_os_attribution(gva, gva_spec: dict) -> None:
    view, _ = gva
    root = ET.fromstring(svg(gva_spec))
    text = " ".join(" ".join(node.itertext()) for node in root.iter())
    assert "GVA per hour worked (current prices, smoothed), 2023" in text
    assert "Source: ONS Subregional productivity" in text
    assert "Open Government Licence v3.0" in text
    assert "Contains OS data © Crown copyright and database right" in text and OS_LINE in text
    for entry in view.legend:
        assert entry.label in text


def test_vega_lite_json_validates(gva_spec: dict) -> None:
    document = json.loads(vega_json(gva_spec, compact=True))
    jsonschema.Draft7Validator(load_schema()).validate(document)


def test_map_data_has_every_drawn_area_and_its_class(gva, withheld) -> None:
    view, figure = gva
    data = figure.data()
    assert len(data) == len(view.features["features"])
    row = data[data["area_code"] == NEWCASTLE].iloc[0]
    expected = PARQUET[
        (PARQUET["indicator"] == "gva_per_hour")
        & (PARQUET["area_code"] == NEWCASTLE)
        & (PARQUET["period"] == 2023)
        & (PARQUET["geography"] == "lad")
    ]["value"].iloc[0]
    assert row["value"] == pytest.approx(expected) and row["unit"] == "£" and row["period"] == 2023
    assert row["map_class"] in {entry.label for entry in view.legend}
    w_view, w_figure = withheld
    w_data = w_figure.data()
    suppressed = w_data[w_data["status"] == "suppressed"]
    assert len(suppressed) and suppressed["value"].isna().all()  # never a zero
    assert set(suppressed["map_class"]) == {"Suppressed (withheld by the source)"}
    assert (w_data.loc[w_data["status"] == "unavailable", "map_class"] == "No data").all()
    again = map_data(w_view.features, w_view.table, SUPPRESSED_YEAR, "£", SUPPRESSED_INDICATOR, w_view.legend)
    assert math.isnan(again["rank"].iloc[-1])  # unranked areas come last


def test_england_only_levels_get_a_shorter_map(snapshot) -> None:
    view, figure = overview(snapshot, "gva_per_hour", 2023, level="lep")
    spec = figure.spec()
    assert (
        spec["hconcat"][0]["height"]
        < static_map_spec(view.features, view.legend, title="t", subtitle=[], legend_title="l", level="lad")["hconcat"][
            0
        ]["height"]
    )
    assert len(spec["hconcat"][0]["data"]["values"]) == 38


def test_map_json_names_the_schema_altair_writes() -> None:
    """A map's Vega-Lite JSON and a chart's name the same version (the map's spec is written by hand)."""
    import altair as alt

    assert VL_SCHEMA == alt.SCHEMA_URL
