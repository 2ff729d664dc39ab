"""The protocol load client against the running app: two sessions walk pages and widgets through the WebSocket
alone, every step ends in a script run without errors, and the widgets it set are the ones the next run shows."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bench.browser import StreamlitServer
from bench.protocol_load import WALK, Action, Session, _all_sessions, _run_once, apply, rerun_message, summary
from components.first_screen import PENDING_CLASS
from shell.first_screen import FALLBACK_TICK_S

T = TypeVar("T")


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: Playwright's sync API keeps an event loop in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=300)


def test_two_protocol_sessions_walk_the_app_without_errors(app_server: StreamlitServer) -> None:
    results = run_apart(_all_sessions(app_server.url, 2, WALK[:4], timeout_s=240))
    out = summary(results, wall_s=1.0)
    assert out["errors"] == 0, out["error_examples"]
    assert out["reruns"] == 2 * (1 + 4)
    assert set(out["median_by_step_s"]) == {"open", *(action.name for action in WALK[:4])}


def test_a_widget_state_sent_is_the_value_the_next_run_shows(app_server: StreamlitServer) -> None:
    async def walk() -> tuple[str, str]:
        from websockets.asyncio.client import connect

        session = Session()
        stream = app_server.url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        async with connect(stream, subprotocols=["streamlit"], max_size=None) as socket:
            await _run_once(socket, session)
            assert apply(Action("level", widget="Geography", choose="Local authority"), session) is None
            await _run_once(socket, session)
            return session.widgets["Geography"].value, session.states[session.widgets["Geography"].id][1]

    shown, sent = run_apart(walk())
    assert shown == sent and shown.startswith("Local authority")


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def first_run(url: str, user_agent: str | None = None) -> list[str]:
    """The kinds of a first run's messages, in the order a client receives them (new elements by type, the
    map preview and raw-HTML Markdown named apart, fragment timers as "auto_rerun <seconds>"), and last its
    end, "script_finished <status>" (0: finished, 2: cut short for another run)."""

    async def kinds_received() -> list[str]:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from websockets.asyncio.client import connect

        stream = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        kinds: list[str] = []
        agent = {"user_agent_header": user_agent} if user_agent else {}
        async with connect(stream, subprotocols=["streamlit"], max_size=None, **agent) as socket:
            await socket.send(rerun_message(Session()))
            while True:
                payload = await socket.recv()
                if isinstance(payload, str):
                    continue
                message = ForwardMsg.FromString(payload)
                if message.WhichOneof("type") == "script_finished":
                    return [*kinds, f"script_finished {message.script_finished}"]
                if message.WhichOneof("type") == "auto_rerun":
                    kinds.append(f"auto_rerun {message.auto_rerun.interval:g}")
                if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
                    element = message.delta.new_element
                    kind = element.WhichOneof("type")
                    if kind == "html" and PENDING_CLASS in element.html.body:
                        kind = "painted signal"
                    elif kind == "html" and "rpe-map-preview" in element.html.body:
                        kind = "map preview"
                    elif kind == "markdown" and element.markdown.allow_html:
                        kind = "markdown with raw HTML"
                    elif kind == "markdown" and element.markdown.body.startswith("Loading the "):
                        kind = element.markdown.body
                    kinds.append(kind)

    return run_apart(kinds_received())


def test_the_map_preview_is_sent_early_as_html_and_the_deck_gl_chart_last(app_server: StreamlitServer) -> None:
    """A client that draws nothing gets the deck.gl chart in its first run, after every other element
    (shell.first_screen.py), the Overview's still preview with the page."""
    kinds = first_run(app_server.url)
    assert kinds.count("deck_gl_json_chart") == 1 and kinds.count("map preview") == 1, kinds
    # Markdown with raw HTML makes the browser fetch and compile a parser for it (rehype-raw, 184 KB) before
    # it draws that element: the first preview waited ~0.6 s for it. The first screen's HTML is st.html.
    assert "markdown with raw HTML" not in kinds, kinds
    assert kinds[-2:] == ["deck_gl_json_chart", "script_finished 0"], kinds[-5:]
    preview = kinds.index("map preview")
    assert "vega_lite_chart" in kinds[preview:], "the ranked chart comes after the preview, before deck.gl"
    assert not [kind for kind in kinds if kind.startswith("auto_rerun")], kinds


def test_a_browser_gets_its_first_screen_before_charts_tables_and_deck_gl(app_server: StreamlitServer) -> None:
    """A browser's first run has the preview, and neither the ranked Vega chart, nor a table, nor the deck.gl
    chart: their JavaScript would hold the main thread before the preview is painted. It ends with the
    signal that asks for the run that draws them once the browser has painted (a hidden button and its
    script), and a slow fallback timer (the browser tests see that run's charts, tables and map)."""
    kinds = first_run(app_server.url, BROWSER)
    assert kinds.count("map preview") == 1, kinds
    assert not {"deck_gl_json_chart", "vega_lite_chart", "dataframe"} & set(kinds), kinds
    # their places say what is coming (the ranked chart, the two tables)
    assert kinds.count("Loading the chart…") == 1 and kinds.count("Loading the table…") == 2, kinds
    assert "painted signal" in kinds and "button" in kinds, kinds[-6:]
    assert f"auto_rerun {FALLBACK_TICK_S:g}" in kinds, kinds[-5:]
    # the run ends as a run (0), not cut short for another (2): only the browser asks for the next
    assert kinds[-1] == "script_finished 0", kinds[-5:]


def test_a_client_that_draws_nothing_gets_charts_and_tables_in_its_first_run(app_server: StreamlitServer) -> None:
    kinds = first_run(app_server.url)
    assert {"vega_lite_chart", "dataframe"} <= set(kinds), kinds
    assert "painted signal" not in kinds and "button" not in kinds, kinds
    assert not [kind for kind in kinds if kind.startswith("Loading the ")], kinds
