"""Browser helpers shared by tests/e2e and the benchmark.

A Streamlit server on a free loopback port, headless Debian chromium with every non-loopback
request blocked (and recorded), waiting for the app to be idle, and counting coloured pixels in an
element screenshot of the map: a blank WebGL canvas still exists, so pixels are the proof it drew.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from PIL import Image, ImageChops
from playwright.sync_api import Browser, Locator, Page, Playwright, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from components.first_screen import PENDING_CLASS
from components.map_preview import PREVIEW_CLASS, SLOT_KEY_PREFIX

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NO_WEBGL_ARGS = ["--disable-webgl", "--disable-3d-apis"]  # a browser without WebGL, as on some managed desktops
VIEWPORT = {"width": 1400, "height": 1000}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

APP = "[data-testid='stApp']"
IDLE = f"{APP}[data-test-script-state='notRunning']"
RUNNING = f"{APP}[data-test-script-state='running']"
MAP = "[data-testid='stDeckGlJsonChart']"
MAP_CANVAS = f"{MAP} canvas"
MAP_SLOT = f"[class*='st-key-{SLOT_KEY_PREFIX}']"  # the map's cell: its still preview under the deck.gl chart
MAP_PREVIEW = f".{PREVIEW_CLASS}"
FIRST_SCREEN_PENDING = f".{PENDING_CLASS}"
# A drawn choropleth fills a good part of its container; a blank canvas has no coloured pixel.
MIN_COLOURED_SHARE = 0.02
# axe-core, from the npm registry (`npm install --prefix .ci/node axe-core@4.14.1`; .ci/run does it), or
# wherever AXE_CORE_JS points. It is injected into the page under test, never served by the app.
AXE_JS = Path(os.environ.get("AXE_CORE_JS") or REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js")
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: tags}});
  return {version: axe.version, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 300),
                              summary: (n.failureSummary || '').slice(0, 400)}))}))};
}"""


class StreamlitServer:
    """`python -m streamlit run app.py` on a free loopback port; use as a context manager so the
    process is always terminated. Output goes to an anonymous temp file, shown if start-up fails."""

    def __init__(
        self,
        repo: Path = REPO,
        port: int | None = None,
        launcher: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.repo = repo
        self.port = port or free_port()
        # What runs `streamlit run app.py` (the profiler in bench/profiled_server.py takes its place).
        self.launcher = list(launcher) if launcher else ["-m", "streamlit", "run", "app.py"]
        self.env = {**os.environ, **(env or {})}
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())

    def start(self) -> StreamlitServer:
        command = [
            sys.executable,
            *self.launcher,
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
        ]
        self.process = subprocess.Popen(
            command, cwd=self.repo, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env
        )
        return self

    def wait_healthy(self, timeout_s: float = 60.0) -> None:
        """Poll /_stcore/health until it answers "ok"; fail with the server log if it never does."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited before becoming healthy:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        raise TimeoutError(f"streamlit not healthy after {timeout_s:.0f} s:\n{self.log_tail()}")

    def rss_mb(self) -> float:
        """Resident memory of the server process in MiB (VmRSS from /proc)."""
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("VmRSS not found")

    def log_tail(self, chars: int = 4000) -> str:
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-chars:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: apt-get install chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOOPBACK_HOSTS


def new_page(browser: Browser, blocked: list[str]) -> Page:
    """A page in a fresh context (a fresh Streamlit session) that aborts every non-loopback request
    and appends its URL to `blocked`."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)

    def guard(route: Route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    context.add_init_script(MARK_PREVIEW_PAINT)
    return context.new_page()


def wait_idle(page: Page, timeout_ms: float = 60_000) -> None:
    """Wait until the script run triggered by the last interaction has finished.

    The run may not have started yet when this is called, or may already be over, so first give it
    a short chance to show "running", then wait for "notRunning"."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_selector(RUNNING, timeout=1_500)
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    wait_first_screen_filled(page, timeout_ms)


TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def wait_first_screen_filled(page: Page, timeout_ms: float = 60_000, appears_within_ms: float = 0) -> None:
    """A session's first screen keeps places for its charts, tables and deck.gl maps, filled by the run its
    painted signal asks for (shell/first_screen.py): wait until its mark has gone and that run is over. The
    app shows "not running" a little before the run's last elements are in the page: give them two frames,
    or up to `appears_within_ms` where a first screen is expected."""
    page.evaluate(TWO_FRAMES)
    if appears_within_ms:
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_selector(FIRST_SCREEN_PENDING, state="attached", timeout=appears_within_ms)
    if page.locator(FIRST_SCREEN_PENDING).count():
        page.wait_for_selector(FIRST_SCREEN_PENDING, state="detached", timeout=timeout_ms)
        page.wait_for_selector(IDLE, timeout=timeout_ms)


def open_app(page: Page, url: str, timeout_ms: float = 60_000) -> None:
    """Open a page in a new session and wait until its first screen and the run that fills it are over."""
    page.goto(url, timeout=timeout_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    wait_first_screen_filled(page, timeout_ms, appears_within_ms=2_000)


def _saturation_mask(image: Image.Image, min_saturation: int, min_value: int) -> Image.Image:
    _, saturation, value = image.convert("RGB").convert("HSV").split()
    saturated = saturation.point(lambda s: 255 if s >= min_saturation else 0)
    bright = value.point(lambda v: 255 if v >= min_value else 0)
    return ImageChops.multiply(saturated, bright)


def coloured_pixels(png: bytes, min_saturation: int = 80, min_value: int = 40) -> int:
    """Pixels that are neither white, grey nor black: saturated and not too dark (HSV, 0-255)."""
    mask = _saturation_mask(Image.open(io.BytesIO(png)), min_saturation, min_value)
    return mask.histogram()[255]


def colour_counts(png: bytes, top: int = 12) -> Counter[tuple[int, int, int]]:
    """The most frequent coloured (saturated) pixel colours and their counts."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    mask = _saturation_mask(image, 80, 40)
    black = Image.new("RGB", image.size)
    counts: Counter[tuple[int, int, int]] = Counter()
    for count, colour in Image.composite(image, black, mask).getcolors(maxcolors=image.width * image.height) or []:
        if colour != (0, 0, 0):
            counts[colour] = count
    return Counter(dict(counts.most_common(top)))


def differing_pixels(a: bytes, b: bytes) -> int:
    """Pixels whose colour differs between two screenshots of the same size."""
    first, second = (Image.open(io.BytesIO(png)).convert("RGB") for png in (a, b))
    if first.size != second.size:
        return first.width * first.height
    difference = ImageChops.difference(first, second).convert("L")
    return sum(difference.point(lambda d: 255 if d > 8 else 0).histogram()[255:])


def map_screenshot(page: Page) -> bytes:
    return page.locator(MAP).first.screenshot(animations="disabled", timeout=30_000)


def min_map_pixels(page: Page) -> int:
    box = page.locator(MAP).first.bounding_box()
    return int(MIN_COLOURED_SHARE * box["width"] * box["height"]) if box else 1


def hide_map_previews(page: Page) -> None:
    """Hide the still previews under the deck.gl maps, for the rest of the page's life, so that what a
    screenshot of a map shows is deck.gl's own drawing."""
    page.add_style_tag(content=f"{MAP_PREVIEW} {{ visibility: hidden !important; }}")


# st.html's sanitiser drops the `elementtiming` attribute, so the bench sets it on each preview image as it
# enters the page (before its first paint), and the browser's Element Timing then records that paint.
MARK_PREVIEW_PAINT = (
    f"new MutationObserver(() => document.querySelectorAll('.{PREVIEW_CLASS} img:not([elementtiming])')"
    f".forEach(image => image.setAttribute('elementtiming', '{PREVIEW_CLASS}')))"
    ".observe(document, {subtree: true, childList: true});"
)
PREVIEW_PAINTED = """(identifier) => new Promise(resolve => {
  const observer = new PerformanceObserver(list => {
    const entries = list.getEntries().filter(entry => entry.identifier === identifier && entry.renderTime > 0);
    if (entries.length) { observer.disconnect(); resolve(performance.timeOrigin + entries[0].renderTime); }
  });
  observer.observe({type: 'element', buffered: true});
  setTimeout(() => { observer.disconnect(); resolve(null); }, 200);
})"""


def wait_for_map_preview(page: Page, timeout_s: float = 60.0) -> float:
    """When the first map's still preview was painted (epoch seconds), from the browser's own record
    (Element Timing: new_page marks the image with `elementtiming`), so that no screenshot taken while waiting slows
    the page down. One screenshot afterwards proves the cell shows a coloured map."""
    deadline = time.monotonic() + timeout_s
    page.wait_for_selector(f"{MAP_PREVIEW} img", state="attached", timeout=timeout_s * 1000)
    painted = None
    while painted is None and time.monotonic() < deadline:
        painted = page.evaluate(PREVIEW_PAINTED, PREVIEW_CLASS)
    if painted is None:
        raise TimeoutError(f"the map preview was not painted in {timeout_s:.0f} s")
    slot = page.locator(MAP_SLOT).first
    for _ in range(3):  # a screenshot taken as the page lays out a newly arrived element can miss it
        png = slot.screenshot(animations="disabled", timeout=30_000)
        box = slot.bounding_box()
        wanted = MIN_COLOURED_SHARE * box["width"] * box["height"] if box else 1
        if coloured_pixels(png) >= wanted:
            return painted / 1000
        page.wait_for_timeout(500)
    raise AssertionError(f"the map's cell shows {coloured_pixels(png)} coloured pixels, expected {wanted:.0f}")


def wait_for_map(page: Page, timeout_s: float = 60.0, stable: bool = True) -> bytes:
    """Wait for the deck canvas, then until its screenshot shows a drawn map (and, if `stable`,
    two identical screenshots in a row). The previews are hidden first: only deck.gl's drawing counts.
    Returns the last screenshot (PNG)."""
    deadline = time.monotonic() + timeout_s
    hide_map_previews(page)
    page.wait_for_selector(MAP_CANVAS, state="visible", timeout=timeout_s * 1000)
    previous, png = b"", b""
    while time.monotonic() < deadline:
        png = map_screenshot(page)
        if coloured_pixels(png) >= min_map_pixels(page) and (not stable or png == previous):
            return png
        previous = png
        time.sleep(0.1)
    raise TimeoutError(
        f"map drew {coloured_pixels(png)} coloured pixels in {timeout_s:.0f} s, "
        f"expected at least {min_map_pixels(page)}"
    )


def axe_version(path: Path = AXE_JS) -> str:
    """The version of the axe-core file (from its package.json beside it)."""
    import json

    return str(json.loads((path.parent / "package.json").read_text(encoding="utf-8"))["version"])


def run_axe(page: Page) -> dict:
    """Inject axe-core (once per document) and run the WCAG 2.x A/AA and best-practice rules on the whole
    page. Returns {"version": ..., "violations": [{id, impact, help, nodes: [{target, html, summary}]}]}.
    axe is evaluated through the DevTools protocol, not added as a <script>: the app's Content-Security-
    Policy (deploy/security.py) refuses inline scripts, as it should."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN, list(AXE_TAGS))


def click_map(page: Page, x: float, y: float) -> None:
    """A real mouse click on the deck.gl canvas at page coordinates (x, y).

    deck.gl picks the object under the pointer on pointerdown, synchronously, and only counts a
    click as one (a "tap") if the button is released within 250 ms. Under swiftshader on a busy
    machine a pick that must wait for pending frames (the hover highlight of the move) takes longer,
    the release comes too late and the click is lost. So hover first, wait until the map has
    settled (tooltip shown, two identical screenshots), then press and release without moving."""
    page.mouse.move(x, y)
    with contextlib.suppress(PlaywrightTimeout):
        page.locator(".deck-tooltip").first.wait_for(state="visible", timeout=5_000)
    wait_for_map(page, stable=True)
    page.mouse.down()
    page.mouse.up()


def combobox(page: Page, label: str) -> Locator:
    return page.get_by_role("combobox", name=label, exact=True)


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label` (typing filters long lists), then
    wait for the rerun."""
    box = combobox(page, label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)
