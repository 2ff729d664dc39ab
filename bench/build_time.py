"""The build time budget: `python -m loaders.build` into an empty temp folder (the committed snapshot is never
touched)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.browser import REPO

BUILD_TIMEOUT_S = 900


def measure_build() -> dict[str, Any]:
    """Wall time of `python -m loaders.build --quiet` into an empty temp folder."""
    with tempfile.TemporaryDirectory(prefix="rpe-bench-build-") as out:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "loaders.build", "--out", out, "--quiet"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"loaders.build exited {done.returncode}: {done.stderr[-2000:]}")
    return {"build_s": round(elapsed, 2)}
