"""The browser's word that it has painted a first screen: a hidden button, clicked by a script once the page's
map previews are decoded and a frame holding them has been painted (shell/first_screen.py then draws the
charts, tables and deck.gl maps that the first screen kept places for).

The script is inline, so the Content-Security-Policy allows it by its hash (deploy/security.py); it contains
no markup characters, so the HTML sanitiser keeps its text exactly.
"""

from __future__ import annotations

from components.map_preview import PREVIEW_CLASS

DRAWN_BUTTON_KEY = "first-screen-drawn"
PENDING_CLASS = "rpe-first-screen-pending"  # on the page while the run that fills the places is to come
# Wait for the button (its component may still be loading when this script runs; stop if the mark has gone),
# then decode every preview and wait two animation frames: the second runs once the first, with them, is painted.
PAINTED_SCRIPT = (
    "(() => {"
    " const button = () => document.querySelector('.st-key-" + DRAWN_BUTTON_KEY + " button');"
    " const click = () => { const found = button(); if (found) { found.click(); } };"
    " const painted = () => Promise.all(Array.from(document.querySelectorAll('." + PREVIEW_CLASS + " img'))"
    ".map(image => image.decode().catch(() => null)))"
    ".then(() => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(click, 0))));"
    " const wait = () => { if (button()) { painted(); }"
    " else if (document.querySelector('." + PENDING_CLASS + "')) { setTimeout(wait, 50); } };"
    " wait();"
    " })();"
)
HIDDEN_BUTTON_CSS = f"<style>.st-key-{DRAWN_BUTTON_KEY}{{display:none}}</style>"


def painted_signal_html() -> str:
    """The mark that more is to come (tests and the bench wait for it to go), the button's CSS and the script."""
    return f'<span class="{PENDING_CLASS}" hidden></span>{HIDDEN_BUTTON_CSS}<script>{PAINTED_SCRIPT}</script>'
