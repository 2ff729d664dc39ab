"""The "Copy link to this view" link in a real browser (headless Debian chromium): the choices made with the
widgets travel in the link, and the link opened in a fresh browser context reproduces the page, widgets and
headline. One browser page serves the whole module; each test loads its own URL (a new Streamlit session)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from bench.browser import choose, wait_for_map
from tests.e2e.export_files import NORTH_WEST, POPOVER_BODY, SIDEBAR, UK, headline, load
from tests.e2e.helpers_pages import SHARED_WIDGETS, assert_no_error, fresh_context, go_to, title, widget_values

pytestmark = pytest.mark.e2e


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
