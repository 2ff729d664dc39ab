"""deck.gl charts drawn at the end of a script run, into places their pages kept for them.

A map's still preview goes out where the map stands; its deck.gl chart, last. deck.gl's 3 MB of JavaScript
is fetched when its first chart reaches the browser, and parsing it holds the browser's main thread for
seconds with software WebGL; sent last, it is fetched only once the rest of the page has arrived. (Measured
in issue 15: the preview is still painted 0.3-1 s after the chunk has loaded, so something else in the front
end holds its first paint.)
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

DEFERRED_MAPS = "_deck_maps_this_run"


def reset_deferred_maps() -> None:
    """A run starts with none (shell.figures.begin_run)."""
    st.session_state[DEFERRED_MAPS] = []


def defer_map(draw: Callable[[], object]) -> None:
    """Draw this deck.gl chart at the end of the run (`draw` fills an st.empty kept in the map's cell)."""
    st.session_state.setdefault(DEFERRED_MAPS, []).append(draw)


def draw_deferred_maps() -> None:
    """Draw this run's deck.gl charts (app.py, as the run's last step)."""
    for draw in st.session_state.get(DEFERRED_MAPS, []):
        draw()
    reset_deferred_maps()
