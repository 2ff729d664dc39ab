"""Presentation mode in a real browser (headless Debian chromium): the toggle hides the sidebar and the page
and shows the figures one per screen, drawn at presentation size, stepping with Next and Previous and
leaving with Exit. One browser page serves the whole module (a new Streamlit session per URL)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from bench.browser import MAP, coloured_pixels, combobox, wait_for_map, wait_idle
from tests.e2e.export_files import PRESENTATION, SIDEBAR, VIEW, figure_menus, load
from tests.e2e.helpers_pages import VEGA, assert_no_error, title, wait_for_pixels

pytestmark = pytest.mark.e2e


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
