"""HTTP security headers of the app, defined once: the app's own ASGI middleware sends them from a single
process (`streamlit run app.py`, see app.py) and nginx sends the same ones in front of several
processes (deploy/nginx.conf.template, rendered by deploy/nginx_conf.py).

The Content-Security-Policy allows exactly what Streamlit's front end and this app use, measured in
Chromium (tests/e2e/test_security_headers_browser.py fails on any CSP violation):
- scripts from the app's own origin, plus the one inline script of Streamlit's index.html (by its
  sha256, read from the installed Streamlit so an upgrade keeps the right hash) and the app's own script
  that says a first screen is painted (components/first_screen.py, by its sha256), and WebAssembly
  compilation ('wasm-unsafe-eval': Streamlit's protobuf decoder and deck.gl compile WebAssembly; the
  browser reports "wasm-eval" violations from protobuf.js and DeckGlJsonChart.js without it). No
  JavaScript eval: Vega's expressions run without it (no violation with 'unsafe-eval' left out);
- inline styles (Streamlit's styling libraries, emotion and styled-components, write <style> elements at
  run time: without 'unsafe-inline' the browser reports style-src-elem violations and pages break);
- images and fonts from the origin and data: URLs (the map's still preview is a data: PNG; Streamlit
  inlines some icons and fonts): without data: the browser reports img-src and font-src violations;
- workers and network requests (the WebSocket included) to the origin only;
- no plugins, no <base> elsewhere, forms to the origin only, and framing by the app's own pages only
  (Streamlit draws some elements in same-origin iframes), except the figure-only view.

Framing, decided: a response to a request whose query names a figure (`?figure=<key>`, the embed view of
components/sharing.py) may be framed by any site (`frame-ancestors *`, no X-Frame-Options), so councils
and others can embed a chart or map with the iframe code of the download menu. Every other response
keeps `frame-ancestors 'self'` and `X-Frame-Options: SAMEORIGIN`: the full app, with its inputs, uploads
and downloads, cannot be framed elsewhere (clickjacking). The figure view draws one figure and no inputs
(its sidebar and page are hidden), so framing it exposes nothing a screenshot would not. Only the
document request matters to the browser; the rule is on the query alone so nginx applies the same one
($arg_figure, deploy/nginx.conf.template).

Paths that need not be public (`/_stcore/metrics`) are answered 404 to anyone but a loopback client.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from components.first_screen import painted_signal_html
from components.sharing import FIGURE_PARAM

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PRIVATE_PATHS = ("/_stcore/metrics",)
SECURITY_HEADER_NAMES = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def streamlit_index_html() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static" / "index.html"


def inline_script_hashes(html: str) -> list[str]:
    """CSP source expressions ('sha256-...') for every inline <script> of a page."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in INLINE_SCRIPT.findall(html)
    ]


def content_security_policy(index_html: Path | None = None, *, embed: bool = False) -> str:
    hashes = inline_script_hashes((index_html or streamlit_index_html()).read_text(encoding="utf-8"))
    hashes += inline_script_hashes(painted_signal_html())  # the app's one script (components/first_screen.py)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *hashes, "'wasm-unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["*"] if embed else ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def security_headers(index_html: Path | None = None, *, embed: bool = False) -> dict[str, str]:
    """Header name -> value, for every response (`embed`: for the figure-only view, which other sites may
    frame: no X-Frame-Options, whose only values would forbid it)."""
    values = (content_security_policy(index_html, embed=embed), "SAMEORIGIN", "nosniff", "no-referrer")
    headers = dict(zip(SECURITY_HEADER_NAMES, values, strict=True))
    if embed:
        del headers["X-Frame-Options"]
    return headers


def names_a_figure(query_string: bytes | str) -> bool:
    """Whether a request's query asks for the figure-only view (a non-empty figure= parameter)."""
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    return any(value for value in parse_qs(text, keep_blank_values=True).get(FIGURE_PARAM, []))


def _raw(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]


def _loopback(scope: Scope) -> bool:
    client = scope.get("client")
    if not client:
        return False
    try:
        address = ipaddress.ip_address(client[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # a dual-stack socket reports ::ffff:127.0.0.1
    return (mapped or address).is_loopback


class SecurityHeaders:
    """ASGI middleware: adds the security headers to every HTTP response that does not set them itself,
    and keeps PRIVATE_PATHS to loopback clients. WebSocket traffic passes through untouched."""

    def __init__(
        self, app: ASGIApp, headers: dict[str, str] | None = None, embed_headers: dict[str, str] | None = None
    ) -> None:
        self.app = app
        self.headers = _raw(headers if headers is not None else security_headers())
        self.embed_headers = _raw(embed_headers if embed_headers is not None else security_headers(embed=True))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") in PRIVATE_PATHS and not _loopback(scope):
            await self._not_found(send)
            return

        headers = self.embed_headers if names_a_figure(scope.get("query_string", b"")) else self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((name, value) for name, value in headers if name not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _not_found(self, send: Send) -> None:
        body = b"Not Found"
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    *self.headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
