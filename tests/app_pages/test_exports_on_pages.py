"""Exports on every page, under AppTest: each chart and map has a download menu whose files (built by the
very callables a click runs) open and check out; the slide pack. Presentation mode and the link tools are
in tests/shell/test_figures.py."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from altair.vegalite.v6.schema import load_schema
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from streamlit.testing.v1 import AppTest

from components.slides import NO_LINK
from tests.app_pages.deferred_downloads import Deferred, recording_deferred_downloads
from tests.export_checks import check_csvw, read_plain_csv, read_xlsx

APP = str(Path(__file__).parents[2] / "app.py")
REPO = Path(__file__).resolve().parents[2]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
NEWCASTLE = "E08000021"
MENU_LABELS = [
    "Image (PNG, 2x)",
    "Image (SVG)",
    "Vega-Lite JSON",
    "Data (CSV)",
    "Data description (CSVW, JSON)",
    "Data (XLSX)",
]
PAGES = [
    "overview",
    "manufacturing",
    "sector_strengths",
    "productivity_gaps",
    "levelling_up",
    "compare_areas",
    "targets",
]
VALIDATOR = jsonschema.Draft7Validator(load_schema())
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

DEFERRED: dict[str, Deferred] = {}


@pytest.fixture(scope="module", autouse=True)
def record_deferred_downloads() -> Iterator[None]:
    with recording_deferred_downloads(DEFERRED):
        yield


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_app(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (params or {"level": "lad", "area": NEWCASTLE}).items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    return ok(at.run())


@pytest.fixture(scope="module")
def app() -> AppTest:
    return open_app("overview")


def on_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"app_pages/{page}.py")
    return ok(at.run())


def menus(at: AppTest) -> list:
    return [block for block in at.get("popover") if block.proto.popover.label.startswith("Download this")]


def download(button) -> tuple[bytes, str]:
    """Run the button's deferred callable, as Streamlit does when it is clicked."""
    assert button.proto.deferred_file_id and not button.proto.url  # nothing was built during the rerun
    entry = DEFERRED[button.proto.deferred_file_id]
    build, name = entry.build, entry.file_name
    data = build()
    return (data.encode("utf-8") if isinstance(data, str) else data), str(name)


def menu_files(menu) -> dict[str, tuple[bytes, str]]:
    buttons = menu.get("download_button")
    assert [button.proto.label for button in buttons] == MENU_LABELS
    return {button.proto.label: download(button) for button in buttons}


def bar_layer_on_page(at: AppTest) -> pd.DataFrame:
    """The rows of the ranked chart's bars as the browser gets them (Streamlit sends Arrow datasets)."""
    proto = at.get("vega_lite_chart")[0].proto
    spec = json.loads(proto.spec)
    named = {name: pd.DataFrame(values) for name, values in spec.get("datasets", {}).items()}
    for dataset in proto.datasets:
        named[dataset.name] = pa.ipc.open_stream(pa.py_buffer(dataset.data.data)).read_all().to_pandas()
    layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    return named[layer["data"]["name"]]


def read_csv(data: bytes) -> pd.DataFrame:
    return read_plain_csv(data)


def svg_size_and_text(data: bytes) -> tuple[float, float, str]:
    root = ET.fromstring(data)
    text = " ".join(" ".join(node.itertext()) for node in root.iter())
    return float(root.get("width")), float(root.get("height")), text


def check_menu(menu, figure) -> pd.DataFrame:
    """Every file of one figure's menu: PNG (2x the SVG's size), SVG text, JSON schema, CSV and XLSX."""
    files = menu_files(menu)
    stem = figure.stem
    assert [name for _, name in files.values()] == [
        f"{stem}.png",
        f"{stem}.svg",
        f"{stem}.vl.json",
        f"{stem}.csv",
        f"{stem}.csv-metadata.json",
        f"{stem}.xlsx",
    ]
    width, height, text = svg_size_and_text(files["Image (SVG)"][0])
    assert figure.title in text and "Source: " in text and "Open Government Licence v3.0" in text
    if figure.kind == "map":
        assert "Contains OS data © Crown copyright and database right" in text
    png = files["Image (PNG, 2x)"][0]
    assert png[:8] == PNG_SIGNATURE
    image = Image.open(io.BytesIO(png))
    assert image.width >= 2 * width - 1 and image.height >= 2 * height - 1 and width > 200
    spec = json.loads(files["Vega-Lite JSON"][0])
    VALIDATOR.validate(spec)
    assert spec["title"]["text"] == figure.title
    table = read_csv(files["Data (CSV)"][0])
    assert len(table) > 0 and "area_code" in table.columns
    document = check_csvw(files["Data (CSV)"][0], files["Data description (CSVW, JSON)"][0], f"{stem}.csv")
    assert document["dc:title"] == figure.title
    sheet, metadata_rows = read_xlsx(files["Data (XLSX)"][0])
    assert list(sheet.columns) == list(table.columns) and len(sheet) == len(table)
    listed = {row[0] for row in metadata_rows if row}
    assert set(figure.indicators) <= listed
    return table


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_and_map_has_a_download_menu(app: AppTest, page: str) -> None:
    at = on_page(app, page)
    figures = [item.figure for item in at.session_state["_figures_this_run"]]
    drawn = len(at.get("vega_lite_chart")) + len(at.get("deck_gl_json_chart"))
    assert len(figures) >= 1 and len(menus(at)) == len(figures) == drawn
    for menu, figure in zip(menus(at), figures, strict=True):
        noun = "map" if figure.kind == "map" else "chart"
        assert menu.proto.popover.label == f"Download this {noun}"
        assert [button.proto.label for button in menu.get("download_button")] == MENU_LABELS
        assert all(button.proto.ignore_rerun for button in menu.get("download_button"))
    pack = [b for b in at.get("download_button") if b.proto.label.startswith("Slide pack")]
    assert len(pack) == 1 and f"{len(figures)} figure" in pack[0].proto.label


@pytest.mark.parametrize("page", [p for p in PAGES if p != "overview"])
def test_every_export_of_every_figure_opens_and_checks(app: AppTest, page: str) -> None:
    at = on_page(app, page)
    figures = [item.figure for item in at.session_state["_figures_this_run"]]
    for menu, figure in zip(menus(at), figures, strict=True):
        check_menu(menu, figure)


def test_overview_exports_round_trip_to_the_plotted_values(app: AppTest) -> None:
    at = on_page(app, "overview")
    map_figure, chart_figure = [item.figure for item in at.session_state["_figures_this_run"]]
    truth = PARQUET[
        (PARQUET["indicator"] == "gva_per_hour") & (PARQUET["geography"] == "lad") & (PARQUET["period"] == 2023)
    ].set_index("area_code")

    mapped = check_menu(menus(at)[0], map_figure)
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    drawn = {f["properties"]["code"] for f in deck["layers"][0]["data"]["features"]}
    assert set(mapped["area_code"]) == drawn  # every area the map draws, no more
    valued = mapped.dropna(subset=["value"])
    np.testing.assert_allclose(valued["value"], truth["value"].reindex(valued["area_code"]).to_numpy())
    assert (mapped["unit"] == "£").all() and (mapped["period"] == 2023).all()

    plotted = check_menu(menus(at)[1], chart_figure)
    bars = bar_layer_on_page(at)
    exported = plotted[plotted["drawn_as"] == "bar"]
    assert sorted(exported["area_code"]) == sorted(bars["area_code"])
    merged = exported.merge(bars[["area_code", "value"]], on="area_code", suffixes=("", "_on_page"))
    np.testing.assert_allclose(merged["value"], merged["value_on_page"])

    xlsx = menu_files(menus(at)[1])["Data (XLSX)"][0]
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)["data"].iter_rows(values_only=True))
    sheet = pd.DataFrame(rows[1:], columns=rows[0])
    assert list(sheet["area_code"]) == list(plotted["area_code"])
    np.testing.assert_allclose(sheet["value"].astype(float), plotted["value"].astype(float))


def test_slide_pack_has_a_slide_per_figure_with_picture_and_source(app: AppTest) -> None:
    at = on_page(app, "manufacturing")
    figures = [item.figure for item in at.session_state["_figures_this_run"]]
    [button] = [b for b in at.get("download_button") if b.proto.label.startswith("Slide pack")]
    data, name = download(button)
    assert name == "manufacturing_slides.pptx"
    deck = Presentation(io.BytesIO(data))
    slides = list(deck.slides)

    def text(slide) -> str:
        return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)

    # one first slide per figure; a chart with too many rows for 14 pt type goes on: "(part 2 of 3)"
    firsts = [slide for slide in slides[1:-1] if not re.search(r"\(part [2-9] of \d\)", text(slide))]
    assert len(firsts) == len(figures) == 4 and len(slides) >= len(figures) + 2
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.001
    assert "Manufacturing: Newcastle upon Tyne" in text(slides[0])
    for slide, figure in zip(firsts, figures, strict=True):
        pictures = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].image.blob[:8] == PNG_SIGNATURE
        assert figure.title in text(slide) and "Source: " in text(slide)
        assert "Open Government Licence v3.0" in text(slide)
    closing = text(slides[-1])
    assert "Sources and licence" in closing and NO_LINK in closing  # no public address under AppTest
