"""Regional Productivity Explorer: entry point (navigation, page setup, attribution footer)."""

from __future__ import annotations

import streamlit as st

from components.attribution import ATTRIBUTION
from loaders.snapshot import SnapshotError, cached_snapshot

st.set_page_config(page_title="Regional Productivity Explorer", page_icon=":material/monitoring:", layout="wide")

try:
    cached_snapshot()
except SnapshotError as exc:
    st.error(f"The data snapshot cannot be loaded: {exc}")
    st.stop()

navigation = st.navigation(
    [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/map:", default=True),
        st.Page("app_pages/data_and_methods.py", title="Data and methods", icon=":material/menu_book:"),
    ]
)
navigation.run()
st.divider()
st.caption(ATTRIBUTION)
