"""The map payload per geography level and the warm rerun time of every page at every level, under AppTest
(one session, as a server runs it: scripts compiled once, start-up objects frozen out of the collector)."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from bench.browser import REPO
from bench.progress import log

PAGES = {
    "overview": "app_pages/overview.py",
    "manufacturing": "app_pages/manufacturing.py",
    "sector_strengths": "app_pages/sector_strengths.py",
    "productivity_gaps": "app_pages/productivity_gaps.py",
    "levelling_up": "app_pages/levelling_up.py",
    "compare_areas": "app_pages/compare_areas.py",
    "targets": "app_pages/targets.py",
    "data_and_methods": "app_pages/data_and_methods.py",
    "your_data": "app_pages/your_data.py",
    "accessibility": "app_pages/accessibility.py",
}
PAGES_WITH_AREA = ("sector_strengths",)  # also timed with an area picked
WARM_UP_RUNS, TIMED_RUNS = 2, 7


def _median_ms(run: Callable[[], object]) -> float:
    for _ in range(WARM_UP_RUNS):
        run()
    times = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure_apptest(levels: Sequence[str], pages: dict[str, str] = PAGES, freeze: bool = True) -> dict[str, Any]:
    """Map bytes per level (Overview: deck.gl JSON plus the still preview's HTML) and the median warm
    rerun time of every page at every one of `levels`, via AppTest (one session: the level is set in the shared
    sidebar, then each page is run). Your data is measured with its example file switched on, its
    heaviest view without an upload."""
    from streamlit.testing.v1 import AppTest

    _share_script_cache()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    from components.map_preview import PREVIEW_CLASS

    payload: dict[str, int] = {}
    payload_parts: dict[str, dict[str, int]] = {}
    rerun: dict[str, dict[str, float]] = {page: {} for page in pages}

    def run() -> None:
        at.run()
        if at.exception:
            raise RuntimeError(f"{at.exception[0].message}")

    at.switch_page(PAGES["overview"])
    run()
    # Streamlit collects garbage after every run (runner.postScriptGC); deploy/serve.py freezes what is
    # loaded at start-up so that this stays cheap. Do the same here, and say what it saves.
    gc_before = _gc_ms()
    gc_after = None
    if freeze:
        gc.freeze()
        gc_after = _gc_ms()
    log(f"post-run gc.collect(2): {gc_before} ms; after gc.freeze(): {gc_after} ms")
    for level in levels:
        at.switch_page(PAGES["overview"])
        run()
        at.selectbox(key="level").set_value(level)
        run()
        deck_bytes = len(at.get("deck_gl_json_chart")[0].proto.json.encode("utf-8"))
        preview_bytes = sum(
            len(element.proto.body.encode("utf-8")) for element in at.get("html") if PREVIEW_CLASS in element.proto.body
        )
        payload[level] = deck_bytes + preview_bytes  # both travel to the browser for one map
        payload_parts[level] = {"deck_gl_json": deck_bytes, "preview_html": preview_bytes}
        for page, path in pages.items():
            at.switch_page(path)
            try:
                run()
                if page == "your_data" and not at.toggle(key="your_data_example").value:
                    at.toggle(key="your_data_example").set_value(True)
                    run()
                rerun[page][level] = _median_ms(run)
                if page in PAGES_WITH_AREA:  # the heavier view: an area picked (its profile and chart)
                    area = at.selectbox(key="area")
                    area.set_value(area.options[1] if area.options[0] in (None, "(none)") else area.options[0])
                    run()
                    rerun.setdefault(f"{page}_with_area", {})[level] = _median_ms(run)
                    at.selectbox(key="area").set_value(None)
                    run()
            except Exception as exc:  # a page that fails is reported, the others still measured
                rerun[page][level] = None  # type: ignore[assignment]
                log(f"{page} at {level} failed: {exc}")
        log(
            f"{level}: payload {payload[level]:,} B; rerun ms "
            + ", ".join(f"{page} {times[level]}" for page, times in rerun.items())
        )
    gc.unfreeze()
    return {
        "map_payload_bytes": payload,
        "map_payload_parts": payload_parts,
        "rerun_ms": rerun,
        "post_run_gc_ms": {"without_freeze": gc_before, "with_freeze": gc_after},
    }


def _share_script_cache() -> None:
    """Compile each script once, as a server does. A server keeps one ScriptCache for its lifetime, so
    app.py and a page are parsed, rewritten for "magic" and compiled on their first run only; AppTest makes a
    new ScriptCache for every run, which would add that work (20-60 ms a page) to every timed rerun."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[assignment,misc]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment,misc]


def _gc_ms() -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        gc.collect(2)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)
