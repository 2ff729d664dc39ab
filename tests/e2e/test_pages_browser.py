"""Every page in a real browser (headless Debian chromium): each renders without an error, the map
pages draw coloured pixels (deck.gl canvases and the Levelling up small multiples), a map click on a
page other than Overview selects the area in the shared sidebar, and a copied URL opened in a fresh
browser context reproduces the view. The walk through every page leaves no console error."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Browser, Page, expect

from bench.browser import MAP, choose, coloured_pixels, combobox, min_map_pixels, wait_for_map, wait_idle
from tests.e2e.conftest import AppPage
from tests.e2e.helpers_pages import (
    MAIN,
    NO_AREA,
    PAGES,
    SHARED_WIDGETS,
    assert_no_error,
    chart_after_heading,
    fresh_context,
    go_to,
    outline_pixels,
    select_area_by_map_click,
    wait_for_pixels,
    wait_for_selected_outline,
    widget_values,
)

pytestmark = pytest.mark.e2e

DECK_MAP_PAGES = {"Overview", "Manufacturing"}
# The four small maps of the Levelling up page (viridis fills) cover well over 1% of the chart.
MIN_SMALL_MULTIPLE_SHARE = 0.01
ITL2 = "ITL2 regions"
WEST_MIDLANDS = "West Midlands"  # ITL2 TLG3
GVA_PER_JOB = "GVA per filled job (current prices, smoothed)"
PICK_AN_AREA = "Pick an area in the sidebar, or click one on the map, for its figures."
PICK_FOR_MIX = "Pick an area in the sidebar to see its manufacturing sub-sector mix."


def bold_lines(page: Page) -> list[str]:
    """Bold sentences in the page body (the headlines of Overview and Manufacturing)."""
    return page.locator(f"{MAIN} [data-testid='stMarkdownContainer'] strong").all_inner_texts()


def test_every_page_renders_and_map_pages_draw(app: AppPage) -> None:
    """Clicks through the whole navigation in one session: every page shows its title and no error or
    traceback; the deck.gl maps and the altair small multiples draw coloured pixels."""
    page = app.page
    wait_for_map(page)
    nav_labels = [
        text.strip().splitlines()[-1] for text in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    ]
    missing = [label for label in PAGES if label not in nav_labels]
    assert not missing, f"pages missing from the navigation: {missing} (found {nav_labels})"
    for label in nav_labels:  # a page added later is clicked too (its title is then any h1)
        started = time.monotonic()
        go_to(page, label)
        assert_no_error(page)
        if label in DECK_MAP_PAGES:
            assert coloured_pixels(wait_for_map(page)) >= min_map_pixels(page), label
            expect(page.locator(MAP)).to_have_count(1)
        if label == "Levelling up":
            maps = chart_after_heading(page, "Maps side by side")
            expect(maps).to_be_visible()
            box = maps.bounding_box()
            assert box is not None and box["width"] > 300, box
            wait_for_pixels(maps, int(MIN_SMALL_MULTIPLE_SHARE * box["width"] * box["height"]))
        print(f"{label}: {time.monotonic() - started:.1f} s")
    assert not app.blocked, f"requests beyond loopback: {sorted(set(app.blocked))}"
    # Streamlit 1.67 and deck.gl log no errors on these pages; anything logged is ours to explain.
    assert not app.console_errors, f"console errors after visiting every page: {app.console_errors}"


def test_map_click_on_manufacturing_selects_shared_area(app: AppPage, e2e_browser: Browser) -> None:
    """A click on the Manufacturing map sets the sidebar's Area, which the page's headline and sub-sector
    section then use; Overview shows the same area; the page's URL reproduces it in a fresh context."""
    page = app.page
    go_to(page, "Manufacturing")
    assert outline_pixels(wait_for_map(page)) < 30  # nothing is outlined in magenta yet
    assert combobox(page, "Area").input_value() in NO_AREA
    expect(page.get_by_text(PICK_AN_AREA)).to_be_visible()
    expect(page.get_by_text(PICK_FOR_MIX)).to_be_visible()

    area = select_area_by_map_click(page)
    expect(page.get_by_text(PICK_AN_AREA)).to_have_count(0)
    expect(page.get_by_text(PICK_FOR_MIX)).to_have_count(0)
    headline = page.locator(f"{MAIN} [data-testid='stMarkdownContainer'] strong").filter(has_text=area).first
    expect(headline).to_contain_text("Manufacturing")
    sentence = headline.inner_text()
    png = wait_for_selected_outline(page)  # the other areas are dimmed, so the 2% share rule does not apply
    assert coloured_pixels(png) > 0
    assert "area=" in page.url, page.url
    link = page.url

    go_to(page, "Overview")
    expect(combobox(page, "Area")).to_have_value(area)
    expect(page.locator(f"{MAIN} strong").first).to_contain_text(f"{area} ranks")

    with fresh_context(e2e_browser, link) as (fresh, blocked):
        expect(fresh.locator(f"{MAIN} h1")).to_contain_text("Manufacturing")
        expect(combobox(fresh, "Area")).to_have_value(area)
        expect(fresh.locator(f"{MAIN} strong").filter(has_text=area).first).to_have_text(sentence)
        assert not blocked


def test_copied_url_reproduces_the_view(app: AppPage, e2e_browser: Browser) -> None:
    """Level, area, year, benchmark and indicator chosen with the widgets travel in the URL: opened in a
    new browser context (a new session) it shows the same choices and the same headline."""
    page = app.page
    wait_for_map(page)
    default_headline = bold_lines(page)[0]
    choose(page, "Geography", ITL2)
    choose(page, "Area", WEST_MIDLANDS)
    choose(page, "Year", "2019")
    choose(page, "Compare with", "England")
    choose(page, "Indicator", GVA_PER_JOB)
    wait_idle(page)
    expected = widget_values(page, (*SHARED_WIDGETS, "Indicator"))
    assert expected == {
        "Geography": ITL2,
        "Area": WEST_MIDLANDS,
        "Year": "2019",
        "Compare with": "England",
        "Indicator": GVA_PER_JOB,
    }
    headline = page.locator(f"{MAIN} strong").first
    expect(headline).to_contain_text(f"{WEST_MIDLANDS} ranks")
    expect(headline).not_to_have_text(default_headline)
    sentence = headline.inner_text()
    caption = page.get_by_text(f"{GVA_PER_JOB} · 2019").first.inner_text()
    link = page.url
    for key, value in (
        ("level", "itl2"),
        ("area", "TLG3"),
        ("year", "2019"),
        ("benchmark", "E92000001"),
        ("indicator", "gva_per_job"),
    ):
        assert f"{key}={value}" in link, link

    with fresh_context(e2e_browser, link) as (fresh, blocked):
        expect(fresh.locator(f"{MAIN} strong").first).to_have_text(sentence)
        assert widget_values(fresh, (*SHARED_WIDGETS, "Indicator")) == expected
        expect(fresh.get_by_text(f"{GVA_PER_JOB} · 2019").first).to_have_text(caption)
        wait_for_map(fresh)
        assert_no_error(fresh)
        assert not blocked
