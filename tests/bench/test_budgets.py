"""The bench's budget table: each budget read from the right measurement (ratios to the naive app, clicks,
the 50-session protocol runs, the XLSX), None where it was not measured; and the naive side by side's
colour test and ratios."""

from __future__ import annotations

import io

from PIL import Image

from bench.__main__ import BUDGETS, budget_report
from bench.versus_naive import _medians, coloured_pixels, ratio


def protocol_run(sessions: int, p95: float, errors: int) -> dict:
    return {"sessions": sessions, "summary": {"p95_s": p95, "errors": errors}}


def test_every_budget_is_read_from_its_measurement() -> None:
    results = {
        "rerun_ms": {"overview": {"lad": 120.0, "lep": 300.0}, "targets": {"lad": 149.0}},
        "versus_naive": {
            "ratios_to_naive": {
                "ours": {"first_map_pixels": 0.3, "script_finished": 1.2},
                "ours_lad": {"first_map_pixels": 0.4},
            }
        },
        "clicks": {"p50_s": 0.45, "p95_s": 1.3},
        "protocol_load": {
            "single_process": [protocol_run(10, 0.4, 0), protocol_run(50, 1.4, 0)],
            "via_nginx": [protocol_run(50, 1.6, 1)],
        },
        "whole_table_xlsx_s": 3.3,
        "memory_after_10_sessions_mb": 250.0,
    }
    report = budget_report(results)
    assert set(report) == set(BUDGETS)
    verdicts = {name: (entry["measured"], entry["within_budget"]) for name, entry in report.items()}
    assert verdicts == {
        "build_s": (None, None),
        "rerun_ms_lad": (149.0, True),  # the slowest page at LAD; LEP's 300 ms is not this budget
        "map_payload_bytes_lad": (None, None),
        "first_map_pixels_ratio_to_naive": (0.3, True),
        "first_map_pixels_ratio_to_naive_lad": (0.4, False),
        "first_script_run_ratio_to_naive": (1.2, False),
        "click_p50_s": (0.45, True),
        "click_p95_s": (1.3, False),
        "memory_after_10_sessions_mb": (250.0, False),
        "protocol_load_50_sessions_p95_s": (1.6, False),  # the worse of one process and nginx
        "protocol_load_errors": (1, False),
        "whole_table_xlsx_s": (3.3, True),
    }


def test_the_colour_test_counts_saturated_pixels_at_half_size() -> None:
    image = Image.new("RGB", (200, 200), (240, 240, 240))
    image.paste((200, 30, 30), (0, 0, 100, 100))
    image.paste((128, 128, 128), (100, 100, 200, 200))  # grey: not a coloured map
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert coloured_pixels(out.getvalue()) == 50 * 50


def test_ratios_and_medians() -> None:
    assert ratio(2.0, 6.0) == 0.33
    assert ratio(None, 6.0) is None and ratio(2.0, None) is None and ratio(2.0, 0.0) is None
    runs = [{"app": "x", "a": 1.0, "b": None}, {"app": "x", "a": 3.0, "b": None}, {"app": "x", "a": 2.0, "b": None}]
    assert _medians(runs) == {"a": 2.0}
