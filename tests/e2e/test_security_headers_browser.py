"""The app's security headers from a single `streamlit run app.py` process, in a real browser (issue 12,
hardening): the responses carry them, the Content-Security-Policy is enforced, and the app works under
it (deck.gl map drawn, Vega charts drawn) with no violation. Every other browser test also fails on
a CSP violation (tests/e2e/conftest.py), so the whole e2e suite runs under the policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.browser import coloured_pixels, min_map_pixels, wait_for_map
from deploy.security import security_headers
from tests.e2e.conftest import AppPage, csp_violations
from tests.e2e.helpers_pages import VEGA, assert_no_error, go_to, wait_for_pixels

pytestmark = pytest.mark.e2e


def test_a_single_process_sends_the_security_headers(app: AppPage) -> None:
    """The app's own middleware (app.py's st.App): before, a plain `streamlit run` sent none of these."""
    for path in (
        "",
        "_stcore/health",
        "static/js/"
        + app.page.evaluate(
            "[...document.scripts].map(s => s.src).find(src => src.includes('/static/js/')).split('/').pop()"
        ),
    ):
        response = app.page.request.get(app.url + path)
        assert response.status == 200, path
        for name, value in security_headers().items():
            assert response.headers.get(name.lower()) == value, (path, name)
    metrics = app.page.request.get(app.url + "_stcore/metrics")  # the operator on this machine still reads them
    assert metrics.status == 200


def test_the_app_works_under_the_policy_and_the_policy_blocks(app: AppPage) -> None:
    page = app.page
    assert coloured_pixels(wait_for_map(page)) >= min_map_pixels(page)  # deck.gl (WebAssembly allowed)
    go_to(page, "Productivity gaps")
    assert_no_error(page)
    chart = page.locator(VEGA).first
    expect(chart).to_be_visible()
    wait_for_pixels(chart, 500)
    go_to(page, "Your data")
    assert_no_error(page)
    assert csp_violations(page) == []
    assert not [message for message in app.console_errors if "Content Security Policy" in message]
    # An injected inline script (what a markup injection would try) is refused and reported.
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                      document.head.appendChild(s); }""")
    assert page.evaluate("window.__ran === undefined")
    violations = csp_violations(page)
    assert len(violations) == 1 and violations[0].startswith("script-src-elem blocked inline"), violations
    page.evaluate("window.__cspViolations = []")  # expected: the teardown check is for unexpected ones
