"""Accessibility statement: what was tested, how the maps and charts can be used without sight of colour or a
mouse, and the known gaps (ours and Streamlit's)."""

from __future__ import annotations

import streamlit as st

AXE_VERSION = "4.14.1"  # tests/e2e/test_accessibility.py checks this against the axe-core the tests run
STREAMLIT_VERSION = st.__version__
TESTED_PAGES = (
    "Overview",
    "Manufacturing",
    "Sector strengths",
    "Productivity gaps",
    "Levelling up",
    "Compare areas",
    "Targets",
    "Your data",
    "Data and methods",
    "Accessibility",
)

st.title("Accessibility statement")
st.markdown(
    "We want everyone who needs these figures to be able to use this dashboard: to reach every control with "
    "a keyboard, to read every map and chart as text, and never to need colour to tell things apart. We aim "
    "to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. This page says how we test "
    "that and where we know we fall short."
)

st.header("How we test")
st.markdown(
    f"""
- **Automated rules, on every change.** The test suite opens each page in a real browser (headless Chromium)
  and runs **axe-core {AXE_VERSION}** with its WCAG 2.0, 2.1 and 2.2 level A and AA rules and its best-practice
  rules. A serious or critical violation in our own content fails the build; the only exclusions allowed
  are named findings in Streamlit's own components, each with its upstream reference (there are none at
  present). Pages tested: {", ".join(TESTED_PAGES)}; also the Overview at local authority level with an
  area selected and its table open, and Your data with its example file mapped.
- **A keyboard-only walk, on every change.** Using only Tab, the arrow keys and Enter, a test skips to the
  content, changes the geography and the indicator on the Overview, picks an area, opens the map's table
  and moves through it, and goes on to another page.
- **Maps and charts.** Tests check that every map (interactive or static) has a text description and a
  table listing every area it shows with a value, and that no chart on any page, at three geography levels,
  tells series or a highlighted area apart by colour alone. Unit tests check that the ranked bar chart marks
  the selected area without colour, and only that area, in the chart and in its exported SVG.
- **What is drawn, on a desktop and on a phone.** Every chart on every page, at every geography level and
  for several selections (long area names among them), is drawn as the browser draws it, at the width it gets
  on a 1400 px desktop and on a 390 px phone, and checked: every bar of a ranked chart is named, with no two
  names touching and the selected area always named; no title or label is cut off; plots keep their height.
  A phone-sized browser checks that each page fits the screen, and a keyboard test that focus on the
  navigation is a clear outline. No text on any page may show `None`, `nan`, `-0.00` or an internal key.
"""
)

st.header("Using the maps and charts without a mouse or without colour")
st.markdown(
    """
- **Every map has a text alternative.** Screen readers announce the map as a figure with a description of
  what it shows (the indicator, year and geography, and the highest and lowest areas). Beside it, the legend
  is text; below it, a table lists every area with its value, rank, status and gap to the benchmark
  (open it with Enter: "Table (all areas)" and similar). Tables can be read cell by cell with the arrow keys.
- **Selecting an area does not need the map.** Clicking an area selects it; the "Area" box in the sidebar
  does the same from the keyboard (type to filter, Enter to choose).
- **Colour is never the only cue.** Map palettes (viridis, purple-orange for gaps) are safe for the common
  colour-vision deficiencies and ordered by lightness; no data is grey and suppressed values have a dashed
  outline, both named in the legend, and the legend is a text list. In charts, lines differ in dash pattern
  and point shape and carry labels, and benchmarks are dashed lines. In the ranked bar charts the selected
  area's bar is outlined in black and its name on the axis is set in bold with a "►" before it, on screen
  and in the PNG and SVG downloads; screen readers hear "Selected: true" on its bar.
- **Everything can be downloaded as data.** Each chart and map offers CSV and Excel files of exactly what
  it plots, for use with a screen reader, a magnifier or other software.
"""
)

st.header("Screen readers")
st.markdown(
    f"""
The dashboard is built with Streamlit {STREAMLIT_VERSION}. Its controls are standard: drop-down lists are
ARIA comboboxes with labels, switches and buttons have names, and a "Skip to main content" link comes first.
Keyboard focus on a link is drawn as a 3 px dark blue outline.
Charts are SVG images whose bars and points carry labels; their titles and subtitles are text on the chart.
Tables are drawn on a canvas with an accessible grid behind it that screen readers read. When a choice
changes the view, the page is redrawn without moving focus; the headline sentence under the page title then
gives the new result ("ranked 31st of 38 LEPs ..."). We have tested with the browser's accessibility tree
and automated rules; we have not yet run a full audit with NVDA, JAWS or VoiceOver users.
"""
)

st.header("Known gaps")
st.markdown(
    """
- **The interactive map is a WebGL canvas.** With the keyboard it can be focused, panned (arrow keys) and
  zoomed (+ and -), but an area cannot be chosen or read on the map itself, and its tooltips appear on mouse
  hover only. Use the table below the map and the "Area" box instead; they hold the same information.
  Where WebGL is switched off (as on some managed desktops), each map is shown as a still picture of the
  same areas and colours, without zoom, tooltips or clicking.
- **Some pages skip a heading level** (a section heading directly under the page title); screen reader users
  who move by headings may hear a level 3 heading after a level 1.
- **Streamlit's own components**, which we cannot change: the file upload area on Your data has a
  presentation role together with a label (an axe-core "minor" finding); an open drop-down list is drawn
  outside the page's landmarks (an axe-core "moderate" finding); chart toolbars and the data grid's column
  menus are Streamlit's. General accessibility work in Streamlit is tracked upstream
  (github.com/streamlit/streamlit, issue 8399, "Basic accessibility web features").
- **On a phone**, long area names in charts end in "…" (the full name is in the tooltip, the legend or the
  table), and the small multiples (the maps side by side, firms by size band) keep their desktop size and
  scroll sideways in their own frame.
- **Presentation mode** hides the sidebar for large-screen use; leave it with Escape or the "Exit
  presentation" button.
"""
)

st.header("Feedback")
st.markdown(
    "If something on this dashboard is hard to use with your browser, screen reader or other assistive "
    "technology, please tell the team that runs it, saying which page and what you tried to do. Every "
    "figure here can also be downloaded as a table from the Data and methods page."
)
st.caption(f"Statement prepared for axe-core {AXE_VERSION} and Streamlit {STREAMLIT_VERSION}.")
