"""The links a figure's download menu offers besides its files: the data API request that returns its data,
and the embed code (an iframe of the figure-only view) that shows it on another site."""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from api.figure_links import FigureLink, figure_link
from components.exports import figure_data
from components.figures import Figure
from components.sharing import FIGURE_PARAM, KNOWN_PARAMS, embed_url, iframe_code
from shell.rerun_cache import FIGURE_LINKS
from shell.snapshot_cache import cached_area_levels, cached_snapshot


def embedded_figure() -> str | None:
    """The key of the figure this run draws alone (?figure=<key>), or None for the full page."""
    key = st.query_params.get(FIGURE_PARAM)
    return key or None


def link_key(figure: Figure) -> Hashable | None:
    """What decides a figure's link: the snapshot, the page, the figure (its key, title and indicators) and the
    view (the sidebar choices and every link parameter, which hold the page's own choices). None for a figure
    of the person's own data (it has a credit of its own): an upload is in no link, so it is never cached."""
    if figure.credit is not None:
        return None
    ctx = get_script_run_ctx()
    return (
        cached_snapshot().manifest.get("snapshot_id"),
        ctx.page_script_hash if ctx is not None else "",
        figure.key,
        figure.kind,
        figure.title,
        figure.subtitle,
        figure.indicators,
        st.session_state.get("_shared_view"),
        tuple(sorted((key, str(st.query_params.get(key))) for key in st.query_params)),
    )


def link_of(figure: Figure) -> FigureLink:
    """The API request behind the figure; the same view's link is computed once (it needs the figure's
    plotted rows, which are otherwise built only for a download)."""
    key = link_key(figure)
    return _link_of(figure) if key is None else FIGURE_LINKS.get(key, lambda: _link_of(figure))


def _link_of(figure: Figure) -> FigureLink:
    """The API request behind the figure (its data are computed here: the menu needs the areas and years)."""
    level_of_area, areas_per_level = cached_area_levels()
    metadata = cached_snapshot().metadata
    if not any(key in metadata for key in figure.indicators):  # no snapshot rows: no link, whatever it plots
        return figure_link(pd.DataFrame(), figure.indicators, metadata, level_of_area, areas_per_level)
    try:
        data = figure_data(figure)
    except Exception:  # a figure whose data cannot be built has no link; its CSV button reports the problem
        return FigureLink(None, "its data could not be read for this view")
    return figure_link(data, figure.indicators, metadata, level_of_area, areas_per_level)


def view_params() -> dict[str, str]:
    return {key: st.query_params.get(key) for key in st.query_params if key in KNOWN_PARAMS and key != FIGURE_PARAM}


def figure_link_items(figure: Figure) -> None:
    """In the download menu: the data API URL (CSV; .json beside it) and the embed code, both copyable."""
    noun = "map" if figure.kind == "map" else "chart"
    link = link_of(figure)
    st.markdown("**Data API**")
    if link.query is None:
        st.caption(f"This {noun}'s data are not in the data API: {link.reason}. Use the CSV above.")
    else:
        st.caption("The snapshot rows this " + noun + " is drawn from (CSV; `data.json` for JSON):")
        st.code(link.url(st.context.url), language=None, wrap_lines=True)
    st.markdown("**Embed**")
    st.caption(f"Paste into a web page to show this {noun} alone, with its title, legend, source and licence:")
    url = embed_url(st.context.url, view_params(), figure.key)
    st.code(
        iframe_code(url, figure.title or f"Regional Productivity Explorer {noun}", figure.kind),
        language="html",
        wrap_lines=True,
    )
