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
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    MAP_CANVAS,
    MAP_PREVIEW,
    NO_WEBGL_ARGS,
    REPO,
    VIEWPORT,
    StreamlitServer,
    free_port,
    is_loopback,
)
from deploy.nginx_conf import backends_by_key

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


class NothingToChoose(Exception):
    """The widget has one option in this view (e.g. one year): the step is skipped, not failed."""


@dataclass
class Step:
    session: int
    number: int
    action: str
    seconds: float | None = None  # click to idle
    to_finished_seconds: float | None = None  # click to the run's script_finished message reaching the test
    error: str | None = None
    skipped: str | None = None


@dataclass
class SessionState:
    """What one session's WebSocket said: finished script runs, exceptions and error boxes."""

    finished: int = 0
    finished_at: float = 0.0  # perf_counter() when the last script_finished message arrived
    problems: list[str] = field(default_factory=list)
    closed: bool = False


def read_message(payload: bytes | str, state: SessionState) -> None:
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return
    try:
        message = ForwardMsg.FromString(payload)
    except Exception:  # not ours to judge: the front end reads these
        return
    kind = message.WhichOneof("type")
    if kind == "script_finished":
        state.finished += 1
        state.finished_at = time.perf_counter()
        if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            state.problems.append("script finished with a compile error")
    elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        element = message.delta.new_element
        if element.WhichOneof("type") == "exception":
            state.problems.append(f"exception: {element.exception.type}: {element.exception.message[:200]}")
        elif element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
            state.problems.append(f"error box: {element.alert.body[:200]}")


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return round(ordered[rank - 1], 3)


def summarise(steps: list[Step]) -> dict[str, Any]:
    def figures(times: list[float]) -> dict[str, Any]:
        return {
            "n": len(times),
            "p50_s": percentile(times, 0.5),
            "p95_s": percentile(times, 0.95),
            "max_s": round(max(times), 3) if times else None,
            "mean_s": round(statistics.fmean(times), 3) if times else None,
        }

    done = [step for step in steps if step.seconds is not None and step.error is None]
    by_kind: dict[str, list[float]] = {}
    by_action: dict[str, list[float]] = {}
    for step in done:
        by_kind.setdefault(step.action.split(":")[0], []).append(step.seconds or 0.0)
        by_action.setdefault(step.action, []).append(step.seconds or 0.0)
    return {
        "all_steps": figures([step.seconds or 0.0 for step in done]),
        # the same steps timed to their script_finished message: without the browser drawing the result
        "all_steps_to_script_finished": figures([step.to_finished_seconds or 0.0 for step in done]),
        "by_kind": {kind: figures(times) for kind, times in sorted(by_kind.items())},
        "by_action": {
            action: {"n": len(times), "p50_s": percentile(times, 0.5), "p95_s": percentile(times, 0.95)}
            for action, times in by_action.items()
        },
    }


class RssSampler:
    """Samples the resident memory of a set of processes (and their children) in a thread."""

    def __init__(self, pids: dict[str, int], every_s: float = 0.5) -> None:
        self.pids = pids
        self.every_s = every_s
        self.peak: dict[str, float] = {}
        self.peak_total = 0.0
        self.last: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss_mb(pid: int) -> float:
        total = 0.0
        for one in [pid, *child_pids(pid)]:
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{one}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
        return total

    def sample(self) -> None:
        now = {name: self.rss_mb(pid) for name, pid in self.pids.items()}
        self.last = now
        for name, value in now.items():
            self.peak[name] = max(self.peak.get(name, 0.0), value)
        self.peak_total = max(self.peak_total, sum(now.values()))

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.sample()

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()

    def report(self) -> dict[str, Any]:
        return {
            "peak_total_mb": round(self.peak_total, 1),
            "end_total_mb": round(sum(self.last.values()), 1),
            "peak_mb": {name: round(value, 1) for name, value in self.peak.items()},
            "end_mb": {name: round(value, 1) for name, value in self.last.items()},
        }


def child_pids(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(child) for child in text)
    return found


class NginxDeployment:
    """deploy/start.sh in the background (two app processes and nginx on free loopback ports)."""

    def __init__(self, processes: int = 2) -> None:
        self.processes = processes
        self.port = free_port()
        self.run_dir = Path(tempfile.mkdtemp(prefix="rpe-bench-nginx-"))
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[str] | None = None
        self.app_pids: dict[str, int] = {}
        self.output: list[str] = []

    def start(self, timeout_s: float = 120) -> NginxDeployment:
        first = free_port()
        while any(_port_taken(port) for port in range(first, first + self.processes)) or first == self.port:
            first = free_port()
        env = {**os.environ, "PYTHON": sys.executable}
        self.process = subprocess.Popen(
            [
                "bash",
                str(REPO / "deploy" / "start.sh"),
                "--processes",
                str(self.processes),
                "--port",
                str(self.port),
                "--first-app-port",
                str(first),
                "--run-dir",
                str(self.run_dir),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout_s
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line.rstrip())
            if match := re.match(r"start\.sh: app process (\d+) on 127\.0\.0\.1:(\d+)", line):
                self.app_pids[f"app:{match.group(2)}"] = int(match.group(1))
            if "ready at" in line:
                threading.Thread(target=self._drain, daemon=True).start()
                return self
        self.stop()
        raise RuntimeError("deploy/start.sh did not become ready:\n" + "\n".join(self.output[-30:]))

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip())

    def pids(self) -> dict[str, int]:
        pid_file = self.run_dir / "nginx.pid"
        nginx = {"nginx": int(pid_file.read_text().strip())} if pid_file.exists() else {}
        return {**self.app_pids, **nginx}

    def log_problems(self) -> list[str]:
        problems = []
        for log in sorted(self.run_dir.glob("app-*.log")):
            problems += [
                f"{log.name}: {line[:200]}"
                for line in log.read_text(errors="replace").splitlines()
                if "Traceback" in line or " ERROR " in line
            ]
        error_log = self.run_dir / "error.log"
        if error_log.exists():
            problems += [
                f"nginx: {line[:200]}"
                for line in error_log.read_text(errors="replace").splitlines()
                if "[error]" in line or "[crit]" in line or "[alert]" in line or "[emerg]" in line
            ]
        return problems

    def sessions_per_backend(self) -> dict[str, int]:
        """Browsers (rpe_backend cookie keys) per app process, from nginx's upstream log (nginx no longer
        tells browsers which process served them)."""
        log = self.run_dir / "upstream.log"
        served = backends_by_key(log.read_text(errors="replace") if log.exists() else "")
        counts: dict[str, int] = {}
        for backends in served.values():
            for backend in backends:
                counts[backend] = counts.get(backend, 0) + 1
        return counts

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # start.sh stops nginx and the app processes itself
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _port_taken(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def deployment(via_nginx: bool) -> Iterator[tuple[str, dict[str, int], Any, Any]]:
    """The app as a single warmed-up process or behind nginx: (url, pids to watch, log reader, sessions
    per backend reader)."""
    if via_nginx:
        target = NginxDeployment().start()
        try:
            yield target.url, target.pids(), target.log_problems, target.sessions_per_backend
        finally:
            target.stop()
    else:
        server = StreamlitServer(launcher=["-m", "deploy.serve"]).start()
        try:
            server.wait_healthy()

            def problems() -> list[str]:
                return [
                    line[:200]
                    for line in server.log_tail(200_000).splitlines()
                    if "Traceback" in line or " ERROR " in line
                ]

            assert server.process is not None
            yield server.url, {"app": server.process.pid}, problems, dict
        finally:
            server.stop()


async def _wait_for_run(page: Any, state: SessionState, before: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while state.finished <= before:
        if state.closed:
            raise RuntimeError("the WebSocket closed")
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script run finished within {timeout_s:.0f} s")
        await asyncio.sleep(0.02)
    await page.wait_for_selector(IDLE, timeout=max(1.0, deadline - time.monotonic()) * 1000)


async def _select(page: Any, label: str, session: int, number: int) -> Any:
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
    context = await browser.new_context(viewport=VIEWPORT, device_scale_factor=1)

    async def guard(route: Any) -> None:
        if is_loopback(route.request.url):
            await route.continue_()
        else:
            blocked.append(route.request.url)
            await route.abort("blockedbyclient")

    await context.route("**/*", guard)
    page = await context.new_page()
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
                    option = await _select(page, target, index, number)
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
