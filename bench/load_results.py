"""What the load test records of each step and each session's WebSocket, and how it sums the steps up."""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field
from typing import Any


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
