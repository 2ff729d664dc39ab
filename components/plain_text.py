"""Text from links, uploads and data files shown as text: the one escaping step between such text and any
Streamlit element that renders Markdown (st.markdown, headings, captions, alerts, toasts, metric, button,
radio and expander labels). Pure (no Streamlit), so the tests call it directly.

Escaping the Markdown is not enough on its own: Streamlit's GitHub-flavoured Markdown turns bare web
addresses ("http://...", "www....") and e-mail addresses into links *after* backslash escapes are read,
so an escaped "[log in](http://x)" still shows a live link. A WORD JOINER (U+2060: invisible, and not a
letter, so no address pattern matches across it) after "http", "https", "www" and "@" stops that.
"""

from __future__ import annotations

import re

from loaders.errors import shorten

WORD_JOINER = "\u2060"
# Every ASCII punctuation character: CommonMark lets a backslash escape any of them, and escaped they
# start nothing (link, image, emphasis, heading, list, table, HTML, entity, LaTeX "$", ":emoji:", ":red[...]").
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_ADDRESS_START = re.compile(r"(?i)https?(?=:)|www(?=\.)|@")
# Control characters, and the bidirectional overrides that can make text read differently from what it is.
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def plain(text: object, limit: int | None = None) -> str:
    """`text` as Markdown that shows exactly that text, on one line (runs of spaces and line breaks become
    one space), cut to `limit` characters with an ellipsis when a limit is given."""
    raw = _HIDDEN.sub("", str(text))
    flat = shorten(raw, limit) if limit is not None else " ".join(raw.split())
    joined = _ADDRESS_START.sub(lambda match: match.group(0) + WORD_JOINER, flat)
    return _PUNCTUATION.sub(r"\\\1", joined)
