"""Regional Productivity Explorer: entry point (navigation, shared sidebar, link checks, presentation mode,
slide pack and share link, attribution footer).

`streamlit run app.py` finds the `app` below (an st.App, Streamlit's ASGI application) and serves it with
the data API under /api/v1/ (api/routes.py), so every response carries the security headers of
deploy/security.py; that import first warms the process up (shell/warm_up.py). The server then runs this same
file as the page script, with __name__ == "__main__" (as AppTest does), which draws the app.
"""

from __future__ import annotations

import contextlib

import streamlit as st
from starlette.middleware import Middleware

from api.routes import api_routes
from components.attribution import ATTRIBUTION
from deploy.security import SecurityHeaders
from loaders.snapshot import SnapshotError
from shell.embed import embed_frame, embed_view
from shell.figure_links import embedded_figure
from shell.figures import (
    begin_run,
    notice_link_problems,
    page_body_container,
    presentation_frame,
    presentation_view,
    sidebar_tools,
)
from shell.first_screen import draw_deferred
from shell.snapshot_cache import cached_snapshot
from shell.state import PageStopped, finish_sidebar, shared_sidebar
from shell.warm_up import warm_up_process

if __name__ != "__main__":  # imported by the ASGI server: serve this file, the data API and the security headers
    warm_up_process()  # before the first request: imports, snapshot, boundaries (shell/warm_up.py)
    app = st.App(__file__, routes=api_routes(cached_snapshot), middleware=[Middleware(SecurityHeaders)])

else:  # the page script
    st.set_page_config(page_title="Regional Productivity Explorer", page_icon="📈", layout="wide")
    # Keyboard focus on a link (the page navigation, links in text) drawn as a 3 px outline in the theme's dark blue,
    # over 7:1 against the sidebar and the page; Streamlit's own cue on the navigation is a faint fill. A chart wider
    # than the screen (small multiples of a fixed size, on a phone) scrolls sideways in its own frame, not the page.
    st.html("""<style>
[data-testid="stSidebarNav"] a:focus-visible, [data-testid="stMarkdownContainer"] a:focus-visible {
  outline: 3px solid #1d4f91 !important; outline-offset: 2px; border-radius: 0.25rem; }
[data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; }
</style>""")

    try:
        snapshot = cached_snapshot()
    except SnapshotError as exc:
        st.error(f"The data snapshot cannot be loaded: {exc}")
        st.stop()

    navigation = st.navigation(
        [
            st.Page("app_pages/overview.py", title="Overview", icon=":material/map:", default=True),
            st.Page("app_pages/manufacturing.py", title="Manufacturing", icon=":material/factory:"),
            st.Page("app_pages/sector_strengths.py", title="Sector strengths", icon=":material/insights:"),
            st.Page("app_pages/productivity_gaps.py", title="Productivity gaps", icon=":material/trending_up:"),
            st.Page("app_pages/levelling_up.py", title="Levelling up", icon=":material/balance:"),
            st.Page("app_pages/compare_areas.py", title="Compare areas", icon=":material/compare_arrows:"),
            st.Page("app_pages/targets.py", title="Targets", icon=":material/flag:"),
            st.Page("app_pages/your_data.py", title="Your data", icon=":material/upload_file:"),
            st.Page("app_pages/data_and_methods.py", title="Data and methods", icon=":material/menu_book:"),
            st.Page("app_pages/accessibility.py", title="Accessibility", icon=":material/accessibility:"),
        ]
    )
    notice_link_problems()
    with st.sidebar:
        shared_sidebar(snapshot)
    begin_run()
    figure_key = embedded_figure()  # ?figure=<key>: that figure alone (an embed code's view)
    if figure_key is not None:
        embed_frame()
    # Presentation controls are drawn before the page, so Exit works even if the page stops early.
    slots = presentation_frame() if figure_key is None else None
    # The page body is hidden in presentation mode (its figures are then shown one per screen above); a page
    # that ends early with stop_page() still gets the tools and the footer below.
    with page_body_container(), contextlib.suppress(PageStopped):
        navigation.run()
    finish_sidebar(snapshot)  # the Year picker, for pages that did not draw one for their own indicator
    if figure_key is not None:
        embed_view(figure_key)
    else:
        sidebar_tools(navigation.title)
        if slots is not None:
            presentation_view(slots, navigation.title)
        st.divider()
        st.caption(ATTRIBUTION)
    draw_deferred()  # deck.gl last: its JavaScript is fetched after the rest of the page has arrived
