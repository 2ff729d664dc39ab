"""A browser's first screen: the page's text, widgets and map pictures first; its charts, tables and deck.gl
maps in the run after, once the browser has painted that screen.

The JavaScript behind those elements is fetched when the first of each reaches the browser, and compiling it
holds the main thread (deck.gl's 3 MB chunk for 1-2 s with software WebGL, Vega's and the data grid's
0.8-1.2 MB each for a few hundred ms), so nothing else is painted meanwhile, not even a map's still preview
that has already arrived. So on a session's first run a browser gets places kept for them, and a script in
the page clicks a hidden button once the browser has painted that screen (components/first_screen.py); the
run the click asks for fills them (a fragment's timer does, should the script not run). Later runs draw
charts, tables and deck.gl charts in place. A client that draws nothing (AppTest, the bench's protocol load
test, a script) gets everything in its first run, its deck.gl charts last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from components.first_screen import DRAWN_BUTTON_KEY, painted_signal_html

DEFERRED = "_drawn_at_end_of_run"
FIRST_SCREEN_DRAWN = "_first_screen_drawn"  # the browser has drawn a first screen that kept places
FIRST_SCREEN_FILLED = "_first_screen_filled"  # and a run after that has drawn what it kept places for
CALLED_BY_THE_RUN = "_first_screen_tick_registered"
FALLBACK_TICK_S = 3.0  # should the browser's script not say it has painted (components/first_screen.py)


def reset_deferred() -> None:
    """A run starts with nothing left to draw (shell.figures.begin_run)."""
    st.session_state[DEFERRED] = []


def draw_at_end_of_run(draw: Callable[[], object]) -> None:
    """Call `draw` (which fills an st.empty kept for it) at the end of the run, or on a browser's first
    screen in the run after it (draw_deferred)."""
    st.session_state.setdefault(DEFERRED, []).append(draw)


def place_map(draw: Callable[[Any], object]) -> None:
    """A map's deck.gl chart (`draw(target)` calls target.pydeck_chart): where it stands once the run that
    filled the browser's first screen is over, else in a place (st.empty) filled at the end of the run (in
    that run too, so that the charts' and tables' JavaScript is fetched before deck.gl's 3 MB).

    Kept as a place in every run, the chart was replaced by an empty element mid-run and drawn again at the
    run's end: a swap the browser reconciled on every click of a map page (its CPU per same-page map click
    fell from 0.85 to 0.68 s, median of 18 steps each, once drawn in place)."""
    if st.session_state.get(FIRST_SCREEN_FILLED):
        draw(st)
    else:
        place = st.empty()
        draw_at_end_of_run(lambda: draw(place))


def is_browser(user_agent: str) -> bool:
    """Whether a client draws pages: every browser's User-Agent starts with Mozilla/ (AppTest sends none,
    the websockets library "Python/...")."""
    return user_agent.startswith("Mozilla/")


def _user_agent() -> str:
    return st.context.headers.get("User-Agent", "")


def first_screen_pending() -> bool:
    """Whether this run is a browser's first screen, which keeps places for charts, tables and maps."""
    return not st.session_state.get(FIRST_SCREEN_DRAWN) and is_browser(_user_agent())


def after_first_screen(draw: Callable[[], object], what: str = "chart") -> None:
    """Draw a chart or table here now, or on a browser's first screen keep its place, saying what comes there,
    and draw it there in the run that follows."""
    if not first_screen_pending():
        draw()
        return
    place = st.empty()
    place.caption(f"Loading the {what}…")

    def fill() -> None:
        with place.container():
            draw()

    draw_at_end_of_run(fill)


def data_table(data: Any, **options: Any) -> None:
    """st.dataframe, after a browser's first screen (the data grid's JavaScript is the page's heaviest after
    deck.gl's)."""
    after_first_screen(lambda: st.dataframe(data, **options), "table")


def waits_for_first_screen(deferred: int, drawn: bool, user_agent: str) -> bool:
    """Whether this run leaves what it deferred to the run after the browser has drawn it."""
    return deferred > 0 and not drawn and is_browser(user_agent)


def draw_deferred() -> None:
    """Draw what this run deferred (app.py, as the run's last step), or on a browser's first screen, the
    signal that asks for the run that draws it once the browser has painted this one."""
    deferred = st.session_state.get(DEFERRED, [])
    if waits_for_first_screen(len(deferred), bool(st.session_state.get(FIRST_SCREEN_DRAWN)), _user_agent()):
        st.button("Show the charts, tables and interactive maps", key=DRAWN_BUTTON_KEY, on_click=_drawn)
        st.html(painted_signal_html(), unsafe_allow_javascript=True)
        st.session_state[CALLED_BY_THE_RUN] = True
        _fallback_tick()
    else:
        for draw in deferred:
            draw()
        if st.session_state.get(FIRST_SCREEN_DRAWN):
            st.session_state[FIRST_SCREEN_FILLED] = True
    reset_deferred()


def _drawn() -> None:
    st.session_state[FIRST_SCREEN_DRAWN] = True


@st.fragment(run_every=FALLBACK_TICK_S)
def _fallback_tick() -> None:
    """Should the browser not run the script, its timer asks for the full run after FALLBACK_TICK_S; no longer
    called then, the timer stops. (A fragment also runs where the app's run calls it, which only registers
    the timer.)"""
    if st.session_state.pop(CALLED_BY_THE_RUN, False):
        return
    if not st.session_state.get(FIRST_SCREEN_DRAWN):
        _drawn()
        st.rerun(scope="app")
