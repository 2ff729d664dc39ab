"""Text from links, uploads and files is shown as text: plain() escapes every character Markdown could
read as syntax and breaks the patterns GitHub-flavoured Markdown turns into links on its own (the
browser test checks the same strings rendered by Streamlit in Chromium)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from components.plain_text import WORD_JOINER, plain

# The patterns remark-gfm (Streamlit's Markdown) turns into links after escapes are read.
AUTOLINK = re.compile(r"(?i)(https?://|www\.)[-.\w]+|[-.\w+]+@[-\w]+(\.[-\w]+)+")
HOSTILE = [
    "[Session expired - log in](http://evil.example/login)",
    "![pixel](http://evil.example/pixel.png)",
    "see http://evil.example, www.evil.example or bob@evil.example",
    "<img src=x onerror=alert(1)> &amp; <b>bold</b>",
    "# heading",
    "1. list",
    "- item",
    "> quote",
    "| a | b |",
    "`code`",
    "*em* __strong__ ~~gone~~",
    "$x^2$",
    ":smile: :material/home: :red[red text]",
    "[x]: http://evil.example/ref",
]


def unescaped(shown: str) -> str:
    """What the reader sees: backslash escapes read, the invisible joiner dropped."""
    return re.sub(r"\\(.)", r"\1", shown).replace(WORD_JOINER, "")


def test_hostile_text_shows_as_written() -> None:
    for text in HOSTILE:
        shown = plain(text)
        assert unescaped(shown) == text
        assert not re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\.", "", shown)), shown  # all punctuation escaped
        assert not AUTOLINK.search(re.sub(r"\\(.)", r"\1", shown)), shown  # no address left for autolinking


TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cc", "Cs"),
        blacklist_characters=(WORD_JOINER, *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"),
    ),
    max_size=200,
)


@given(TEXT)
def test_any_text_round_trips_on_one_line(text: str) -> None:
    shown = plain(text)
    assert unescaped(shown) == " ".join(text.split())
    assert not AUTOLINK.search(re.sub(r"\\(.)", r"\1", shown))


def test_long_text_is_cut_and_hidden_characters_dropped() -> None:
    assert unescaped(plain("x" * 10_000, 80)) == "x" * 79 + "\u2026"
    assert unescaped(plain("a\nb\tc   d")) == "a b c d"
    assert unescaped(plain("evil\u202etxt.exe\x07")) == "eviltxt.exe"
