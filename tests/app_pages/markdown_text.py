"""What a reader sees of the Markdown source AppTest reports: text from data files, uploads and links
reaches the page through components.plain_text.plain (backslash escapes, an invisible word joiner)."""

from __future__ import annotations

import re

from components.plain_text import WORD_JOINER


def as_read(markdown: str) -> str:
    """`markdown` with its backslash escapes read and the word joiners dropped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")
