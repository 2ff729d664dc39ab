"""The bench's single-user click walk (bench/clicks.py) against the running app: every step of issue 15's
script finds its widget or link, ends in a script run and settles (no stale element) without an error, so
`python -m bench --clicks` keeps measuring what it says it measures when pages change."""

from __future__ import annotations

from bench.browser import StreamlitServer
from bench.clicks import SCRIPT, _walk
from tests.e2e.test_protocol_load import run_apart


def test_the_click_walk_completes_every_step(app_server: StreamlitServer) -> None:
    outcome = run_apart(_walk(app_server.url, rounds=1))
    steps = outcome["steps"]
    assert [step["action"] for step in steps] == [f"{kind}: {target}" for kind, target in SCRIPT]
    assert [step.get("error") for step in steps] == [None] * len(SCRIPT)
    assert all(step["seconds"] > 0 and step["to_script_finished_s"] <= step["seconds"] for step in steps), steps
    assert outcome["page_errors"] == [] and outcome["app_problems"] == []
    assert outcome["blocked"] == []
