"""Regional Productivity Explorer: entry point (navigation, shared sidebar, attribution footer)."""

from __future__ import annotations

import streamlit as st

from app_pages.state import shared_sidebar
from components.attribution import ATTRIBUTION
from loaders.snapshot import SnapshotError, cached_snapshot

st.set_page_config(page_title="Regional Productivity Explorer", page_icon=":material/monitoring:", layout="wide")

try:
    snapshot = cached_snapshot()
except SnapshotError as exc:
    st.error(f"The data snapshot cannot be loaded: {exc}")
    st.stop()

navigation = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/map:", default=True),
        st.Page("app_pages/manufacturing.py", title="Manufacturing", icon=":material/factory:"),
        st.Page("app_pages/productivity_gaps.py", title="Productivity gaps", icon=":material/trending_up:"),
        st.Page("app_pages/levelling_up.py", title="Levelling up", icon=":material/balance:"),
        st.Page("app_pages/compare_areas.py", title="Compare areas", icon=":material/compare_arrows:"),
        st.Page("app_pages/targets.py", title="Targets", icon=":material/flag:"),
        st.Page("app_pages/your_data.py", title="Your data", icon=":material/upload_file:"),
        st.Page("app_pages/data_and_methods.py", title="Data and methods", icon=":material/menu_book:"),
    ]
)
with st.sidebar:
    shared_sidebar(snapshot)
navigation.run()
st.divider()
st.caption(ATTRIBUTION)
