"""The figure-only view (?figure=<key>, with Streamlit's embed=true in embed codes): the page runs hidden, as
in presentation mode, and only the figure named is drawn, with its title, legend, source and licence, and
a link to the full view. Other sites may frame this view (deploy/security.py)."""

from __future__ import annotations

import streamlit as st

from components.attribution import ATTRIBUTION
from components.exports import source_lines
from components.plain_text import plain
from components.sharing import share_url
from shell.figure_links import view_params
from shell.figures import figures_shown

EMBED_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stAppHeader"], [data-testid="stToolbar"],
[data-testid="stDecoration"], .st-key-page_body { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0.5rem 1rem !important; }
</style>
"""


def embed_frame() -> None:
    """Hide the sidebar, the page's own content and Streamlit's chrome (drawn before the page runs)."""
    st.markdown(EMBED_CSS, unsafe_allow_html=True)


def embed_view(figure_key: str) -> None:
    """Draw the figure called `figure_key` of this run, alone; or say that the view has no such figure."""
    shown = {item.figure.key: item for item in figures_shown()}
    item = shown.get(figure_key)
    with st.container(key="embedded_figure"):
        if item is None:
            st.warning(
                f"This view has no chart or map called '{plain(figure_key, 60)}' (the data or the page may have "
                "changed since the embed code was copied)."
            )
        else:
            if not item.titled:  # a deck.gl map has no title or source line of its own
                st.markdown(f"#### {plain(item.figure.title)}")
                if item.figure.subtitle:
                    st.caption(plain(item.figure.subtitle))
                item.render(False)
                st.caption(plain(" ".join(source_lines(item.figure))))
            else:
                item.render(False)  # a chart carries its title, subtitle and source lines
        st.caption(ATTRIBUTION)
        full_view = share_url(st.context.url, view_params())
        st.markdown(f"[Open this view in the Regional Productivity Explorer]({full_view})")
