"""The Your data page under AppTest: instructions without an upload at every level, the example file
at every level, real uploads (values by code, boundaries, bad files) through Streamlit's test
uploader, and nothing written to the committed snapshot. Expected values come from the parquet and
GeoJSON files, read here with pandas / json."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from components.palettes import NO_DATA, SUPPRESSED
from components.plain_text import plain
from tests.app_pages.deferred_downloads import Deferred, recording_deferred_downloads
from tests.app_pages.markdown_text import as_read
from tests.export_checks import check_csvw, read_plain_csv
from tests.loaders.bad_files import corpus
from tests.loaders.hostile_builders import csv_bytes, shapefile_zip, squares_bng, unknown_names_csv, xlsx_bytes
from tests.page_walk import dataframe_texts

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGE = "app_pages/your_data.py"
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
METADATA = json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8"))
LEVELS = ["lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn"]
XSS = "<img src=x onerror=alert(1)>"
VALUES_TYPES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
BOUNDARY_TYPES = (".geojson", ".json", ".zip", ".gpkg", ".shp")
MENU_LABELS = [
    "Image (PNG, 2x)",
    "Image (SVG)",
    "Vega-Lite JSON",
    "Data (CSV)",
    "Data description (CSVW, JSON)",
    "Data (XLSX)",
]
FIGURE_KEYS = ["your_data_map", "your_data_ranked", "your_data_scatter"]
DEFERRED: dict[str, Deferred] = {}


def snapshot_state() -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in [*(REPO / "regional_data").iterdir(), *(REPO / "geo").iterdir()]}


BEFORE = snapshot_state()


@pytest.fixture(scope="module", autouse=True)
def record_deferred_downloads() -> Iterator[None]:
    with recording_deferred_downloads(DEFERRED):
        yield


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(PAGE)
    app.run()
    return app


def uploader(at: AppTest, index: int):  # 0: values, 1: boundaries
    return at.get("file_uploader")[index]


def reset(at: AppTest, level: str = "lep") -> None:
    uploader(at, 0).set_value(None)
    uploader(at, 1).set_value(None)
    at.run()
    at.toggle(key="your_data_example").set_value(False)
    at.sidebar.selectbox(key="level").set_value(level)
    at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def deck_features(at: AppTest) -> list[dict]:
    (chart,) = at.get("deck_gl_json_chart")
    (layer,) = json.loads(chart.proto.json)["layers"]
    return layer["data"]["features"]


def geo_codes(level: str) -> set[str]:
    doc = json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["area_code"] for f in doc["features"]}


def chart_datasets(at: AppTest, index: int) -> tuple[dict, dict[str, list[dict]]]:
    """A chart's spec and its named datasets (inline in the spec, or Streamlit's Arrow datasets beside it)."""
    proto = at.get("vega_lite_chart")[index].proto
    spec = json.loads(proto.spec)
    named = dict(spec.get("datasets") or {})
    for dataset in proto.datasets:
        named[dataset.name] = (
            pa.ipc.open_stream(pa.py_buffer(dataset.data.data)).read_all().to_pandas().to_dict("records")
        )
    return spec, named


def chart_rows(at: AppTest, index: int, layer: int = 0) -> list[dict]:
    """The rows one layer of a chart draws (the first: the bars or points)."""
    spec, named = chart_datasets(at, index)
    return named[spec["layer"][layer]["data"]["name"]]


def marked_rows(at: AppTest, index: int) -> list[dict]:
    """The rows of a chart's text layer: the words beside the selected area."""
    spec, named = chart_datasets(at, index)
    (words,) = [unit for unit in spec["layer"] if unit["mark"]["type"] == "text"]
    return named[words["data"]["name"]]


def download_labels(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def figures(at: AppTest) -> list:
    return [item.figure for item in at.session_state["_figures_this_run"]]


def menus(at: AppTest) -> list:
    return [block for block in at.get("popover") if block.proto.popover.label.startswith("Download this")]


def download(button) -> bytes:
    """Run the button's deferred callable, as Streamlit does when it is clicked."""
    assert button.proto.deferred_file_id and not button.proto.url  # nothing was built during the rerun
    data = DEFERRED[button.proto.deferred_file_id].build()
    return data.encode("utf-8") if isinstance(data, str) else data


def menu_csv(menu) -> tuple[dict, pd.DataFrame]:
    """A figure's "Data (CSV)" download, read with no options, and its CSVW description (checked against it)."""
    buttons = {b.proto.label: b for b in menu.get("download_button")}
    data, description = download(buttons["Data (CSV)"]), download(buttons["Data description (CSVW, JSON)"])
    document = check_csvw(data, description, json.loads(description)["url"])
    return document, read_plain_csv(data)


# --- no upload ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", LEVELS)
def test_without_an_upload_the_page_explains_itself(at: AppTest, level: str) -> None:
    reset(at, level)
    no_exception(at)
    assert any("How to use this page" in info.value for info in at.info)
    assert any(label.startswith("Template for") for label in download_labels(at))
    assert not at.get("deck_gl_json_chart") and not at.get("vega_lite_chart")
    assert [u.label for u in at.get("file_uploader")] == [
        "Values: CSV or Excel (.xlsx)",
        "Boundaries (optional): GeoJSON, zipped shapefile or GeoPackage",
    ]


# --- the example file -----------------------------------------------------------------------------------


def nearest(available: list[int], wanted: int) -> int:
    earlier = [y for y in available if y <= wanted]
    return max(earlier) if earlier else min(available)


@pytest.mark.parametrize("level", LEVELS)
def test_example_file_at_every_level(at: AppTest, level: str) -> None:
    reset(at, level)
    at.toggle(key="your_data_example").set_value(True).run()
    no_exception(at)
    caption = next(c.value for c in at.caption if c.value.startswith("Example file: "))
    label, year = re.match(r"Example file: (.+), (\d{4}), from the official snapshot", caption).groups()
    indicator = next(key for key, meta in METADATA.items() if meta["label"] == label)
    assert level in METADATA[indicator]["geographies"]
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level)]
    years = sorted(int(y) for y in rows.loc[rows["value"].notna(), "period"].unique())
    assert int(year) == nearest(years, int(at.sidebar.selectbox(key="year").value))
    in_year = rows[rows["period"] == int(year)]
    summary = next(m.value for m in at.markdown if "areas in your file matched" in m.value)
    assert summary.startswith(f"{len(in_year)} of {len(in_year)} areas")
    features = deck_features(at)
    assert {f["properties"]["code"] for f in features} == geo_codes(level)
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in features}
    coloured = {code for code, fill in fills.items() if fill not in (NO_DATA, SUPPRESSED)}
    assert coloured == set(in_year.loc[in_year["value"].notna(), "area_code"]) & geo_codes(level)
    suppressed = set(in_year.loc[in_year["status"] == "suppressed", "area_code"]) & geo_codes(level)
    assert {code for code, fill in fills.items() if fill == SUPPRESSED} == suppressed
    assert len(at.get("vega_lite_chart")) == 2
    scatter = chart_rows(at, 1)
    assert {row["area_code"] for row in scatter} <= set(in_year["area_code"])
    assert "Matched data (CSV)" in download_labels(at)
    assert [figure.key for figure in figures(at)] == FIGURE_KEYS
    assert [menu.proto.popover.label for menu in menus(at)] == [
        "Download this map",
        "Download this chart",
        "Download this chart",
    ]


def test_the_match_table_shows_no_none(at: AppTest) -> None:
    """The grid draws an empty cell as its placeholder, "None" unless the page sets one, and an empty string
    in a choice column as empty too: the "Your choice" column of the match table read "None" on every row.
    Its empty cells are now missing values shown blank, and no other cell reads "None"."""
    reset(at, "lep")
    at.toggle(key="your_data_example").set_value(True).run()
    no_exception(at)
    (editor,) = [frame for frame in at.dataframe if frame.proto.editing_mode]
    assert editor.proto.HasField("placeholder") and editor.proto.placeholder == ""
    choices = editor.value["your_choice"]
    assert choices.isna().all() and len(choices) > 0
    assert not [text for _, text in dataframe_texts(editor.proto) if text == "None"]


def test_the_charts_are_in_the_slide_pack_and_mark_the_selected_area(at: AppTest) -> None:
    reset(at, "lep")
    at.toggle(key="your_data_example").set_value(True).run()
    chosen = at.sidebar.selectbox(key="area").options[3]
    code = next(
        c
        for c, name in zip(AREAS["area_code"], AREAS["area_name"], strict=True)
        if name == chosen and c.startswith("E37")
    )
    at.sidebar.selectbox(key="area").set_value(code).run()
    no_exception(at)
    shown = figures(at)
    assert [figure.key for figure in shown] == FIGURE_KEYS
    assert [figure.kind for figure in shown] == ["map", "chart", "chart"]
    for menu in menus(at):
        assert [button.proto.label for button in menu.get("download_button")] == MENU_LABELS
        assert all(button.proto.ignore_rerun for button in menu.get("download_button"))
    assert not [label for label in download_labels(at) if label.startswith(("Ranked chart:", "Scatter:"))]
    # the selected area has words beside its bar and its point, not only another colour
    assert [(row["area_code"], row["mark_text"]) for row in marked_rows(at, 0)] == [(code, "◄ selected")]
    assert [row["mark_text"] for row in marked_rows(at, 1)] == [f"◄ {chosen} (selected)"]
    (pack,) = [b for b in at.get("download_button") if b.proto.label.startswith("Slide pack")]
    assert pack.proto.label == "Slide pack (PPTX, 3 figures)"
    slides = list(Presentation(io.BytesIO(download(pack))).slides)

    def text(slide) -> str:
        return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)

    # title, a first slide per figure (the ranked chart of 38 LEPs goes on: "(part 2 of 3)"), sources
    firsts = [slide for slide in slides[1:-1] if not re.search(r"\(part [2-9] of \d\)", text(slide))]
    assert len(firsts) == 3
    for slide, figure in zip(firsts, shown, strict=True):
        assert figure.title in text(slide) and "Source: " in text(slide)
    assert "example.csv" in text(firsts[1])


def test_presentation_mode_shows_the_map_and_both_charts() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(PAGE)
    app.run()
    app.toggle(key="your_data_example").set_value(True).run()
    app.toggle(key="present").set_value(True).run()
    no_exception(app)
    assert not menus(app)
    assert len(app.get("deck_gl_json_chart")) == 1 and not app.get("vega_lite_chart")
    titles = []
    for _ in range(2):
        app.button(key="present-next").click().run()
        no_exception(app)
        (chart,) = app.get("vega_lite_chart")
        titles.append(json.loads(chart.proto.spec)["title"]["text"])
    assert titles[0].endswith("(your data), ranked") and " against " in titles[1]
    assert app.button(key="present-next").disabled


def test_markdown_in_an_upload_is_shown_as_text_also_in_presentation_mode() -> None:
    """A header that is a Markdown link and names that are a Markdown image and bare web addresses: every
    heading, caption, option and presentation slide shows them escaped (in presentation mode the header
    was a live link, the image fetched)."""
    link = "[Session expired - log in](http://evil.example/login)"
    image = "![pixel](http://evil.example/pixel.png)"
    codes = sorted(AREAS.loc[AREAS["geography"] == "lep", "area_code"])[:3]
    data = csv_bytes(
        [
            ["area_code", "area_name", link],
            [codes[0], image, 1],
            [codes[1], "www.evil.example", 2],
            [codes[2], "bob@evil.example", 3],
        ]
    )
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(PAGE)
    app.run()
    uploader(app, 0).set_value(("[report](www.evil.example).csv", data, "text/csv"))
    app.run()
    no_exception(app)
    assert f"Map: {plain(link)}" in [h.value for h in app.header]
    app.toggle(key="present").set_value(True).run()
    no_exception(app)
    shown = [m.value for m in [*app.markdown, *app.caption, *app.header, *app.error, *app.info, *app.toast]]
    assert f"## {plain(link + ' (your data)')}" in shown
    assert any(value.startswith(plain("Source: Your data: [report](www.evil.example).csv")) for value in shown)
    # The legend is an HTML block (escaped with html.escape; Markdown inside an HTML block is not read).
    legends = [value for value in shown if value.startswith("<div><strong>")]
    assert legends and all(value.startswith(f"<div><strong>{escape(link)}</strong>") for value in legends)
    assert not [
        value
        for value in shown
        if value not in legends and ("](http" in value or "http://evil" in value or "www.evil" in value)
    ]


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
    legend = next(m.value for m in at.markdown if "Map legend" in m.value)
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
    assert scatter_figure.sources[1] == METADATA[indicator]["source"]  # the official indicator keeps its source


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
        METADATA[indicator]["source"],
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
    from loaders import uploads

    def broken(boundaries):
        raise AttributeError("'GeometryCollection' object has no attribute 'exterior'")

    reset(at, "lep")
    monkeypatch.setattr(uploads, "boundary_web_geojson", broken)
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
