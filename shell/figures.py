"""Charts and maps on a page, each with a download menu, and the tools around them: the figures of a run
are collected so that app.py can offer a slide pack of the view, a link that reproduces it, and a
presentation mode that shows one figure per screen with Previous / Next.

Nothing is exported on a rerun: every download is a deferred callable that runs only when clicked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import streamlit as st

from components.chart_layout import page_spec
from components.exports import figure_exports, presentation_spec, source_lines, table_exports
from components.figures import Figure
from components.legend import legend_html
from components.map_preview import SLOT_KEY_PREFIX, deck_preview_html
from components.maps import PAGE_MAP_HEIGHT
from components.palettes import LegendEntry
from components.plain_text import plain
from components.sharing import (
    KNOWN_PARAMS,
    PRESENT_PARAM,
    SLIDE_PARAM,
    clamp_slide,
    parse_flag,
    parse_slide,
    share_url,
    unknown_params,
)
from components.view_links import PUBLIC_URL_ENV, public_view_link
from shell.figure_links import embedded_figure, figure_link_items
from shell.first_screen import after_first_screen, place_map, reset_deferred
from shell.rerun_cache import PAGE_SPECS
from shell.snapshot_cache import cached_snapshot
from shell.state import select_area_on_click
from vocabulary.geography import BENCHMARKS, LEVELS

REGISTRY = "_figures_this_run"
PRESENT = "present"  # the toggle's key; the URL flag is present=1
PRESENTING = "_presenting"  # the mode itself (a widget's state is dropped on a run that does not draw it)
SLIDE_INDEX = "_slide_index"
SEEDED = "_seeded_from_url"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MAP_HEIGHT_PRESENTING = 680
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stAppHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], .st-key-page_body { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1rem 2.5rem 1rem 2.5rem !important; }
.st-key-presentation p, .st-key-presentation li, .st-key-presentation span { font-size: 1.45rem !important; }
.st-key-presentation h2, .st-key-presentation h2 span { font-size: 2.2rem !important; }
.st-key-presentation button p { font-size: 1.25rem !important; }
</style>
"""


@dataclass(frozen=True)
class Shown:
    """A figure of this run and how to draw it (`render(True)`: at presentation size)."""

    figure: Figure
    render: Callable[[bool], None]
    titled: bool = True  # False for a deck.gl map, which has no title or source line of its own


def begin_run() -> None:
    """Start this run's list of figures and of maps to draw at its end (app.py, before the page runs)."""
    st.session_state[REGISTRY] = []
    reset_deferred()


def figures_shown() -> list[Shown]:
    return st.session_state.get(REGISTRY, [])


def presenting() -> bool:
    return bool(st.session_state.get(PRESENTING, False))


def show_figure(figure: Figure, render: Callable[[bool], None], titled: bool = True) -> None:
    """Draw a figure with its download menu and remember it for the slide pack. In presentation mode
    the page only registers it: app.py draws one figure per screen (in the figure-only view, the one named)."""
    shown = figures_shown()
    taken = {item.figure.key for item in shown}
    if figure.key in taken:  # keys name widgets and files: keep them unique on the page
        figure = replace(
            figure, key=next(f"{figure.key}-{n}" for n in range(2, len(taken) + 3) if f"{figure.key}-{n}" not in taken)
        )
    shown.append(Shown(figure, render, titled))
    if presenting() or embedded_figure() is not None:
        return
    render(False)
    download_menu(figure)


def show_chart(figure: Figure, chart: Any, *, width: str = "stretch", alt: str | None = None) -> None:
    """An altair chart or a Vega-Lite dict, with its download menu."""
    if alt and not figure.description:
        figure = replace(figure, description=alt)  # the slide picture's alt text

    def spec(big: bool) -> dict[str, Any]:
        # a chart a page's view cache returns unchanged is converted once, not on every rerun
        return presentation_spec(figure) if big else PAGE_SPECS.get(chart, page_spec)

    def render(big: bool) -> None:
        after_first_screen(lambda: st.vega_lite_chart(spec(big), width=width, alt=alt))

    show_figure(figure, render)


def show_map(
    figure: Figure,
    deck: Any,
    *,
    key: str,
    alt: str,
    legend_title: str,
    legend: list[LegendEntry],
    note: str | None = None,
    height: int = PAGE_MAP_HEIGHT,
) -> None:
    """The deck.gl choropleth with its legend beside it (a click selects the area), and the download
    menu of its static twin (figure.spec). A still picture of the same map lies under the deck.gl
    canvas, so the map shows before deck.gl has loaded and drawn (components/map_preview.py)."""
    if alt and not figure.description:
        figure = replace(figure, description=alt)  # the slide picture's alt text

    def render(big: bool) -> None:
        map_height = MAP_HEIGHT_PRESENTING if big else height
        map_col, legend_col = st.columns([4, 1])
        with map_col, st.container(key=f"{SLOT_KEY_PREFIX}{key}"):
            st.html(deck_preview_html(deck.spec, map_height))
            place_map(  # the deck.gl chart: here, or at the end of the run (shell/first_screen.py)
                lambda target: target.pydeck_chart(
                    deck,
                    height=map_height,
                    on_select=select_area_on_click(key),
                    selection_mode="single-object",
                    key=key,
                    alt=alt,
                )
            )
        with legend_col:
            st.html(legend_html(legend_title, legend))
            if note:
                st.caption(note)

    show_figure(figure, render, titled=False)


def download_menu(figure: Figure) -> None:
    """PNG (2x), SVG, Vega-Lite JSON, CSV (with its CSVW description) and XLSX of one figure, each built only
    when clicked; then the data API URL of its data and its embed code."""
    snapshot = cached_snapshot()
    noun = "map" if figure.kind == "map" else "chart"
    with st.popover(f"Download this {noun}", icon=":material/download:", key=f"menu-{figure.key}"):
        for number, export in enumerate(figure_exports(figure, snapshot.metadata, snapshot.manifest)):
            st.download_button(
                export.label,
                data=export.build,
                file_name=export.file_name,
                mime=export.mime,
                on_click="ignore",
                key=f"dl-{figure.key}-{number}",
                width="stretch",
            )
        figure_link_items(figure)


def table_downloads(
    stem: str,
    title: str,
    data: Callable[[], pd.DataFrame] | pd.DataFrame,
    indicators: Iterable[str] = (),
    sources: Iterable[str] = (),
    *,
    subtitle: str = "",
    formats: tuple[str, ...] = ("csv", "xlsx"),
) -> None:
    """CSV, its CSVW description and XLSX (with a metadata sheet) buttons for a table the page shows."""
    snapshot = cached_snapshot()
    exports = table_exports(stem, title, data, indicators, snapshot.metadata, snapshot.manifest, sources, subtitle)
    with st.container(horizontal=True):
        for export in exports:
            kind = "csv" if export.file_name.endswith(".csv-metadata.json") else export.file_name.rsplit(".", 1)[-1]
            if kind not in formats:
                continue
            st.download_button(
                export.label,
                data=export.build,
                file_name=export.file_name,
                mime=export.mime,
                on_click="ignore",
                key=f"table-{export.file_name}",
                icon=":material/table_view:",
            )


# --- the tools app.py puts around the page ---------------------------------------------------------


def notice_link_problems() -> None:
    """Once per session: parameters of the link that no page reads are dropped with a gentle notice;
    a presentation flag or slide number that cannot be read falls back to the normal view."""
    seeded = st.session_state.setdefault(SEEDED, set())
    if "_link" in seeded:
        return
    seeded.add("_link")
    unknown = unknown_params(list(st.query_params.keys()))
    if unknown:
        names = ", ".join(plain(name, 30) for name in unknown[:5]) + (
            f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        )
        st.toast(f"This link has parameters the app does not use ({names}); they are ignored.")
        for name in unknown:
            st.query_params.pop(name, None)
    flag = parse_flag(st.query_params.get(PRESENT_PARAM))
    if flag is None:
        st.toast("The link's presentation setting could not be read; showing the normal view.")
    st.session_state[PRESENTING] = bool(flag)
    raw_slide = st.query_params.get(SLIDE_PARAM)
    index = parse_slide(raw_slide)
    if raw_slide is not None and index is None:
        st.toast(f"Slide '{plain(raw_slide, 12)}' is not a slide number; starting at the first figure.")
    st.session_state[SLIDE_INDEX] = index or 0


@dataclass(frozen=True)
class PresentationSlots:
    """Places drawn before the page runs (so Exit is there even if the page stops early) and filled
    after it, when the page's figures are known."""

    back: Any
    where: Any
    forward: Any
    figure: Any
    footer: Any


def _step(delta: int) -> None:
    st.session_state[SLIDE_INDEX] = st.session_state.get(SLIDE_INDEX, 0) + delta


def _stop_presenting() -> None:
    st.session_state[PRESENTING] = False


def _toggled() -> None:
    st.session_state[PRESENTING] = bool(st.session_state.get(PRESENT))


def presentation_frame() -> PresentationSlots | None:
    """In presentation mode: hide the sidebar and chrome, and lay out the controls above the page."""
    if not presenting():
        return None
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    with st.container(key="presentation"):
        back, where, forward, leave = st.columns([1.7, 4.2, 1.7, 2.2], vertical_alignment="center")
        leave.button(
            "Exit presentation",
            icon=":material/close:",
            key="present-exit",
            on_click=_stop_presenting,
            shortcut="Esc",
            width="stretch",
        )
        figure = st.empty()
        figure.info("This page has no chart or map to present for this view. Exit presentation mode to change it.")
        footer = st.container()
    return PresentationSlots(back, where, forward, figure, footer)


def page_body_container() -> Any:
    """Where the page draws: hidden in presentation mode and the figure-only view (the figures are drawn
    one at a time above it, or the one named after it)."""
    return st.container(key="page_body") if presenting() or embedded_figure() else contextlib.nullcontext()


def _view_words() -> tuple[str, str]:
    view = st.session_state.get("_shared_view")
    if view is None:
        return "Regional Productivity Explorer", ""
    where = view.area_name or LEVELS[view.level].label
    what = (
        f"{LEVELS[view.level].label} · {view.year} · compared with "
        f"{(BENCHMARKS[view.benchmark].name if view.benchmark in BENCHMARKS else view.benchmark)}"
    )
    return where, what


def current_link() -> str:
    """The link that reproduces this view (st.context.url is the page's address in the browser)."""
    params = {key: st.query_params.get(key) for key in st.query_params}
    return share_url(st.context.url, params)


def slide_pack_button(page_title: str, key: str) -> None:
    """One click builds the PPTX of the figures on this page (rendered only then)."""
    figures = [item.figure for item in figures_shown()]
    if not figures:
        return
    where, what = _view_words()
    params = {key: st.query_params.get(key) for key in st.query_params if key in KNOWN_PARAMS}
    link = public_view_link(st.context.url, params, os.environ.get(PUBLIC_URL_ENV))

    def build() -> bytes:
        from components.slides import page_slide_pack  # python-pptx: imported on the first click, not by every page

        return page_slide_pack(
            figures, page_title=page_title, where=where, what=what, date=dt.date.today().strftime("%d %B %Y"), link=link
        )

    slug = "".join(ch if ch.isalnum() else "_" for ch in page_title.lower())
    st.download_button(
        f"Slide pack (PPTX, {len(figures)} figure{'s' if len(figures) != 1 else ''})",
        data=build,
        file_name=f"{slug}_slides.pptx",
        mime=PPTX_MIME,
        on_click="ignore",
        key=key,
        icon=":material/slideshow:",
        help="A title slide, one slide per chart or map on this page, and a sources slide.",
    )


def sidebar_tools(page_title: str) -> None:
    """Presentation mode, a copyable link to this view and the slide pack (in the sidebar, after the page)."""
    with st.sidebar:
        st.divider()
        st.session_state[PRESENT] = presenting()  # the toggle mirrors the mode, which outlives a stopped page
        st.toggle(
            "Presentation mode",
            key=PRESENT,
            on_change=_toggled,
            help="Large type, no sidebar, one chart or map per screen (also ?present=1 in a link).",
        )
        if presenting():
            return
        st.query_params.pop(PRESENT_PARAM, None)
        st.query_params.pop(SLIDE_PARAM, None)
        with st.popover("Copy link to this view", icon=":material/link:", width="stretch"):
            st.caption("Opens this page with the same geography, area, year, benchmark and choices.")
            st.code(current_link(), language=None, wrap_lines=True)
        slide_pack_button(page_title, key="slide-pack")


def presentation_view(slots: PresentationSlots, page_title: str) -> None:
    """One figure per screen, large, with Previous / Next (PageUp / PageDown, as a presenter's clicker
    sends) and the figure's source line; the mode and slide number travel in the URL."""
    shown = figures_shown()
    index = clamp_slide(st.session_state.get(SLIDE_INDEX), len(shown))
    st.session_state[SLIDE_INDEX] = index
    st.query_params[PRESENT_PARAM] = "1"
    st.query_params[SLIDE_PARAM] = str(index + 1)
    slots.back.button(
        "Previous",
        icon=":material/arrow_back:",
        key="present-previous",
        on_click=_step,
        args=(-1,),
        disabled=index == 0,
        shortcut="PageUp",
        width="stretch",
    )
    slots.forward.button(
        "Next",
        icon=":material/arrow_forward:",
        key="present-next",
        on_click=_step,
        args=(1,),
        disabled=index >= len(shown) - 1,
        shortcut="PageDown",
        width="stretch",
    )
    if not shown:
        slots.where.markdown(f"**{page_title}**")
        return
    item = shown[index]
    slots.where.markdown(f"**{page_title}** · figure {index + 1} of {len(shown)}")
    with slots.figure.container():
        if not item.titled:
            st.markdown(f"## {plain(item.figure.title)}")  # a deck.gl map has no title of its own
            if item.figure.subtitle:
                st.markdown(plain(item.figure.subtitle))
            item.render(True)
            st.caption(plain(" ".join(source_lines(item.figure))))
        else:
            item.render(True)  # a chart carries its own title, subtitle and source lines
    with slots.footer:
        slide_pack_button(page_title, key="slide-pack-presenting")
