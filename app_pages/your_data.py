"""Work in progress: bring your own data (issue 6)."""

import streamlit as st

st.title("Your data")
