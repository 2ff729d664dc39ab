"""The security headers and the ASGI middleware that sends them from a single app process (deploy/security.py),
driven directly with ASGI messages (the browser test checks them on the running app)."""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import hashlib
from pathlib import Path

import pytest

from components.first_screen import PAINTED_SCRIPT
from deploy.security import (
    SecurityHeaders,
    content_security_policy,
    inline_script_hashes,
    names_a_figure,
    security_headers,
)


def _run(middleware: SecurityHeaders, scope: dict) -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        sent.append(message)

    call = middleware({"path": "/", "client": ("127.0.0.1", 1), **scope}, receive, send)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop, whatever runs in this thread
        pool.submit(asyncio.run, call).result()
    return sent


async def _app(scope: dict, receive, send) -> None:
    """A stand-in for Streamlit: answers 200 with its own X-Frame-Options header."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/html"), (b"x-frame-options", b"DENY")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})


def test_every_http_response_gets_the_headers_without_overriding_the_apps_own() -> None:
    sent = _run(SecurityHeaders(_app), {"type": "http"})
    headers = dict(sent[0]["headers"])
    for name, value in security_headers().items():
        if name != "X-Frame-Options":
            assert headers[name.lower().encode()] == value.encode(), name
    assert [name for name, _ in sent[0]["headers"]].count(b"x-frame-options") == 1
    assert headers[b"x-frame-options"] == b"DENY"
    assert sent[1] == {"type": "http.response.body", "body": b"ok"}


@pytest.mark.parametrize(
    ("client", "status"),
    [
        (("203.0.113.9", 40000), 404),
        (("::ffff:203.0.113.9", 40000), 404),
        (("127.0.0.1", 40000), 200),
        (("::ffff:127.0.0.1", 40000), 200),  # a dual-stack listener reports loopback IPv4 like this
        (("::1", 40000), 200),
        (None, 404),
    ],
)
def test_metrics_are_for_loopback_clients_only(client: tuple[str, int] | None, status: int) -> None:
    sent = _run(SecurityHeaders(_app), {"type": "http", "path": "/_stcore/metrics", "client": client})
    assert sent[0]["status"] == status
    assert dict(sent[0]["headers"])[b"content-security-policy"]


def test_websockets_pass_through_untouched() -> None:
    seen: list[dict] = []

    async def websocket_app(scope: dict, receive, send) -> None:
        seen.append(scope)
        await send({"type": "websocket.accept"})

    sent = _run(SecurityHeaders(websocket_app), {"type": "websocket", "path": "/_stcore/stream"})
    assert sent == [{"type": "websocket.accept"}] and seen[0]["type"] == "websocket"


def test_the_inline_scripts_of_streamlits_page_and_the_app_are_allowed_by_their_hashes(tmp_path: Path) -> None:
    body = "\n      window.prerenderReady = false\n    "
    page = tmp_path / "index.html"
    page.write_text(f'<head><script>{body}</script><script type="module" src="./x.js"></script></head>')
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
    assert inline_script_hashes(page.read_text()) == [expected]
    policy = content_security_policy(page)
    script_src = next(part for part in policy.split("; ") if part.startswith("script-src "))
    ours = "'sha256-" + base64.b64encode(hashlib.sha256(PAINTED_SCRIPT.encode()).digest()).decode() + "'"
    assert script_src == f"script-src 'self' {expected} {ours} 'wasm-unsafe-eval'"
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy and "connect-src 'self'" in policy


def test_only_the_figure_view_may_be_framed_by_other_sites() -> None:
    """Embed codes frame ?figure=<key> from any site; every other response keeps frame-ancestors 'self' and
    X-Frame-Options (the full app, with its inputs, cannot be framed elsewhere)."""
    embed = security_headers(embed=True)
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    normal = security_headers()
    assert normal["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in normal["Content-Security-Policy"]
    # Apart from framing, the two policies are the same.
    assert (
        embed["Content-Security-Policy"].replace("frame-ancestors *", "frame-ancestors 'self'")
        == (normal["Content-Security-Policy"])
    )
    assert names_a_figure(b"level=lep&figure=gaps_levels&embed=true")
    assert not names_a_figure(b"level=lep&embed=true") and not names_a_figure(b"figure=") and not names_a_figure(b"")
    assert not names_a_figure("figures=x&xfigure=y")


@pytest.mark.parametrize(
    ("query", "framable"),
    [(b"figure=overview_map&embed=true", True), (b"embed=true", False), (b"level=lep", False)],
)
def test_the_middleware_relaxes_framing_for_the_figure_view_only(query: bytes, framable: bool) -> None:
    async def page(scope: dict, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"<html></html>"})

    sent = _run(SecurityHeaders(page), {"type": "http", "path": "/productivity_gaps", "query_string": query})
    headers = dict(sent[0]["headers"])
    policy = headers[b"content-security-policy"].decode()
    assert ("frame-ancestors *" in policy) is framable
    assert (b"x-frame-options" in headers) is not framable
    assert headers[b"x-content-type-options"] == b"nosniff"
