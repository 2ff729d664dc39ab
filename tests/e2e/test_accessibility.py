"""Accessibility: axe-core on every page in a real browser, every map with a text description and a table of
the same areas, charts that do not rely on colour alone, and a statement page that names what was tested.

The browser tests (marked e2e) inject axe-core from the npm registry (bench.browser.AXE_JS: .ci/run installs
it into .ci/node; AXE_CORE_JS may point elsewhere) and fail, rather than skip, when CI=true and it is
missing. They share one browser session that walks the pages through the navigation, as a user would.
The map and colour checks render every page under AppTest at three levels and read the deck.gl and
Vega-Lite specs the browser would receive.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from bench.browser import AXE_JS, MAP, StreamlitServer, axe_version, choose, new_page, open_app, run_axe, wait_idle
from tests.e2e.helpers_pages import PAGES as TITLES
from tests.e2e.helpers_pages import title

REPO = Path(__file__).resolve().parents[2]
PAGES = {  # navigation label -> page file
    "Overview": "overview",
    "Manufacturing": "manufacturing",
    "Sector strengths": "sector_strengths",
    "Productivity gaps": "productivity_gaps",
    "Levelling up": "levelling_up",
    "Compare areas": "compare_areas",
    "Targets": "targets",
    "Your data": "your_data",
    "Data and methods": "data_and_methods",
    "Accessibility": "accessibility",
}
LEVELS = ("lep", "itl3", "lad")  # English-only, UK-wide and the largest map
BLOCKING = {"serious", "critical"}
# Violations that come from Streamlit itself and that we cannot fix in our content, as (rule id, regular
# expression matched against the node's CSS selector, reason with upstream reference). Only these exact
# rule + selector combinations are excluded. With axe-core 4.14.1 and Streamlit 1.67 none is serious or
# critical, so the list is empty; the Streamlit-owned findings of lower impact are named on the
# Accessibility page (file uploader drop zone: presentation-role-conflict, minor; the open select list
# rendered outside any landmark: region, moderate; see streamlit/streamlit#8399).
STREAMLIT_OWNED: tuple[tuple[str, str, str], ...] = ()
NO_VALUE = {"no data", "suppressed by the source", ""}
COLOUR_CHANNELS = ("color", "fill", "stroke")
HIDDEN_CHANNELS = ("tooltip", "detail", "href", "key", "order", "description")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


# --- AppTest: maps and charts ------------------------------------------------------------------------------


@dataclass
class Rendered:
    page: str
    level: str
    decks: list[tuple[dict, str]]  # (deck.gl spec, alt)
    charts: list[tuple[dict, str, dict[str, pd.DataFrame]]]  # (Vega-Lite spec, alt, named datasets)
    tables: list[pd.DataFrame]


@pytest.fixture(scope="module")
def rendered() -> list[Rendered]:
    """Every page at each of LEVELS, as AppTest sees it (Your data with its example file switched on)."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.switch_page("app_pages/overview.py")
    at.run()
    out: list[Rendered] = []
    for level in LEVELS:
        at.selectbox(key="level").set_value(level)
        for page in PAGES.values():
            at.switch_page(f"app_pages/{page}.py")
            at.run()
            if page == "your_data" and not at.toggle(key="your_data_example").value:
                at.toggle(key="your_data_example").set_value(True)
                at.run()
            assert not at.exception, f"{page} at {level}: {at.exception[0].message}"
            decks = [(json.loads(deck.proto.json), deck.proto.alt) for deck in at.get("deck_gl_json_chart")]
            charts = [
                (
                    json.loads(chart.proto.spec),
                    chart.proto.alt,
                    {named.name: convert_arrow_bytes_to_pandas_df(named.data.data) for named in chart.proto.datasets},
                )
                for chart in at.get("vega_lite_chart")
            ]
            tables = [frame.value for frame in at.dataframe if isinstance(frame.value, pd.DataFrame)]
            out.append(Rendered(page, level, decks, charts, tables))
    return out


def units(spec: dict, data: str = "") -> Iterator[tuple[dict, str]]:
    """Every single-view spec inside a (layered, concatenated or faceted) Vega-Lite spec, with the name of
    the dataset it draws (its own, or the one it inherits from an enclosing spec)."""
    data = (spec.get("data") or {}).get("name", data)
    if "mark" in spec:
        yield spec, data
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key) or []:
            yield from units(child, data)
    if isinstance(spec.get("spec"), dict):
        yield from units(spec["spec"], data)


def mark_type(unit: dict) -> str:
    mark = unit.get("mark")
    return str(mark.get("type") if isinstance(mark, dict) else mark)


def codes_in_tables(tables: list[pd.DataFrame]) -> set[str]:
    return {str(code) for frame in tables if "area_code" in frame.columns for code in frame["area_code"].dropna()}


def test_every_map_has_a_description_and_a_table_of_its_areas(rendered: list[Rendered]) -> None:
    """Each deck.gl map and each static (geoshape) map carries an alt text, and every area it shows with a
    value is listed in a table on the same page: the map's text alternative."""
    checked = 0
    for view in rendered:
        listed = codes_in_tables(view.tables)
        where = f"{view.page} at {view.level}"
        for spec, alt in view.decks:
            assert len(alt) >= 30, f"{where}: map without a useful alt text ({alt!r})"
            features = [feature["properties"] for layer in spec["layers"] for feature in layer["data"]["features"]]
            valued = {
                str(props.get("code") or props.get("area_code"))
                for props in features
                if str(props.get("value_text", "")).strip().lower() not in NO_VALUE
            }
            assert valued, f"{where}: a map with no valued area"
            missing = valued - listed
            assert not missing, f"{where}: {len(missing)} mapped areas are in no table, e.g. {sorted(missing)[:5]}"
            checked += 1
        for spec, alt, datasets in view.charts:
            shapes = [name for unit, name in units(spec) if mark_type(unit) == "geoshape"]
            if not shapes:
                continue
            assert len(alt) >= 30, f"{where}: static map without a useful alt text ({alt!r})"
            for name in shapes:
                data = datasets.get(name)
                assert data is not None and "area_code" in data.columns, f"{where}: cannot read the map's areas"
                shown = data[~data["value_text"].astype(str).str.strip().str.lower().isin(NO_VALUE)]
                missing = set(shown["area_code"].astype(str)) - listed
                assert not missing, f"{where}: static map areas in no table, e.g. {sorted(missing)[:5]}"
                checked += 1
    pages_with_maps = {
        view.page
        for view in rendered
        if view.decks or any(mark_type(unit) == "geoshape" for spec, _, _ in view.charts for unit, _ in units(spec))
    }
    assert {"overview", "manufacturing", "levelling_up", "your_data"} <= pages_with_maps
    assert checked >= 4 * len(LEVELS)


def layer_groups(spec: dict, path: str = "chart") -> Iterator[tuple[str, list[dict]]]:
    """The single views of a Vega-Lite spec, grouped by the layer they are drawn together in."""
    if "layer" in spec:
        children = spec["layer"] or []
        yield path, [child for child in children if "mark" in child]
        for index, child in enumerate(children):
            if "mark" not in child:
                yield from layer_groups(child, f"{path}.layer[{index}]")
    elif "mark" in spec:
        yield path, [spec]
    for key in ("hconcat", "vconcat", "concat"):
        for index, child in enumerate(spec.get(key) or []):
            yield from layer_groups(child, f"{path}.{key}[{index}]")
    if isinstance(spec.get("spec"), dict):
        yield from layer_groups(spec["spec"], f"{path}.spec")


def colour_alone(group: list[dict]) -> list[str]:
    """Why views drawn together would tell things apart by colour alone (empty if they do not).

    A colour channel bound to a categorical field needs the same field on a visible non-colour channel of
    the same layer group (shape, dash, position, text, size...). A conditional colour (a highlight) needs a
    condition on a non-colour channel of the same view, a text mark (the words say it), or an axis whose
    label weight changes. Quantitative colour scales and geoshape maps are left to the palette
    (luminance-ordered viridis) and to the map's table."""

    def cue_fields(unit: dict) -> set[str]:
        return {
            str(definition.get("field"))
            for name, definition in (unit.get("encoding") or {}).items()
            if name not in COLOUR_CHANNELS + HIDDEN_CHANNELS
            and isinstance(definition, dict)
            and definition.get("field")
        }

    shown = set().union(*(cue_fields(unit) for unit in group)) if group else set()
    axis_cue = any(
        isinstance(((unit.get("encoding") or {}).get(axis) or {}).get("axis"), dict)
        and isinstance(unit["encoding"][axis]["axis"].get("labelFontWeight"), dict)
        for unit in group
        for axis in ("x", "y")
    )
    problems = []
    for unit in group:
        if mark_type(unit) == "geoshape":
            continue
        encoding = unit.get("encoding") or {}
        for channel in COLOUR_CHANNELS:
            definition = encoding.get(channel)
            if not isinstance(definition, dict):
                continue
            field = definition.get("field")
            if field and definition.get("type") in {"nominal", "ordinal"} and field not in shown:
                problems.append(f"{channel} shows {field!r} by colour only")
            elif not field and "condition" in definition:
                cued = mark_type(unit) == "text" or any(
                    isinstance(other, dict) and "condition" in other
                    for name, other in encoding.items()
                    if name not in COLOUR_CHANNELS + HIDDEN_CHANNELS
                )
                if not (cued or axis_cue):
                    problems.append(f"{channel} highlights by colour only")
    return problems


def test_charts_do_not_rely_on_colour_alone(rendered: list[Rendered]) -> None:
    failures, checked = [], 0
    for view in rendered:
        for spec, _, _ in view.charts:
            title = spec.get("title")
            name = title.get("text") if isinstance(title, dict) else title
            for path, group in layer_groups(spec):
                checked += len(group)
                failures += [
                    f"{view.page} at {view.level}, {name!r} {path}: {problem}" for problem in colour_alone(group)
                ]
    assert checked > 20
    assert not failures, "\n".join(sorted(set(failures)))


def test_colour_rule_catches_a_colour_only_chart() -> None:
    """The checker itself: a line per area told apart only by colour fails; adding dashes passes."""
    lines = {
        "mark": "line",
        "encoding": {
            "x": {"field": "year", "type": "quantitative"},
            "y": {"field": "value", "type": "quantitative"},
            "color": {"field": "area", "type": "nominal"},
        },
    }
    assert colour_alone([lines]) == ["color shows 'area' by colour only"]
    labels = {"mark": "text", "encoding": {"text": {"field": "area", "type": "nominal"}}}
    assert colour_alone([lines, labels]) == []  # end-of-line labels name each line
    highlight = {
        "mark": "bar",
        "encoding": {"color": {"condition": {"test": "datum.selected", "value": "red"}, "value": "blue"}},
    }
    assert colour_alone([highlight]) == ["color highlights by colour only"]
    highlight["encoding"]["strokeWidth"] = {"condition": {"test": "datum.selected", "value": 2}, "value": 0}
    assert colour_alone([highlight]) == []


# --- in the browser: axe-core -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_js() -> Path:
    if not AXE_JS.exists():
        message = f"axe-core is missing at {AXE_JS}: npm install --prefix .ci/node axe-core@4.14.1 (or set AXE_CORE_JS)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS


@pytest.fixture(scope="module")
def walker(e2e_browser: Browser, app_server: StreamlitServer, axe_js: Path) -> Iterator[Page]:
    """One browser session that moves from page to page through the navigation."""
    blocked: list[str] = []
    page = new_page(e2e_browser, blocked)
    open_app(page, app_server.url)
    yield page
    assert not blocked, f"requests beyond loopback: {sorted(set(blocked))}"
    page.context.close()


def settle(page: Page) -> None:
    """Wait for the run to finish and for charts and tables to replace their skeletons."""
    wait_idle(page)
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton']\")", timeout=30_000)
    page.wait_for_timeout(500)


def go_to(page: Page, name: str) -> None:
    """Navigate and wait until the page's own title shows (a widget changed before that could still run the
    page that was there: a clean-clone run once tested the Accessibility page in place of the Overview)."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=name, exact=False).click()
    settle(page)
    expect(title(page, TITLES[name])).to_be_visible(timeout=30_000)
    settle(page)
    if name == "Your data":  # its map appears once there are values: the built-in example file
        switch = page.get_by_role("switch", name="Try it with an example file instead")
        if not switch.is_checked():
            page.get_by_text("Try it with an example file instead").click()
            settle(page)


def blocking(result: dict[str, Any]) -> list[str]:
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            if any(
                rule == violation["id"] and re.search(pattern, node["target"]) for rule, pattern, _ in STREAMLIT_OWNED
            ):
                continue
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']}\n    {node['target']}\n"
                f"    {node['html'][:200]}\n    {node['summary']}"
            )
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_or_critical_violation(walker: Page, name: str) -> None:
    go_to(walker, name)
    result = run_axe(walker)
    assert result["version"].startswith("4.")
    problems = blocking(result)
    assert not problems, f"axe-core {result['version']} on {name}:\n" + "\n".join(problems)
    for deck in walker.locator(MAP).all():  # the deck.gl map is a labelled figure for screen readers
        assert deck.get_attribute("role") == "figure"
        assert len(deck.get_attribute("aria-label") or "") >= 30


@pytest.mark.e2e
def test_axe_on_the_largest_map_with_its_table_open(walker: Page) -> None:
    """Overview at local authority level with the table alternative expanded and an area selected."""
    go_to(walker, "Overview")
    choose(walker, "Geography", "Local authority districts (2023)")
    choose(walker, "Area", "Manchester")
    walker.get_by_text("Table (all areas)").click()
    settle(walker)
    expect(walker.locator("[data-testid='stExpander'] [data-testid='stDataFrame']").first).to_be_visible()
    problems = blocking(run_axe(walker))
    assert not problems, "\n".join(problems)


@pytest.mark.e2e
def test_statement_names_what_was_tested(walker: Page) -> None:
    go_to(walker, "Accessibility")
    text = walker.locator("[data-testid='stMain']").inner_text()
    assert f"axe-core {axe_version()}" in text, "the statement must name the axe-core version the tests use"
    for name in PAGES:
        assert name in text
    for phrase in ("keyboard", "screen reader", "table", "WebGL"):
        assert phrase.lower() in text.lower()
