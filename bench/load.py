"""A bounded load test: concurrent browser sessions clicking through the app (`python -m bench --load`).

SESSIONS browser contexts (each a Streamlit session; shared between BROWSERS chromium processes, to fit
a 2-core machine) open the app on loopback, then each performs the same fixed walk: change a sidebar
widget, move to another page, and so on (ACTIONS), with a short think time. For every step the time
from the triggering click to the app being idle again is recorded: the server's `script_finished`
message for a run started after the click has arrived and the page shows the not-running state. The
first step ("open") runs from the request to the first run's end with the Overview's map on screen. The
same steps are also timed to the arrival of their script_finished message alone, without the browser
drawing the result (the click and the message still pass through the browser, which on this machine shares
the two cores with the server and draws WebGL in software).

Errors, which must be 0: a step that fails or times out, an exception or error box the app sends
(read from the WebSocket's protobuf messages), an uncaught JavaScript error, a WebSocket that closes
mid-walk, or a traceback in the server logs. Server RSS (every app process, plus nginx) is sampled
throughout. The whole test stops itself after `timeout_s`; unfinished steps then count as errors.

Single process: `python -m deploy.serve`. Via nginx: deploy/start.sh with two processes.

With `webgl=False` the browsers run with WebGL switched off: deck.gl cannot draw, so each map stays the
still preview the server sends under it (components/map_preview.py), and the two cores are no longer
spent drawing twenty WebGL maps in software. The server does exactly the same work (same script runs,
same deck.gl JSON sent); deck.gl's own "cannot create a WebGL context" error is then expected and
reported apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import time
from typing import Any

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    MAP_CANVAS,
    MAP_PREVIEW,
    NO_WEBGL_ARGS,
    VIEWPORT,
    is_loopback,
)
from bench.deployments import deployment
from bench.load_results import SessionState, Step, read_message, summarise
from bench.process_memory import RssSampler

BROWSERS = 2
THINK_S = 0.5
RAMP_S = 0.25  # session i starts i * RAMP_S after the first
STEP_TIMEOUT_S = 90.0
NO_WEBGL_ERROR = r"Failed to create WebGL context"
# Uncaught browser errors that are Streamlit's own known bugs, reported apart from `errors` with their
# upstream reference (everything else a page throws counts as an error).
KNOWN_STREAMLIT_ERRORS: tuple[tuple[str, str], ...] = (
    (
        r"Unrecognized data set",
        "vega chart update race in Streamlit's front end: streamlit/streamlit#11906, "
        "#11342 (fix in PR #11911 narrows it; still seen under load with 1.67)",
    ),
)
# The walk every session makes: (kind, target). "select" changes the sidebar selectbox with that label to
# another option (which option depends on the session, so sessions ask for different views); "nav"
# follows the navigation link of that page.
ACTIONS: tuple[tuple[str, str], ...] = (
    ("select", "Geography"),
    ("select", "Indicator"),
    ("nav", "Manufacturing"),
    ("select", "Year"),
    ("nav", "Productivity gaps"),
    ("select", "Compare with"),
    ("nav", "Levelling up"),
    ("select", "Area"),
    ("nav", "Compare areas"),
    ("nav", "Targets"),
    ("nav", "Your data"),
    ("nav", "Data and methods"),
    ("nav", "Accessibility"),
    ("nav", "Overview"),
)


async def new_loopback_page(browser: Any, blocked: list[str]) -> Any:
    """A page in a fresh context (a fresh Streamlit session) that aborts every non-loopback request and
    appends its URL to `blocked` (bench.browser.new_page, for Playwright's async API)."""
    context = await browser.new_context(viewport=VIEWPORT, device_scale_factor=1)

    async def guard(route: Any) -> None:
        if is_loopback(route.request.url):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    await context.route("**/*", guard)
    return await context.new_page()


class NothingToChoose(Exception):
    """The widget has one option in this view (e.g. one year): the step is skipped, not failed."""


async def _wait_for_run(page: Any, state: SessionState, before: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while state.finished <= before:
        if state.closed:
            raise RuntimeError("the WebSocket closed")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script run finished within {timeout_s:.0f} s")
        await asyncio.sleep(0.02)
    await page.wait_for_selector(IDLE, timeout=max(1.0, deadline - time.monotonic()) * 1000)


async def choose_other_option(page: Any, label: str, session: int, number: int) -> Any:
    """Open the sidebar selectbox `label` and return the option to click: another option than the
    current one, chosen by session and step so that sessions ask for different views."""
    box = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name=label, exact=True)
    current = await box.input_value()
    await box.click()
    if await box.get_attribute("aria-expanded") != "true":  # the click only focused it: open from the keyboard
        await box.press("ArrowDown")
    listbox = await box.get_attribute("aria-controls")
    options = page.locator(f"[id='{listbox}'] [role='option']") if listbox else page.get_by_role("option")
    await options.first.wait_for(state="visible")
    texts = [text.strip() for text in await options.all_inner_texts()]
    # Long lists are virtualised: only the first few rendered options are sure to be in view.
    candidates = [index for index, text in enumerate(texts) if text and text != current][:4]
    if not candidates:
        await page.keyboard.press("Escape")
        raise NothingToChoose(f"{label} offers a single option here")
    return options.nth(candidates[(session + number) % len(candidates)])


async def _session(
    browser: Any,
    url: str,
    index: int,
    steps: int,
    think_s: float,
    results: list[Step],
    states: list[SessionState],
    blocked: list[str],
    page_errors: list[str],
    webgl: bool,
) -> None:
    await asyncio.sleep(index * RAMP_S)
    state = SessionState()
    states.append(state)
    page = await new_loopback_page(browser, blocked)
    context = page.context
    page.set_default_timeout(STEP_TIMEOUT_S * 1000)  # a busy 2-core machine can take long to settle

    def on_socket(socket: Any) -> None:
        if "_stcore/stream" in socket.url:
            socket.on("framereceived", lambda payload: read_message(payload, state))
            socket.on("close", lambda _: setattr(state, "closed", True))

    page.on("websocket", on_socket)
    page.on("pageerror", lambda error: page_errors.append(f"session {index}: {str(error)[:200]}"))
    try:
        step = Step(index, 0, "open")
        results.append(step)
        started = time.perf_counter()
        try:
            await page.goto(url, timeout=STEP_TIMEOUT_S * 1000)
            await _wait_for_run(page, state, 0, STEP_TIMEOUT_S)
            step.to_finished_seconds = state.finished_at - started
            # the Overview shows its map: deck.gl's canvas, or without WebGL the still preview
            await page.wait_for_selector(MAP_CANVAS if webgl else f"{MAP_PREVIEW} img", state="visible")
            step.seconds = time.perf_counter() - started
        except Exception as exc:
            step.error = f"{type(exc).__name__}: {str(exc)[:200]}"
            return
        for number in range(1, steps + 1):
            await asyncio.sleep(think_s)
            kind, target = ACTIONS[(number - 1) % len(ACTIONS)]
            step = Step(index, number, f"{kind}:{target}")
            results.append(step)
            try:
                if kind == "select":
                    option = await choose_other_option(page, target, index, number)
                    before = state.finished
                    started = time.perf_counter()
                    await option.click()
                else:
                    link = page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=target)
                    before = state.finished
                    started = time.perf_counter()
                    await link.click()
                await _wait_for_run(page, state, before, STEP_TIMEOUT_S)
                step.seconds = time.perf_counter() - started
                step.to_finished_seconds = state.finished_at - started
            except NothingToChoose as exc:
                step.skipped = str(exc)
            except Exception as exc:
                step.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
                with contextlib.suppress(Exception):
                    await page.keyboard.press("Escape")  # close a menu left open
    finally:
        with contextlib.suppress(Exception):
            await context.close()


async def _run_sessions(
    url: str, sessions: int, steps: int, think_s: float, timeout_s: float, browsers: int, webgl: bool
) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    results: list[Step] = []
    states: list[SessionState] = []
    blocked: list[str] = []
    page_errors: list[str] = []
    timed_out = False
    async with async_playwright() as playwright:
        args = CHROMIUM_ARGS if webgl else [*CHROMIUM_ARGS, *NO_WEBGL_ARGS]
        launched = [
            await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
            for _ in range(browsers)
        ]
        tasks = [
            asyncio.create_task(
                _session(
                    launched[index % browsers], url, index, steps, think_s, results, states, blocked, page_errors, webgl
                )
            )
            for index in range(sessions)
        ]
        try:
            done, pending = await asyncio.wait(tasks, timeout=timeout_s)
            timed_out = bool(pending)
            for task in done:
                if task.exception() is not None:
                    page_errors.append(f"session crashed: {task.exception()!r}"[:300])
        finally:  # also when interrupted: no session outlives the test
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for browser in launched:
                with contextlib.suppress(Exception):
                    await browser.close()
    return {"steps": results, "states": states, "blocked": blocked, "page_errors": page_errors, "timed_out": timed_out}


def run_load(
    via_nginx: bool = False,
    sessions: int = 20,
    steps: int = len(ACTIONS),
    timeout_s: float = 600,
    think_s: float = THINK_S,
    browsers: int = BROWSERS,
    webgl: bool = True,
) -> dict[str, Any]:
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: apt-get install chromium")
    load_start = os.getloadavg()
    with deployment(via_nginx) as (url, pids, log_problems, sessions_per_backend):
        with RssSampler(pids) as rss:
            started = time.perf_counter()
            outcome = asyncio.run(_run_sessions(url, sessions, steps, think_s, timeout_s, browsers, webgl))
            wall = time.perf_counter() - started
        server_problems = log_problems()
        time.sleep(1.5)  # nginx flushes its upstream log every second
        backends = sessions_per_backend() or {"direct": len(outcome["states"])}
    steps_run: list[Step] = outcome["steps"]
    expected = sessions * (steps + 1)
    failed = [step for step in steps_run if step.error is not None]
    app_problems = [
        f"session {index}: {problem}" for index, state in enumerate(outcome["states"]) for problem in state.problems
    ]
    missing = expected - len(
        [step for step in steps_run if step.seconds is not None or step.error is not None or step.skipped]
    )
    known = [
        (error, reference)
        for error in outcome["page_errors"]
        for pattern, reference in KNOWN_STREAMLIT_ERRORS
        if re.search(pattern, error)
    ]
    without_webgl = [] if webgl else [error for error in outcome["page_errors"] if re.search(NO_WEBGL_ERROR, error)]
    browser_errors = [
        error
        for error in outcome["page_errors"]
        if error not in {item[0] for item in known} and error not in without_webgl
    ]
    errors = len(failed) + len(app_problems) + len(browser_errors) + len(server_problems) + missing
    summary = summarise(steps_run)
    return {
        "mode": ("nginx, 2 processes" if via_nginx else "single process")
        + ("" if webgl else ", browsers without WebGL"),
        "webgl": webgl,
        "sessions": sessions,
        "steps_per_session": steps,
        "browser_processes": browsers,
        "think_s": think_s,
        "wall_s": round(wall, 1),
        "timed_out": outcome["timed_out"],
        "time_to_idle": summary,
        "errors": errors,
        "error_details": {
            "failed_steps": [
                f"session {step.session} step {step.number} {step.action}: {step.error}" for step in failed
            ][:20],
            "not_run_steps": missing,
            "app_messages": app_problems[:20],
            "browser_errors": browser_errors[:20],
            "server_log": server_problems[:20],
        },
        "skipped_steps": sorted({f"{step.action}: {step.skipped}" for step in steps_run if step.skipped}),
        "known_streamlit_errors": [f"{error} ({reference})" for error, reference in known][:20],
        "expected_without_webgl": len(without_webgl),
        "sessions_per_backend": backends,
        "server_rss": rss.report(),
        "blocked_requests": sorted(set(outcome["blocked"])),
        "load_average": {"start": load_start, "end": os.getloadavg()},
        "summary": {
            "p50_s": summary["all_steps"]["p50_s"],
            "p95_s": summary["all_steps"]["p95_s"],
            "to_script_finished_p50_s": summary["all_steps_to_script_finished"]["p50_s"],
            "to_script_finished_p95_s": summary["all_steps_to_script_finished"]["p95_s"],
            "errors": errors,
            "peak_rss_mb": rss.report()["peak_total_mb"],
        },
    }


if __name__ == "__main__":  # python -m bench.load [--via-nginx]: a quick look without the other measurements
    import json

    print(json.dumps(run_load(via_nginx="--via-nginx" in sys.argv), indent=2))
