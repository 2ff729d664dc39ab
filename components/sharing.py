"""Shareable links: which URL parameters the app understands, how a link to the current view is
written, how presentation-mode parameters from a link are read (a bad value never raises), and the
embed link and iframe code of one figure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from urllib.parse import urlencode, urlsplit

# Every parameter some page reads; anything else in a link is left out with a notice.
SHARED_PARAMS = ("level", "area", "year", "benchmark")
PAGE_PARAMS = (
    "indicator",  # Overview
    "mfg_measure",  # Manufacturing
    "sector_detail",
    "sector",
    "sector_group",  # Sector strengths
    "gap_measure",
    "gap_series",
    "gap_start",  # Productivity gaps
    "lu_x",
    "lu_y",
    "lu_maps",  # Levelling up
    "cmp_main",
    "cmp_areas",
    "cmp_indicator",  # Compare areas
    "plan",  # Targets: the user's groups and targets
    "your_data_indicator",  # Your data
)
PRESENT_PARAM, SLIDE_PARAM = "present", "slide"
# The figure-only view: ?figure=<key> draws that figure alone (title, legend, source, licence), and may be
# framed by other sites (deploy/security.py); Streamlit's own embed=true hides its toolbar and padding.
FIGURE_PARAM = "figure"
EMBED_QUERY = {"embed": "true"}
KNOWN_PARAMS = frozenset((*SHARED_PARAMS, *PAGE_PARAMS, PRESENT_PARAM, SLIDE_PARAM, FIGURE_PARAM))
EMBED_HEIGHT = {"chart": 560, "map": 860}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def unknown_params(keys: Iterable[str]) -> list[str]:
    """Parameters of a link that no page reads (e.g. from an older version of the app)."""
    return [key for key in keys if key not in KNOWN_PARAMS]


def parse_flag(raw: str | None) -> bool | None:
    """present=1/true/yes/on -> True, 0/false/no/off -> False, anything else -> None (not understood)."""
    if raw is None:
        return False
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_slide(raw: str | None) -> int | None:
    """slide=N (1-based, as people count) -> 0-based index; None when it is not a positive whole number."""
    if raw is None:
        return None
    try:
        number = int(raw.strip())
    except ValueError:
        return None
    return number - 1 if number >= 1 else None


def clamp_slide(index: int | None, count: int) -> int:
    """A slide index that exists for `count` figures (0 when there are none)."""
    if count <= 0 or index is None:
        return 0
    return min(max(index, 0), count - 1)


def share_url(base: str | None, params: Mapping[str, str]) -> str:
    """The link to this view: the page's address and every parameter the view is made of. Without a
    known address (no browser) it is the query string alone, relative to the page."""
    query = urlencode({key: value for key, value in params.items() if key in KNOWN_PARAMS})
    address = (base or "").split("?")[0].split("#")[0]
    parts = urlsplit(address)
    if parts.netloc and not parts.path:  # the default page's address: "http://host" -> "http://host/"
        address += "/"
    return f"{address}?{query}" if query else (address or "?")


def embed_url(page_url: str | None, params: Mapping[str, str], figure_key: str) -> str:
    """The figure-only view of one figure of this view: the share link plus figure=<key>&embed=true."""
    link = share_url(page_url, {**params, FIGURE_PARAM: figure_key})
    return f"{link}&{urlencode(EMBED_QUERY)}"


def iframe_code(url: str, title: str, kind: str = "chart") -> str:
    """The HTML a publisher pastes into a page to show the figure (title for screen readers; lazy loading)."""
    height = EMBED_HEIGHT.get(kind, EMBED_HEIGHT["chart"])
    return (
        f'<iframe src="{escape(url, quote=True)}" title="{escape(title, quote=True)}" width="100%" '
        f'height="{height}" style="border:0" loading="lazy"></iframe>'
    )
