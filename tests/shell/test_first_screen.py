"""When deck.gl charts wait for the browser's first screen (shell.first_screen.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
from streamlit.testing.v1 import AppTest

from components.first_screen import DRAWN_BUTTON_KEY, PAINTED_SCRIPT, PENDING_CLASS, painted_signal_html
from components.map_preview import PREVIEW_CLASS
from shell.first_screen import FIRST_SCREEN_DRAWN, is_browser, waits_for_first_screen

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.mark.parametrize("agent", [CHROME, FIREFOX])
def test_browsers_are_recognised(agent: str) -> None:
    assert is_browser(agent)


@pytest.mark.parametrize("agent", ["", "Python/3.11 websockets/15.0", "curl/8.5.0"])
def test_clients_that_draw_nothing_are_not_browsers(agent: str) -> None:
    assert not is_browser(agent)


def test_only_a_browsers_first_screen_with_something_deferred_waits() -> None:
    assert waits_for_first_screen(1, drawn=False, user_agent=CHROME)
    assert not waits_for_first_screen(0, drawn=False, user_agent=CHROME)  # nothing deferred: nothing to wait for
    assert not waits_for_first_screen(2, drawn=True, user_agent=CHROME)  # deck.gl's JavaScript is loaded
    assert not waits_for_first_screen(1, drawn=False, user_agent="")  # AppTest: the maps in the first run


def test_the_painted_signal_keeps_its_text_through_the_html_sanitiser() -> None:
    """The script is allowed by the hash of its exact text: no markup characters that parsing could change."""
    assert "<" not in PAINTED_SCRIPT and "&" not in PAINTED_SCRIPT
    html = painted_signal_html()
    assert f"<script>{PAINTED_SCRIPT}</script>" in html and f'class="{PENDING_CLASS}" hidden' in html
    # the script clicks the button shell/first_screen.py draws, and waits for the previews
    assert f".st-key-{DRAWN_BUTTON_KEY} button" in PAINTED_SCRIPT and f".{PREVIEW_CLASS} img" in PAINTED_SCRIPT


HEAVY_ELEMENTS = {"dataframe", "vega_lite_chart", "altair_chart", "pydeck_chart"}
FIRST_SCREEN_RULES = {"after_first_screen", "draw_at_end_of_run", "place_map"}  # shell/first_screen.py


def drawn_outside_the_rule(source: str) -> list[int]:
    """Lines that draw a chart, table or deck.gl map other than inside a call to a first-screen rule."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def ruled(node: ast.AST) -> bool:
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in FIRST_SCREEN_RULES:
                return True
        return False

    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in HEAVY_ELEMENTS and not ruled(node)
    ]


def test_the_rule_check_sees_a_direct_call() -> None:
    assert drawn_outside_the_rule("st.dataframe(x)\nafter_first_screen(lambda: st.dataframe(y))") == [1]


def test_pages_draw_charts_tables_and_maps_through_the_first_screens_rule() -> None:
    """A page that called st.dataframe (or drew a chart) itself would fetch that JavaScript before the preview."""
    repo = Path(__file__).resolve().parents[2]
    paths = [repo / "app.py", *(repo / "app_pages").glob("*.py"), *(repo / "shell").glob("*.py")]
    direct = {
        str(path.relative_to(repo)): lines
        for path in paths
        if (lines := drawn_outside_the_rule(path.read_text(encoding="utf-8")))
    }
    assert not direct, direct


# --- a rerun after the browser's first screen keeps the deck.gl chart it shows --------------------------------

APP = str(Path(__file__).parents[2] / "app.py")


def elements_sent(at: AppTest) -> list[tuple[tuple[int, ...], str]]:
    """Run the app once more; each new element the run sent: (its delta path, its type), in order."""
    sent: list[tuple[tuple[int, ...], str]] = []
    enqueue = ScriptRunContext.enqueue

    def recording(context: ScriptRunContext, msg: ForwardMsg) -> None:
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            sent.append((tuple(msg.metadata.delta_path), msg.delta.new_element.WhichOneof("type")))
        enqueue(context, msg)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ScriptRunContext, "enqueue", recording)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return sent


@pytest.mark.parametrize("page", ["overview", "manufacturing"])
def test_a_rerun_after_the_first_screen_sends_the_map_where_it_stands(page: str) -> None:
    """Once the browser's first screen has been filled, a rerun must not send a place (st.empty) where the
    deck.gl chart stands: the browser reconciled that swap on every click of a map page."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["level"] = "lad"
    at.switch_page(f"app_pages/{page}.py")
    at.session_state[FIRST_SCREEN_DRAWN] = True  # what the painted signal's click sets in a browser
    at.run()
    sent = elements_sent(at)  # a rerun of the same view, as after a click
    maps = [path for path, kind in sent if kind == "deck_gl_json_chart"]
    assert maps, "the run drew no deck.gl chart"
    for path in maps:
        assert [kind for where, kind in sent if where == path] == ["deck_gl_json_chart"]
    assert len(at.get("deck_gl_json_chart")) == len(maps)


def test_a_client_that_draws_nothing_still_gets_the_map_at_the_end_of_its_run() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["level"] = "lad"
    sent = elements_sent(at)
    (path,) = [where for where, kind in sent if kind == "deck_gl_json_chart"]
    assert [kind for where, kind in sent if where == path] == ["empty", "deck_gl_json_chart"]


def test_the_run_that_fills_the_first_screen_sends_deck_gl_after_the_charts_and_tables() -> None:
    """The run the painted signal asks for draws the chart and tables first and deck.gl last, so the browser
    fetches their JavaScript before deck.gl's 3 MB, whose compiling would hold them back."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[FIRST_SCREEN_DRAWN] = True  # the click's callback ran; nothing filled yet
    kinds = [kind for _, kind in elements_sent(at)]
    assert kinds.index("deck_gl_json_chart") > max(kinds.index("vega_lite_chart"), kinds.index("dataframe")), kinds
