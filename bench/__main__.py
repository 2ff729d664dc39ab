"""Measure the app against its budgets (BUDGETS below) and print the figures.

    python -m bench [--json] [--skip-build] [--skip-browser] [--skip-load] [--via-nginx]
    python -m bench --load [--via-nginx] [--no-webgl] [--sessions 20] [--steps 14]   only the load test
    python -m bench --protocol-load [--via-nginx] [--protocol-sessions 10,25,50]   the server under load,
                                                                           no browsers (bench/protocol_load.py)
    python -m bench --profile [--json]                                     where the cold start goes
    python -m bench --versus-naive [--rounds 3]    cold start side by side with ../shared/bench's naive app
                                                   (bench/versus_naive.py)
    python -m bench --clicks [--rounds 3]          single-user clicks to a settled page (bench/clicks.py)

Build time (into a fresh temp folder; the committed snapshot is never touched); the map payload (deck.gl
JSON and still preview) per geography level and the warm rerun time of every page at every level
(AppTest); the whole-table XLSX (bench/downloads.py); cold start to coloured map pixels (the still preview
painted, from the browser's Element Timing record; and deck.gl's own map drawn) and server memory after 10
sessions (headless Debian chromium, loopback only) for `python -m deploy.serve`, behind nginx and as a plain
`streamlit run app.py`; the same cold start side by side with the naive baseline in ../shared/bench,
alternating, with the ratios the budgets are set in (bench/versus_naive.py); single-user clicks to a
settled page (bench/clicks.py); the protocol load test (WebSocket clients, no browsers: what the server
does under 10/25/50 sessions) and the browser load test (correctness under concurrent sessions).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from bench.browser import REPO
from bench.browser_budgets import measure_browser
from bench.build_time import measure_build
from bench.clicks import measure_clicks
from bench.downloads import measure_whole_table_xlsx
from bench.progress import log
from bench.protocol_load import PERSON_THINK_S, THINK_S
from bench.reruns import PAGES, measure_apptest
from bench.versus_naive import measure_versus_naive
from vocabulary.geography import AREA_LEVEL_KEYS

# The budgets of ARCHITECTURE.md ("Budgets"), after the product brief's; KB and MB taken as 1000 bytes and MiB.
# Times that drift with the machine are budgeted as ratios to the naive baseline measured in the same run.
BUDGETS: dict[str, float] = {
    "build_s": 90,
    "rerun_ms_lad": 150,
    "map_payload_bytes_lad": 350_000,
    "first_map_pixels_ratio_to_naive": round(1 / 3, 3),
    "first_map_pixels_ratio_to_naive_lad": round(1 / 3, 3),
    "first_script_run_ratio_to_naive": 1.0,
    "click_p50_s": 0.5,
    "click_p95_s": 1.0,
    "memory_after_10_sessions_mb": 200,
    "protocol_load_50_sessions_p95_s": 1.5,
    "protocol_load_errors": 0,
    "whole_table_xlsx_s": 5,
}


def measure_profile() -> dict[str, Any]:
    from bench.coldstart import profile_cold_start

    return {
        "cold_start_profile": {
            "cold_process": profile_cold_start(REPO, warm_up=False),  # RPE_WARM_UP=0
            "warmed_at_start": profile_cold_start(REPO, warm_up=True),  # as streamlit run app.py and deploy.serve
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


def _protocol_figures(results: dict[str, Any]) -> tuple[float | None, int | None]:
    """The worst p95 of the 50-session protocol load runs, and the errors of every protocol load run."""
    runs = [run for runs in (results.get("protocol_load") or {}).values() for run in runs]
    if not runs:
        return None, None
    p95 = [run["summary"]["p95_s"] for run in runs if run["sessions"] == 50 and run["summary"]["p95_s"] is not None]
    return max(p95, default=None), sum(run["summary"]["errors"] for run in runs)


def budget_report(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rerun = results.get("rerun_ms") or {}
    lad = [pages["lad"] for pages in rerun.values() if pages.get("lad") is not None]
    ratios = (results.get("versus_naive") or {}).get("ratios_to_naive") or {}
    clicks = results.get("clicks") or {}
    protocol_p95, protocol_errors = _protocol_figures(results)
    measured = {
        "build_s": results.get("build_s"),
        "rerun_ms_lad": max(lad, default=None),
        "map_payload_bytes_lad": (results.get("map_payload_bytes") or {}).get("lad"),
        "first_map_pixels_ratio_to_naive": (ratios.get("ours") or {}).get("first_map_pixels"),
        "first_map_pixels_ratio_to_naive_lad": (ratios.get("ours_lad") or {}).get("first_map_pixels"),
        "first_script_run_ratio_to_naive": (ratios.get("ours") or {}).get("script_finished"),
        "click_p50_s": clicks.get("p50_s"),
        "click_p95_s": clicks.get("p95_s"),
        "memory_after_10_sessions_mb": results.get("memory_after_10_sessions_mb"),
        "protocol_load_50_sessions_p95_s": protocol_p95,
        "protocol_load_errors": protocol_errors,
        "whole_table_xlsx_s": results.get("whole_table_xlsx_s"),
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


def measure_protocol_load(via_nginx: bool, counts: list[int], timeout_s: float, think_s: float) -> dict[str, Any]:
    """The protocol load test at each session count, on one process and (with via_nginx) two behind nginx."""
    from bench.protocol_load import run_protocol_load

    results: dict[str, list[dict[str, Any]]] = {"single_process": []}
    if via_nginx:
        results["via_nginx"] = []
    for where in results:
        for count in counts:
            run = run_protocol_load(
                via_nginx=where == "via_nginx", sessions=count, timeout_s=timeout_s, think_s=think_s
            )
            log(f"protocol load, {where}, {count} sessions: {run['summary']} rss {run['rss']['peak_total_mb']} MB")
            results[where].append(run)
    return {"protocol_load": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON object on stdout")
    parser.add_argument(
        "--skip-browser", action="store_true", help="no cold starts (nor the naive side by side), clicks or memory"
    )
    parser.add_argument("--skip-build", action="store_true", help="do not time loaders.build")
    parser.add_argument("--skip-load", action="store_true", help="no load tests (protocol or browser)")
    parser.add_argument("--load", action="store_true", help="run only the load test")
    parser.add_argument(
        "--via-nginx", action="store_true", help="also run the load test through nginx in front of two app processes"
    )
    parser.add_argument("--profile", action="store_true", help="run only the cold start profile")
    parser.add_argument(
        "--versus-naive", action="store_true", help="run only the cold start side by side with the naive app"
    )
    parser.add_argument("--clicks", action="store_true", help="run only the single-user click timings")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --versus-naive and --clicks")
    parser.add_argument(
        "--protocol-load",
        action="store_true",
        help="run only the protocol load test (WebSocket clients, no browsers)",
    )
    parser.add_argument(
        "--protocol-sessions", default="10,25,50", help="sessions of each protocol load test, comma-separated"
    )
    parser.add_argument(
        "--protocol-think",
        type=float,
        default=THINK_S,
        help=f"seconds each protocol session waits between a run and its next click (a person: {PERSON_THINK_S:g})",
    )
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

    def protocol_load() -> dict[str, Any]:
        counts = [int(part) for part in args.protocol_sessions.split(",") if part.strip()]
        return measure_protocol_load(args.via_nginx, counts, args.load_timeout, args.protocol_think)

    steps: list[tuple[str, Callable[[], dict[str, Any]]]]
    if args.profile:
        steps = [("profile", measure_profile)]
    elif args.versus_naive:
        steps = [("versus_naive", lambda: measure_versus_naive(args.rounds))]
    elif args.clicks:
        steps = [("clicks", lambda: measure_clicks(args.rounds))]
    elif args.protocol_load:
        steps = [("protocol_load", protocol_load)]
    elif args.load:
        steps = [("load", load)]
    else:
        steps = [
            ("apptest", lambda: measure_apptest(AREA_LEVEL_KEYS, PAGES, freeze=not args.no_freeze)),
            ("whole_table_xlsx", measure_whole_table_xlsx),
        ]
        if not args.skip_build:
            steps.insert(0, ("build", measure_build))
        if not args.skip_browser:
            steps.append(("browser", measure_browser))
            steps.append(("versus_naive", lambda: measure_versus_naive(args.rounds)))
            steps.append(("clicks", lambda: measure_clicks(args.rounds)))
        if not args.skip_load:
            steps.append(("protocol_load", protocol_load))
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
    if not (args.profile or args.load or args.protocol_load or args.versus_naive or args.clicks):
        results["budgets"] = budget_report(results)
        results["all_within_budget"] = all(
            entry["within_budget"] for entry in results["budgets"].values() if entry["within_budget"] is not None
        )
    load_errors = sum(run["summary"]["errors"] for run in (results.get("load") or {}).values())
    load_errors += sum(
        run["summary"]["errors"] for runs in (results.get("protocol_load") or {}).values() for run in runs
    )
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
