"""What a rerun of an unchanged view does not redo (issue #15): the page spec of a chart a page's view cache
returns, the data behind a download menu's data API link, and the views of Overview, Manufacturing and Targets.
Counted, not timed: each test fails if the work comes back on every rerun. And what is kept follows the view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

import components.intervals
import components.manufacturing
import components.overview
import shell.figure_links
import shell.figures
from shell.rerun_cache import IdentityCache, KeyedCache
from tests.shell.test_figure_links import api_urls
from tests.shell.test_figures import NEWCASTLE, ok, open_app


class Counted:
    """A stand-in that counts its calls and passes them on."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function, self.calls = function, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.function(*args, **kwargs)


def calls_on_rerun(at: AppTest, counted: Counted) -> int:
    """The calls made by one more run of the same view."""
    before = counted.calls
    ok(at.run())
    return counted.calls - before


# --- the stores ---------------------------------------------------------------------------------------------


def test_the_identity_cache_builds_once_per_object_and_not_for_an_equal_one() -> None:
    cache, build = IdentityCache(4), Counted(lambda obj: {"spec": list(obj)})
    chart = [1, 2]
    first = cache.get(chart, build)
    assert cache.get(chart, build) is first and build.calls == 1
    assert cache.get([1, 2], build) == first and build.calls == 2  # equal, not the same object: built again


def test_the_identity_cache_keeps_at_most_its_bound_dropping_the_least_recently_used() -> None:
    cache, build = IdentityCache(2), Counted(lambda obj: len(obj))
    a, b, c = [1], [1, 2], [1, 2, 3]
    cache.get(a, build), cache.get(b, build), cache.get(a, build), cache.get(c, build)
    assert len(cache) == 2 and build.calls == 3
    cache.get(a, build)  # used last before c came: kept
    assert build.calls == 3
    cache.get(b, build)  # the least recently used went
    assert build.calls == 4


def test_the_keyed_cache_builds_once_per_key_within_its_bound() -> None:
    cache, build = KeyedCache(2), Counted(lambda: object())
    first = cache.get(("a", 1), build)
    assert cache.get(("a", 1), build) is first and build.calls == 1
    cache.get(("b", 1), build), cache.get(("c", 1), build)
    assert len(cache) == 2
    cache.get(("a", 1), build)
    assert build.calls == 4


# --- pages --------------------------------------------------------------------------------------------------


def test_a_rerun_converts_no_cached_chart_and_builds_no_figure_data_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Levelling up at LAD: the small-multiple maps and the scatter come from the page's view cache; their
    page specs and the rows behind their data API links are made once, not on every rerun."""
    specs = Counted(shell.figures.page_spec)
    data = Counted(shell.figure_links.figure_data)
    monkeypatch.setattr(shell.figures, "page_spec", specs)
    monkeypatch.setattr(shell.figure_links, "figure_data", data)
    at = open_app("levelling_up", {"level": "lad", "area": NEWCASTLE})
    assert len(at.get("vega_lite_chart")) == 2 and len(api_urls(at)) == 2
    assert calls_on_rerun(at, specs) == 0
    assert calls_on_rerun(at, data) == 0
    assert len(at.get("vega_lite_chart")) == 2 and len(api_urls(at)) == 2  # still drawn, still linked


@pytest.mark.parametrize(
    ("page", "module", "name"),
    [
        ("overview", components.overview, "build_overview"),
        ("manufacturing", components.manufacturing, "build_measure_map"),
        ("targets", components.intervals, "comparison_sentence"),
    ],
)
def test_a_rerun_of_an_unchanged_view_does_not_build_it_again(
    monkeypatch: pytest.MonkeyPatch, page: str, module: Any, name: str
) -> None:
    counted = Counted(getattr(module, name))
    monkeypatch.setattr(module, name, counted)
    at = open_app(page, {"level": "lad", "area": NEWCASTLE})
    assert calls_on_rerun(at, counted) == 0


def test_the_data_api_links_follow_the_view() -> None:
    """A link kept from one view is not shown for another: after another year is picked in the sidebar, the
    Levelling up scatter and maps link to that year's rows (the page draws no year picker of its own, so the
    year reaches the URL only after the page has drawn its menus)."""
    at = open_app("levelling_up", {"level": "lad", "area": NEWCASTLE, "year": "2019"})

    def years_linked() -> list[tuple[str, str]]:
        queries = [dict(parse_qsl(urlsplit(url).query)) for url in api_urls(at)]
        return [(query["from"], query["to"]) for query in queries]

    assert years_linked() == [("2019", "2019")] * 2
    at.selectbox(key="year").set_value(2016)
    ok(at.run())
    assert years_linked() == [("2016", "2016")] * 2
    at.selectbox(key="year").set_value(2019)
    ok(at.run())
    assert years_linked() == [("2019", "2019")] * 2
