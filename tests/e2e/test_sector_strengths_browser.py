"""The Sector strengths chart as Chromium draws it: the title, both axis titles and the name of every strength
are on screen, inside the chart, and no strength's name overlaps another; the map draws."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, expect

from bench.browser import coloured_pixels, min_map_pixels, open_app, wait_for_map, wait_idle
from tests.e2e.conftest import AppPage
from tests.e2e.helpers_pages import MAIN, assert_no_error

pytestmark = pytest.mark.e2e

VIEWS = (
    "sector_strengths?level=lep&area=E37000003&sector_detail=detailed",
    "sector_strengths?level=cauth&area=E47000014",
    "sector_strengths?level=lad&area=E06000057",
)


def boxes(within: Locator, selector: str) -> list[dict]:
    """Text and bounding box (page pixels) of every element matching `selector` inside `within`."""
    return within.locator(selector).evaluate_all(
        "els => els.map(e => { const b = e.getBoundingClientRect(); "
        "return {text: e.textContent, x: b.x, y: b.y, w: b.width, h: b.height}; })",
    )


@pytest.mark.parametrize("view", VIEWS)
def test_strength_names_are_drawn_inside_the_chart_and_apart(app: AppPage, view: str) -> None:
    page = app.page
    open_app(page, f"{app.url}{view}", timeout_ms=120_000)
    wait_idle(page)
    assert_no_error(page)
    chart = page.locator(f"{MAIN} [data-testid='stVegaLiteChart']").first
    expect(chart.locator("svg text").first).to_be_visible(timeout=60_000)
    frame = chart.bounding_box()
    assert frame is not None
    texts = boxes(chart, "svg text")
    drawn = " ".join(item["text"] for item in texts)
    assert "Specialisation and growth by industry" in drawn
    assert "Location quotient against" in drawn and "Real GVA growth" in drawn
    sentence = page.locator(f"{MAIN} [data-testid='stMarkdownContainer'] strong").first.inner_text()
    count = sentence.count(" times the share")  # each strength, and each specialised industry that shrank
    # The names beside the strengths' bubbles (text marks; axis and legend labels have other roles).
    names = [item for item in boxes(chart, "g.mark-text.role-mark text") if item["text"]]
    assert len(names) == count, (sentence, [item["text"] for item in names])
    assert all(item["text"] in sentence for item in names), (sentence, names)
    for item in names:
        assert frame["x"] - 1 <= item["x"] and item["x"] + item["w"] <= frame["x"] + frame["width"] + 1, item
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            apart = (
                first["x"] + first["w"] <= second["x"]
                or second["x"] + second["w"] <= first["x"]
                or first["y"] + first["h"] <= second["y"]
                or second["y"] + second["h"] <= first["y"]
            )
            assert apart, (first, second)
    if "level=cauth" not in view:  # combined authorities cover too little of England for the pixel floor
        assert coloured_pixels(wait_for_map(page)) >= min_map_pixels(page)
    assert not app.blocked
