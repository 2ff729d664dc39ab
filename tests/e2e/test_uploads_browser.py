"""The Your data page in a real browser: a CSV of values and a zipped shapefile uploaded through the file
inputs are drawn on the map (with a script-like area name shown as text, never run), the map and both charts
have the shared download menu (the ranked chart's CSV holds the uploaded values), and hostile files are
refused with a clear message that names them and no traceback."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from playwright.sync_api import Locator, Page, expect
from shapely.geometry import box

from bench.browser import MAP, coloured_pixels, min_map_pixels, wait_for_map, wait_idle
from tests.e2e.conftest import AppPage
from tests.e2e.helpers_pages import ERROR, EXCEPTION, MAIN, VEGA, assert_no_error, go_to, main_text, watch_dialogs
from tests.export_checks import read_plain_csv

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[2] / "regional_data"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
VALUE_COLUMN = "jobs_index"
SQUARE_M = 40_000  # side of the uploaded squares, metres (British National Grid)
GRID = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)]  # a plus sign of squares; the centre one is named hostilely
FIGURE_MENUS = f"{MAIN} [data-testid='stPopover'] button"


@pytest.fixture(scope="module")
def lep_codes() -> list[str]:
    areas = pd.read_parquet(DATA / "areas.parquet")
    return sorted(areas.loc[areas["geography"] == "lep", "area_code"])


def uploader(page: Page, label_start: str) -> Locator:
    return page.locator("[data-testid='stFileUploader']").filter(has_text=label_start)


def upload(page: Page, label_start: str, path: Path) -> None:
    """Choose `path` in the file input of the uploader whose label starts with `label_start`, wait until the
    uploader lists it and the rerun it triggers is over."""
    widget = uploader(page, label_start)
    widget.locator("input[type='file']").set_input_files(path)
    # The listed name is shortened in the middle; the remove button's label has it in full.
    expect(widget.get_by_role("button", name=f"Remove {path.name}")).to_be_visible(timeout=30_000)
    wait_idle(page)


def write_values_csv(path: Path, codes: list[str]) -> Path:
    """One row per LEP, with a label column; the first label is an HTML image tag with a script handler."""
    frame = pd.DataFrame(
        {
            "area_code": codes,
            "area_name": [HOSTILE_NAME, *(f"Area {number}" for number in range(1, len(codes)))],
            VALUE_COLUMN: [90.0 + 1.5 * number for number in range(len(codes))],
        }
    )
    frame.to_csv(path, index=False)
    return path


def write_zipped_shapefile(folder: Path, codes: list[str]) -> Path:
    """Five squares in the Midlands in EPSG:27700 (so the page must reproject them from the .prj), zipped
    as .shp/.shx/.dbf/.prj/.cpg. Their codes are the first five LEP codes of the values file."""
    centre_x, centre_y = 430_000, 290_000
    squares = [
        box(
            centre_x + dx * SQUARE_M * 1.2,
            centre_y + dy * SQUARE_M * 1.2,
            centre_x + dx * SQUARE_M * 1.2 + SQUARE_M,
            centre_y + dy * SQUARE_M * 1.2 + SQUARE_M,
        )
        for dx, dy in GRID
    ]
    names = [HOSTILE_NAME, *(f"Square {number}" for number in range(1, len(GRID)))]
    frame = gpd.GeoDataFrame({"area_code": codes[: len(GRID)], "area_name": names}, geometry=squares, crs="EPSG:27700")
    shapes = folder / "shapes"
    shapes.mkdir()
    frame.to_file(shapes / "squares.shp", driver="ESRI Shapefile")
    parts = sorted(shapes.iterdir())
    assert {part.suffix for part in parts} >= {".shp", ".shx", ".dbf", ".prj"}
    archive = folder / "my_squares.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for part in parts:
            out.write(part, part.name)
    return archive


def test_values_and_zipped_shapefile_are_mapped(app: AppPage, lep_codes: list[str], tmp_path: Path) -> None:
    page = app.page
    dialogs = watch_dialogs(page)
    go_to(page, "Your data")
    expect(page.get_by_text("How to use this page")).to_be_visible()
    expect(page.locator(MAP)).to_have_count(0)

    upload(page, "Values: CSV or Excel", write_values_csv(tmp_path / "my_values.csv", lep_codes))
    expect(page.get_by_role("heading", name="How your areas matched")).to_be_visible(timeout=30_000)
    n = len(lep_codes)
    expect(page.get_by_text(f"{n} of {n} areas in your file matched")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Map: {VALUE_COLUMN}")).to_be_visible()
    official = wait_for_map(page)
    assert coloured_pixels(official) >= min_map_pixels(page)
    assert_no_error(page)
    check_chart_menus(page, tmp_path / "my_values.csv")

    upload(page, "Boundaries (optional)", write_zipped_shapefile(tmp_path, lep_codes))
    yours = page.get_by_role("radio", name="Your boundaries (my_squares.zip)")
    expect(yours).to_be_checked(timeout=30_000)
    expect(
        page.get_by_text(f"{len(GRID)} of {n} areas in your file matched the areas in your boundary file")
    ).to_be_visible()
    mine = wait_for_map(page)
    assert coloured_pixels(mine) >= min_map_pixels(page)
    assert mine != official
    # The map is fitted to the squares: the centre one is under the middle of the map; its tooltip shows
    # the hostile name as text.
    area = page.locator(MAP).first.bounding_box()
    assert area is not None
    page.mouse.move(area["x"] + area["width"] / 2 + 8, area["y"] + area["height"] / 2 + 8)
    tooltip = page.locator(".deck-tooltip").first
    expect(tooltip).to_be_visible(timeout=15_000)
    expect(tooltip).to_contain_text(HOSTILE_NAME)
    assert_no_error(page)

    assert page.locator("img[src='x']").count() == 0, "an uploaded name was rendered as HTML"
    assert not dialogs.messages, f"a script from an upload ran: {dialogs.messages}"
    assert not app.blocked, f"requests beyond loopback: {sorted(set(app.blocked))}"


def check_chart_menus(page: Page, uploaded: Path) -> None:
    """The map and both charts carry the shared download menu; the ranked chart's CSV, built on click, holds
    exactly the uploaded values."""
    menus = page.locator(FIGURE_MENUS).filter(has_text=re.compile(r"Download this (chart|map)"))
    expect(menus).to_have_count(3, timeout=30_000)
    assert [re.search(r"Download this (chart|map)", text)[1] for text in menus.all_inner_texts()] == [
        "map",
        "chart",
        "chart",
    ]
    expect(page.locator(f"{MAIN} {VEGA}")).to_have_count(2)
    menus.nth(1).scroll_into_view_if_needed()
    menus.nth(1).click()
    button = page.locator("[data-testid='stPopoverBody']:visible [data-testid='stDownloadButton'] button").filter(
        has_text="Data (CSV)"
    )
    with page.expect_download(timeout=120_000) as info:
        button.click()
    assert info.value.suggested_filename == "your_data_ranked_lep.csv"
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "my_values.csv" in text
    got = read_plain_csv(text.encode("utf-8"))
    sent = pd.read_csv(uploaded)
    assert dict(zip(got["area_code"], got["value"], strict=True)) == dict(
        zip(sent["area_code"], sent[VALUE_COLUMN], strict=True)
    )
    page.keyboard.press("Escape")


def test_hostile_files_get_a_clear_message(app: AppPage, tmp_path: Path) -> None:
    page = app.page
    dialogs = watch_dialogs(page)
    go_to(page, "Your data")

    traversal = tmp_path / "escape_attempt.zip"
    with zipfile.ZipFile(traversal, "w") as out:
        out.writestr("../../outside.shp", b"\x00" * 100)
        out.writestr("squares.shp", b"\x00" * 100)
    upload(page, "Boundaries (optional)", traversal)
    boundary_error = page.locator(f"{MAIN} {ERROR}").filter(has_text="escape_attempt.zip")
    expect(boundary_error).to_be_visible(timeout=30_000)
    expect(boundary_error).to_contain_text("../../outside.shp")
    expect(boundary_error).to_contain_text("refused")

    disguised = tmp_path / "quarterly figures.xlsx"
    disguised.write_text(f"<html><body>{HOSTILE_NAME}<script>alert(2)</script></body></html>", encoding="utf-8")
    upload(page, "Values: CSV or Excel", disguised)
    values_error = page.locator(f"{MAIN} {ERROR}").filter(has_text="quarterly figures.xlsx")
    expect(values_error).to_be_visible(timeout=30_000)
    expect(values_error).to_contain_text("not")
    expect(boundary_error).to_be_visible()  # the first file's message stays

    text = main_text(page)
    assert "Traceback" not in text and 'File "' not in text, text[:2000]
    assert page.locator(EXCEPTION).count() == 0
    expect(page.get_by_text("How to use this page")).to_be_visible()  # nothing was read, the page says what to do
    assert page.locator("img[src='x']").count() == 0
    assert not dialogs.messages, f"a script from an upload ran: {dialogs.messages}"
    assert_no_error_except_uploads(page, {"escape_attempt.zip", "quarterly figures.xlsx"})


def assert_no_error_except_uploads(page: Page, names: set[str]) -> None:
    """Every error box on the page is about one of the uploaded files."""
    for message in page.locator(f"{MAIN} {ERROR}").all_inner_texts():
        assert any(name in message for name in names), message
