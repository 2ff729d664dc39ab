"""Resident memory of processes and their children, read from /proc and sampled in a thread."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any


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
