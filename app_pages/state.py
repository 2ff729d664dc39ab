"""View state shared by pages: widgets whose values survive reruns and travel in the URL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def _from_url(key: str, options: Sequence[Any]) -> Any:
    raw = st.query_params.get(key)
    if raw is None:
        return None
    for option in options:
        if str(option) == raw:
            return option
    st.toast(f"Link parameter {key}={raw!r} is not available here; showing the default instead.")
    return None


def pick(key: str, label: str, options: Sequence[Any], default: Any,
         format_func: Callable[[Any], Any] | None = None) -> Any:
    """A selectbox whose choice comes from the URL on first load, persists, and is written back
    to the URL so a copied link reproduces the view. Unknown values fall back to the default."""
    options = list(options)
    if not options:
        return None
    seeded = st.session_state.setdefault("_seeded_from_url", set())
    if key not in seeded:  # the URL seeds a widget once per session; afterwards it only mirrors it
        seeded.add(key)
        from_url = _from_url(key, options)
        if from_url is not None:
            st.session_state[key] = from_url
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default if default in options else options[0]
    value = st.selectbox(label, options, key=key, format_func=format_func or str)
    if value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)
    return value


def remember_map_click() -> None:
    """on_select callback: a click on the map selects that area in the sidebar."""
    event = st.session_state.get("overview_map")
    objects = (event or {}).get("selection", {}).get("objects", {})
    for picked in objects.values():
        if picked:
            code = picked[0].get("properties", {}).get("code") or picked[0].get("code")
            if code:
                st.session_state["area"] = code
            return
