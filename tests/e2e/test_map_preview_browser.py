"""The still preview under each deck.gl map, in a real browser: it lines up with the map deck.gl draws,
it is painted before deck.gl has drawn, and it is the map a browser without WebGL shows."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser, expect

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP,
    MAP_PREVIEW,
    MAP_SLOT,
    NO_WEBGL_ARGS,
    StreamlitServer,
    colour_counts,
    new_page,
    open_app,
    wait_for_map,
    wait_for_map_preview,
)
from components.first_screen import DRAWN_BUTTON_KEY
from tests.e2e.conftest import AppPage

pytestmark = pytest.mark.e2e


def coloured_mask(png: bytes) -> Image.Image:
    """255 where a pixel is saturated (a choropleth fill), 0 elsewhere (white, grey lines, black)."""
    _, saturation, value = Image.open(io.BytesIO(png)).convert("RGB").convert("HSV").split()
    return ImageChops.multiply(
        saturation.point(lambda s: 255 if s >= 80 else 0), value.point(lambda v: 255 if v >= 40 else 0)
    )


def overlap(a: bytes, b: bytes) -> float:
    """Intersection over union of the coloured pixels of two screenshots of the same element."""
    mask_a, mask_b = coloured_mask(a), coloured_mask(b)
    both = ImageChops.multiply(mask_a, mask_b).histogram()[255]
    either = ImageChops.lighter(mask_a, mask_b).histogram()[255]
    return both / either if either else 0.0


def test_preview_lines_up_with_the_deck_gl_map(app: AppPage) -> None:
    """The same areas in the same places: deck.gl covers the preview exactly when it has drawn."""
    page = app.page
    wait_for_map(page)  # previews hidden from here on
    slot = page.locator(MAP_SLOT).first
    drawn_by_deck = slot.screenshot(animations="disabled")
    page.add_style_tag(
        content=f"{MAP} {{ visibility: hidden !important; }} "
        f"div{MAP_PREVIEW}{MAP_PREVIEW} {{ visibility: visible !important; }}"
    )
    preview = slot.screenshot(animations="disabled")
    assert preview != drawn_by_deck  # two different drawings were compared
    assert overlap(preview, drawn_by_deck) >= 0.9
    # and the same colours: the preview's five palette classes are the deck's
    assert set(colour_counts(preview, top=5)) == set(colour_counts(drawn_by_deck, top=5))


def test_preview_is_painted_before_deck_gl_draws(app: AppPage) -> None:
    page = app.page
    page.reload()
    painted = wait_for_map_preview(page)
    wait_for_map(page, stable=False)
    drawn = page.evaluate("Date.now()") / 1000
    assert painted < drawn


COUNT_SIGNAL_CLICKS = (
    "window.signalClicks = 0; document.addEventListener('click', event => {"
    f" if (event.target.closest('.st-key-{DRAWN_BUTTON_KEY}')) {{ window.signalClicks += 1; }} }}, true);"
)
HEAVY_CHUNKS = "/\\/(embed|DataFrame|DeckGlJsonChart)\\.[^/]*\\.js$/"  # Vega, the data grid, deck.gl


def test_charts_tables_and_deck_gl_code_is_fetched_after_the_preview_is_painted(
    e2e_browser: Browser, app_server: StreamlitServer
) -> None:
    """A fresh browser (nothing cached) paints the map's preview before it fetches the JavaScript of Vega, the
    data grid and deck.gl, whose compiling would hold the main thread (shell/first_screen.py); then all three
    are drawn."""
    blocked: list[str] = []
    page = new_page(e2e_browser, blocked)
    page.add_init_script(COUNT_SIGNAL_CLICKS)
    try:
        page.goto(app_server.url, timeout=60_000)
        painted = wait_for_map_preview(page)
        wait_for_map(page, stable=False)
        expect(page.locator("[data-testid='stVegaLiteChart'] svg").first).to_be_visible(timeout=60_000)
        expect(page.locator("[data-testid='stDataFrame']").first).to_be_attached(timeout=60_000)
        requested = page.evaluate(
            f"() => performance.getEntriesByType('resource').filter(e => {HEAVY_CHUNKS}.test(e.name))"
            ".map(e => [e.name.split('/').pop().split('.')[0], (performance.timeOrigin + e.startTime) / 1000])"
        )
        assert {name for name, _ in requested} == {"embed", "DataFrame", "DeckGlJsonChart"}, requested
        assert all(at > painted for _, at in requested), (painted, requested)
        # the page's script asked for that run (its button clicked once), not the fallback timer
        assert page.evaluate("window.signalClicks") == 1
        assert not blocked
    finally:
        page.context.close()


def test_without_webgl_the_map_is_still_shown(e2e_browser: Browser, app_server: StreamlitServer) -> None:
    """A browser with WebGL switched off (as some managed desktops have it): deck.gl cannot draw, the
    preview stays, and the page still works."""
    browser = e2e_browser.browser_type.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *NO_WEBGL_ARGS])
    try:
        blocked: list[str] = []
        page = new_page(browser, blocked)
        open_app(page, app_server.url)
        wait_for_map_preview(page)  # painted, and the map's cell shows a coloured map
        classes = [count for count in colour_counts(page.locator(MAP_SLOT).first.screenshot()).values() if count > 500]
        assert len(classes) >= 3
        assert page.evaluate("!document.createElement('canvas').getContext('webgl2')")  # WebGL really is off
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        expect(page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer'] strong").first).to_contain_text(
            "LEPs"
        )
        assert not blocked
    finally:
        browser.close()
