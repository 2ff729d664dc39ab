"""The protocol load client against the running app: two sessions walk pages and widgets through the WebSocket
alone, every step ends in a script run without errors, and the widgets it set are the ones the next run shows."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bench.browser import StreamlitServer
from bench.protocol_load import WALK, Action, Session, _all_sessions, _run_once, apply, rerun_message, summary

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


def test_the_map_preview_is_sent_early_and_the_deck_gl_chart_last(app_server: StreamlitServer) -> None:
    """A first run's elements, in the order the browser receives them: the Overview's still preview comes
    with the page, its deck.gl chart after every other element (shell/figures.draw_deferred_maps), so the
    browser fetches deck.gl's JavaScript only once the rest of the page is there."""

    async def first_run() -> list[str]:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from websockets.asyncio.client import connect

        stream = app_server.url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        kinds: list[str] = []
        async with connect(stream, subprotocols=["streamlit"], max_size=None) as socket:
            await socket.send(rerun_message(Session()))
            while True:
                payload = await socket.recv()
                if isinstance(payload, str):
                    continue
                message = ForwardMsg.FromString(payload)
                if message.WhichOneof("type") == "script_finished":
                    return kinds
                if message.WhichOneof("type") == "delta" and message.delta.WhichOneof("type") == "new_element":
                    element = message.delta.new_element
                    kind = element.WhichOneof("type")
                    if kind == "markdown" and "rpe-map-preview" in element.markdown.body:
                        kind = "map preview"
                    kinds.append(kind)

    kinds = run_apart(first_run())
    assert kinds.count("deck_gl_json_chart") == 1 and kinds.count("map preview") == 1, kinds
    assert kinds[-1] == "deck_gl_json_chart", kinds[-5:]
    preview = kinds.index("map preview")
    assert "vega_lite_chart" in kinds[preview:], "the ranked chart comes after the preview, before deck.gl"
