"""Progress lines of the benchmark, on stderr: stdout keeps the figures (the JSON) alone."""

from __future__ import annotations

import sys


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)
