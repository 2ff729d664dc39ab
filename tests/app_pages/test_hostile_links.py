"""Hostile links under AppTest: text from the URL reaches the page only escaped (components.plain_text),
cut to a sane length, and a link that would make the server work hard (a ?plan= decompression bomb, a
?cmp_areas= of 50,000 codes) is answered at once with a plain notice. AppTest sees the Markdown source
of each element; tests/e2e/test_hostile_text_browser.py checks what Chromium then draws."""

from __future__ import annotations

import json
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components.plain_text import plain
from components.targets import FILE_FORMAT, encode_for_link
from tests.loaders.hostile_builders import bomb_token

APP = str(Path(__file__).parents[2] / "app.py")
LINK = "[Session expired - log in](http://evil.example/login)"
IMAGE = "![pixel](http://evil.example/pixel.png)"


def opened(page: str, query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update(query)
    app.switch_page(page)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def shown_markdown(app: AppTest) -> list[str]:
    """The Markdown source of every text element, toast and alert on the page."""
    elements = [
        *app.markdown,
        *app.caption,
        *app.toast,
        *app.error,
        *app.warning,
        *app.info,
        *app.success,
        *app.header,
        *app.subheader,
        *app.title,
    ]
    return [element.value for element in elements]


def raw_markdown_anywhere(app: AppTest, *texts: str) -> list[str]:
    """Elements whose source still holds one of `texts` unescaped (it would render as a link or image)."""
    return [value for value in shown_markdown(app) if any(text in value for text in texts)]


def test_a_year_from_the_link_is_echoed_as_escaped_text() -> None:
    app = opened("app_pages/overview.py", {"year": LINK})
    (toast,) = [t.value for t in app.toast if "Link parameter year" in t.value]
    assert toast == f"Link parameter year='{plain(LINK, 80)}' is not available here; showing the default instead."
    assert not raw_markdown_anywhere(app, LINK, "](http")


def test_a_long_link_value_is_cut_to_80_characters() -> None:
    app = opened("app_pages/overview.py", {"area": "x" * 10_000, "foo" + "y" * 5_000: "1"})
    toasts = [t.value for t in app.toast]
    (area,) = [t for t in toasts if t.startswith("Link parameter area")]
    assert f"'{'x' * 79}\u2026'" in area and len(area) < 200
    (unknown,) = [t for t in toasts if t.startswith("This link has parameters")]
    assert len(unknown) < 200 and "\u2026" in unknown


def test_plan_names_from_a_link_are_shown_as_text_on_the_targets_page() -> None:
    plan = {
        "format": FILE_FORMAT,
        "version": 1,
        "groups": [{"name": LINK[:80], "level": "lep", "members": ["E37000025", "E37000034"]}],
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
                "source_text": f"{LINK} {IMAGE} http://evil.example www.evil.example",
            }
        ],
    }
    app = opened("app_pages/targets.py", {"plan": encode_for_link(json.dumps(plan))})
    texts = shown_markdown(app)
    assert any(f"#### {plain(IMAGE)} — " in text for text in texts)
    assert any(text.startswith(f"**{plain(LINK[:80])}** (2 LEPs): ") for text in texts)
    assert f"Target: {plain(plan['targets'][0]['source_text'])}" in texts
    assert not raw_markdown_anywhere(app, LINK[:40], IMAGE, "](http", "http://evil", "www.evil")
    assert any(button.label == f"Remove group {plain(LINK[:80])}" for button in app.button)


def test_a_plan_bomb_in_the_link_is_refused_at_once(record_property) -> None:
    started = time.perf_counter()
    app = opened("app_pages/targets.py", {"plan": bomb_token(60)})
    record_property("seconds", round(time.perf_counter() - started, 2))
    toasts = [t.value for t in app.toast]
    assert plain(
        "The groups and targets in this link could not be read (the link's plan expands beyond "
        "100,000 bytes, the limit for a plan); starting empty."
    ).replace("\\", "") in [t.replace("\\", "") for t in toasts]
    assert app.session_state["plan_groups"] == [] and app.session_state["plan_targets"] == []


def test_fifty_thousand_codes_in_a_link_are_answered_with_five_named(record_property) -> None:
    """~350,000 characters: within the 524,288 Streamlit accepts in a query string."""
    codes = ",".join([LINK, *(f"X{i:05d}" for i in range(49_999))])
    started = time.perf_counter()
    app = opened("app_pages/compare_areas.py", {"cmp_areas": codes})
    elapsed = time.perf_counter() - started
    record_property("seconds", round(elapsed, 2))
    (toast,) = [t.value for t in app.toast if t.value.startswith("Link lists unknown area codes")]
    assert toast.endswith(" and 49995 more; they are left out.") and len(toast) < 400
    assert not raw_markdown_anywhere(app, "](http")
    assert elapsed < 60
