"""Helpers for the page, targets and upload browser tests (on top of bench.browser): going to a page by
its navigation label, checking a page rendered without an error, coloured pixels of a Vega chart,
selecting an area by clicking a deck.gl map, and opening a URL in a fresh browser context."""

from __future__ import annotations

import contextlib
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image, ImageChops
from playwright.sync_api import Browser, Dialog, Locator, Page, expect

from bench.browser import MAP, click_map, coloured_pixels, combobox, new_page, open_app, wait_idle

MAIN = "[data-testid='stMain']"
NAV = "[data-testid='stSidebarNav']"
VEGA = "[data-testid='stVegaLiteChart']"
ERROR = "[data-testid='stAlertContentError']"
EXCEPTION = "[data-testid='stException']"
NO_AREA = {"", "(none)"}

# Navigation label (app.py) -> the page's st.title.
PAGES = {
    "Overview": "Regional productivity overview",
    "Manufacturing": "Manufacturing",
    "Sector strengths": "Sector strengths",
    "Productivity gaps": "Productivity gaps",
    "Levelling up": "Levelling up",
    "Compare areas": "Compare areas",
    "Targets": "Targets and area groups",
    "Your data": "Your data",
    "Data and methods": "Data and methods",
    "Accessibility": "Accessibility",
}
SHARED_WIDGETS = ("Geography", "Area", "Year", "Compare with")


def title(page: Page, text: str) -> Locator:
    """The page's h1 (st.title) starting with `text` (so "Accessibility statement" is the Accessibility page);
    Streamlit adds an anchor link inside it, so match by text."""
    return page.locator(f"{MAIN} h1").filter(has_text=re.compile(rf"^\s*{re.escape(text)}"))


def go_to(page: Page, label: str) -> None:
    """Click the sidebar navigation link `label` and wait until its page has run and shows its title
    (for a page not in PAGES: any h1)."""
    page.locator(NAV).get_by_role("link", name=re.compile(rf"(^|\s){re.escape(label)}$")).click()
    wait_idle(page)
    heading = title(page, PAGES[label]) if label in PAGES else page.locator(f"{MAIN} h1").first
    expect(heading).to_be_visible(timeout=30_000)
    wait_idle(page)


def main_text(page: Page) -> str:
    return page.locator(MAIN).inner_text()


def assert_no_error(page: Page) -> None:
    """No exception box, no raw traceback and no error alert in the page body."""
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
    text = main_text(page)
    assert "Traceback" not in text, text[:2000]
    errors = page.locator(f"{MAIN} {ERROR}")
    assert errors.count() == 0, errors.all_inner_texts()


def wait_for_pixels(target: Locator, minimum: int, timeout_s: float = 60.0, stable: bool = False) -> bytes:
    """Screenshot `target` until it shows at least `minimum` coloured pixels (and, if `stable`, two identical
    screenshots in a row). Returns the last screenshot (PNG). Vega's SVG is drawn in one go, so a chart
    needs no stability check; a screenshot of a page of SVG maps takes seconds under swiftshader."""
    deadline = time.monotonic() + timeout_s
    target.scroll_into_view_if_needed(timeout=timeout_s * 1000)
    previous, png = b"", b""
    while time.monotonic() < deadline:
        png = target.screenshot(animations="disabled", timeout=30_000)
        if coloured_pixels(png) >= minimum and (not stable or png == previous):
            return png
        previous = png
        time.sleep(0.2)
    raise TimeoutError(f"{coloured_pixels(png)} coloured pixels after {timeout_s:.0f} s, expected {minimum}")


def outline_pixels(png: bytes) -> int:
    """Pixels of the magenta family of the selected-area outline (components.palettes.SELECTED_OUTLINE,
    230/0/126, drawn antialiased and blended, e.g. 239/90/172): hue 317-346 degrees, saturated and bright.
    No class colour of the palettes (viridis, PuOr) falls in that hue window."""
    hue, saturation, value = Image.open(io.BytesIO(png)).convert("RGB").convert("HSV").split()
    masks = [
        hue.point(lambda h: 255 if 225 <= h <= 245 else 0),
        saturation.point(lambda s: 255 if s >= 100 else 0),
        value.point(lambda v: 255 if v >= 150 else 0),
    ]
    return ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2]).histogram()[255]


def wait_for_selected_outline(page: Page, minimum: int = 30, timeout_s: float = 30.0) -> bytes:
    """With the pointer off the map (no tooltip, no hover highlight), wait until the deck.gl map shows the
    magenta outline of the selected area. Returns the screenshot."""
    page.mouse.move(5, 5)
    deadline = time.monotonic() + timeout_s
    png = b""
    while time.monotonic() < deadline:
        png = page.locator(MAP).first.screenshot(animations="disabled", timeout=30_000)
        if outline_pixels(png) >= minimum:
            return png
        time.sleep(0.2)
    raise TimeoutError(f"{outline_pixels(png)} pixels of the selected outline after {timeout_s:.0f} s")


def chart_after_heading(page: Page, heading: str) -> Locator:
    """The first Vega chart after the h2 (st.header) whose text contains `heading`."""
    return page.locator(f"xpath=//h2[contains(., \"{heading}\")]/following::*[@data-testid='stVegaLiteChart'][1]")


def select_area_by_map_click(page: Page, map_locator: Locator | None = None) -> str:
    """Click areas of the deck.gl map until the shared Area selectbox shows one; return its text.

    Clicks around the map centre (the view is centred on England). Under swiftshader a click can be
    missed (see bench.browser.click_map), and a late rerun must not be answered by a second click on
    the same area (that would deselect it), so each click is followed by a generous wait."""
    target = map_locator or page.locator(MAP).first
    area_box = combobox(page, "Area")
    before = area_box.input_value()
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Points inland around the centre of England; more than the Overview test tries, as a CPU-starved
    # machine can lose several clicks in a row.
    offsets = ((0, 0), (-45, 35), (50, -40), (-60, -55), (60, 50), (0, 0), (-30, 80), (30, -90), (-20, -20), (40, 20))
    for attempt, (dx, dy) in enumerate(offsets, start=1):
        click_map(page, centre_x + dx, centre_y + dy)
        wait_idle(page)
        with contextlib.suppress(AssertionError):
            expect(area_box).not_to_have_value(before, timeout=8_000)
            print(f"map click {attempt} selected {area_box.input_value()!r}")
            break
    area = area_box.input_value()
    assert area not in NO_AREA and area != before, f"none of {len(offsets)} clicks on the map selected an area"
    return area


def widget_values(page: Page, labels: tuple[str, ...]) -> dict[str, str]:
    return {label: combobox(page, label).input_value() for label in labels}


@dataclass
class Dialogs:
    """Every JavaScript dialog (alert, confirm, prompt) the page opened; each is dismissed."""

    messages: list[str]

    def __call__(self, dialog: Dialog) -> None:
        self.messages.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


def watch_dialogs(page: Page) -> Dialogs:
    dialogs = Dialogs([])
    page.on("dialog", dialogs)
    return dialogs


@contextlib.contextmanager
def fresh_context(browser: Browser, url: str) -> Iterator[tuple[Page, list[str]]]:
    """`url` opened in a new browser context (a new Streamlit session, no shared cookies or state),
    loaded and idle; yields the page and the list of blocked non-loopback requests."""
    blocked: list[str] = []
    page = new_page(browser, blocked)
    try:
        open_app(page, url)
        wait_idle(page)
        yield page, blocked
    finally:
        page.context.close()
