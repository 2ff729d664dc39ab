"""The Your data page under AppTest: instructions without an upload at every level, the example file at every
level, its charts in the slide pack and presentation mode. Expected values come from the parquet and GeoJSON
files, read here with pandas / json."""

from __future__ import annotations

import io
import json
import re
from html import escape

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from components.palettes import NO_DATA, SUPPRESSED
from components.plain_text import plain
from tests.app_pages.markdown_text import html_bodies
from tests.app_pages.your_data.page_helpers import (
    APP,
    AREAS,
    FIGURE_KEYS,
    LEVELS,
    MENU_LABELS,
    METADATA,
    PAGE,
    PARQUET,
    chart_rows,
    deck_features,
    download,
    download_labels,
    figures,
    geo_codes,
    marked_rows,
    menus,
    nearest,
    no_exception,
    reset,
    uploader,
)
from tests.loaders.hostile_builders import csv_bytes
from tests.page_walk import dataframe_texts

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


@pytest.mark.parametrize("level", LEVELS)
def test_example_file_at_every_level(at: AppTest, level: str) -> None:
    reset(at, level)
    at.toggle(key="your_data_example").set_value(True).run()
    no_exception(at)
    caption = next(c.value for c in at.caption if c.value.startswith("Example file: "))
    label, year = re.match(r"Example file: (.+), (\d{4}), from the official snapshot", caption).groups()
    indicator = next(key for key, meta in METADATA.items() if meta.label == label)
    assert level in METADATA[indicator].geographies
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
    shown = [
        *(m.value for m in [*app.markdown, *app.caption, *app.header, *app.error, *app.info, *app.toast]),
        *html_bodies(app),
    ]
    assert f"## {plain(link + ' (your data)')}" in shown
    assert any(value.startswith(plain("Source: Your data: [report](www.evil.example).csv")) for value in shown)
    # The legend is st.html (escaped with html.escape; st.html reads no Markdown).
    legends = [value for value in shown if value.startswith("<div><strong>")]
    assert legends and all(value.startswith(f"<div><strong>{escape(link)}</strong>") for value in legends)
    assert not [
        value
        for value in shown
        if value not in legends and ("](http" in value or "http://evil" in value or "www.evil" in value)
    ]
