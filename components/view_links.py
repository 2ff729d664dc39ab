"""The public link to a view, for the slide pack's closing slide: no python-pptx here, so the page that only
shows the slide-pack button does not import it (it is imported when the pack is built, on click)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

PUBLIC_URL_ENV = "RPE_PUBLIC_URL"


def is_public_address(url: str | None) -> bool:
    """True for an http(s) address someone at another computer can open: not localhost, and not a
    loopback, private, link-local or otherwise non-global IP address."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host and not host.endswith((".localhost", ".local", ".internal", ".lan", ".home.arpa"))


def public_view_link(page_url: str | None, params: Mapping[str, str], public_base: str | None) -> str | None:
    """The link to this view for the slides: the configured public address (RPE_PUBLIC_URL) with this page's
    path and parameters, else the page's own address when that is public; None when no public address is
    known (a local run: a 127.0.0.1 link would open nothing on anyone else's computer)."""
    path = urlsplit(page_url or "").path or "/"
    query = urlencode(dict(params))
    if is_public_address(public_base):
        base = str(public_base).rstrip("/")
        return f"{base}{path}" + (f"?{query}" if query else "")
    if is_public_address(page_url):
        parts = urlsplit(str(page_url))
        return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")
    return None
