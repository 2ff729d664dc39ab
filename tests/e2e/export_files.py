"""Helpers for the export, share link and presentation browser tests: expectations read from the committed
parquet, clicking a download and opening the file it delivers, checking each kind of file (PNG, SVG,
Vega-Lite JSON, CSV with its CSVW description, XLSX, the slide pack), and loading a view in the module's
shared page (the `shared_page` fixture of conftest.py)."""

from __future__ import annotations

import io
import json
import re
import struct
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import numpy as np
import openpyxl
import pandas as pd
from altair.vegalite.v6.schema import SCHEMA_URL, load_schema
from playwright.sync_api import Locator, Page, expect
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from bench.browser import open_app, wait_idle
from tests.e2e.helpers_pages import MAIN, VEGA, assert_no_error
from tests.export_checks import check_csvw, read_plain_csv
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
VALIDATOR = jsonschema.Draft7Validator(load_schema())  # altair's bundled Vega-Lite schema (offline)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LICENCE = "Open Government Licence v3.0"
OS_COPYRIGHT = "Contains OS data © Crown copyright"
FIGURE_LABELS = [
    "Image (PNG, 2x)",
    "Image (SVG)",
    "Vega-Lite JSON",
    "Data (CSV)",
    "Data description (CSVW, JSON)",
    "Data (XLSX)",
]
FIGURE_EXTENSIONS = ["png", "svg", "vl.json", "csv", "csv-metadata.json", "xlsx"]
DEFAULT_VL_SPACING = 20  # Vega-Lite's default spacing between concatenated views

POPOVER_BODY = "[data-testid='stPopoverBody']:visible"
FIGURE_MENUS = f"{MAIN} [data-testid='stPopover'] button"
SIDEBAR = "[data-testid='stSidebar']"
PRESENTATION = ".st-key-presentation"

GREATER_MANCHESTER = "E37000015"  # a LEP
NORTH_WEST = "North West (England)"  # its ITL1 parent region
ENGLAND, UK, ENG_EXCL_LONDON = "E92000001", "K02000001", "ENG_EXCL_LONDON"
YEAR, START = 2019, 2004
VIEW = f"level=lep&area={GREATER_MANCHESTER}&year={YEAR}&benchmark={ENGLAND}"


# --- expectations from the parquet ------------------------------------------------------------------


def values(indicator: str, geography: str | None = None, period: int | None = None) -> pd.Series:
    """area_code -> value of one indicator (and geography and period) in the committed snapshot."""
    rows = PARQUET[PARQUET["indicator"] == indicator]
    if geography is not None:
        rows = rows[rows["geography"] == geography]
    if period is not None:
        rows = rows[rows["period"] == period]
    return rows.set_index("area_code")["value"]


def value(indicator: str, code: str, period: int) -> float:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == code) & (PARQUET["period"] == period)]
    assert len(rows) == 1, (indicator, code, period, rows)
    return float(rows["value"].iloc[0])


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def close(actual: object, expected: object) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=1e-9, atol=1e-9)


# --- downloading --------------------------------------------------------------------------------------


@dataclass
class Download:
    label: str
    name: str
    data: bytes


def download(page: Page, button: Locator) -> Download:
    """Click a download button and return the file it delivers (built on the server only on click)."""
    label = " ".join(button.inner_text().split())
    with page.expect_download(timeout=120_000) as info:
        button.click()
    item = info.value
    path = item.path()
    assert item.failure() is None, item.failure()
    return Download(label, item.suggested_filename, Path(path).read_bytes())


def figure_menus(page: Page) -> Locator:
    return page.locator(FIGURE_MENUS).filter(has_text=re.compile(r"Download this (chart|map)"))


def download_figure(page: Page, index: int) -> tuple[str, dict[str, Download]]:
    """Open the index-th figure's download menu, click each of its buttons; returns the menu's noun ("map"
    or "chart") and the files by extension."""
    menu = figure_menus(page).nth(index)
    menu.scroll_into_view_if_needed()
    noun = "map" if "Download this map" in menu.inner_text() else "chart"
    menu.click()
    body = page.locator(POPOVER_BODY)
    buttons = body.locator("[data-testid='stDownloadButton'] button")
    expect(buttons).to_have_count(len(FIGURE_LABELS))
    assert [text.strip() for text in buttons.all_inner_texts()] == FIGURE_LABELS
    files: dict[str, Download] = {}
    for number, extension in enumerate(FIGURE_EXTENSIONS):
        got = download(page, buttons.nth(number))
        assert got.name.endswith(f".{extension}"), (extension, got.name)
        files[extension] = got
    page.keyboard.press("Escape")
    expect(page.locator(POPOVER_BODY)).to_have_count(0)
    return noun, files


def download_tables(page: Page) -> list[tuple[Download, Download, Download]]:
    """Open every expander of the page body and click each table's CSV, CSVW and XLSX buttons."""
    summaries = page.locator(f"{MAIN} [data-testid='stExpander'] details")
    for number in range(summaries.count()):
        details = summaries.nth(number)
        if details.get_attribute("open") is None:
            details.locator("summary").click()
    buttons = page.locator(f"{MAIN} [class*='st-key-table-'] button")
    labels = [" ".join(text.split()) for text in buttons.all_inner_texts()]
    assert labels and len(labels) % 3 == 0, labels
    triples = []
    for number in range(0, len(labels), 3):
        assert labels[number].endswith("Table (CSV)") and labels[number + 2].endswith("Table (XLSX)"), labels
        assert labels[number + 1].endswith("Table description (CSVW, JSON)"), labels
        csv_file, csvw_file, xlsx_file = (download(page, buttons.nth(number + k)) for k in range(3))
        assert csv_file.name.endswith(".csv") and xlsx_file.name.endswith(".xlsx"), (csv_file.name, xlsx_file.name)
        assert csv_file.name[:-4] == xlsx_file.name[:-5] and csvw_file.name == f"{csv_file.name}-metadata.json"
        triples.append((csv_file, csvw_file, xlsx_file))
    return triples


def download_slide_pack(page: Page, figures: int) -> Download:
    button = page.locator(SIDEBAR).get_by_role("button", name=re.compile(r"Slide pack \(PPTX"))
    expect(button).to_contain_text(f"{figures} figure")
    got = download(page, button)
    assert got.name.endswith("_slides.pptx"), got.name
    return got


# --- reading and checking the files --------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR", data[:16]
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def schema_version(url: str) -> tuple[int, ...]:
    match = re.fullmatch(r"https://vega\.github\.io/schema/vega-lite/v(\d+(?:\.\d+)*)\.json", url)
    assert match, url
    return tuple(int(part) for part in match.group(1).split("."))


def spec_size(spec: dict) -> tuple[float, float]:
    """CSS pixel width and height of a Vega-Lite view's plots (concatenations add up; titles, axes and
    padding come on top, so the real image is larger)."""
    if "hconcat" in spec:
        sizes = [spec_size(part) for part in spec["hconcat"]]
        spacing = spec.get("spacing", DEFAULT_VL_SPACING) * (len(sizes) - 1)
        return sum(w for w, _ in sizes) + spacing, max(h for _, h in sizes)
    if "vconcat" in spec:
        sizes = [spec_size(part) for part in spec["vconcat"]]
        spacing = spec.get("spacing", DEFAULT_VL_SPACING) * (len(sizes) - 1)
        return max(w for w, _ in sizes), sum(h for _, h in sizes) + spacing
    if "facet" in spec:  # one inner plot per distinct value of the column (and row) field
        data = spec.get("data", {})
        rows = data["values"] if "values" in data else spec["datasets"][data["name"]]
        width, height = spec_size(spec["spec"])
        counts = {
            channel: len({str(row.get(spec["facet"][channel]["field"])) for row in rows})
            for channel in ("column", "row")
            if channel in spec["facet"]
        }
        return width * counts.get("column", 1), height * counts.get("row", 1)
    width, height = spec.get("width"), spec.get("height")
    assert isinstance(width, int | float) and isinstance(height, int | float), (width, height)
    return float(width), float(height)


def spec_title(spec: dict) -> str:
    text = spec["title"]["text"] if isinstance(spec.get("title"), dict) else spec.get("title")
    text = " ".join(text) if isinstance(text, list) else str(text or "")
    assert text.strip(), f"the exported spec has no title: {spec.get('title')!r}"
    return text


def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)  # also proves the SVG is well-formed XML
    assert root.tag.endswith("svg"), root.tag
    return " ".join(" ".join(node.itertext()) for node in root.iter())


def read_csv(csv_file: Download, csvw_file: Download) -> tuple[dict, pd.DataFrame]:
    """The CSV's CSVW description (checked against it) and the CSV read with no options."""
    return check_csvw(csv_file.data, csvw_file.data, csv_file.name), read_plain_csv(csv_file.data)


def read_xlsx(data: bytes) -> tuple[pd.DataFrame, dict[str, object], list[tuple]]:
    """The data sheet as a frame, the metadata sheet's key/value rows and all its rows."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["data", "metadata"], book.sheetnames
    rows = list(book["data"].iter_rows(values_only=True))
    meta_rows = [row for row in book["metadata"].iter_rows(values_only=True)]
    book.close()
    frame = pd.DataFrame(rows[1:], columns=[str(c) for c in rows[0]])
    pairs = {str(row[0]): row[1] for row in meta_rows if row and row[0] is not None}
    return frame, pairs, meta_rows


def assert_same_table(xlsx: pd.DataFrame, csv: pd.DataFrame) -> None:
    """The XLSX data sheet holds what the CSV holds: same columns, rows, numbers and text."""
    assert list(xlsx.columns) == list(csv.columns)
    assert len(xlsx) == len(csv)
    for column in csv.columns:
        if pd.api.types.is_numeric_dtype(csv[column]) and not pd.api.types.is_bool_dtype(csv[column]):
            np.testing.assert_allclose(
                pd.to_numeric(xlsx[column]).to_numpy(dtype=float),
                csv[column].to_numpy(dtype=float),
                rtol=1e-12,
                equal_nan=True,
                err_msg=column,
            )
        else:
            as_text = [("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)) for v in xlsx[column]]
            expected = [("" if pd.isna(v) else str(v)) for v in csv[column]]
            assert as_text == expected, column


@dataclass
class FigureFiles:
    noun: str
    title: str
    png_size: tuple[int, int]
    csv: pd.DataFrame
    files: dict[str, Download]


def check_figure(noun: str, files: dict[str, Download]) -> FigureFiles:
    """Every file of one figure's menu: PNG at 2x its spec's size, SVG with title, source and licence text,
    Vega-Lite JSON valid against its $schema, CSV and XLSX with the same data and attribution."""
    spec = json.loads(files["vl.json"].data)
    # Validated against the schema of the Vega-Lite version the file names (altair bundles v6.4.x offline).
    assert schema_version(spec["$schema"])[:2] == schema_version(SCHEMA_URL)[:2], (spec["$schema"], SCHEMA_URL)
    VALIDATOR.validate(spec)
    heading = spec_title(spec)

    width, height = png_size(files["png"].data)
    plot_w, plot_h = spec_size(spec)
    assert width >= 2 * plot_w and height >= 2 * plot_h, (files["png"].name, (width, height), (plot_w, plot_h))

    text = " ".join(svg_text(files["svg"].data).split())
    assert " ".join(heading.split()) in text, (heading, text[:300])
    assert "Source:" in text and LICENCE in text, text[-600:]
    if noun == "map":
        assert OS_COPYRIGHT in text, text[-600:]

    described, table = read_csv(files["csv"], files["csv-metadata.json"])
    assert described["dc:title"] == heading, described["dc:title"]
    assert LICENCE in described["dc:source"] and "Source:" in described["dc:source"], described["dc:source"]
    assert len(table) > 0 and list(table.columns[:4]) == ["area_code", "area_name", "period", "value"], table.columns

    sheet, meta, _ = read_xlsx(files["xlsx"].data)
    assert_same_table(sheet, table)
    assert meta["Title"] == heading and LICENCE in str(meta["Source"]) and LICENCE in str(meta["Licence"]), meta
    return FigureFiles(noun, heading, (width, height), table, files)


def check_table(csv_file: Download, csvw_file: Download, xlsx_file: Download) -> pd.DataFrame:
    described, table = read_csv(csv_file, csvw_file)
    assert LICENCE in described["dc:source"], described
    assert len(table) > 0
    sheet, meta, _ = read_xlsx(xlsx_file.data)
    assert_same_table(sheet, table)
    assert meta["Title"] == described["dc:title"], (meta["Title"], described["dc:title"])
    return table


def check_slide_pack(data: bytes, figures: list[FigureFiles], page_title: str, where: str) -> int:
    """Title slide, one slide per figure (its title, its picture, its source line; a tall chart goes on over
    more slides), sources slide. Returns the slides that are not continuations."""
    deck = Presentation(io.BytesIO(data))
    slides = list(deck.slides)

    def text(slide) -> str:
        return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)

    # a chart with too many rows for 14 pt type on one slide continues on the next: "(part 2 of 3)"
    firsts = [slide for slide in slides[1:-1] if not re.search(r"\(part [2-9] of \d\)", text(slide))]
    assert len(firsts) == len(figures), (len(firsts), [f.title for f in figures])
    assert f"{page_title}: {where}" in text(slides[0]), text(slides[0])
    for slide, figure in zip(firsts, figures, strict=True):
        words = " ".join(text(slide).split())
        assert " ".join(figure.title.split()) in words, (figure.title, words)
        assert "Source:" in words and LICENCE in words, words
        if figure.noun == "map":
            assert OS_COPYRIGHT in words, words
        pictures = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1, words
        width, height = png_size(pictures[0].image.blob)  # drawn for the slide: larger type, no title of its own
        assert width >= 600 and height >= 300, (figure.title, width, height)
        assert pictures[0].element.nvPicPr.cNvPr.get("descr").startswith(figure.title), figure.title
    assert "Sources and licence" in text(slides[-1]) and LICENCE in text(slides[-1]), text(slides[-1])
    print(f"{page_title}: {len(slides)} slides for {len(figures)} figures")
    return len(firsts) + 2  # the title slide, a first slide per figure, the sources slide


def chart_titles_on_page(page: Page) -> list[str]:
    """The titles the page's Vega charts draw (SVG text of Vega's title mark, drawn after any facet
    headers), in page order."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).map(chart => {
             const titles = chart.querySelectorAll('.role-title-text');  // facet headers first, the chart's last
             return titles.length ? titles[titles.length - 1].textContent : ''; })""",
        f"{MAIN} {VEGA}",
    )


def export_page(page: Page) -> tuple[list[FigureFiles], list[pd.DataFrame], list[Download]]:
    """Click every download of the page and check each file; return the figures' files, the tables and
    a list of every download (for the report)."""
    started = time.monotonic()
    menus = figure_menus(page)
    count = menus.count()
    assert count >= 2, f"only {count} figure download menus"
    figures = []
    every: list[Download] = []
    for number in range(count):
        noun, files = download_figure(page, number)
        figures.append(check_figure(noun, files))
        every += files.values()
    tables = []
    for csv_file, csvw_file, xlsx_file in download_tables(page):
        tables.append(check_table(csv_file, csvw_file, xlsx_file))
        every += [csv_file, csvw_file, xlsx_file]
    charts = [figure.title for figure in figures if figure.noun == "chart"]
    shown = [" ".join(t.split()) for t in chart_titles_on_page(page)]
    assert [" ".join(t.split()) for t in charts] == shown, (charts, shown)  # the exports are of these charts
    print(
        f"{len(every)} downloads in {time.monotonic() - started:.1f} s: "
        + ", ".join(f"{d.name} {len(d.data)} B" for d in every)
    )
    return figures, tables, every


# --- a view in the module's shared page -----------------------------------------------------------------


def load(shared: tuple[Page, str, list[str]], path: str) -> Page:
    page, url, _ = shared
    open_app(page, url + path)
    wait_idle(page)
    assert_no_error(page)
    return page


def headline(page: Page) -> Locator:
    return page.locator(f"{MAIN} [data-testid='stMarkdownContainer'] strong").first
