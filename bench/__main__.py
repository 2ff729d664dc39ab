"""Measure the app against the budgets in DESIGN.md and print the figures.

    python -m bench [--json] [--skip-browser] [--skip-build]

Build time (into a fresh temp folder; the committed snapshot is never touched), the deck.gl payload
per geography level and warm rerun times (both via AppTest), cold start to coloured map pixels and
server memory after 10 browser sessions (headless Debian chromium, loopback only).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from bench.browser import REPO

LEVELS = ("lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn")
PAGES = {"overview": "app_pages/overview.py", "data_and_methods": "app_pages/data_and_methods.py"}
WARM_UP_RUNS, TIMED_RUNS = 3, 10
SESSIONS = 10
BUILD_TIMEOUT_S = 900
# DESIGN.md "Budgets" (KB and MB taken as 1000 bytes and MiB).
BUDGETS: dict[str, float] = {
    "build_s": 90,
    "rerun_ms_lad": 150,
    "map_payload_bytes_lad": 350_000,
    "cold_start_to_pixels_s": 3.5,
    "memory_after_10_sessions_mb": 350,
}


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def measure_build() -> dict[str, Any]:
    """Wall time of `python -m loaders.build --quiet` into an empty temp folder."""
    with tempfile.TemporaryDirectory(prefix="rpe-bench-build-") as out:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "loaders.build", "--out", out, "--quiet"], cwd=REPO,
                              capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, stdin=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"loaders.build exited {done.returncode}: {done.stderr[-2000:]}")
    return {"build_s": round(elapsed, 2)}


def _median_ms(run: Callable[[], object]) -> float:
    for _ in range(WARM_UP_RUNS):
        run()
    times = []
    for _ in range(TIMED_RUNS):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure_apptest() -> dict[str, Any]:
    """Deck.gl JSON bytes per level and median warm rerun time per page and level, via AppTest."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    payload: dict[str, int] = {}
    rerun: dict[str, dict[str, float]] = {page: {} for page in PAGES}

    def run() -> None:
        at.run()
        if at.exception:
            raise RuntimeError(f"the app raised: {at.exception[0].message}")

    for level in LEVELS:
        at.switch_page(PAGES["overview"])
        run()
        at.selectbox(key="level").set_value(level)
        run()
        payload[level] = len(at.get("deck_gl_json_chart")[0].proto.json.encode("utf-8"))
        rerun["overview"][level] = _median_ms(run)
        at.switch_page(PAGES["data_and_methods"])  # the level stays in the session, unused by this page
        run()
        rerun["data_and_methods"][level] = _median_ms(run)
        log(f"{level}: payload {payload[level]:,} B, rerun overview {rerun['overview'][level]} ms, "
            f"data_and_methods {rerun['data_and_methods'][level]} ms")
    return {"map_payload_bytes": payload, "rerun_ms": rerun}


def measure_browser() -> dict[str, Any]:
    """Cold start of a fresh server to coloured map pixels, then server RSS after SESSIONS sessions."""
    from playwright.sync_api import sync_playwright

    from bench.browser import MAP_CANVAS, StreamlitServer, launch_chromium, new_page, open_app, wait_for_map

    blocked: list[str] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)  # already running, as a user's browser would be
        try:
            started = time.perf_counter()
            with StreamlitServer() as server:
                server.wait_healthy()
                healthy_s = time.perf_counter() - started
                pages = [new_page(browser, blocked)]
                pages[0].goto(server.url, timeout=60_000)
                pages[0].wait_for_selector(MAP_CANVAS, state="visible", timeout=60_000)
                canvas_s = time.perf_counter() - started
                wait_for_map(pages[0], stable=False)
                cold_s = time.perf_counter() - started
                log(f"cold start to map pixels {cold_s:.2f} s (server healthy after {healthy_s:.2f} s, "
                    f"canvas after {canvas_s:.2f} s)")
                rss_first = server.rss_mb()
                while len(pages) < SESSIONS:
                    page = new_page(browser, blocked)
                    open_app(page, server.url)
                    wait_for_map(page)
                    pages.append(page)
                time.sleep(1)
                rss = server.rss_mb()
                log(f"server RSS {rss_first:.0f} MiB after 1 session, {rss:.0f} MiB after {len(pages)}")
                for page in pages:
                    page.context.close()
        finally:
            browser.close()
    return {
        "cold_start_to_pixels_s": round(cold_s, 2),
        "cold_start_phases_s": {"server_healthy": round(healthy_s, 2), "map_canvas": round(canvas_s, 2)},
        "memory_after_1_session_mb": round(rss_first, 1),
        "memory_after_10_sessions_mb": round(rss, 1),
        "blocked_requests": sorted(set(blocked)),
    }


def budget_report(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rerun = results.get("rerun_ms") or {}
    measured = {
        "build_s": results.get("build_s"),
        "rerun_ms_lad": max((pages["lad"] for pages in rerun.values() if "lad" in pages), default=None),
        "map_payload_bytes_lad": (results.get("map_payload_bytes") or {}).get("lad"),
        "cold_start_to_pixels_s": results.get("cold_start_to_pixels_s"),
        "memory_after_10_sessions_mb": results.get("memory_after_10_sessions_mb"),
    }
    return {
        name: {"budget": budget, "measured": measured[name],
               "within_budget": None if measured[name] is None else measured[name] <= budget}
        for name, budget in BUDGETS.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON object on stdout")
    parser.add_argument("--skip-browser", action="store_true", help="no chromium measurements")
    parser.add_argument("--skip-build", action="store_true", help="do not time loaders.build")
    args = parser.parse_args(argv)

    steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [("apptest", measure_apptest)]
    if not args.skip_build:
        steps.insert(0, ("build", measure_build))
    if not args.skip_browser:
        steps.append(("browser", measure_browser))

    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}}
    errors: dict[str, str] = {}
    for name, measure in steps:
        log(f"measuring {name}")
        try:
            with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the JSON alone
                results.update(measure())
        except Exception as exc:  # report and carry on with the other measurements
            errors[name] = f"{type(exc).__name__}: {exc}"
            log(f"{name} failed: {errors[name]}")
    results["machine"]["load_average_at_end"] = os.getloadavg()
    results["budgets"] = budget_report(results)
    results["all_within_budget"] = all(entry["within_budget"] for entry in results["budgets"].values()
                                       if entry["within_budget"] is not None)
    if errors:
        results["errors"] = errors
    text = json.dumps(results, indent=None if args.json else 2)
    if not args.json:
        for name, entry in results["budgets"].items():
            verdict = {True: "ok", False: "OVER", None: "skipped"}[entry["within_budget"]]
            print(f"{name:32} {entry['measured']!s:>12} / {entry['budget']:<10} {verdict}")
    print(text)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
