"""Every page on a 390 x 844 phone screen in Chromium, read from the drawn page: no page wider than the
screen, and every chart drawn as SVG readable in its column. Each chart's text (title lines, axis titles and
labels, legend entries, names beside marks) lies inside the chart and no title line is cut to "…"; the plot
takes at least 40% of the chart's width; a ranked chart names every bar. Charts in the Targets page's
"Measured from ..." expanders are opened and checked too. The offline drawing of tests/drawn_charts.py uses
the column width measured here (tests/page_walk.PHONE_WIDTH); the first check keeps the two in step."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route

from bench.browser import StreamlitServer, is_loopback, open_app, wait_idle
from tests.e2e.helpers_pages import PAGES, VEGA, assert_no_error, title
from tests.page_walk import PHONE_WIDTH

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SLACK = 3  # px: antialiasing and rounding at a chart's edge
# Each page by its URL path, with a long-named LEP selected (its name is in the ranked chart and the titles).
PAGE_PATHS = {
    "Overview": "",
    "Manufacturing": "manufacturing",
    "Productivity gaps": "productivity_gaps",
    "Levelling up": "levelling_up",
    "Compare areas": "compare_areas",
    "Targets": "targets",
    "Your data": "your_data",
    "Data and methods": "data_and_methods",
    "Accessibility": "accessibility",
}
QUERY = "?level=lep&area=E37000059"
CHART_PAGES = {"Overview", "Manufacturing", "Productivity gaps", "Levelling up", "Compare areas", "Targets"}

# What each drawn Vega chart shows, measured in the page (text boxes relative to the chart's SVG).
READ_CHARTS = r"""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(el => {
  const holder = el.getBoundingClientRect();
  const svg = el.querySelector('svg.marks');
  if (!svg || holder.width === 0) return {drawn: false, width: holder.width, canvas: !!el.querySelector('canvas')};
  const box = svg.getBoundingClientRect();
  const hidden = t => { for (let n = t; n && n !== svg; n = n.parentElement)
    if (n.getAttribute('opacity') === '0' || n.getAttribute('display') === 'none') return true; return false; };
  const texts = [...svg.querySelectorAll('text')].filter(t => !hidden(t)).flatMap(t => {
    const group = t.closest('g[class*="role-"]'), axis = t.closest('[aria-roledescription="axis"]');
    const role = group ? (group.getAttribute('class').match(/role-([\w-]+)/) || [])[1] : '';
    const lines = t.querySelectorAll('tspan').length ? [...t.querySelectorAll('tspan')] : [t];
    return lines.map(line => { const b = line.getBoundingClientRect();
      return {text: line.textContent, role, axis: axis ? axis.getAttribute('aria-label') : '',
              x0: b.left - box.left, x1: b.right - box.left, y0: b.top - box.top, y1: b.bottom - box.top}; });
  });
  const frame = svg.querySelector('g.role-frame.root > g > path.background');
  const plot = frame ? frame.getBoundingClientRect() : null;
  const names = [...svg.querySelectorAll('[aria-roledescription="axis"]')].map(a => a.getAttribute('aria-label'))
    .map(label => (label || '').match(/^Y-axis.* discrete scale with (\d+) values/)).filter(Boolean);
  return {drawn: true, width: box.width, height: box.height, texts, holderWidth: holder.width,
          plotWidth: plot ? plot.width : 0, categories: names.length ? Number(names[0][1]) : 0,
          inExpander: !!el.closest('[data-testid="stExpander"]')};
})"""
OVERFLOW = """() => { const main = document.querySelector('[data-testid="stMain"]');
  return {page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth,
          main: main.scrollWidth, mainVisible: main.clientWidth}; }"""


@pytest.fixture
def phone(
    request: pytest.FixtureRequest,
    e2e_browser: Browser,
    app_server: StreamlitServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Page]:
    """A fresh phone-sized browser context (a fresh session) that aborts every non-loopback request. On
    failure a screenshot of the whole page is saved and its path printed."""
    context = e2e_browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)

    def guard(route: Route) -> None:
        if is_loopback(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": PHONE["width"], "height": min(int(height), 16_000)})
        path = tmp_path_factory.mktemp("phone-failure") / f"{request.node.name}.png"
        page.screenshot(path=path)
        print(f"screenshot of the failed page: {path}")
    context.close()


def chart_faults(chart: dict) -> list[str]:
    """What a reader of one drawn chart would miss."""
    faults = []
    for text in chart["texts"]:
        if not text["text"].strip():
            continue
        inside = (
            text["x0"] >= -SLACK
            and text["y0"] >= -SLACK
            and text["x1"] <= chart["width"] + SLACK
            and text["y1"] <= chart["height"] + SLACK
        )
        if not inside:
            faults.append(
                f"{text['role']} {text['text']!r} runs off the {chart['width']:.0f} px chart "
                f"({text['x0']:.0f}..{text['x1']:.0f}, {text['y0']:.0f}..{text['y1']:.0f})"
            )
        if text["role"] in ("title-text", "title-subtitle", "axis-title") and text["text"].endswith("\u2026"):
            faults.append(f"{text['role']} cut to {text['text']!r}")
    if chart["plotWidth"] and chart["plotWidth"] < 0.4 * chart["width"]:
        faults.append(f"the plot is {chart['plotWidth']:.0f} of the chart's {chart['width']:.0f} px")
    names = [
        text
        for text in chart["texts"]
        if text["role"] == "axis-label" and text["axis"].startswith("Y-axis") and "discrete scale" in text["axis"]
    ]
    if len(names) < chart["categories"]:
        faults.append(f"{chart['categories']} categories but {len(names)} names on the axis")
    ordered = sorted(names, key=lambda text: text["y0"])
    faults += [
        f"names {upper['text']!r} and {lower['text']!r} overlap ({upper['y0']:.1f}-{upper['y1']:.1f}, "
        f"{lower['y0']:.1f}-{lower['y1']:.1f})"
        for upper, lower in zip(ordered, ordered[1:], strict=False)
        if lower["y0"] < upper["y1"] - 0.5
    ]
    return faults


def open_measured_from(page: Page) -> int:
    """Open the Targets page's "Measured from ..." expanders; return how many."""
    summaries = page.locator("[data-testid='stExpander'] summary").filter(has_text=re.compile("Measured from"))
    for index in range(summaries.count()):
        summaries.nth(index).click()
        wait_idle(page)
    return summaries.count()


@pytest.mark.parametrize("label", list(PAGE_PATHS))
def test_page_fits_a_phone_and_its_charts_are_readable(phone: Page, app_server: StreamlitServer, label: str) -> None:
    open_app(phone, f"{app_server.url}{PAGE_PATHS[label]}{QUERY}")
    wait_idle(phone)
    heading = title(phone, PAGES[label])
    heading.wait_for(state="visible", timeout=30_000)
    assert_no_error(phone)
    if label == "Targets":
        assert open_measured_from(phone) == 2
    charts = phone.locator(VEGA)
    if label in CHART_PAGES:
        charts.first.wait_for(state="attached", timeout=30_000)
    for index in range(charts.count()):  # each chart drawn where a reader would scroll to it
        chart = charts.nth(index)
        if chart.is_visible():
            chart.scroll_into_view_if_needed()
            chart.locator("svg.marks, canvas").first.wait_for(state="attached", timeout=30_000)
    sizes = phone.evaluate(OVERFLOW)
    assert sizes["page"] <= sizes["screen"] + 1, f"the page is {sizes['page']} px wide on a {sizes['screen']} px screen"
    assert sizes["main"] <= sizes["mainVisible"] + 1, sizes
    charts = phone.evaluate(READ_CHARTS)
    drawn = [chart for chart in charts if chart["drawn"]]
    assert drawn or label not in CHART_PAGES, f"no chart drawn on {label}"
    faults = [
        f"chart {number}: {fault}" for number, chart in enumerate(drawn, start=1) for fault in chart_faults(chart)
    ]
    assert not faults, "\n".join(faults)
    for chart in charts:  # a composition wider than the screen scrolls in its own frame
        assert chart["width"] <= PHONE_WIDTH + 1 if not chart["drawn"] else chart["holderWidth"] <= PHONE_WIDTH + 1
    for chart in drawn:
        if chart["plotWidth"] and not chart["inExpander"]:  # a single or layered chart fills the column
            assert abs(chart["width"] - PHONE_WIDTH) <= 1, chart["width"]
    print(
        f"{label}: {len(drawn)} charts drawn as SVG, {len(charts) - len(drawn)} other "
        f"({[c['width'] for c in charts if not c['drawn']]})"
    )
