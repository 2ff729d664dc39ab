"""Where the cold start goes: a fresh server whose first script run is profiled (bench/profiled_server.py),
one headless chromium page opened on it, and a timeline of both sides (`python -m bench --profile`).

Timeline (seconds from the server process start): server healthy, page requested, HTML and JS loaded,
first script run start and end (from the server), deck.gl chunk loaded, map canvas, coloured pixels.
The profile lists the costliest functions of the first run and the time spent importing modules.
"""

from __future__ import annotations

import json
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

BROWSER_TIMING_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource').map(r => ({
    name: r.name.split('/').pop().split('?')[0], start: r.startTime, end: r.responseEnd,
    bytes: r.encodedBodySize, decoded: r.decodedBodySize, kind: r.initiatorType}));
  return {origin: performance.timeOrigin, dom_content_loaded: nav.domContentLoadedEventEnd,
          load: nav.loadEventEnd, resources: res};
}"""


def _top_functions(stats: pstats.Stats, limit: int) -> list[dict[str, Any]]:
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(filename).name}:{line}({name})",
                "file": filename,
                "calls": calls,
                "own_s": round(own, 3),
                "cumulative_s": round(cumulative, 3),
            }
        )
    rows.sort(key=lambda row: row["cumulative_s"], reverse=True)
    return rows[:limit]


def import_seconds(stats: pstats.Stats) -> float:
    """Time inside imports: the outermost import machinery call's cumulative time (cProfile counts a
    recursive call's cumulative time once)."""
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name == "_find_and_load" and "importlib" in filename:
            return round(cumulative, 3)
    return 0.0


def our_costs(stats: pstats.Stats, repo: Path, limit: int = 25) -> list[dict[str, Any]]:
    """The costliest functions in the repository's own modules (pages, components, loaders, metrics)."""
    rows = [row for row in _top_functions(stats, 100_000) if str(repo) in row["file"] and "/bench/" not in row["file"]]
    for row in rows:
        row["file"] = str(Path(row["file"]).relative_to(repo))
    return rows[:limit]


def imported_packages(stats: pstats.Stats, limit: int = 15) -> list[dict[str, Any]]:
    """Cumulative import time per top-level module executed during the run (`<module>` frames of
    packages' __init__ files and modules, outermost first)."""
    totals: dict[str, float] = {}
    for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name != "<module>" or "site-packages" not in filename:
            continue
        relative = filename.split("site-packages/", 1)[1]
        package = relative.split("/", 1)[0].removesuffix(".py")
        if relative.count("/") <= 1:  # the package's own __init__ (or a top-level module) holds the total
            totals[package] = max(totals.get(package, 0.0), cumulative)
    return [
        {"package": name, "import_s": round(seconds, 3)}
        for name, seconds in sorted(totals.items(), key=lambda item: item[1], reverse=True)[:limit]
    ]


def profile_cold_start(repo: Path, keep_dir: Path | None = None, warm_up: bool = False) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from bench.browser import MAP_CANVAS, StreamlitServer, launch_chromium, new_page, wait_for_map

    out = keep_dir or Path(tempfile.mkdtemp(prefix="rpe-coldstart-"))
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("run-*.prof"):
        old.unlink()
    (out / "runs.jsonl").unlink(missing_ok=True)
    blocked: list[str] = []
    marks: dict[str, float] = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            marks["server_start"] = time.time()
            with StreamlitServer(
                repo, launcher=["-m", "bench.profiled_server", str(out)], env={"RPE_WARM_UP": "1" if warm_up else "0"}
            ) as server:
                server.wait_healthy()
                marks["server_healthy"] = time.time()
                page = new_page(browser, blocked)
                marks["page_requested"] = time.time()
                page.goto(server.url, timeout=60_000)
                page.wait_for_selector(MAP_CANVAS, state="visible", timeout=60_000)
                marks["map_canvas"] = time.time()
                wait_for_map(page, stable=False)
                marks["map_pixels"] = time.time()
                timing = page.evaluate(BROWSER_TIMING_JS)
                page.context.close()
                deadline = time.monotonic() + 10
                while not (out / "run-1.prof").exists() and time.monotonic() < deadline:
                    time.sleep(0.1)
        finally:
            browser.close()
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    origin = timing["origin"] / 1000
    zero = marks["server_start"]
    timeline = {name: round(stamp - zero, 2) for name, stamp in marks.items()}
    timeline["dom_content_loaded"] = round(origin + timing["dom_content_loaded"] / 1000 - zero, 2)
    timeline["first_script_run_start"] = round(runs[0]["start"] - zero, 2)
    timeline["first_script_run_end"] = round(runs[0]["end"] - zero, 2)
    scripts = [entry for entry in timing["resources"] if entry["name"].endswith(".js")]
    deck = [entry for entry in scripts if entry["name"].startswith("DeckGlJsonChart")]
    if deck:
        timeline["deck_chunk_requested"] = round(origin + deck[0]["start"] / 1000 - zero, 2)
        timeline["deck_chunk_loaded"] = round(origin + deck[0]["end"] / 1000 - zero, 2)
    stats = pstats.Stats(str(out / "run-1.prof"))
    total = round(runs[0]["end"] - runs[0]["start"], 3)
    return {
        "timeline_s": dict(sorted(timeline.items(), key=lambda item: item[1])),
        "cold_start_to_pixels_s": round(marks["map_pixels"] - zero, 2),
        "first_run": {
            "wall_s": total,
            "profiled_s": round(stats.total_tt, 3),  # type: ignore[attr-defined]
            "imports_s": import_seconds(stats),
            "imports_by_package": imported_packages(stats),
            "new_top_level_packages": runs[0]["new_top_level_packages"],
            "our_costliest_functions": our_costs(stats, repo),
        },
        "javascript": {
            "files": len(scripts),
            "bytes_on_wire": sum(entry["bytes"] for entry in scripts),
            "bytes_decoded": sum(entry["decoded"] for entry in scripts),
            "largest": sorted(
                ({"name": entry["name"], "bytes": entry["decoded"]} for entry in scripts),
                key=lambda entry: entry["bytes"],
                reverse=True,
            )[:5],
        },
        "profile_file": str(out / "run-1.prof"),
        "blocked_requests": sorted(set(blocked)),
    }
