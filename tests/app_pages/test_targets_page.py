"""Targets page under AppTest: presets, a user-defined target end to end, groups, link round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.targets import decode_from_link
from metrics.targets import NOT_MEASURABLE
from tests.app_pages.markdown_text import as_read

APP = str(Path(__file__).parents[2] / "app.py")
PAGE = "app_pages/targets.py"


def _open(query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


@pytest.fixture(scope="module")
def page() -> AppTest:
    return _open()


def _texts(app: AppTest) -> list[str]:
    return [as_read(m.value) for m in app.markdown]


def test_presets_show_six_targets_with_verdicts(page: AppTest) -> None:
    headings = [t for t in _texts(page) if t.startswith("#### ") and "re-based" not in t]
    assert len(headings) == 6
    verdicts = [t for t in _texts(page) if "**" in t and ":material/" in t]
    assert sum(NOT_MEASURABLE.capitalize() in t for t in verdicts) >= 4
    assert any("Off track" in t or "On track" in t for t in verdicts)
    assert len(page.get("vega_lite_chart")) >= 3  # jobs, GVA per hour and the re-based rates


def test_user_target_end_to_end() -> None:
    app = _open({"level": "lep", "area": "E37000025"})
    app.text_input[0].set_value("Halve the gap by 2030")
    app.number_input[0].set_value(50.0)
    app.number_input[1].set_value(2015)
    app.number_input[2].set_value(2030)
    submit = next(b for b in app.button if b.label == "Add target")
    submit.click().run()
    assert not app.exception
    assert any("Halve the gap by 2030" in t for t in _texts(app))
    token = app.query_params["plan"]
    assert "Halve the gap by 2030" in decode_from_link(token if isinstance(token, str) else token[0])

    shared = _open({"plan": token if isinstance(token, str) else token[0]})
    assert any("Halve the gap by 2030" in t for t in _texts(shared))


def test_a_damaged_plan_link_is_a_notice_not_an_error() -> None:
    app = _open({"plan": "not-a-real-plan"})
    assert not app.exception
    assert any("could not be read" in t.value for t in app.toast)


def test_groups_tab_values_the_north_west_pilot(page: AppTest) -> None:
    captions = [as_read(c.value) for c in page.caption]
    assert any("GVA per hour 2023: £" in c for c in captions)
    assert any("Median" not in c and "Employment rate 2022:" in c for c in captions)


def test_a_gap_target_says_whether_the_latest_gap_is_significant() -> None:
    """A user's gap target for Hartlepool against England on unemployment: in 2023 Hartlepool's 4.3% (95% CI
    3.0-5.6) and England's 3.7% (3.5-3.9) overlap, and the page says so; the preset GVA-per-hour target says
    why it has no such test."""
    from components.targets import encode_for_link, plan_to_json
    from metrics.targets import CLOSE_GAP, Target

    target = Target(
        "Halve the unemployment gap", "E06000001", "unemployment_rate", CLOSE_GAP, 50, 2015, 2030, "E92000001"
    )
    app = _open({"plan": encode_for_link(plan_to_json([], [target]))})
    captions = [as_read(c.value) for c in app.caption]
    assert (
        "In 2023: Not significantly different from England: the 95% confidence intervals overlap. The verdict above "
        "follows the gap's path, without such a test." in captions
    )
    assert any(
        "No significance test against England excluding London:" in c and "publishes no confidence interval" in c
        for c in captions
    )
