"""View state shared by pages: widgets whose values survive reruns and travel in the URL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import streamlit as st

from components.area_notices import area_label, area_notice
from components.plain_text import plain
from components.view_choices import PREFERRED_YEAR, area_names, default_year, nearest_year
from loaders.snapshot import Snapshot
from shell.snapshot_cache import cached_snapshot
from vocabulary.geography import AREA_LEVEL_KEYS, BENCHMARKS, LEVELS


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


WANTED = "_wanted"  # key -> the person's own choice, kept while another level or indicator cannot show it
SHOWN = "_shown"  # key -> the value the widget was given on the last run (a difference is a new choice)


def _new_choice(key: str) -> tuple[bool, Any]:
    """Whether the widget's value was changed since the last run (by the person or a callback such as a
    map click), and the value. A widget not drawn on the last run has no state and made no choice."""
    if key not in st.session_state:
        return False, None
    current = st.session_state[key]
    shown = st.session_state.setdefault(SHOWN, {})
    return (key not in shown or shown[key] != current), current


def pick(
    key: str,
    label: str,
    options: Sequence[Any],
    default: Any,
    format_func: Callable[[Any], Any] | None = None,
    placeholder: str | None = None,
    fallback: Callable[[Any, list[Any]], Any] | None = None,
    unavailable: str = "here",
) -> Any:
    """A selectbox whose choice comes from the URL on first load, persists, and is written back
    to the URL so a copied link reproduces the view. Unknown link values fall back to the default.

    The person's choice is remembered apart from the widget: where it is not among the options (another
    level, another indicator) the widget shows `fallback(choice, options)` (else the default) and a note
    says what was changed and why (`unavailable`, e.g. "for ITL2 regions"); once the choice is available
    again, it comes back."""
    options = list(options)
    if not options:
        return None
    fmt = format_func or str
    wanted = st.session_state.setdefault(WANTED, {})
    seeded = st.session_state.setdefault("_seeded_from_url", set())
    from_url = None
    if key not in seeded:  # the URL seeds a widget once per session; afterwards it only mirrors it
        seeded.add(key)
        from_url = _from_url(key, options)
        if from_url is not None:
            wanted[key] = from_url
    changed, current = _new_choice(key)
    if changed and from_url is None:
        wanted[key] = current
    choice = wanted.get(key, default)
    value = choice if choice in options else (fallback(choice, options) if fallback and choice is not None else None)
    if value not in options:
        value = default if default in options else options[0]
    st.session_state[key] = value
    st.session_state.setdefault(SHOWN, {})[key] = value
    value = st.selectbox(label, options, key=key, format_func=fmt, placeholder=placeholder)
    if choice is not None and choice != value and choice not in options:
        st.caption(
            f"{label}: {fmt(choice)} is not available {unavailable}, so {fmt(value)} is shown. "
            "Your choice comes back where it is available."
        )
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
    """The sidebar choices every page shares (and a copied link reproduces). `year` is the year the person
    chose; a page shows the nearest year its indicator has (see `pick_year`)."""

    level: str
    area: str | None
    area_name: str | None
    year: int
    benchmark: str


@st.cache_resource(show_spinner=False, max_entries=16)
def _level_areas(level: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The level's areas (code -> name, by name), and every area's name and level, once per server process
    (read-only: shared by every session)."""
    areas = cached_snapshot().areas
    every_name = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    return area_names(areas, level), every_name, dict(zip(areas["area_code"], areas["geography"], strict=True))


@st.cache_resource(show_spinner=False, max_entries=256)
def cached_area_notice(area: str, level: str) -> str | None:
    """The notice for an area that ended or changed (components.area_notices), once per area and process."""
    snapshot = cached_snapshot()
    return area_notice(area, level, snapshot.areas, snapshot.manifest)


def level_area_names(level: str) -> dict[str, str]:
    """code -> name of the mapped areas of a level, sorted by name (components.view_choices.area_names), once
    per process: read-only, shared by every session."""
    return _level_areas(level)[0]


DEFAULT_LEVEL = "lep"  # the Geography a visitor without a link sees
SLOTS = "_sidebar_slots"  # this run's sidebar containers for the page's indicator and the year
YEAR_DRAWN = "_year_drawn"


def shared_sidebar(snapshot: Snapshot) -> SharedView:
    """Geography level, area, year and benchmark, rendered once in app.py so they survive page changes.
    The year (and a page's indicator) are drawn later into slots between the area and the benchmark: their
    options depend on the indicator the page shows (`pick_year`, `indicator_slot`, `finish_sidebar`)."""
    level = pick(
        "level", "Geography", list(AREA_LEVEL_KEYS), default=DEFAULT_LEVEL, format_func=lambda key: LEVELS[key].label
    )
    names, every_name, levels = _level_areas(level)

    def area_text(code: str | None) -> str:
        if code is None:
            return "(none)"
        return names[code] if code in names else area_label(every_name.get(code, code), levels.get(code, ""))

    area = pick(
        "area",
        "Area",
        [None, *names],
        default=None,
        format_func=area_text,
        placeholder="(none)",
        unavailable=f"among the {LEVELS[level].plural}",
    )
    notice = cached_area_notice(area, level) if area else None
    if notice:
        st.caption(notice)
    st.session_state[SLOTS] = (st.container(), st.container())
    st.session_state[YEAR_DRAWN] = False
    years = snapshot.years_by_level.get(level, [])
    benchmark = pick(
        "benchmark",
        "Compare with",
        list(BENCHMARKS),
        default=next(iter(BENCHMARKS)),
        format_func=lambda code: BENCHMARKS[code].name,
    )
    view = SharedView(level, area, names.get(area) if area else None, _chosen_year(years), benchmark)
    st.session_state["_shared_view"] = view
    return view


def _chosen_year(level_years: list[int]) -> int:
    """The year the person chose (from the link on the first run, then the widget), before any page narrows
    the options to its indicator's years."""
    if "year" not in st.session_state.get("_seeded_from_url", set()):
        raw = st.query_params.get("year")
        if raw is not None and raw.strip().isdigit() and int(raw) in level_years:
            return int(raw)
    changed, current = _new_choice("year")
    if changed and current is not None:
        return int(current)
    return int(st.session_state.get(WANTED, {}).get("year", default_year(level_years) or PREFERRED_YEAR))


def indicator_slot():
    """The sidebar place for the page's indicator picker (above the year, whose options it decides)."""
    return st.session_state[SLOTS][0]


def pick_year(years: Sequence[int], unavailable: str) -> int | None:
    """The Year picker, offering only `years` (those the page's indicator has at this level, newest
    first). The person's year is kept where it is offered; otherwise the nearest year is shown with a note
    saying so (`unavailable`, e.g. "for Manufacturing GVA share of ITL2 regions")."""
    options = sorted({int(year) for year in years}, reverse=True)
    st.session_state[YEAR_DRAWN] = True
    with st.session_state[SLOTS][1]:
        year = pick(
            "year",
            "Year",
            options,
            default=default_year(options),
            fallback=lambda wanted, offered: nearest_year(offered, int(wanted)),
            unavailable=unavailable,
        )
    return None if year is None else int(year)


def finish_sidebar(snapshot: Snapshot) -> None:
    """After the page: the Year picker over every year of the level, for pages that did not draw their own."""
    if not st.session_state.get(YEAR_DRAWN, True):
        level = current_view().level
        pick_year(snapshot.years_by_level.get(level, []), f"for {LEVELS[level].plural}")


def current_view() -> SharedView:
    """The shared choices made in the sidebar on this run (set by app.py before the page runs)."""
    return st.session_state["_shared_view"]


def year_note(wanted: int, shown: int | None, label: str) -> None:
    """Say so when a page shows a different year from the one picked in the sidebar."""
    if shown is not None and shown != wanted:
        st.caption(f"{label} has no figures for {wanted}; showing {shown}, the nearest year with data.")
