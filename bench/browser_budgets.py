"""The browser budgets: cold start to coloured map pixels in a browser that is already running (for the floor
page, plain `streamlit run app.py`, one process behind nginx and the deployed launcher `python -m
deploy.serve`), and server memory after SESSIONS sessions of the latter. Where a cold start goes is
bench/coldstart.py (`python -m bench --profile`)."""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench.progress import log

COLD_STARTS = 3  # per launcher: a single cold start on 2 shared cores varies by +-0.5 s
SESSIONS = 10
DEPLOYED = ["-m", "deploy.serve"]  # how deploy/start.sh runs each app process
FLOOR = ["-m", "streamlit", "run", "bench/floor_app.py"]  # Streamlit + deck.gl alone, for comparison


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
    from bench.deployments import NginxDeployment

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
