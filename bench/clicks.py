"""Single-user clicks, timed in Chromium from the action to a settled page (`python -m bench --clicks`).

One warmed-up process (`python -m deploy.serve`) and one browser tab; after the app has opened and drawn
its map, the fixed SCRIPT runs ROUNDS times (each round asks for other options, so no step repeats a view).
A step is settled when a script run started after the action has sent `script_finished`, the app shows
the not-running state and no element is marked stale (`data-stale="true"`: Streamlit's mark on what the
run has not redrawn yet). Every step is listed with its time; p50/p95 over all steps are the budget figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from typing import Any

from bench.browser import CHROMIUM, CHROMIUM_ARGS, MAP_CANVAS
from bench.deployments import deployment
from bench.load import choose_other_option, new_loopback_page
from bench.load_results import SessionState, percentile, read_message

ROUNDS = 3
STEP_TIMEOUT_S = 60.0
# Issue 15's walk: pick an area, switch measure (the Overview's indicator), switch page, switch level, add a
# comparator, open Targets; then back to the Overview for the next round.
SCRIPT: tuple[tuple[str, str], ...] = (
    ("select", "Area"),
    ("select", "Indicator"),
    ("nav", "Manufacturing"),
    ("select", "Geography"),
    ("nav", "Compare areas"),
    ("comparator", "Comparators"),
    ("nav", "Targets"),
    ("nav", "Overview"),
)
SETTLED_JS = """() => !!document.querySelector("[data-testid='stApp'][data-test-script-state='notRunning']")
  && !document.querySelector("[data-stale='true']")"""


async def _settle(page: Any, state: SessionState, before: int) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while state.finished <= before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script run finished within {STEP_TIMEOUT_S:.0f} s")
        await asyncio.sleep(0.01)
    await page.wait_for_function(SETTLED_JS, polling=20, timeout=STEP_TIMEOUT_S * 1000)


async def _comparator_option(page: Any, label: str, number: int) -> Any:
    box = page.get_by_role("combobox", name=label)
    await box.click()
    options = page.get_by_role("option")
    await options.first.wait_for(state="visible")
    return options.nth(number % min(4, await options.count()))


async def _walk(url: str, rounds: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    steps: list[dict[str, Any]] = []
    blocked: list[str] = []
    errors: list[str] = []
    state = SessionState()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = await new_loopback_page(browser, blocked)
            page.on("websocket", lambda socket: socket.on("framereceived", lambda data: read_message(data, state)))
            page.on("pageerror", lambda error: errors.append(str(error)[:200]))
            await page.goto(url, timeout=STEP_TIMEOUT_S * 1000)
            await _settle(page, state, 0)
            await page.wait_for_selector(MAP_CANVAS, state="visible", timeout=STEP_TIMEOUT_S * 1000)
            await asyncio.sleep(1.0)  # deck.gl's first draw is not a click's cost
            for round_number in range(rounds):
                for index, (kind, target) in enumerate(SCRIPT):
                    number = round_number * len(SCRIPT) + index
                    step: dict[str, Any] = {"round": round_number + 1, "action": f"{kind}: {target}"}
                    try:
                        if kind == "select":
                            target_element = await choose_other_option(page, target, round_number, index)
                        elif kind == "comparator":
                            target_element = await _comparator_option(page, target, number)
                        else:
                            target_element = page.locator("[data-testid='stSidebarNav']").get_by_role(
                                "link", name=target
                            )
                        before = state.finished
                        started = time.perf_counter()
                        await target_element.click()
                        await _settle(page, state, before)
                        step["seconds"] = round(time.perf_counter() - started, 3)
                        step["to_script_finished_s"] = round(state.finished_at - started, 3)
                        if kind == "comparator":
                            await page.keyboard.press("Escape")  # close the multiselect's menu (not timed)
                    except Exception as exc:
                        step["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                        with contextlib.suppress(Exception):
                            await page.keyboard.press("Escape")
                    steps.append(step)
                    await asyncio.sleep(0.3)
        finally:
            await browser.close()
    return {"steps": steps, "blocked": blocked, "page_errors": errors, "app_problems": state.problems}


def measure_clicks(rounds: int = ROUNDS) -> dict[str, Any]:
    """The walk against one deploy.serve process; every step's time and the p50/p95 over all of them."""
    load_start = os.getloadavg()
    with deployment(False) as (url, _pids, log_problems, _per_backend):
        outcome = asyncio.run(_walk(url, rounds))
        server_problems = log_problems()
    times = [step["seconds"] for step in outcome["steps"] if "seconds" in step]
    by_action: dict[str, list[float]] = {}
    for step in outcome["steps"]:
        if "seconds" in step:
            by_action.setdefault(step["action"], []).append(step["seconds"])
    errors = sum("error" in step for step in outcome["steps"]) + len(outcome["app_problems"]) + len(server_problems)
    return {
        "clicks": {
            "steps": outcome["steps"],
            "by_action_s": by_action,
            "p50_s": percentile(times, 0.5),
            "p95_s": percentile(times, 0.95),
            "errors": errors,
            "error_details": {
                "page_errors": outcome["page_errors"][:10],
                "app_problems": outcome["app_problems"][:10],
                "server_log": server_problems[:10],
            },
            "blocked_requests": sorted(set(outcome["blocked"])),
            "load_average": {"start": load_start, "end": os.getloadavg()},
        }
    }
