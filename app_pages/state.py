"""View state shared by pages: widgets whose values survive reruns and travel in the URL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import streamlit as st

from components.overview import BENCHMARK_LABELS, BENCHMARK_ORDER, LEVEL_LABELS
from components.plain_text import plain
from components.view_choices import area_names, default_year
from loaders.snapshot import Snapshot


class PageStopped(Exception):
    """Raised by `stop_page`; app.py catches it around the page."""


def stop_page() -> NoReturn:
    """End the page here (e.g. nothing to show for this choice) while app.py still draws the sidebar tools and
    the attribution footer after it; `st.stop()` would end the whole script run and lose them."""
    raise PageStopped


def _from_url(key: str, options: Sequence[Any]) -> Any:
    raw = st.query_params.get(key)
    if raw is None:
        return None
    for option in options:
        if str(option) == raw:
            return option
    st.toast(f"Link parameter {key}='{plain(raw, 80)}' is not available here; showing the default instead.")
    return None


def pick(key: str, label: str, options: Sequence[Any], default: Any,
         format_func: Callable[[Any], Any] | None = None, placeholder: str | None = None) -> Any:
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
    value = st.selectbox(label, options, key=key, format_func=format_func or str, placeholder=placeholder)
    if value is None:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)
    return value


def select_area_on_click(map_key: str) -> Callable[[], None]:
    """An on_select callback for the pydeck chart with key `map_key`: a click on an area selects it
    in the shared sidebar (callbacks run before the rerun, so the sidebar shows the new area)."""

    def callback() -> None:
        event = st.session_state.get(map_key)
        objects = (event or {}).get("selection", {}).get("objects", {})
        for picked in objects.values():
            if picked:
                code = picked[0].get("properties", {}).get("code") or picked[0].get("code")
                if code:
                    st.session_state["area"] = code
                return

    return callback


@dataclass(frozen=True)
class SharedView:
    """The sidebar choices every page shares (and a copied link reproduces)."""

    level: str
    area: str | None
    area_name: str | None
    year: int
    benchmark: str


def shared_sidebar(snapshot: Snapshot) -> SharedView:
    """Geography level, area, year and benchmark, rendered once in app.py so they survive page changes."""
    level = pick("level", "Geography", list(LEVEL_LABELS), default="lep", format_func=LEVEL_LABELS.get)
    names = area_names(snapshot.areas, level)
    area = pick("area", "Area", [None, *names], default=None,
                format_func=lambda code: "(none)" if code is None else names[code], placeholder="(none)")
    years = snapshot.years_by_level.get(level, [])
    year = pick("year", "Year", years, default=default_year(years))
    benchmark = pick("benchmark", "Compare with", list(BENCHMARK_ORDER), default=BENCHMARK_ORDER[0],
                     format_func=BENCHMARK_LABELS.get)
    view = SharedView(level, area, names.get(area) if area else None, int(year), benchmark)
    st.session_state["_shared_view"] = view
    return view


def current_view() -> SharedView:
    """The shared choices made in the sidebar on this run (set by app.py before the page runs)."""
    return st.session_state["_shared_view"]


def year_note(wanted: int, shown: int | None, label: str) -> None:
    """Say so when a page shows a different year from the one picked in the sidebar."""
    if shown is not None and shown != wanted:
        st.caption(f"{label} has no figures for {wanted}; showing {shown}, the nearest year with data.")
