"""The Your data page under AppTest with real uploads (values by code, xlsx with years, boundaries, bad files)
through Streamlit's test uploader, and nothing written to the committed snapshot. Expected values come from
the parquet and GeoJSON files, read here with pandas / json."""

from __future__ import annotations

import json
import re
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components.palettes import NO_DATA, SUPPRESSED
from tests.app_pages.markdown_text import as_read, map_legend
from tests.app_pages.your_data.page_helpers import (
    AREAS,
    BEFORE,
    BOUNDARY_TYPES,
    METADATA,
    PARQUET,
    VALUES_TYPES,
    XSS,
    chart_rows,
    deck_features,
    figures,
    geo_codes,
    menu_csv,
    menus,
    nearest,
    no_exception,
    reset,
    snapshot_state,
    uploader,
)
from tests.loaders.bad_files import corpus
from tests.loaders.hostile_builders import csv_bytes, shapefile_zip, squares_bng, unknown_names_csv, xlsx_bytes

# --- real uploads -----------------------------------------------------------------------------------------


def test_values_by_code_are_mapped_and_compared_with_the_official_figures(at: AppTest) -> None:
    reset(at, "lep")
    codes = sorted(AREAS.loc[AREAS["geography"] == "lep", "area_code"])[:5]
    data = csv_bytes(
        [["area_code", "area_name", "Score"], [codes[0], XSS, 10], *([c, "x", i] for i, c in enumerate(codes[1:]))]
    )
    uploader(at, 0).set_value(("mine.csv", data, "text/csv"))
    at.run()
    no_exception(at)
    assert any(m.value.startswith("5 of 5 areas in your file matched LEPs") for m in at.markdown)
    features = {f["properties"]["code"]: f["properties"] for f in deck_features(at)}
    assert features[codes[0]]["gap_text"] == f"In your file: {XSS}"  # raw: Streamlit escapes tooltips
    assert features[codes[0]]["value_text"] == "10"
    assert sum(tuple(p["fill"]) not in (NO_DATA, SUPPRESSED) for p in features.values()) == 5
    year = int(at.sidebar.selectbox(key="year").value)
    indicator = at.selectbox(key="your_data_indicator").value
    official = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == "lep")]
    years = sorted(int(y) for y in official.loc[official["value"].notna(), "period"].unique())
    expected = official[official["period"] == nearest(years, year)].set_index("area_code")["value"]
    scatter = {row["area_code"]: row for row in chart_rows(at, 1)}
    assert set(scatter) == {c for c in codes if pd.notna(expected.get(c))}
    for code, row in scatter.items():
        assert row["official"] == pytest.approx(expected[code])
    legend = map_legend(at)
    assert "<strong>Score</strong>" in legend

    # The charts' download menus: the plotted CSV round-trips to the uploaded values (and the official ones)
    uploaded = {codes[0]: 10.0, **{code: float(i) for i, code in enumerate(codes[1:])}}
    map_menu, bar_menu, scatter_menu = menus(at)
    head, bars = menu_csv(bar_menu)
    assert dict(zip(bars["area_code"], bars["value"], strict=True)) == uploaded
    assert list(bars.columns[:6]) == ["area_code", "area_name", "period", "value", "unit", "status"]
    assert (bars["source"] == "Your data: mine.csv (uploaded, not checked by us)").all()
    assert head["dc:title"] == "Score (your data), ranked"
    _, mapped = menu_csv(map_menu)
    assert (
        dict(zip(*mapped.dropna(subset=["value"])[["area_code", "value"]].to_dict("list").values(), strict=True))
        == uploaded
    )
    assert set(mapped["area_code"]) == geo_codes("lep")  # every area the map draws
    _, points = menu_csv(scatter_menu)
    assert set(points["area_code"]) == set(scatter)
    for row in points.itertuples():
        assert row.value == uploaded[row.area_code] and row.official_value == pytest.approx(expected[row.area_code])
    bar_figure, scatter_figure = figures(at)[1:]
    assert bar_figure.sources == ("Your data: mine.csv (uploaded, not checked by us)",)
    assert scatter_figure.sources[0] == bar_figure.sources[0]
    assert scatter_figure.sources[1] == METADATA[indicator].source  # the official indicator keeps its source


def test_xlsx_with_years_offers_a_period_choice(at: AppTest) -> None:
    reset(at, "lep")
    codes = sorted(AREAS.loc[AREAS["geography"] == "lep", "area_code"])[:3]
    rows = [["LEP21CD", "Year", "Jobs"]] + [
        [code, year, 100 * i + year - 2020] for i, code in enumerate(codes) for year in (2021, 2022)
    ]
    uploader(at, 0).set_value(("jobs.xlsx", xlsx_bytes(rows), "application/octet-stream"))
    at.run()
    no_exception(at)
    period = at.selectbox(key="your_data_period")
    assert period.options == ["2022", "2021"] and period.value == 2022
    assert any(as_read(h.value) == "Map: Jobs, 2022" for h in at.header)
    values = {f["properties"]["code"]: f["properties"]["value_text"] for f in deck_features(at)}
    assert [values[c] for c in codes] == ["2", "102", "202"]
    period.set_value(2021).run()
    values = {f["properties"]["code"]: f["properties"]["value_text"] for f in deck_features(at)}
    assert [values[c] for c in codes] == ["1", "101", "201"]


def test_codes_of_another_level_offer_a_switch(at: AppTest) -> None:
    reset(at, "lep")
    lads = sorted(AREAS.loc[AREAS["geography"] == "lad", "area_code"])[:12]
    uploader(at, 0).set_value(
        ("lads.csv", csv_bytes([["code", "v"], *([c, i] for i, c in enumerate(lads))]), "text/csv")
    )
    at.run()
    no_exception(at)
    assert any(info.value == "12 of your areas match local authority districts (2023)." for info in at.info)
    at.button(key="your_data_switch_level").click().run()
    no_exception(at)
    assert at.sidebar.selectbox(key="level").value == "lad"
    assert any(m.value.startswith("12 of 12 areas in your file matched local authorities") for m in at.markdown)


def test_uploaded_boundaries_show_official_figures_for_their_codes(at: AppTest) -> None:
    reset(at, "lep")
    uploader(at, 1).set_value(("squares.zip", shapefile_zip(squares_bng(2)), "application/zip"))
    at.run()
    no_exception(at)
    features = deck_features(at)
    assert [f["properties"]["code"] for f in features] == ["E37000001", "E37000002"]
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert -2.0 < spec["initialViewState"]["longitude"] < -1.0 and 54.5 < spec["initialViewState"]["latitude"] < 55.5
    indicator = at.selectbox(key="your_data_indicator").value
    year = int(re.search(r"Map: .+, (\d{4})", next(h.value for h in at.header if h.value.startswith("Map:")))[1])
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == "lep") & (PARQUET["period"] == year)]
    valued = set(rows.loc[rows["value"].notna(), "area_code"]) & {"E37000001", "E37000002"}
    assert {
        f["properties"]["code"] for f in features if tuple(f["properties"]["fill"]) not in (NO_DATA, SUPPRESSED)
    } == valued
    assert any("Reprojected from OSGB36 / British National Grid" in as_read(m.value) for m in at.markdown)
    (figure,) = figures(at)  # the map of the user's boundaries has the same download menu
    assert figure.kind == "map" and figure.sources == (
        METADATA[indicator].source,
        "Boundaries: squares.zip (uploaded, not checked by us)",
    )
    (menu,) = menus(at)
    _, mapped = menu_csv(menu)
    assert set(mapped["area_code"]) == {"E37000001", "E37000002"}
    truth = rows.set_index("area_code")["value"]
    for row in mapped.dropna(subset=["value"]).itertuples():
        assert row.value == pytest.approx(truth[row.area_code]) and row.period == year


def test_boundaries_in_nested_geometry_collections_are_mapped(at: AppTest) -> None:
    """A polygon two GeometryCollections deep and a point beside it (this crashed the page: 'GeometryCollection'
    object has no attribute 'exterior'): the polygon is mapped and a note says what was done."""
    reset(at, "lep")
    square = [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]]
    nested = {
        "type": "GeometryCollection",
        "geometries": [
            {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "coordinates": square}]},
            {"type": "Point", "coordinates": [-1.55, 54.95]},
        ],
    }
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"area_code": "E37000025", "area_name": "North East"}, "geometry": nested}
        ],
    }
    uploader(at, 1).set_value(("nested.geojson", json.dumps(doc).encode(), "application/geo+json"))
    at.run()
    no_exception(at)
    assert not at.error
    (feature,) = deck_features(at)
    assert feature["properties"]["code"] == "E37000025"
    assert any(
        "feature 1 (E37000025)" in as_read(m.value) and "1 points or lines in them left out" in as_read(m.value)
        for m in at.markdown
    )


def test_boundaries_that_cannot_be_drawn_are_named_and_the_values_still_mapped(
    at: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever fails while the uploaded boundaries are made ready for the map, the page names the file in
    a plain sentence and goes on with the official boundaries."""
    from loaders.uploads import safe_reading

    def broken(boundaries):
        raise AttributeError("'GeometryCollection' object has no attribute 'exterior'")

    reset(at, "lep")
    monkeypatch.setattr(safe_reading, "boundary_web_geojson", broken)
    codes = sorted(AREAS.loc[AREAS["geography"] == "lep", "area_code"])
    values = csv_bytes([["area_code", "score"], *([code, i] for i, code in enumerate(codes))])
    uploader(at, 0).set_value(("values.csv", values, "text/csv"))
    uploader(at, 1).set_value(("squares.zip", shapefile_zip(squares_bng(2)), "application/zip"))
    at.run()
    no_exception(at)
    (error,) = [e.value for e in at.error]
    assert as_read(error).startswith("squares.zip: could not be drawn on a map: part of it is in a form this page does")
    assert "exterior" not in error and "AttributeError" not in error
    assert len(deck_features(at)) == len(geo_codes("lep"))  # the values, on the official LEP boundaries
    assert not [r for r in at.radio if r.key == "your_data_map_on"]
    monkeypatch.undo()
    reset(at, "lep")


def test_a_boundary_file_without_an_obvious_code_field_asks_for_one(at: AppTest) -> None:
    reset(at, "lep")
    square = [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"ref": "X1", "label": XSS},
                "geometry": {"type": "Polygon", "coordinates": square},
            }
        ],
    }
    uploader(at, 1).set_value(("mine.geojson", json.dumps(doc).encode(), "application/geo+json"))
    at.run()
    no_exception(at)
    assert "no single area code field found" in at.error[0].value
    (field,) = [box for box in at.selectbox if box.label == "Which field holds the area codes?"]
    assert field.options == ["ref", "label"]
    field.set_value("ref").run()
    no_exception(at)
    assert not at.error
    (feature,) = deck_features(at)
    assert feature["properties"]["code"] == "X1" and tuple(feature["properties"]["fill"]) == NO_DATA
    assert any("None of the codes in your boundary file" in info.value for info in at.info)


def test_the_largest_upload_of_unknown_names_is_answered_in_seconds(at: AppTest, record_property) -> None:
    """49,900 unknown names (the caps allow 50,000 rows): matched, the level suggestion tried at all seven
    levels, and a switch of level, each in seconds (matching was quadratic: about ten minutes)."""
    reset(at, "lep")
    started = time.perf_counter()
    uploader(at, 0).set_value(("unknown_names.csv", unknown_names_csv(), "text/csv"))
    at.run()
    first = time.perf_counter() - started
    no_exception(at)
    assert any(m.value.startswith("0 of 49900 areas in your file matched LEPs") for m in at.markdown)
    started = time.perf_counter()
    at.sidebar.selectbox(key="level").set_value("lad")
    at.run()
    switched = time.perf_counter() - started
    no_exception(at)
    assert any(m.value.startswith("0 of 49900 areas in your file matched local authorities") for m in at.markdown)
    record_property("seconds_first_run", round(first, 2))
    record_property("seconds_level_switch", round(switched, 2))
    print(f"49,900 unknown names on the page: {first:.2f} s, then {switched:.2f} s for another level")
    assert first < 60 and switched < 60  # generous: AppTest on a shared 2-core machine
    reset(at, "lep")


PAGE_CORPUS = [
    b for b in corpus() if not b.repaired and not b.matches and b.name.endswith(VALUES_TYPES + BOUNDARY_TYPES)
]


@pytest.mark.parametrize("bad", PAGE_CORPUS, ids=lambda b: b.name)
def test_bad_files_give_a_clear_error_on_the_page(at: AppTest, bad) -> None:
    index = 0 if bad.kind == "values" else 1
    uploader(at, index).set_value((bad.name, bad.data, "application/octet-stream"))
    uploader(at, 1 - index).set_value(None)
    at.run()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    shown = as_read(errors[0])
    assert shown.startswith(bad.name) and bad.expect in shown


def test_the_committed_snapshot_is_untouched() -> None:
    assert snapshot_state() == BEFORE
