"""Work in progress: this page is being built (issue 3)."""

import streamlit as st

st.title("compare areas".capitalize())
