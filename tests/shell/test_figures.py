"""The shell's figure frame under AppTest (shell/figures.py): presentation mode from the URL flag or the
toggle, one figure per screen, left even from a page that stops early; the link tools: a link with stale
parameters falls back gently, and a copied link reproduces the view."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from components.map_preview import PREVIEW_CLASS

APP = str(Path(__file__).parents[2] / "app.py")
NEWCASTLE = "E08000021"
PAGES = ["overview", "manufacturing", "productivity_gaps", "levelling_up", "compare_areas", "targets"]
STALE = {
    "foo": "bar",
    "year": "1850",
    "benchmark": "nowhere",
    "indicator": "gone",
    "mfg_measure": "old",
    "gap_measure": "per_minute",
    "gap_start": "x",
    "lu_x": "nothing",
    "lu_maps": "a,b",
    "cmp_areas": "ZZZ,,",
    "cmp_indicator": "none",
    "plan": "%%%not-a-plan",
    "present": "perhaps",
    "slide": "-4",
}


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_app(page: str, params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (params or {"level": "lad", "area": NEWCASTLE}).items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    return ok(at.run())


@pytest.fixture(scope="module")
def app() -> AppTest:
    return open_app("overview")


def share_link(at: AppTest) -> str:
    """The sidebar's "Copy link to this view" (the download menus also show data API URLs and iframe codes)."""
    [link] = [code.value for code in at.code if "/api/v1/" not in code.value and "<iframe" not in code.value]
    return link


def menus(at: AppTest) -> list:
    return [block for block in at.get("popover") if block.proto.popover.label.startswith("Download this")]


def test_presentation_defaults_are_off_and_the_link_tools_are_there(app: AppTest) -> None:
    assert app.toggle(key="present").value is False
    assert not [m for m in app.markdown if "<style>" in m.value and "stSidebar" in m.value]  # presentation CSS
    assert any(block.proto.popover.label == "Copy link to this view" for block in app.get("popover"))


def test_presentation_mode_from_the_link_shows_one_figure_at_a_time() -> None:
    at = open_app("overview", {"level": "lad", "area": NEWCASTLE, "present": "1"})
    styles = [m.value for m in at.markdown if "<style>" in m.value and PREVIEW_CLASS not in m.value]
    assert len(styles) == 1 and '[data-testid="stSidebar"]' in styles[0] and "display: none" in styles[0]
    assert ".st-key-page_body" in styles[0]  # the page itself is hidden; the figure is drawn big below it
    assert at.toggle(key="present").value is True
    assert not menus(at)  # no download menus on a summit screen
    assert len(at.get("deck_gl_json_chart")) == 1 and not at.get("vega_lite_chart")
    assert at.button(key="present-previous").disabled and not at.button(key="present-next").disabled
    assert at.query_params["slide"] == "1" and at.query_params["present"] == "1"
    ok(at.button(key="present-next").click().run())
    assert len(at.get("vega_lite_chart")) == 1 and not at.get("deck_gl_json_chart")
    big = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert big["title"]["fontSize"] >= 30 and big["config"]["axis"]["labelFontSize"] >= 16  # enlarged type
    assert at.query_params["slide"] == "2" and at.button(key="present-next").disabled
    ok(at.button(key="present-previous").click().run())
    assert len(at.get("deck_gl_json_chart")) == 1
    ok(at.button(key="present-exit").click().run())
    assert at.toggle(key="present").value is False and "present" not in at.query_params
    assert not [m for m in at.markdown if "<style>" in m.value and PREVIEW_CLASS not in m.value]
    assert len(menus(at)) == 2


def test_presentation_mode_from_the_toggle_and_a_slide_number_in_the_link() -> None:
    at = open_app("productivity_gaps", {"level": "lad", "area": NEWCASTLE, "slide": "3"})
    ok(at.toggle(key="present").set_value(True).run())
    assert len(at.get("vega_lite_chart")) == 1
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["title"]["text"].startswith("Convergence")  # the third figure of the page
    assert at.query_params["slide"] == "3"


def test_presentation_mode_on_a_page_that_stops_early_can_still_be_left() -> None:
    at = open_app("compare_areas", {"level": "lad", "present": "1", "cmp_areas": ""})  # no area: the page stops
    assert any("Choose a main area" in info.value for info in at.info)  # the page stopped here
    assert any("no chart or map to present" in info.value for info in at.info)
    assert any('[data-testid="stSidebar"]' in m.value for m in at.markdown if "<style>" in m.value)
    ok(at.button(key="present-exit").click().run())
    assert at.session_state["_presenting"] is False
    assert not [m for m in at.markdown if "<style>" in m.value]


@pytest.mark.parametrize("page", [*PAGES, "data_and_methods"])
def test_a_link_with_stale_parameters_falls_back_gently(page: str) -> None:
    at = open_app(page, {"level": "lad", **STALE})
    toasts = " ".join(toast.value for toast in at.toast)
    assert "This link has parameters the app does not use (foo)" in toasts  # unknown parameter named, ignored
    assert "presentation setting could not be read" in toasts and "not a slide number" in toasts
    assert "foo" not in at.query_params and at.session_state["_presenting"] is False
    assert not at.error or all("Traceback" not in e.value for e in at.error)


def test_a_copied_link_reproduces_the_view() -> None:
    at = open_app("manufacturing", {})
    ok(at.selectbox(key="level").set_value("lad").run())
    ok(at.selectbox(key="area").set_value(NEWCASTLE).run())
    ok(at.selectbox(key="year").set_value(2021).run())
    ok(at.selectbox(key="benchmark").set_value("E92000001").run())
    ok(at.selectbox(key="mfg_measure").set_value("gva_lq").run())
    link = share_link(at)
    params = dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))
    assert params == {
        "level": "lad",
        "area": NEWCASTLE,
        "year": "2021",
        "benchmark": "E92000001",
        "mfg_measure": "gva_lq",
    }
    again = open_app("manufacturing", params)
    for key in params:
        assert str(again.selectbox(key=key).value) == params[key]
    assert again.get("deck_gl_json_chart")[0].proto.json == at.get("deck_gl_json_chart")[0].proto.json
    assert [c.proto.spec for c in again.get("vega_lite_chart")] == [c.proto.spec for c in at.get("vega_lite_chart")]


def test_a_copied_link_carries_the_chosen_comparators() -> None:
    at = open_app("compare_areas", {"level": "lad", "area": NEWCASTLE})
    chosen = ["E08000037", "E92000001"]  # Gateshead and England
    ok(at.multiselect(key="cmp_areas").set_value(chosen).run())
    link = share_link(at)
    params = dict(parse_qsl(urlsplit(link).query, keep_blank_values=True))
    assert params["cmp_areas"].split(",") == chosen and params["area"] == NEWCASTLE
    again = open_app("compare_areas", params)
    assert again.multiselect(key="cmp_areas").value == chosen
    assert [c.proto.spec for c in again.get("vega_lite_chart")] == [c.proto.spec for c in at.get("vega_lite_chart")]
