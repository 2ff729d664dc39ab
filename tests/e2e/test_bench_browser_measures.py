"""The bench's browser measures against the app: the single-user click walk (bench/clicks.py), where every
step of issue 15's script finds its widget or link, ends in a script run and settles (no stale element)
without an error, and one cold launch of the naive side by side (bench/versus_naive.py); so `python -m bench`
keeps measuring what it says it measures when pages change."""

from __future__ import annotations

from bench.browser import REPO, StreamlitServer
from bench.clicks import SCRIPT, _walk
from bench.versus_naive import cold_launch
from tests.e2e.test_protocol_load import run_apart


def test_the_click_walk_completes_every_step(app_server: StreamlitServer) -> None:
    outcome = run_apart(_walk(app_server.url, rounds=1))
    steps = outcome["steps"]
    assert [step["action"] for step in steps] == [f"{kind}: {target}" for kind, target in SCRIPT]
    assert [step.get("error") for step in steps] == [None] * len(SCRIPT)
    assert all(step["seconds"] > 0 and step["to_script_finished_s"] <= step["seconds"] for step in steps), steps
    assert outcome["page_errors"] == [] and outcome["app_problems"] == []
    assert outcome["blocked"] == []


def test_a_cold_launch_of_ours_is_measured_from_the_preview_to_deck_gl(e2e_browser) -> None:
    """bench/versus_naive.py's measurement of one fresh server: every figure is there, the map's cell shows
    colour (the still preview) no later than deck.gl's own drawing, and nothing left loopback."""
    figures = cold_launch(e2e_browser, REPO, ["-m", "streamlit", "run", "app.py"], "?level=lad")
    assert set(figures) == {
        "http200_s",
        "script_finished_s",
        "first_map_pixels_s",
        "deck_gl_map_s",
        "ws_bytes_first_load",
        "server_rss_mb",
        "blocked_requests",
    }
    assert None not in figures.values(), figures
    assert 0 < figures["first_map_pixels_s"] <= figures["deck_gl_map_s"]
    assert 200_000 < figures["ws_bytes_first_load"] < 1_000_000  # the LAD map: deck.gl JSON and its preview
    assert figures["blocked_requests"] == 0
