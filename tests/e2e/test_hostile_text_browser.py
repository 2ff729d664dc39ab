"""Text from links and uploads in a real browser: a Markdown link in ?year=, Markdown links and images in the
names of a ?plan= link, and a Markdown link as a column header of an uploaded file (shown on the page and
in presentation mode) are drawn as text: no link to the hostile address anywhere in the page, no image,
and no request for one (every non-loopback request is blocked and recorded)."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench.browser import wait_idle
from components.targets import FILE_FORMAT, encode_for_link
from tests.e2e.conftest import AppPage
from tests.e2e.helpers_pages import MAIN, assert_no_error, fresh_context, go_to, watch_dialogs
from tests.loaders.hostile_builders import csv_bytes

pytestmark = pytest.mark.e2e

LINK = "[Session expired - log in](http://evil.example/login)"
IMAGE = "![pixel](http://evil.example/pixel.png)"
BARE = "see http://evil.example or www.evil.example"


def as_drawn(text: str) -> re.Pattern[str]:
    """`text` as the page draws it: an invisible word joiner may follow "http" and "www"."""
    return re.compile(re.escape(text).replace("http", "http\u2060?").replace("www", "www\u2060?"))


def hostile_elements(page: Page) -> dict[str, list[str]]:
    """Links and images anywhere in the document that point at the hostile host."""
    return page.evaluate("""() => ({
        links: [...document.querySelectorAll('a')].map(a => a.href).filter(h => h.includes('evil.example')),
        images: [...document.querySelectorAll('img')].map(i => i.src).filter(s => s.includes('evil.example')),
    })""")


def assert_shown_as_text(page: Page, blocked: list[str]) -> None:
    assert hostile_elements(page) == {"links": [], "images": []}
    assert not [url for url in blocked if "evil.example" in url], blocked


def test_a_markdown_link_in_the_year_parameter_is_a_plain_toast(app: AppPage) -> None:
    with fresh_context(app.page.context.browser, f"{app.url}?year={urllib.parse.quote(LINK)}") as (page, blocked):
        toast = page.locator("[data-testid='stToast']").filter(has_text="Link parameter year")
        expect(toast).to_contain_text(as_drawn(LINK), timeout=30_000)  # while shown: a toast goes after a while
        assert_shown_as_text(page, blocked)


def test_names_in_a_plan_link_are_plain_text_on_the_targets_page(app: AppPage) -> None:
    plan = {
        "format": FILE_FORMAT,
        "version": 1,
        "groups": [{"name": LINK, "level": "lep", "members": ["E37000025", "E37000034"]}],
        "targets": [
            {
                "name": IMAGE,
                "area": "E37000025",
                "indicator": "gva_per_hour",
                "kind": "close_gap",
                "amount": 50,
                "baseline_year": 2015,
                "target_year": 2030,
                "benchmark": "ENG_EXCL_LONDON",
                "source_text": f"{LINK} {IMAGE} {BARE}",
            }
        ],
    }
    url = f"{app.url}targets?plan={encode_for_link(json.dumps(plan))}"
    with fresh_context(app.page.context.browser, url) as (page, blocked):
        dialogs = watch_dialogs(page)
        page.get_by_role("tab", name="Your targets").click()
        heading = page.locator(f"{MAIN} h4").filter(has_text="pixel")
        expect(heading.first).to_be_visible(timeout=30_000)
        assert IMAGE in heading.first.inner_text().replace("\u2060", "")
        page.get_by_role("tab", name="Area groups").click()
        group = page.locator(f"{MAIN} p:visible").filter(has_text="(2 LEPs):").filter(has_text="Session expired")
        expect(group.first).to_be_visible()
        assert group.first.inner_text().replace("\u2060", "").startswith(f"{LINK} (2 LEPs):")
        assert_shown_as_text(page, blocked)
        assert_no_error(page)
        assert not dialogs.messages


def upload(page: Page, label_start: str, path: Path) -> None:
    widget = page.locator("[data-testid='stFileUploader']").filter(has_text=label_start)
    widget.locator("input[type='file']").set_input_files(path)
    expect(widget.get_by_role("button", name=f"Remove {path.name}")).to_be_visible(timeout=30_000)
    wait_idle(page)


def test_a_markdown_header_in_an_upload_is_plain_text_also_in_presentation_mode(
    app: AppPage,
    tmp_path: Path,
) -> None:
    page = app.page
    go_to(page, "Your data")
    values = tmp_path / "report.csv"
    values.write_bytes(
        csv_bytes(
            [["area_code", "area_name", LINK], ["E37000025", IMAGE, 1], ["E37000034", BARE, 2], ["E37000001", "x", 3]]
        )
    )
    upload(page, "Values: CSV or Excel", values)
    heading = page.get_by_role("heading", name="Map:")
    expect(heading).to_be_visible(timeout=30_000)
    assert LINK in heading.inner_text().replace("\u2060", "")
    assert_shown_as_text(page, app.blocked)
    page.locator("[data-testid='stSidebar'] label").filter(has_text="Presentation mode").click()
    wait_idle(page)
    title = page.locator("[class*='st-key-presentation'] h2").first
    expect(title).to_be_visible(timeout=30_000)
    assert f"{LINK} (your data)" in title.inner_text().replace("\u2060", "")
    assert_shown_as_text(page, app.blocked)
    assert_no_error(page)
