"""A load test that measures the server, not browsers: clients that speak Streamlit's WebSocket protocol
(`python -m bench --protocol-load`).

Each client opens `/_stcore/stream` as the front end does (subprotocol "streamlit"), asks for a script run
(a BackMsg `rerun_script` carrying the query string, the page and every widget state, as protobuf), and
reads the ForwardMsg stream: the widgets each run draws (id, label, options) and its `script_finished`. A
session then walks the same fixed script as a person (WALK: pick an area, switch page, switch measure, switch
level, add a comparator, open Targets), changing one widget per step by its label, with the other widgets'
states kept, exactly as the front end sends them. Nothing is drawn, so a 2-core machine spends its time on the
server's script runs: the figures say what a change does to the server.

Per step, the latency is from sending the rerun to its `script_finished`. Errors (must be 0): a run that
ends with an exception element, an error box, a compile error, a closed socket, a widget or page the walk
cannot find, or no `script_finished` within STEP_TIMEOUT_S. Bounded: a fixed number of sessions and steps,
an overall deadline, loopback addresses only. Server RSS is sampled throughout (bench/process_memory.py).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bench.browser import is_loopback
from bench.deployments import deployment
from bench.load_results import percentile
from bench.process_memory import RssSampler

STEP_TIMEOUT_S = 60.0
THINK_S = 0.3  # the stress default: every session clicks again 0.3 s after its last run ended
PERSON_THINK_S = 5.0  # a person's pace: a few seconds reading a view before the next click
RAMP_S = 0.05  # at least this between session starts; starts are spread over one think time
WIDGET_KINDS = ("selectbox", "radio", "multiselect", "checkbox", "segmented_control", "button")


@dataclass(frozen=True)
class Action:
    """One step of the walk: go to a page, or set the widget whose label starts with `widget` to the option
    starting with `choose`, else to an option by position among those it offers but does not show now (a
    multiselect adds it to the chosen ones)."""

    name: str
    page: str | None = None
    widget: str | None = None
    option: int = 0
    choose: str | None = None


WALK: tuple[Action, ...] = (
    Action("pick an area", widget="Area", option=3),
    Action("switch page: Manufacturing", page="Manufacturing"),
    Action("switch measure", widget="Manufacturing measure", option=0),
    Action("switch level: local authorities", widget="Geography", choose="Local authority"),
    Action("pick another area", widget="Area", option=10),
    Action("switch page: Compare areas", page="Compare areas"),
    Action("add a comparator", widget="Comparators", option=1),
    Action("open Targets", page="Targets"),
    Action("back to Overview", page="Overview"),
)


@dataclass
class Widget:
    id: str
    kind: str
    label: str
    options: list[str]
    value: Any


@dataclass
class Session:
    """One protocol client's view of its session: pages, the widgets of the last run and their states."""

    pages: dict[str, str] = field(default_factory=dict)  # page name -> script hash
    page: str = ""
    widgets: dict[str, Widget] = field(default_factory=dict)  # label -> widget of the last run
    states: dict[str, Any] = field(default_factory=dict)  # widget id -> (value type, value) sent on rerun
    problems: list[str] = field(default_factory=list)


def widget_of(element: Any) -> Widget | None:
    """A widget element of a delta as (id, kind, label, options, value the server set), or None."""
    kind = element.WhichOneof("type")
    if kind not in WIDGET_KINDS:
        return None
    proto = getattr(element, kind)
    options = list(getattr(proto, "options", []))
    return Widget(proto.id, kind, proto.label, options, _shown_value(kind, proto, options))


def _shown_value(kind: str, proto: Any, options: list[str]) -> Any:
    """The value the widget shows after the run: the one the server set, else its default option."""
    if kind == "selectbox" or kind == "radio":
        if proto.set_value or proto.HasField("raw_value"):
            return proto.raw_value
        return options[proto.default] if proto.HasField("default") and 0 <= proto.default < len(options) else None
    if kind == "multiselect":
        if proto.set_value:
            return list(proto.raw_values)
        return [options[i] for i in proto.default if 0 <= i < len(options)]
    return None


def rerun_message(session: Session, query_string: str = "") -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
    from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

    widgets = []
    for widget_id, (value_type, value) in session.states.items():
        state = WidgetState(id=widget_id)
        if value_type == "string_array_value":
            state.string_array_value.data.extend(value)
        else:
            setattr(state, value_type, value)
        widgets.append(state)
    client = ClientState(
        query_string=query_string,
        page_script_hash=session.pages.get(session.page, ""),
        widget_states=WidgetStates(widgets=widgets),
        context_info=ContextInfo(timezone="Europe/London", locale="en-GB"),
    )
    return BackMsg(rerun_script=client).SerializeToString()


def apply(action: Action, session: Session) -> str | None:
    """Change the session's state for one step; the reason if the step cannot be taken."""
    if action.page is not None:
        if action.page not in session.pages:
            return f"no page {action.page!r}"
        session.page = action.page
        return None
    widget = next((w for label, w in session.widgets.items() if label.startswith(action.widget or "\0")), None)
    if widget is None:
        return f"no widget labelled {action.widget!r} on {session.page or 'the first page'}"
    if widget.kind == "multiselect":
        chosen = list(session.states.get(widget.id, ("", []))[1])
        others = [option for option in widget.options if option not in chosen]
        if not others:
            return f"{action.widget!r} has no option left to add"
        session.states[widget.id] = ("string_array_value", [*chosen, others[action.option % len(others)]])
        return None
    others = [option for option in widget.options if option != widget.value]
    if action.choose is not None:
        others = [option for option in others if option.startswith(action.choose)]
    if not others:
        return f"{action.widget!r} has no other option{f' starting {action.choose!r}' if action.choose else ''}"
    session.states[widget.id] = ("string_value", others[action.option % len(others)])
    return None


def read(payload: bytes | str, session: Session, run: dict[str, Any]) -> bool:
    """Take one ForwardMsg into the session; True when it ends the run."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return False
    message = ForwardMsg.FromString(payload)
    kind = message.WhichOneof("type")
    if kind in ("new_session", "navigation"):
        found = getattr(message, kind)
        session.pages.update({page.page_name: page.page_script_hash for page in found.app_pages if page.page_name})
        current = found.page_script_hash
        session.page = next((name for name, h in session.pages.items() if h == current), session.page)
    elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
        element = message.delta.new_element
        widget = widget_of(element)
        if widget is not None:
            run["widgets"][widget.label] = widget
        elif element.WhichOneof("type") == "exception":
            session.problems.append(f"exception: {element.exception.type}: {element.exception.message[:160]}")
        elif element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
            session.problems.append(f"error box: {element.alert.body[:160]}")
    elif kind == "script_finished":
        if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            session.problems.append("compile error")
        return message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
    return False


async def _run_once(socket: Any, session: Session, query_string: str = "") -> float:
    """Send one rerun and read until its script_finished; the seconds it took."""
    run: dict[str, Any] = {"widgets": {}}
    started = time.perf_counter()
    await socket.send(rerun_message(session, query_string))
    async with asyncio.timeout(STEP_TIMEOUT_S):
        while not read(await socket.recv(), session, run):
            pass
    session.widgets = run["widgets"]
    return time.perf_counter() - started


async def _session(
    url: str, index: int, walk: tuple[Action, ...], results: list[dict[str, Any]], think_s: float, ramp_s: float
) -> Session:
    from websockets.asyncio.client import connect

    session = Session()
    await asyncio.sleep(index * ramp_s)
    parts = urlsplit(url)
    stream = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
    try:
        async with connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=30) as socket:
            seconds = await _run_once(socket, session)
            results.append({"session": index, "step": "open", "seconds": seconds, "problems": len(session.problems)})
            for action in walk:
                await asyncio.sleep(think_s)
                problem = apply(action, session)
                if problem:
                    results.append({"session": index, "step": action.name, "error": problem})
                    continue
                before = len(session.problems)
                seconds = await _run_once(socket, session)
                record = {"session": index, "step": action.name, "seconds": seconds}
                if len(session.problems) > before:
                    record["error"] = "; ".join(session.problems[before:])
                results.append(record)
    except (TimeoutError, OSError, Exception) as exc:  # every failure is counted, none stops the others
        results.append({"session": index, "step": "socket", "error": f"{type(exc).__name__}: {exc}"[:200]})
    return session


async def _all_sessions(
    url: str, sessions: int, walk: tuple[Action, ...], timeout_s: float, think_s: float = THINK_S
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    ramp_s = max(RAMP_S, think_s / max(1, sessions))
    tasks = [asyncio.create_task(_session(url, index, walk, results, think_s, ramp_s)) for index in range(sessions)]
    done, pending = await asyncio.wait(tasks, timeout=timeout_s)
    for task in pending:
        task.cancel()
        results.append({"session": -1, "step": "deadline", "error": f"not finished within {timeout_s:.0f} s"})
    return results


def summary(results: list[dict[str, Any]], wall_s: float) -> dict[str, Any]:
    """Reruns per second, p50/p95 latency (all steps but the first run, which opens the session), errors."""
    steps = [r["seconds"] for r in results if "seconds" in r and r["step"] != "open" and "error" not in r]
    opens = [r["seconds"] for r in results if r["step"] == "open" and "seconds" in r]
    per_step: dict[str, list[float]] = {}
    for r in results:
        if "seconds" in r:
            per_step.setdefault(r["step"], []).append(r["seconds"])
    return {
        "reruns": len(steps) + len(opens),
        "reruns_per_s": round((len(steps) + len(opens)) / wall_s, 2) if wall_s else None,
        "p50_s": round(statistics.median(steps), 3) if steps else None,
        "p95_s": round(percentile(steps, 0.95) or 0, 3) if steps else None,
        "open_p50_s": round(statistics.median(opens), 3) if opens else None,
        "errors": sum(1 for r in results if "error" in r),
        "error_examples": sorted({r["error"] for r in results if "error" in r})[:5],
        "median_by_step_s": {step: round(statistics.median(values), 3) for step, values in per_step.items()},
        "wall_s": round(wall_s, 1),
    }


def run_protocol_load(
    via_nginx: bool,
    sessions: int,
    timeout_s: float = 300,
    walk: tuple[Action, ...] = WALK,
    think_s: float = THINK_S,
) -> dict[str, Any]:
    """One bounded protocol load test against one process (deploy.serve) or two behind nginx; each session
    waits `think_s` between the end of a run and its next click."""
    with deployment(via_nginx) as (url, pids, log_problems, sessions_per_backend):
        if not is_loopback(url):
            raise ValueError(f"the protocol load test runs on loopback only, not {url}")
        asyncio.run(_all_sessions(url, 1, walk[:1], 120))  # warm the caches once, as a first visitor would
        with RssSampler(pids) as rss:
            started = time.perf_counter()
            results = asyncio.run(_all_sessions(url, sessions, walk, timeout_s, think_s))
            wall = time.perf_counter() - started
        problems = log_problems()
        backends = sessions_per_backend() or {"direct": sessions}
    out = {
        "sessions": sessions,
        "think_s": think_s,
        "steps_per_session": len(walk) + 1,
        "summary": summary(results, wall),
    }
    out["summary"]["errors"] += len(problems)
    out["server_log_problems"] = problems[:5]
    out["rss"] = rss.report()
    out["sessions_per_backend"] = backends
    return out
