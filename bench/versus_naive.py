"""Cold start side by side with the naive baseline, in one run (`python -m bench --versus-naive [--rounds 3]`).

The naive app is ../shared/bench/naive/app.py (plain Streamlit + geopandas + pydeck over the raw LAD
files). Each round launches, in turn and each as a fresh server process opened by a fresh browser:
the naive app (`streamlit run app.py`), ours as the README runs it (`streamlit run app.py`) at the default
view and at `?level=lad`, and ours as deployed (`python -m deploy.serve`). Every launch is measured the same
way, all times from the page request:

- script_finished_s: the first script run's `script_finished` message on the WebSocket;
- first_map_pixels_s: the first screenshot of the map's place with enough coloured pixels (measure_app.py's
  colour test): the naive app's deck.gl element; ours the map's cell, where the still preview shows
  before deck.gl has drawn (components/map_preview.py);
- deck_gl_map_s: deck.gl's own drawing (our previews hidden), coloured pixels in the deck.gl element;
- ws_bytes_first_load, http200_s (process start to the first HTTP 200) and the server's RSS after the session.

The shared ../shared/bench/measure_app.py is also run for the naive app and ours (default and LAD) in every
round, its JSON kept as printed: it counts pixels in the deck.gl element only, so for ours it times deck.gl's
drawing, not the preview. Medians per launcher and the ratios ours / naive close the report.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from PIL import Image

from bench.browser import MAP, MAP_PREVIEW, MAP_SLOT, REPO, StreamlitServer, launch_chromium, new_page
from bench.load_results import SessionState, read_message
from bench.progress import log

SHARED_BENCH = REPO.parent / "shared" / "bench"
NAIVE_DIR = SHARED_BENCH / "naive"
MEASURE_APP = SHARED_BENCH / "measure_app.py"
MIN_COLOURED = 5000  # measure_app.py's threshold: saturated pixels at half size
POLL_S = 0.05
TIMEOUT_S = 120.0
# name -> (folder, launcher, query)
LAUNCHES: dict[str, tuple[Path, list[str], str]] = {
    "naive": (NAIVE_DIR, ["-m", "streamlit", "run", "app.py"], ""),
    "ours": (REPO, ["-m", "streamlit", "run", "app.py"], ""),
    "ours_lad": (REPO, ["-m", "streamlit", "run", "app.py"], "?level=lad"),
    "ours_deploy_serve": (REPO, ["-m", "deploy.serve"], ""),
}
MEASURE_APP_RUNS: dict[str, tuple[Path, str]] = {
    "naive": (NAIVE_DIR, ""),
    "ours": (REPO, ""),
    "ours_lad": (REPO, "?level=lad"),
}


def coloured_pixels(png: bytes) -> int:
    """Saturated pixels (max - min channel > 40) at half size: measure_app.py's test of a coloured map."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
    return sum(count for count, (r, g, b) in image.getcolors(1 << 22) or [] if max(r, g, b) - min(r, g, b) > 40)


def _wait_for_colour(page: Any, selector: str, started: float) -> float:
    """Seconds from `started` until the first element matching `selector` shows a coloured map."""
    while time.perf_counter() - started < TIMEOUT_S:
        element = page.locator(selector).first
        try:
            if element.count() and coloured_pixels(element.screenshot(timeout=5_000)) > MIN_COLOURED:
                return time.perf_counter() - started
        except Exception:  # not attached or not visible yet
            pass
        page.wait_for_timeout(POLL_S * 1000)
    raise TimeoutError(f"no coloured map in {selector} within {TIMEOUT_S:.0f} s")


def _http_ok(url: str, started: float) -> float:
    while time.perf_counter() - started < 60:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.02)
    raise TimeoutError(f"{url} did not answer 200 within 60 s")


def cold_launch(browser: Any, folder: Path, launcher: list[str], query: str) -> dict[str, Any]:
    """One fresh server process and one fresh browser context on it; the figures above."""
    started = time.perf_counter()
    server = StreamlitServer(folder, launcher=launcher, env={"PYTHONPATH": str(REPO)}).start()
    try:
        http200 = _http_ok(server.url + query, started)
        blocked: list[str] = []
        page = new_page(browser, blocked)
        state = SessionState()
        received = [0]

        def on_socket(socket: Any) -> None:
            def on_frame(payload: bytes | str) -> None:
                received[0] += len(payload)
                read_message(payload, state)

            socket.on("framereceived", on_frame)

        page.on("websocket", on_socket)
        requested = time.perf_counter()
        page.goto(server.url + query, timeout=60_000)
        first_pixels = _wait_for_colour(page, f"{MAP_SLOT}, {MAP}" if folder == REPO else MAP, requested)
        page.add_style_tag(content=f"{MAP_PREVIEW} {{ visibility: hidden !important; }}")
        deck = _wait_for_colour(page, MAP, requested)
        while not state.finished and time.perf_counter() - requested < TIMEOUT_S:
            page.wait_for_timeout(POLL_S * 1000)
        figures = {
            "http200_s": round(http200, 2),
            "script_finished_s": round(state.finished_at - requested, 2) if state.finished else None,
            "first_map_pixels_s": round(first_pixels, 2),
            "deck_gl_map_s": round(deck, 2),
            "ws_bytes_first_load": received[0],
            "server_rss_mb": round(server.rss_mb()),
            "blocked_requests": len(blocked),
        }
        page.context.close()
        return figures
    finally:
        server.stop()


def measure_app(folder: Path, query: str) -> dict[str, Any]:
    """../shared/bench/measure_app.py as its README runs it (its own server and browser); its JSON line."""
    command = [sys.executable, str(MEASURE_APP), str(folder), "app.py", "--port", str(_free_port())]
    if query:
        command += ["--query", query]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=folder)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"measure_app.py failed: {done.stderr[-1000:]}")
    return json.loads(lines[-1])


def _free_port() -> int:
    from bench.browser import free_port

    return free_port()


def _medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each numeric figure over the runs that have it."""
    keys = dict.fromkeys(key for run in runs for key, value in run.items() if isinstance(value, int | float))
    return {
        key: round(statistics.median(run[key] for run in runs if isinstance(run.get(key), int | float)), 2)
        for key in keys
    }


def ratio(ours: float | None, naive: float | None) -> float | None:
    return round(ours / naive, 2) if ours is not None and naive else None


def measure_versus_naive(rounds: int = 3) -> dict[str, Any]:
    if not (NAIVE_DIR / "app.py").exists() or not MEASURE_APP.exists():
        raise FileNotFoundError(f"the naive baseline is missing: {NAIVE_DIR / 'app.py'}, {MEASURE_APP}")
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in LAUNCHES}
    shared_runs: dict[str, list[dict[str, Any]]] = {name: [] for name in MEASURE_APP_RUNS}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for number in range(1, rounds + 1):
                for name, (folder, launcher, query) in LAUNCHES.items():
                    runs[name].append(cold_launch(browser, folder, launcher, query))
                    log(f"round {number}, {name}: {runs[name][-1]}")
                for name, (folder, query) in MEASURE_APP_RUNS.items():
                    shared_runs[name].append(measure_app(folder, query))
                    log(f"round {number}, measure_app.py {name}: {shared_runs[name][-1]}")
        finally:
            browser.close()
    medians = {name: _medians(values) for name, values in runs.items()}
    shared = {name: _medians(values) for name, values in shared_runs.items()}
    naive = medians["naive"]
    ratios = {
        name: {
            "first_map_pixels": ratio(figures["first_map_pixels_s"], naive["first_map_pixels_s"]),
            "script_finished": ratio(figures.get("script_finished_s"), naive.get("script_finished_s")),
            "deck_gl_map": ratio(figures["deck_gl_map_s"], naive["deck_gl_map_s"]),
        }
        for name, figures in medians.items()
        if name != "naive"
    }
    return {
        "versus_naive": {
            "rounds": rounds,
            "medians": medians,
            "ratios_to_naive": ratios,
            "measure_app_medians": shared,
            "measure_app_ratios_to_naive": {
                name: {
                    "map_pixels": ratio(figures["map_pixels_s"], shared["naive"]["map_pixels_s"]),
                    "script_idle": ratio(figures["script_idle_s"], shared["naive"]["script_idle_s"]),
                }
                for name, figures in shared.items()
                if name != "naive"
            },
            "runs": runs,
            "measure_app_runs": shared_runs,
        }
    }
