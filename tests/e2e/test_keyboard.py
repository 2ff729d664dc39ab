"""Keyboard only, in a real browser: the main flow of the Overview without touching the mouse.

Tab to the skip link and the sidebar; change the geography and the indicator with the arrow keys and Enter;
pick an area by typing; pan the map with the arrow keys; open the map's table alternative with Enter and
move into it; go to another page from the navigation. Every step checks that the app reacted (a rerun
with the new choice, the headline, the table's row count, the page). The walk is printed (pytest -s) and
described on the Accessibility page.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.browser import combobox, differing_pixels, wait_for_map, wait_idle
from tests.e2e.conftest import AppPage
from vocabulary.geography import AREA_LEVEL_KEYS, LEVELS
from vocabulary.indicators import indicators_from_json

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
LAD = "Local authority districts (2023)"
INDICATOR_KEY = "employment_rate_16_64"
AREA = "Manchester"
MAX_TABS = 80
FOCUS = """() => { const e = document.activeElement; if (!e) return {};
  const owner = e.closest('[data-testid]');
  return {tag: e.tagName, role: e.getAttribute('role') || '', name: e.getAttribute('aria-label') || '',
          text: (e.innerText || '').trim().split('\\n').pop().slice(0, 80),
          testid: owner ? owner.getAttribute('data-testid') : '', cls: e.className || ''}; }"""
# The highlighted option's position: long lists are virtualised and their rows carry no id, so read the
# position from the combobox's aria-activedescendant ("...-option-<n>").
ACTIVE_OPTION = """() => { const box = document.activeElement;
  const id = (box && box.getAttribute('aria-activedescendant')) || '';
  const found = id.match(/-option-(\\d+)$/); return found ? Number(found[1]) : null; }"""

Focus = dict[str, str]


def focused(page: Page) -> Focus:
    return page.evaluate(FOCUS)


def tab_to(page: Page, wanted: Callable[[Focus], bool], what: str, walk: list[str], backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element is the one wanted; fail after MAX_TABS presses."""
    key = "Shift+Tab" if backwards else "Tab"
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press(key)
        if wanted(focused(page)):
            walk.append(f"{key} x{presses} -> {what}")
            return
    raise AssertionError(f"{what} not reached with {MAX_TABS} x {key}; focus ended on {focused(page)}")


def is_combobox(label: str) -> Callable[[Focus], bool]:
    return lambda focus: focus.get("role") == "combobox" and focus.get("name") == label


def arrow_to(page: Page, option: str, options: list[str], walk: list[str]) -> None:
    """With a combobox focused: open its list with ArrowDown, move to `option` with the arrow keys (up or down,
    from wherever the highlight starts; `options` in their listed order) and choose it with Enter."""
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("listbox")).to_be_visible()
    presses = 1
    wanted = options.index(option)
    for _ in range(2 * len(options) + 2):
        here = page.evaluate(ACTIVE_OPTION)
        if here == wanted:
            break
        page.keyboard.press("ArrowDown" if here is None or here < wanted else "ArrowUp")
        presses += 1
    else:
        raise AssertionError(f"the arrow keys never reached {option!r}")
    page.keyboard.press("Enter")
    walk.append(f"ArrowDown/ArrowUp x{presses}, Enter -> {option!r}")


def headline(page: Page) -> str:
    return page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer'] strong").first.inner_text()


def expected_rows(indicator: str, level: str, year: int) -> int:
    """Areas of the level with a row for the indicator in that year, straight from the committed parquet."""
    table = pd.read_parquet(
        REPO / "regional_data" / "indicators.parquet", columns=["indicator", "geography", "period", "area_code"]
    )
    chosen = table[(table["indicator"] == indicator) & (table["geography"] == level) & (table["period"] == year)]
    return int(chosen["area_code"].nunique())


def test_keyboard_only_walk_through_the_overview(app: AppPage) -> None:
    page = app.page
    walk: list[str] = []
    metadata = indicators_from_json(
        json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8"))
    )
    indicator_label = metadata[INDICATOR_KEY].label
    first_map = wait_for_map(page)

    # 1. The first Tab reaches Streamlit's skip link; the navigation and the sidebar boxes follow.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    walk.append("Tab -> 'Skip to main content'")

    # 2. Geography: arrow keys and Enter.
    tab_to(page, is_combobox("Geography"), "Geography box", walk)
    before = headline(page)
    arrow_to(page, LAD, [LEVELS[key].label for key in AREA_LEVEL_KEYS], walk)
    wait_idle(page)
    expect(combobox(page, "Geography")).to_have_value(LAD)
    expect(page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer'] strong").first).not_to_have_text(
        before, timeout=30_000
    )
    assert "local authorities" in headline(page)
    assert focused(page)["name"] == "Geography", "focus should stay on the box after the rerun"

    # 3. Indicator (below the shared boxes): arrow keys and Enter.
    tab_to(page, is_combobox("Indicator"), "Indicator box", walk)
    before = headline(page)
    offered = [meta.label for meta in metadata.values() if "lad" in meta.geographies]
    arrow_to(page, indicator_label, offered, walk)
    wait_idle(page)
    expect(combobox(page, "Indicator")).to_have_value(indicator_label)
    expect(page.locator("[data-testid='stMain']")).to_contain_text(indicator_label)
    assert headline(page) != before

    # 4. Area: back up to the Area box and type to filter, Enter to choose (the map click's alternative).
    tab_to(page, is_combobox("Area"), "Area box", walk, backwards=True)
    page.keyboard.type(AREA)
    expect(page.get_by_role("option", name=AREA, exact=True)).to_be_visible()
    page.keyboard.press("Enter")
    walk.append(f"type {AREA!r}, Enter")
    wait_idle(page)
    expect(combobox(page, "Area")).to_have_value(AREA)
    expect(page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer'] strong").first).to_contain_text(
        f"{AREA} ranks", timeout=30_000
    )

    # 5. The map can be focused and panned with the arrow keys (selecting on it needs a pointer: see 6).
    drawn = wait_for_map(page)
    assert drawn != first_map
    tab_to(page, lambda focus: "deck-events-root" in focus.get("cls", ""), "map", walk)
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    walk.append("ArrowLeft x5 (map pans)")
    panned = wait_for_map(page)
    assert differing_pixels(drawn, panned) > 1000, "the arrow keys did not move the map"

    # 6. The table alternative: Enter opens it, Tab goes into the grid, arrow keys move in it.
    tab_to(
        page,
        lambda focus: focus.get("tag") == "SUMMARY" and "Table (all areas)" in focus.get("text", ""),
        "'Table (all areas)'",
        walk,
    )
    page.keyboard.press("Enter")
    walk.append("Enter (table opens)")
    expander = page.locator("[data-testid='stExpander']").filter(has_text="Table (all areas)")
    grid = expander.locator("[data-testid='stDataFrame']")
    expect(grid).to_be_visible()
    tab_to(
        page,
        lambda focus: focus.get("testid") == "data-grid-canvas" and focus.get("tag") == "CANVAS",
        "the table's cells",
        walk,
    )
    assert page.evaluate("() => !!document.activeElement.closest(\"[data-testid='stExpander']\")")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    walk.append("ArrowDown, ArrowRight (cell by cell)")
    assert focused(page)["testid"] == "data-grid-canvas"
    caption = (
        page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']")
        .filter(has_text=indicator_label)
        .first.inner_text()
    )
    year = int(re.search(r"· (\d{4}) ·", caption).group(1))
    rowcount = int(grid.locator("table[role='grid']").get_attribute("aria-rowcount") or 0)
    assert rowcount - 1 == expected_rows(INDICATOR_KEY, "lad", year), "the table must list every area"

    # 7. Another page, from the navigation: the choices made so far carry over.
    tab_to(
        page,
        lambda focus: focus.get("testid") == "stSidebarNavLink" and focus.get("text") == "Manufacturing",
        "'Manufacturing' in the navigation",
        walk,
    )
    page.keyboard.press("Enter")
    walk.append("Enter (Manufacturing page)")
    wait_idle(page)
    expect(page.locator("[data-testid='stSidebarNavLink'][aria-current='page']")).to_contain_text("Manufacturing")
    expect(page).to_have_url(re.compile(r"/manufacturing"))
    expect(combobox(page, "Geography")).to_have_value(LAD)
    expect(combobox(page, "Area")).to_have_value(AREA)
    print("keyboard walk:\n  " + "\n  ".join(walk))


# The focused element's outline and the background around it, as Chromium computes them.
FOCUS_RING = """() => { const e = document.activeElement, s = getComputedStyle(e);
  let back = 'rgba(0, 0, 0, 0)';
  for (let n = e.parentElement; n; n = n.parentElement) {
    const colour = getComputedStyle(n).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { back = colour; break; } }
  return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor, background: back}; }"""


def luminance(css: str) -> float:
    """Relative luminance (WCAG 2) of a CSS rgb()/rgba() colour."""
    red, green, blue = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    linear = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_keyboard_focus_on_the_navigation_is_a_clear_outline(app: AppPage) -> None:
    """Issue 11: focus on a navigation link was only a faint fill. Tabbing onto one draws a solid outline at
    least 2 px wide whose colour has at least 3:1 contrast with the sidebar behind it (WCAG 2.2 1.4.11,
    2.4.13), on every link of the navigation."""
    page = app.page
    walk: list[str] = []
    page.keyboard.press("Tab")  # the skip link
    labels = [
        text.strip().splitlines()[-1] for text in page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    ]
    for label in labels:
        tab_to(
            page,
            lambda focus, label=label: focus.get("testid") == "stSidebarNavLink" and focus.get("text") == label,
            f"'{label}' in the navigation",
            walk,
        )
        # a rerun on a loaded machine may redraw the app's style element just then: give it a moment
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                "() => getComputedStyle(document.activeElement).outlineStyle === 'solid'", timeout=5_000
            )
        ring = page.evaluate(FOCUS_RING)
        assert ring["style"] == "solid" and ring["width"] >= 2, (label, ring)
        assert contrast(ring["colour"], ring["background"]) >= 3, (label, ring)
    assert len(walk) == len(labels) >= 9
