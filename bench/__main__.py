"""Measure the app against its budgets (BUDGETS below) and print the figures.

    python -m bench [--json] [--skip-build] [--skip-browser] [--skip-load] [--via-nginx]
    python -m bench --load [--via-nginx] [--no-webgl] [--sessions 20] [--steps 14]   only the load test
    python -m bench --profile [--json]                                     where the cold start goes

Build time (into a fresh temp folder; the committed snapshot is never touched); the map payload (deck.gl
JSON and still preview) per geography level and the warm rerun time of every page at every level
(AppTest); cold start to coloured map pixels (the still preview painted, from the browser's Element
Timing record; and deck.gl's own map drawn) and server memory after 10 sessions (headless Debian
chromium, loopback only), for the app as deployed (`python -m deploy.serve`, which warms the process
up), behind nginx and as a plain `streamlit run app.py`; and a bounded load test of concurrent browser
sessions clicking through the pages (bench/load.py), against one process and, with --via-nginx, against
two processes behind nginx (deploy/start.sh).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from bench.browser import REPO

LEVELS = ("lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn")
PAGES = {
    "overview": "app_pages/overview.py",
    "manufacturing": "app_pages/manufacturing.py",
    "productivity_gaps": "app_pages/productivity_gaps.py",
    "levelling_up": "app_pages/levelling_up.py",
    "compare_areas": "app_pages/compare_areas.py",
    "targets": "app_pages/targets.py",
    "data_and_methods": "app_pages/data_and_methods.py",
    "your_data": "app_pages/your_data.py",
    "accessibility": "app_pages/accessibility.py",
}
WARM_UP_RUNS, TIMED_RUNS = 2, 7
COLD_STARTS = 3  # per launcher: a single cold start on 2 shared cores varies by +-0.5 s
SESSIONS = 10
BUILD_TIMEOUT_S = 900
DEPLOYED = ["-m", "deploy.serve"]  # how deploy/start.sh runs each app process
FLOOR = ["-m", "streamlit", "run", "bench/floor_app.py"]  # Streamlit + deck.gl alone, for comparison
# After the "Budgets" section of the product brief (DESIGN.md), which is kept outside this repository;
# KB and MB taken as 1000 bytes and MiB.
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
        done = subprocess.run(
            [sys.executable, "-m", "loaders.build", "--out", out, "--quiet"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
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


def measure_apptest(pages: dict[str, str] = PAGES, freeze: bool = True) -> dict[str, Any]:
    """Map bytes per level (Overview: deck.gl JSON plus the still preview's HTML) and the median warm
    rerun time of every page at every level, via AppTest (one session: the level is set in the shared
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
    for level in LEVELS:
        at.switch_page(PAGES["overview"])
        run()
        at.selectbox(key="level").set_value(level)
        run()
        deck_bytes = len(at.get("deck_gl_json_chart")[0].proto.json.encode("utf-8"))
        preview_bytes = sum(len(item.value.encode("utf-8")) for item in at.markdown if PREVIEW_CLASS in item.value)
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


def cold_start(
    browser: Any, launcher: list[str] | None, blocked: list[str], via_nginx: bool = False, preview: bool = True
) -> tuple[dict[str, Any], Any]:
    """A fresh server process (`launcher` as in StreamlitServer; or deploy/start.sh with one app process
    behind nginx) to coloured map pixels in a tab of an already running browser, opened (empty, with
    no cache) before the server starts. Two moments: the first coloured map pixels in the map's cell
    (the still preview painted) and deck.gl's own map drawn (previews hidden).
    `preview=False` for a page without previews (the floor page). Returns the figures and the still
    running server (the caller stops it)."""
    from bench.browser import MAP_CANVAS, StreamlitServer, new_page, wait_for_map, wait_for_map_preview
    from bench.coldstart import BROWSER_TIMING_JS
    from bench.load import NginxDeployment

    page = new_page(browser, blocked)
    started = time.perf_counter()
    started_epoch = time.time()
    server: Any = NginxDeployment(processes=1) if via_nginx else StreamlitServer(launcher=launcher)
    try:
        server.start()
        if not via_nginx:
            server.wait_healthy()
        requested_s = time.perf_counter() - started
        page.goto(server.url, timeout=60_000)
        if preview:
            first_pixels_s = wait_for_map_preview(page) - started_epoch
        else:
            wait_for_map(page, stable=False)
            first_pixels_s = time.perf_counter() - started
        page.wait_for_selector(MAP_CANVAS, state="visible", timeout=60_000)
        canvas_s = time.perf_counter() - started
        wait_for_map(page, stable=False)
        deck_s = time.perf_counter() - started
        timing = page.evaluate(BROWSER_TIMING_JS)
    except Exception:
        server.stop()
        raise
    offset = requested_s  # the browser's times count from the page's request (performance.timeOrigin)
    deck = [entry for entry in timing["resources"] if entry["name"].startswith("DeckGlJsonChart")]
    phases = {
        "server_healthy_page_requested": round(requested_s, 2),
        "dom_content_loaded": round(offset + timing["dom_content_loaded"] / 1000, 2),
        "first_map_pixels": round(first_pixels_s, 2),
        "map_canvas": round(canvas_s, 2),
        "deck_gl_map_drawn": round(deck_s, 2),
    }
    if deck:
        phases["deck_chunk_requested"] = round(offset + deck[0]["start"] / 1000, 2)
        phases["deck_chunk_loaded"] = round(offset + deck[0]["end"] / 1000, 2)
    return {
        "cold_start_to_pixels_s": round(first_pixels_s, 2),
        "from_page_request_s": round(first_pixels_s - requested_s, 2),
        "to_deck_gl_map_s": round(deck_s, 2),
        "phases_s": dict(sorted(phases.items(), key=lambda item: item[1])),
    }, (server, page)


def cold_starts(
    browser: Any,
    launcher: list[str] | None,
    blocked: list[str],
    via_nginx: bool = False,
    preview: bool = True,
    keep_last: bool = False,
) -> dict[str, Any]:
    """COLD_STARTS cold starts of one launcher; the medians of the three figures, and every run. With
    `keep_last`, the last run's server and page stay open ("kept")."""
    runs: list[dict[str, Any]] = []
    kept = None
    for number in range(COLD_STARTS):
        figures, (server, page) = cold_start(browser, launcher, blocked, via_nginx, preview)
        runs.append(figures)
        if keep_last and number == COLD_STARTS - 1:
            kept = (server, page)
        else:
            page.context.close()
            server.stop()
    keys = ("cold_start_to_pixels_s", "from_page_request_s", "to_deck_gl_map_s")
    medians = {key: round(statistics.median(run[key] for run in runs), 2) for key in keys}
    summary = (
        f"first map pixels {medians['cold_start_to_pixels_s']} s from server start "
        f"({medians['from_page_request_s']} s from the page request), deck.gl map "
        f"{medians['to_deck_gl_map_s']} s; medians of {len(runs)}: "
        + "; ".join(f"{run['cold_start_to_pixels_s']}/{run['to_deck_gl_map_s']}" for run in runs)
    )
    result: dict[str, Any] = {**medians, "summary": summary, "runs": runs}
    if kept:
        result["kept"] = kept
    return result


def measure_browser() -> dict[str, Any]:
    """Cold starts (cold_starts) for a page with only a deck.gl map (the floor), for plain `streamlit run
    app.py`, for one process behind nginx (deploy/start.sh) and for the deployed launcher (python -m
    deploy.serve: its first map pixels counted from the server process start are the budget figure),
    then server RSS after SESSIONS sessions of the latter."""
    from playwright.sync_api import sync_playwright

    from bench.browser import launch_chromium, new_page, open_app, wait_for_map

    blocked: list[str] = []
    results: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)  # already running, as a user's browser would be
        try:
            floor = cold_starts(browser, FLOOR, blocked, preview=False)
            log(f"cold start, a page with only a deck.gl map (bench/floor_app.py): {floor['summary']}")
            plain = cold_starts(browser, None, blocked)
            log(f"cold start, plain streamlit run: {plain['summary']}")
            behind = cold_starts(browser, None, blocked, via_nginx=True)
            log(f"cold start, deploy/start.sh (nginx, 1 process): {behind['summary']}")
            deployed = cold_starts(browser, DEPLOYED, blocked, keep_last=True)
            log(f"cold start, python -m deploy.serve: {deployed['summary']}")
            server, first = deployed.pop("kept")
            try:
                rss_first = server.rss_mb()
                pages = [first]
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
                server.stop()
        finally:
            browser.close()
    results.update(
        {
            "cold_start_to_pixels_s": deployed["cold_start_to_pixels_s"],
            "cold_start_deploy_serve": deployed,
            "cold_start_plain_streamlit_run": plain,
            "cold_start_floor_deck_only_page": floor,
            "cold_start_via_nginx": behind,
            "memory_after_1_session_mb": round(rss_first, 1),
            "memory_after_10_sessions_mb": round(rss, 1),
            "blocked_requests": sorted(set(blocked)),
        }
    )
    return results


def measure_profile() -> dict[str, Any]:
    from bench.coldstart import profile_cold_start

    return {
        "cold_start_profile": {
            "plain_streamlit_run": profile_cold_start(REPO, warm_up=False),
            "deploy_serve": profile_cold_start(REPO, warm_up=True),
        }
    }


def measure_load(via_nginx: bool, sessions: int, steps: int, timeout_s: float, webgl: bool = True) -> dict[str, Any]:
    from bench.load import run_load

    single = run_load(via_nginx=False, sessions=sessions, steps=steps, timeout_s=timeout_s, webgl=webgl)
    log(f"load, one process: {single['summary']}")
    results: dict[str, Any] = {"load": {"single_process": single}}
    if via_nginx:
        behind = run_load(via_nginx=True, sessions=sessions, steps=steps, timeout_s=timeout_s, webgl=webgl)
        log(f"load, via nginx: {behind['summary']}")
        results["load"]["via_nginx"] = behind
    return results


def budget_report(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rerun = results.get("rerun_ms") or {}
    lad = [pages["lad"] for pages in rerun.values() if pages.get("lad") is not None]
    measured = {
        "build_s": results.get("build_s"),
        "rerun_ms_lad": max(lad, default=None),
        "map_payload_bytes_lad": (results.get("map_payload_bytes") or {}).get("lad"),
        "cold_start_to_pixels_s": results.get("cold_start_to_pixels_s"),
        "memory_after_10_sessions_mb": results.get("memory_after_10_sessions_mb"),
    }
    return {
        name: {
            "budget": budget,
            "measured": measured[name],
            "within_budget": None if measured[name] is None else measured[name] <= budget,
        }
        for name, budget in BUDGETS.items()
    }


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so the servers, nginx and browsers started here are always stopped."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON object on stdout")
    parser.add_argument("--skip-browser", action="store_true", help="no cold start or memory measurement")
    parser.add_argument("--skip-build", action="store_true", help="do not time loaders.build")
    parser.add_argument("--skip-load", action="store_true", help="no load test")
    parser.add_argument("--load", action="store_true", help="run only the load test")
    parser.add_argument(
        "--via-nginx", action="store_true", help="also run the load test through nginx in front of two app processes"
    )
    parser.add_argument("--profile", action="store_true", help="run only the cold start profile")
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="rerun times as under plain `streamlit run` (no gc.freeze after start-up)",
    )
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions in the load test")
    parser.add_argument("--steps", type=int, default=14, help="interactions per session in the load test")
    parser.add_argument(
        "--no-webgl",
        action="store_true",
        help="load test browsers without WebGL (maps stay the server's still previews)",
    )
    parser.add_argument("--load-timeout", type=float, default=600, help="overall limit of one load test (s)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)

    def load() -> dict[str, Any]:
        return measure_load(args.via_nginx, args.sessions, args.steps, args.load_timeout, webgl=not args.no_webgl)

    steps: list[tuple[str, Callable[[], dict[str, Any]]]]
    if args.profile:
        steps = [("profile", measure_profile)]
    elif args.load:
        steps = [("load", load)]
    else:
        steps = [("apptest", lambda: measure_apptest(freeze=not args.no_freeze))]
        if not args.skip_build:
            steps.insert(0, ("build", measure_build))
        if not args.skip_browser:
            steps.append(("browser", measure_browser))
        if not args.skip_load:
            steps.append(("load", load))

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
    if not (args.profile or args.load):
        results["budgets"] = budget_report(results)
        results["all_within_budget"] = all(
            entry["within_budget"] for entry in results["budgets"].values() if entry["within_budget"] is not None
        )
    load_errors = sum(run["summary"]["errors"] for run in (results.get("load") or {}).values())
    if load_errors:
        errors["load_errors"] = f"{load_errors} failed steps or app errors under load"
    if errors:
        results["errors"] = errors
    text = json.dumps(results, indent=None if args.json else 2)
    if not args.json:
        for name, entry in (results.get("budgets") or {}).items():
            verdict = {True: "ok", False: "OVER", None: "skipped"}[entry["within_budget"]]
            print(f"{name:32} {entry['measured']!s:>12} / {entry['budget']:<10} {verdict}")
    print(text)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
