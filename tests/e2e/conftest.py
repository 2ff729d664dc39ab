"""End-to-end fixtures: one Streamlit server and one headless chromium per test session, and a fresh
browser context (a fresh Streamlit session) per test with every non-loopback request blocked; or one
browser page per module (`shared_page`) where each test loads its own URL (exports, share link,
presentation)."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bench.browser import CHROMIUM, StreamlitServer, launch_chromium, new_page, open_app

# Reruns on a loaded 2-core machine can take seconds; assertions poll for this long.
expect.set_options(timeout=20_000)
# Every Content-Security-Policy violation of the page (deploy/security.py), kept for the end of the test.
RECORD_CSP_VIOLATIONS = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', event => window.__cspViolations.push(
  `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`));"""


@dataclass
class AppPage:
    page: Page
    url: str
    blocked: list[str]  # URLs of the requests aborted because they were not for loopback
    console_errors: list[str]  # console messages of type "error" and uncaught exceptions, as they came


@pytest.fixture(scope="session")
def e2e_browser() -> Iterator[Browser]:
    """Headless Debian chromium. Missing chromium fails in CI and skips elsewhere."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_server(e2e_browser: Browser) -> Iterator[StreamlitServer]:
    with StreamlitServer() as server:
        server.wait_healthy()
        yield server


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item, so the `app` fixture knows if the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    e2e_browser: Browser,
    app_server: StreamlitServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[AppPage]:
    """The app's default page, loaded and idle, in its own browser context. On failure a full-page
    screenshot is saved and its path printed. Whatever the test does, the app's security policy must
    not have blocked anything (a CSP violation fails the test at teardown)."""
    blocked: list[str] = []
    app_page = AppPage(new_page(e2e_browser, blocked), app_server.url, blocked, [])
    app_page.page.add_init_script(RECORD_CSP_VIOLATIONS)
    app_page.page.on(
        "console", lambda message: app_page.console_errors.append(message.text) if message.type == "error" else None
    )
    app_page.page.on("pageerror", lambda error: app_page.console_errors.append(f"uncaught: {error}"))
    open_app(app_page.page, app_server.url)
    yield app_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        path = tmp_path_factory.mktemp("e2e-failure") / f"{request.node.name}.png"
        app_page.page.screenshot(path=path, full_page=True)
        print(f"screenshot of the failed page: {path}")
    violations = csp_violations(app_page.page)
    app_page.page.context.close()
    if violations:
        pytest.fail(f"the Content-Security-Policy blocked: {violations}")


def csp_violations(page: Page) -> list[str]:
    """The CSP violations recorded in the page's current document (empty if it has none or is gone)."""
    try:
        return page.evaluate("window.__cspViolations || []")
    except Exception:  # the page crashed or navigated away: nothing to read
        return []


@pytest.fixture(scope="module")
def shared_page(e2e_browser: Browser, app_server: StreamlitServer) -> Iterator[tuple[Page, str, list[str]]]:
    """One browser page for the module (each test loads its own URL, which starts a new session)."""
    blocked: list[str] = []
    page = new_page(e2e_browser, blocked)
    page.set_default_timeout(60_000)
    try:
        yield page, app_server.url, blocked
    finally:
        page.context.close()
