"""An embed code works on another site: a plain HTML page served from a different origin (python's
http.server on another port) frames the figure-only view, and Chromium draws the chart inside the frame,
under the app's security policy; the full app framed the same way is refused (frame-ancestors 'self'); the
page's own script reads the data API across origins."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from bench.browser import StreamlitServer, free_port, new_page
from components.sharing import iframe_code
from tests.e2e.conftest import RECORD_CSP_VIOLATIONS

pytestmark = pytest.mark.e2e
FIGURE_VIEW = "productivity_gaps?level=lep&area=E37000025&figure=gaps_levels&embed=true"
FULL_APP = "productivity_gaps?level=lep&area=E37000025&embed=true"


@pytest.fixture
def other_site(tmp_path: Path, app_server: StreamlitServer) -> Iterator[str]:
    """http://127.0.0.1:<other port>/: a publisher's page with the figure's iframe code and a frame of the full app."""
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><title>A council's page</title></head><body><h1>Our economy</h1>"
        + iframe_code(app_server.url + FIGURE_VIEW, "North East LEP and its benchmarks")
        + iframe_code(app_server.url + FULL_APP, "The whole app")
        + "</body></html>",
        encoding="utf-8",
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_figure_view_draws_inside_another_sites_frame(
    e2e_browser: Browser, other_site: str, app_server: StreamlitServer
) -> None:
    blocked: list[str] = []
    page = new_page(e2e_browser, blocked)
    page.add_init_script(RECORD_CSP_VIOLATIONS)  # runs in every frame
    try:
        page.goto(other_site)
        figure = page.frame_locator("iframe").nth(0)
        svg = figure.locator("[data-testid='stVegaLiteChart'] svg").first
        expect(svg).to_be_visible(timeout=90_000)
        expect(figure.locator("[data-testid='stVegaLiteChart']")).to_have_count(1)  # that figure alone
        expect(svg).to_contain_text("North East LEP")  # Vega draws its labels as SVG text
        expect(figure.get_by_text("Open Government Licence v3.0").first).to_be_visible()
        expect(figure.locator("[data-testid='stSidebar']")).to_be_hidden()
        assert svg.locator("path").count() > 5
        [frame] = [f for f in page.frames if "figure=gaps_levels" in f.url]
        assert frame.evaluate("window.__cspViolations") == []
        # The full app in a frame of another origin is refused by its frame-ancestors 'self'.
        full = page.frame_locator("iframe").nth(1)
        page.wait_for_timeout(3_000)
        expect(full.locator("[data-testid='stApp']")).to_have_count(0)
        # The other site's own script reads the data API across origins (CORS open for GET).
        answer = page.evaluate(
            "url => fetch(url).then(r => r.json().then(body => [r.status, body.total, body.licence.name]))",
            app_server.url + "api/v1/data.json?indicator=gva_per_hour&geography=lep&year=2023",
        )
        assert answer == [200, 38, "Open Government Licence v3.0"]
    finally:
        page.context.close()
