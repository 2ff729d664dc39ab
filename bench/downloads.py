"""The whole-table XLSX budget: components.methods.tidy_table_xlsx on the committed snapshot, as the Data and
methods page builds it in the background (shell/whole_table.py); median of three, with its size."""

from __future__ import annotations

import statistics
import time
from typing import Any

RUNS = 3


def measure_whole_table_xlsx() -> dict[str, Any]:
    from components.methods import tidy_table_xlsx
    from loaders.snapshot import read_snapshot

    snapshot = read_snapshot()
    seconds: list[float] = []
    size = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        size = len(tidy_table_xlsx(snapshot.indicators, snapshot.metadata, snapshot.manifest))
        seconds.append(time.perf_counter() - started)
    return {
        "whole_table_xlsx_s": round(statistics.median(seconds), 2),
        "whole_table_xlsx": {"runs_s": [round(s, 2) for s in seconds], "bytes": size, "rows": len(snapshot.indicators)},
    }
