"""What a reader sees of the Markdown source AppTest reports: text from data files, uploads and links
reaches the page through components.plain_text.plain (backslash escapes, an invisible word joiner)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from components.plain_text import WORD_JOINER


def as_read(markdown: str) -> str:
    """`markdown` with its backslash escapes read and the word joiners dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def html_bodies(at: AppTest) -> list[str]:
    """The HTML of each st.html element of the last run (the map legends and previews: st.html, not Markdown,
    so the browser need not fetch Markdown's raw-HTML parser before it can draw them)."""
    return [element.proto.body for element in at.get("html")]


def map_legend(at: AppTest) -> str:
    """The first map legend's HTML."""
    return next(body for body in html_bodies(at) if "Map legend" in body)
