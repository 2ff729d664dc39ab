"""deck.gl charts drawn after the rest of the page, into places their pages kept for them.

A map's still preview goes out where the map stands; its deck.gl chart, last. deck.gl's 3 MB of JavaScript
is fetched when its first chart reaches the browser, and compiling it holds the browser's main thread for
1-2 s with software WebGL, so nothing else is drawn meanwhile. So on a session's first run with a map, a
browser gets the whole page with the preview and no deck.gl chart; a fragment ticks once the browser has
drawn that run (its timer runs in the browser) and asks for the run that adds the deck.gl charts. Later runs
draw them at the end of the run, as the JavaScript is then loaded. A client that draws nothing (AppTest, the
bench's protocol load test, a script) gets them in its first run.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

DEFERRED_MAPS = "_deck_maps_this_run"
FIRST_SCREEN_DRAWN = "_first_screen_drawn"  # the browser has drawn a run with a map's preview
CALLED_BY_THE_RUN = "_first_screen_tick_registered"
TICK_AFTER_DRAWN_S = 0.2  # after the browser has handled the run's last message


def reset_deferred_maps() -> None:
    """A run starts with none (shell.figures.begin_run)."""
    st.session_state[DEFERRED_MAPS] = []


def defer_map(draw: Callable[[], object]) -> None:
    """Draw this deck.gl chart at the end of the run (`draw` fills an st.empty kept in the map's cell)."""
    st.session_state.setdefault(DEFERRED_MAPS, []).append(draw)


def is_browser(user_agent: str) -> bool:
    """Whether a client draws pages: every browser's User-Agent starts with Mozilla/ (AppTest sends none,
    the websockets library "Python/...")."""
    return user_agent.startswith("Mozilla/")


def waits_for_first_screen(maps: int, drawn: bool, user_agent: str) -> bool:
    """Whether this run leaves its deck.gl charts to the run after the browser has drawn it."""
    return maps > 0 and not drawn and is_browser(user_agent)


def draw_deferred_maps() -> None:
    """Draw this run's deck.gl charts (app.py, as the run's last step), or on a browser's first screen with
    a map, tick once the browser has drawn it."""
    maps = st.session_state.get(DEFERRED_MAPS, [])
    drawn = bool(st.session_state.get(FIRST_SCREEN_DRAWN))
    if waits_for_first_screen(len(maps), drawn, st.context.headers.get("User-Agent", "")):
        st.session_state[CALLED_BY_THE_RUN] = True
        _after_first_screen()
    else:
        for draw in maps:
            draw()
    reset_deferred_maps()


@st.fragment(run_every=TICK_AFTER_DRAWN_S)
def _after_first_screen() -> None:
    """Run by the browser's timer once it has handled the first screen; the app's rerun draws the maps,
    and, no longer called, this fragment's timer stops. (A fragment also runs where the app's run calls
    it, which only registers the timer.)"""
    if st.session_state.pop(CALLED_BY_THE_RUN, False):
        return
    if not st.session_state.get(FIRST_SCREEN_DRAWN):
        st.session_state[FIRST_SCREEN_DRAWN] = True
        st.rerun(scope="app")
