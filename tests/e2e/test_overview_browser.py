"""The Overview and Data and methods pages in a real browser (headless Debian chromium, WebGL by
swiftshader): the map draws coloured pixels, widgets and map clicks change it, and the app makes no
request beyond loopback."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from bench.browser import (
    MAP,
    MAP_CANVAS,
    choose,
    click_map,
    colour_counts,
    coloured_pixels,
    combobox,
    differing_pixels,
    min_map_pixels,
    wait_for_map,
    wait_idle,
)
from tests.e2e.conftest import AppPage

pytestmark = pytest.mark.e2e

MANUFACTURING = "Manufacturing (SIC C) share of GVA"
LAD = "Local authority districts (2023)"
NO_AREA = {"", "(none)"}


def headline_locator(page: Page) -> Locator:
    """The bold sentence under the Overview title."""
    return page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer'] strong").first


def headline(page: Page) -> str:
    return headline_locator(page).inner_text()


def choose_and_wait(page: Page, label: str, option: str, old_headline: str) -> None:
    """Pick an option in a sidebar selectbox and wait until the rerun has replaced the headline."""
    choose(page, label, option)
    expect(headline_locator(page)).not_to_have_text(old_headline, timeout=30_000)
    expect(combobox(page, label)).to_have_value(option)


def test_map_draws_coloured_pixels(app: AppPage) -> None:
    page = app.page
    expect(page.locator(MAP_CANVAS).first).to_be_visible()
    png = wait_for_map(page)
    assert coloured_pixels(png) >= min_map_pixels(page)
    # Several classes of the sequential palette are on screen, not one flat colour.
    assert len([count for count in colour_counts(png).values() if count > 500]) >= 3


def test_no_request_leaves_loopback(app: AppPage) -> None:
    """Every page of the navigation, opened in turn, asks for nothing beyond loopback: no basemap
    tiles or styles, no fonts, icons or telemetry."""
    page = app.page
    wait_for_map(page)
    links = page.locator("[data-testid='stSidebarNav'] a")
    names = [links.nth(index).inner_text().strip().splitlines()[-1] for index in range(links.count())]
    assert "Data and methods" in names
    for index in range(len(names)):  # the link text starts with the icon's ligature name
        links.nth(index).click()
        wait_idle(page)
    basemap = [url for url in app.blocked if any(word in url for word in ("tile", "basemap", "style", "carto"))]
    assert not basemap, f"the map asked for basemap tiles or styles: {basemap}"
    assert not app.blocked, f"requests beyond loopback: {sorted(set(app.blocked))}"


def test_indicator_change_redraws_map_and_headline(app: AppPage) -> None:
    page = app.page
    before_png, before_text = wait_for_map(page), headline(page)
    choose_and_wait(page, "Indicator", MANUFACTURING, before_text)
    after_png = wait_for_map(page)
    assert "Manufacturing" in page.locator("[data-testid='stMain']").inner_text()
    changed = differing_pixels(before_png, after_png)
    assert changed >= min_map_pixels(page) // 4, f"only {changed} map pixels changed"
    assert colour_counts(before_png) != colour_counts(after_png)


def test_local_authority_level_draws(app: AppPage) -> None:
    page = app.page
    wait_for_map(page)
    choose_and_wait(page, "Geography", LAD, headline(page))
    assert "local authorities" in headline(page)
    png = wait_for_map(page)
    assert coloured_pixels(png) >= min_map_pixels(page)


def test_click_on_map_selects_area(app: AppPage) -> None:
    """A real click near the centre of England (the LEP view is centred there). Under swiftshader on
    a busy machine deck.gl can miss a click (see click_map), so a few nearby points are tried."""
    page = app.page
    wait_for_map(page)
    area_box = combobox(page, "Area")
    assert area_box.input_value() in NO_AREA
    box = page.locator(MAP).first.bounding_box()
    assert box is not None
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # deck.gl drops clicks whose pick takes over 250 ms (swiftshader on a busy machine): up to 10 tries
    offsets = ((0, 0), (-45, 35), (50, -40), (-60, -55), (60, 50), (0, 0), (-30, 20), (30, -20), (-40, -30), (40, 30))
    for attempt, (dx, dy) in enumerate(offsets, start=1):
        click_map(page, centre_x + dx, centre_y + dy)
        wait_idle(page)
        try:  # wait for a late rerun rather than click again (clicking the selected area deselects it)
            expect(area_box).not_to_have_value("", timeout=8_000)
            print(f"click {attempt} selected {area_box.input_value()!r}")
            break
        except AssertionError:
            continue
    area = area_box.input_value()
    assert area not in NO_AREA, f"none of {len(offsets)} clicks on the map selected an area"
    expect(headline_locator(page)).to_contain_text(f"{area} ranks")
    assert coloured_pixels(wait_for_map(page)) > 0


def test_data_and_methods_shows_validation_table(app: AppPage) -> None:
    page = app.page
    page.get_by_role("link", name="Data and methods").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Measured aggregation error")).to_be_visible(timeout=30_000)
    # The first dataframe after the heading (the page has many tables).
    table = page.locator(
        "xpath=//h2[contains(., 'Measured aggregation error')]/following::*[@data-testid='stDataFrame'][1]"
    )
    expect(table).to_be_visible()
    grid = table.locator("table[role='grid']")  # glide's accessible copy of the canvas grid
    expect(grid).to_contain_text("max abs difference (%)")
    expect(grid).to_contain_text("LADs → ITL1")
    assert int(grid.get_attribute("aria-rowcount") or 0) > 9
