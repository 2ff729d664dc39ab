"""Export and presentation in a real browser (headless Debian chromium): every download a page offers
(each figure's PNG, SVG, Vega-Lite JSON, CSV and XLSX, the tables' CSV and XLSX, the slide pack) is
clicked and the file opened and checked; the "Copy link to this view" link reproduces the view in a
fresh browser context; presentation mode steps through the figures one per screen.

Expected numbers come from regional_data/indicators.parquet read with pandas, never from the code under
test. One browser page serves the whole module; each test loads its own URL (a new Streamlit session)."""

from __future__ import annotations

import io
import json
import re
import struct
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jsonschema
import numpy as np
import openpyxl
import pandas as pd
import pytest
from altair.vegalite.v6.schema import SCHEMA_URL, load_schema
from playwright.sync_api import Browser, Locator, Page, expect
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from bench.browser import (
    MAP,
    StreamlitServer,
    choose,
    coloured_pixels,
    combobox,
    new_page,
    open_app,
    wait_for_map,
    wait_idle,
)
from tests.e2e.helpers_pages import (
    MAIN,
    SHARED_WIDGETS,
    VEGA,
    assert_no_error,
    fresh_context,
    go_to,
    title,
    wait_for_pixels,
    widget_values,
)
from tests.export_checks import check_csvw, read_plain_csv

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8"))
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


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_page(e2e_browser: Browser, app_server: StreamlitServer) -> Iterator[tuple[Page, str, list[str]]]:
    """One browser page for the module (each test loads its own URL, which starts a new session)."""
    blocked: list[str] = []
    page = new_page(e2e_browser, blocked)
    page.set_default_timeout(60_000)
    try:
        yield page, app_server.url, blocked
    finally:
        page.context.close()


def load(shared: tuple[Page, str, list[str]], path: str) -> Page:
    page, url, _ = shared
    open_app(page, url + path)
    wait_idle(page)
    assert_no_error(page)
    return page


def headline(page: Page) -> Locator:
    return page.locator(f"{MAIN} [data-testid='stMarkdownContainer'] strong").first


# --- the tests --------------------------------------------------------------------------------------


def test_overview_exports_match_the_snapshot(shared_page: tuple[Page, str, list[str]]) -> None:
    """Overview (LEPs, 2019, against England, Greater Manchester selected): map and ranked chart menus, the
    table's CSV/XLSX and the slide pack; map, chart and table data equal the parquet's values, ranks and
    gaps, and the headline shows the same rank, gap and value."""
    page = load(shared_page, f"?{VIEW}&indicator=gva_per_hour")
    wait_for_map(page)
    snapshot = values("gva_per_hour", "lep", YEAR)
    england = value("gva_per_hour", ENGLAND, YEAR)
    ranks = snapshot.rank(ascending=False, method="min")
    gaps = (snapshot / england - 1) * 100
    mine = snapshot[GREATER_MANCHESTER]
    expect(headline(page)).to_contain_text(
        f"Greater Manchester ranks {ordinal(int(ranks[GREATER_MANCHESTER]))} of {len(snapshot)} LEPs"
    )
    direction = "above" if gaps[GREATER_MANCHESTER] > 0 else "below"
    expect(headline(page)).to_contain_text(f"{abs(gaps[GREATER_MANCHESTER]):.1f}% {direction} England.")
    expect(headline(page)).to_contain_text(f"£{mine:.2f}")

    figures, tables, _ = export_page(page)
    assert [f.noun for f in figures] == ["map", "chart"]
    label = METADATA["gva_per_hour"]["label"]
    assert figures[0].title == f"{label}, {YEAR}"

    drawn = figures[0].csv.set_index("area_code")
    assert sorted(drawn.index) == sorted(snapshot.index)  # every LEP is on the map
    close(drawn["value"], snapshot.reindex(drawn.index))
    close(drawn["rank"], ranks.reindex(drawn.index))
    close(drawn["gap_pct_to_England"], gaps.reindex(drawn.index))
    assert set(drawn["period"]) == {YEAR} and set(drawn["indicator"]) == {"gva_per_hour"}

    chart = figures[1].csv
    bars = chart[chart["drawn_as"] == "bar"].set_index("area_code")
    assert GREATER_MANCHESTER in bars.index and set(bars.index) <= set(snapshot.index)
    close(bars["value"], snapshot.reindex(bars.index))
    close(bars["gap_pct"], gaps.reindex(bars.index))
    line = chart[chart["drawn_as"] == "benchmark line"]
    assert list(line["area_code"]) == [ENGLAND]
    close(line["value"], [england])

    assert len(tables) == 1  # "Table (all areas)": the same rows as the map
    table = tables[0].set_index("area_code")
    assert sorted(table.index) == sorted(snapshot.index)
    close(table["value"], snapshot.reindex(table.index))
    close(table["rank"], ranks.reindex(table.index))

    pack = download_slide_pack(page, len(figures))
    assert check_slide_pack(pack.data, figures, "Overview", "Greater Manchester") == 4
    print(f"slide pack {pack.name}: {len(pack.data)} B")
    assert not shared_page[2], shared_page[2]


def test_productivity_gaps_exports_match_the_snapshot(shared_page: tuple[Page, str, list[str]]) -> None:
    """Productivity gaps (same view, GVA per hour, smoothed, from 2004): four chart menus, three tables and
    the slide pack; gaps to the UK, England, England excl. London, the parent region and the median LEP,
    the levels, the convergence scatter and the per-hour/per-job indices equal the parquet's."""
    page = load(shared_page, f"productivity_gaps?{VIEW}&gap_measure=hour&gap_series=smoothed&gap_start={START}")
    expect(title(page, "Productivity gaps")).to_be_visible()
    hour = PARQUET[(PARQUET["indicator"] == "gva_per_hour")]
    lep = hour[hour["geography"] == "lep"].pivot(index="period", columns="area_code", values="value")
    mine = lep[GREATER_MANCHESTER]
    parent = hour[(hour["geography"] == "itl1") & (hour["area_name"] == NORTH_WEST)]
    assert parent["area_code"].nunique() == 1
    benchmarks = {
        ENGLAND: hour[hour["area_code"] == ENGLAND].set_index("period")["value"],
        UK: hour[hour["area_code"] == UK].set_index("period")["value"],
        ENG_EXCL_LONDON: hour[hour["area_code"] == ENG_EXCL_LONDON].set_index("period")["value"],
        "parent": parent.set_index("period")["value"],
        "median": lep.median(axis=1),
    }
    index = values("gva_per_hour_index", "lep", YEAR)
    gap = (mine[YEAR] / benchmarks[ENGLAND][YEAR] - 1) * 100
    expect(headline(page)).to_contain_text(
        f"£{mine[YEAR]:.2f} per hour in {YEAR}, {abs(gap):.1f}% {'above' if gap > 0 else 'below'} England"
    )
    expect(headline(page)).to_contain_text(f"Index {index[GREATER_MANCHESTER]:.1f} (UK = 100)")

    figures, tables, _ = export_page(page)
    assert [f.noun for f in figures] == ["chart"] * 4
    gaps_chart, levels_chart, convergence, hour_job = (f.csv for f in figures)
    years = sorted(mine.dropna().index)  # the area's charts and table show its whole series
    assert years[0] == START and YEAR in years

    assert set(gaps_chart["benchmark_code"]) == set(benchmarks)
    for code, series in benchmarks.items():
        rows = gaps_chart[gaps_chart["benchmark_code"] == code].sort_values("period")
        assert list(rows["period"]) == years, code
        close(rows["area_value"], mine.reindex(years))
        close(rows["benchmark_value"], series.reindex(years))
        close(rows["value"], (mine.reindex(years) / series.reindex(years) - 1) * 100)

    own = levels_chart[levels_chart["area_code"] == GREATER_MANCHESTER].sort_values("period")
    assert list(own["period"]) == years
    close(own["value"], mine.reindex(years))

    points = convergence.set_index("area_code")
    assert sorted(points.index) == sorted(lep.columns)
    close(points["value"], lep.loc[YEAR].reindex(points.index))
    close(points["start_value"], lep.loc[START].reindex(points.index))
    close(points["growth_pct"], (lep.loc[YEAR] / lep.loc[START] - 1).reindex(points.index) * 100)
    close(
        points["gap_in_start_year_pct"], (lep.loc[START] / benchmarks[ENGLAND][START] - 1).reindex(points.index) * 100
    )

    both = hour_job.set_index("area_code")
    assert sorted(both.index) == sorted(index.index)
    close(both["value"], index.reindex(both.index))
    close(both["gva_per_job_index"], values("gva_per_job_index", "lep", YEAR).reindex(both.index))
    close(both["gva_per_hour_gbp"], values("gva_per_hour", "lep", YEAR).reindex(both.index))
    close(both["gva_per_job_gbp"], values("gva_per_job", "lep", YEAR).reindex(both.index))

    assert len(tables) == 3
    by_year, converging, indices = tables
    by_year = by_year.set_index("Year")
    assert list(by_year.index) == years
    close(by_year["Value"], mine.reindex(years))
    close(by_year["Gap to England (%)"], (mine / benchmarks[ENGLAND] - 1).reindex(years) * 100)
    close(by_year[f"Gap to Parent region: {NORTH_WEST} (%)"], (mine / benchmarks["parent"] - 1).reindex(years) * 100)
    close(by_year["Gap to Median LEP (%)"], (mine / benchmarks["median"] - 1).reindex(years) * 100)
    converging = converging.set_index("Code")
    close(converging[f"Value {YEAR}"], lep.loc[YEAR].reindex(converging.index))
    close(converging[f"Value {START}"], lep.loc[START].reindex(converging.index))
    indices = indices.set_index("Code")
    close(indices["Per hour, index (UK = 100)"], index.reindex(indices.index))
    close(indices["Per job, index (UK = 100)"], values("gva_per_job_index", "lep", YEAR).reindex(indices.index))

    pack = download_slide_pack(page, len(figures))
    assert check_slide_pack(pack.data, figures, "Productivity gaps", "Greater Manchester") == 6
    print(f"slide pack {pack.name}: {len(pack.data)} B")
    assert not shared_page[2], shared_page[2]


def test_manufacturing_exports(shared_page: tuple[Page, str, list[str]]) -> None:
    """Manufacturing (same view): map and chart menus, every table and the slide pack; the map's data
    equal the parquet's values of the indicator it maps."""
    page = load(shared_page, f"manufacturing?{VIEW}")
    wait_for_map(page)
    figures, tables, _ = export_page(page)
    assert figures[0].noun == "map" and len(figures) >= 3
    drawn = figures[0].csv.set_index("area_code")
    (indicator,) = set(drawn["indicator"])
    (period,) = set(drawn["period"])
    assert figures[0].title == f"{METADATA[indicator]['label']}, {period}"
    snapshot = values(indicator, "lep", period)
    assert sorted(drawn.index) == sorted(snapshot.index)
    close(drawn["value"], snapshot.reindex(drawn.index))
    assert len(tables) == 1  # "Table (all areas)" (the other tables' data come with their charts)
    table = tables[0].set_index("area_code")
    assert sorted(table.index) == sorted(snapshot.index)
    close(table["value"], snapshot.reindex(table.index))
    pack = download_slide_pack(page, len(figures))
    assert check_slide_pack(pack.data, figures, "Manufacturing", "Greater Manchester") == len(figures) + 2
    print(f"slide pack {pack.name}: {len(pack.data)} B")
    assert not shared_page[2], shared_page[2]


def read_share_link(page: Page) -> str:
    """Open "Copy link to this view" in the sidebar and read the link it shows."""
    page.locator(SIDEBAR).get_by_role("button", name="Copy link to this view").click()
    code = page.locator(f"{POPOVER_BODY} code")
    expect(code).to_contain_text("http")
    link = " ".join(code.inner_text().split())
    page.keyboard.press("Escape")
    expect(page.locator(POPOVER_BODY)).to_have_count(0)
    return link


def test_copy_link_reproduces_the_view(shared_page: tuple[Page, str, list[str]], e2e_browser: Browser) -> None:
    """Choices made with the widgets (Overview: ITL1, North West, 2015, against the UK, GVA per filled job;
    then Productivity gaps per filled job from 2010) travel in the link the popover shows: opened in a new
    browser context it shows the same page, widgets and headline."""
    page = load(shared_page, "")
    wait_for_map(page)
    choose(page, "Geography", "ITL1 regions and nations")
    choose(page, "Area", NORTH_WEST)
    choose(page, "Year", "2015")
    choose(page, "Compare with", "United Kingdom")
    choose(page, "Indicator", "GVA per filled job (current prices, smoothed)")
    expected = widget_values(page, (*SHARED_WIDGETS, "Indicator"))
    assert expected == {
        "Geography": "ITL1 regions and nations",
        "Area": NORTH_WEST,
        "Year": "2015",
        "Compare with": "United Kingdom",
        "Indicator": "GVA per filled job (current prices, smoothed)",
    }
    expect(headline(page)).to_contain_text(f"{NORTH_WEST} ranks")
    sentence = headline(page).inner_text()
    link = read_share_link(page)
    query = parse_qs(urlsplit(link).query)
    assert urlsplit(link).path in {"", "/"}, link  # the default page
    assert {key: query.get(key) for key in ("level", "area", "year", "benchmark", "indicator")} == {
        "level": ["itl1"],
        "area": ["TLD"],
        "year": ["2015"],
        "benchmark": [UK],
        "indicator": ["gva_per_job"],
    }, link

    with fresh_context(e2e_browser, link) as (fresh, blocked):
        expect(title(fresh, "Regional productivity overview")).to_be_visible()
        expect(headline(fresh)).to_have_text(sentence)
        assert widget_values(fresh, (*SHARED_WIDGETS, "Indicator")) == expected
        assert_no_error(fresh)
        assert not blocked

    go_to(page, "Productivity gaps")
    choose(page, "Measure", "GVA per filled job")
    choose(page, "Start year", "2010")
    gaps_widgets = (*SHARED_WIDGETS, "Measure", "Series", "Start year")
    expected = widget_values(page, gaps_widgets)
    assert expected["Measure"] == "GVA per filled job" and expected["Start year"] == "2010", expected
    expect(headline(page)).to_contain_text("per filled job in 2015")
    sentence = headline(page).inner_text()
    link = read_share_link(page)
    assert urlsplit(link).path == "/productivity_gaps", link
    query = parse_qs(urlsplit(link).query)
    assert query.get("gap_measure") == ["job"] and query.get("gap_start") == ["2010"], link
    assert query.get("area") == ["TLD"] and query.get("year") == ["2015"], link

    with fresh_context(e2e_browser, link) as (fresh, blocked):
        expect(title(fresh, "Productivity gaps")).to_be_visible()
        expect(headline(fresh)).to_have_text(sentence)
        assert widget_values(fresh, gaps_widgets) == expected
        assert_no_error(fresh)
        assert not blocked


def presented_title(page: Page) -> str:
    """The title of the figure on screen: a map's h2 above it, or the chart's own (Vega) title."""
    heading = page.locator(f"{PRESENTATION} h2")
    if heading.count():
        return " ".join(heading.first.inner_text().split())
    return " ".join(page.locator(f"{PRESENTATION} {VEGA} .role-title-text").last.text_content().split())


def assert_figure_drawn(page: Page) -> str:
    """The screen shows one drawn figure (map canvas or chart with coloured pixels); returns its title."""
    charts, maps = page.locator(f"{PRESENTATION} {VEGA}"), page.locator(f"{PRESENTATION} {MAP}")
    expect(charts.or_(maps)).to_have_count(1)
    if maps.count():
        png = wait_for_map(page)
        box = maps.first.bounding_box()
        assert box is not None and box["height"] >= 600, box  # drawn at presentation size
        assert coloured_pixels(png) >= 0.02 * box["width"] * box["height"]
    else:
        box = charts.first.bounding_box()
        assert box is not None and box["width"] > 800, box  # fills the width of the screen
        wait_for_pixels(charts.first, int(0.002 * box["width"] * box["height"]))
    return presented_title(page)


def test_presentation_mode_steps_through_the_figures(shared_page: tuple[Page, str, list[str]]) -> None:
    """Manufacturing: the toggle hides the sidebar and shows one figure per screen; Next three times and
    Previous once show different, drawn figures with present=1 and slide=N in the URL; Exit brings the
    sidebar and the page back."""
    page = load(shared_page, f"manufacturing?{VIEW}")
    wait_for_map(page)
    expect(page.locator(SIDEBAR)).to_be_visible()
    count = figure_menus(page).count()
    assert count >= 4
    page.locator(SIDEBAR).locator("[data-testid='stCheckbox']").filter(has_text="Presentation mode").locator(
        "label"
    ).click()
    wait_idle(page)

    seen: list[str] = []
    for slide in range(1, 5):
        expect(page.locator(PRESENTATION)).to_contain_text(f"Manufacturing · figure {slide} of {count}")
        expect(page.locator(SIDEBAR)).to_be_hidden()
        expect(title(page, "Manufacturing")).to_be_hidden()  # the page body is hidden while presenting
        query = parse_qs(urlsplit(page.url).query)
        assert query.get("present") == ["1"] and query.get("slide") == [str(slide)], page.url
        seen.append(assert_figure_drawn(page))
        print(f"slide {slide}: {seen[-1]}")
        if slide < 4:
            page.locator(PRESENTATION).get_by_role("button", name="Next").click()
            wait_idle(page)
    assert len(set(seen)) == 4 and all(seen), seen

    page.locator(PRESENTATION).get_by_role("button", name="Previous").click()
    wait_idle(page)
    expect(page.locator(PRESENTATION)).to_contain_text(f"figure 3 of {count}")
    expect(page).to_have_url(re.compile(r"[?&]slide=3(&|$)"))
    assert assert_figure_drawn(page) == seen[2]

    page.locator(PRESENTATION).get_by_role("button", name="Exit presentation").click()
    wait_idle(page)
    expect(page.locator(PRESENTATION)).to_have_count(0)
    expect(page.locator(SIDEBAR)).to_be_visible()
    expect(title(page, "Manufacturing")).to_be_visible()
    expect(combobox(page, "Area")).to_have_value("Greater Manchester")
    expect(page).not_to_have_url(re.compile(r"[?&](present|slide)="))
    assert_no_error(page)
