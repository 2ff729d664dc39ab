"""The Targets page in a real browser: the six North East LEP presets with their verdicts (the measurable
ones worked out here from the parquet), and a target of the user's own added through the form, judged,
charted, carried in the URL (?plan=...) and shown again when that URL is opened in a fresh context."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from bench.browser import choose, wait_idle
from tests.e2e.conftest import AppPage
from tests.e2e.helpers_pages import assert_no_error, fresh_context, go_to, wait_for_pixels

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[2] / "regional_data"
NORTH_EAST = "E37000025"
BLACK_COUNTRY = "E37000001"
ENG_EXCL_LONDON = "ENG_EXCL_LONDON"
NOT_MEASURABLE = "Not measurable"

# The six targets of the North East LEP Strategic Economic Plan (2014-2024), as the page names them.
PRESET_NAMES = (
    "Increase the number of jobs by 100,000",
    "70% of jobs created to be 'better jobs'",
    "Close the employment rate gap (16-64)",
    "Halve the economic activity gap (16-64)",
    "Halve the private sector employment density gap",
    "Halve the GVA per hour worked gap",
)
# Which of them no official series measures at all (the plan's own terms have no data behind them).
UNMEASURABLE = {"70% of jobs created to be 'better jobs'", "Halve the private sector employment density gap"}

OWN_NAME = "E2E productivity gap target"
OWN_AMOUNT = 25.0  # % of the gap to close
OWN_BASELINE, OWN_TARGET = 2016, 2035


@pytest.fixture(scope="module")
def indicators() -> pd.DataFrame:
    return pd.read_parquet(DATA / "indicators.parquet", columns=["indicator", "area_code", "period", "value"])


@pytest.fixture(scope="module")
def area_names() -> dict[str, str]:
    """LEPs as the page names them in headings and pickers: "North East LEP", never a bare "North East"
    that could be the region (issue 11)."""
    areas = pd.read_parquet(DATA / "areas.parquet")
    lep = areas[areas["geography"] == "lep"]
    return {code: f"{name} LEP" for code, name in zip(lep["area_code"], lep["area_name"], strict=True)}


def series(frame: pd.DataFrame, indicator: str, code: str) -> pd.Series:
    rows = frame[(frame["indicator"] == indicator) & (frame["area_code"] == code)].dropna(subset=["value"])
    return rows.set_index("period")["value"].sort_index()


def gap_verdict(frame: pd.DataFrame, indicator: str, code: str, share_closed: float, baseline: int, target: int) -> str:
    """Hand-worked verdict of a gap target whose target year is after the latest data: the gap (in % of
    England excluding London for money, in points for rates) must have closed at least as far as the
    straight line from the baseline gap to (1 - share) of it requires by the latest year."""
    unit = json.loads((DATA / "indicators.json").read_text())[indicator]["unit"]
    area, bench = series(frame, indicator, code), series(frame, indicator, ENG_EXCL_LONDON)
    years = sorted(set(area.index) & set(bench.index))
    if baseline not in years:
        return NOT_MEASURABLE
    gap = {y: (area[y] / bench[y] - 1) * 100 if unit != "%" else area[y] - bench[y] for y in years}
    latest = max(years)
    still_open = gap[latest] / gap[baseline]  # 1 = unchanged, 0 = closed
    if still_open <= 1 - share_closed:
        return "Achieved"
    required_open = 1 - share_closed * (latest - baseline) / (target - baseline)
    return "On track" if still_open <= required_open else "Off track"


def target_heading(page: Page, name: str, area: str) -> Locator:
    return page.locator("h4:visible").filter(has_text=f"{name} — {area}")


def verdict_of(page: Page, name: str) -> Locator:
    """The verdict paragraph (bold verdict, then the reason) right after a target's heading."""
    return page.locator(
        f"xpath=//h4[contains(., \"{name}\")]/following::*[@data-testid='stMarkdownContainer'][.//strong][1]"
    ).first


def test_presets_show_the_six_targets_with_verdicts(
    app: AppPage, indicators: pd.DataFrame, area_names: dict[str, str]
) -> None:
    page = app.page
    go_to(page, "Targets")
    assert_no_error(page)
    expect(page.get_by_role("tab", name="North East LEP presets")).to_have_attribute("aria-selected", "true")
    north_east = area_names[NORTH_EAST]
    headings = [text for text in page.locator("h4:visible").all_inner_texts() if text.strip()]
    assert headings == [f"{name} — {north_east}" for name in PRESET_NAMES]

    jobs = series(indicators, "filled_jobs", NORTH_EAST)
    latest = int(jobs.index.max())
    required = jobs[2014] + 100_000 * (latest - 2014) / (2024 - 2014)
    jobs_verdict = "On track" if jobs[latest] >= required else "Off track"
    expected = {
        PRESET_NAMES[0]: jobs_verdict,
        PRESET_NAMES[2]: gap_verdict(indicators, "employment_rate_16_64", NORTH_EAST, 1.0, 2014, 2024),
        PRESET_NAMES[3]: gap_verdict(indicators, "economic_activity_rate_16_64", NORTH_EAST, 0.5, 2014, 2024),
        PRESET_NAMES[5]: gap_verdict(indicators, "gva_per_hour", NORTH_EAST, 0.5, 2014, 2024),
        **dict.fromkeys(UNMEASURABLE, NOT_MEASURABLE),
    }
    for name in PRESET_NAMES:
        verdict = verdict_of(page, name)
        expect(verdict.locator("strong").first).to_contain_text(expected[name])
    # The jobs verdict quotes the straight-line requirement and the actual, both from the data.
    expect(verdict_of(page, PRESET_NAMES[0])).to_contain_text(f"needs {required:,.0f} filled jobs by then")
    expect(verdict_of(page, PRESET_NAMES[0])).to_contain_text(f"actual is {jobs[latest]:,.0f}")
    # A measurable preset is charted: the first chart on the tab is the jobs trajectory.
    jobs_chart = page.locator(
        f"xpath=//h4[contains(., \"{PRESET_NAMES[0]}\")]/following::*[@data-testid='stVegaLiteChart'][1]"
    )
    expect(jobs_chart).to_be_visible()
    wait_for_pixels(jobs_chart, 50)


def add_own_target(page: Page, area_name: str) -> None:
    """Fill the 'Add a target' form of the Your targets tab and submit it."""
    page.get_by_role("tab", name="Your targets").click()
    expect(page.get_by_text("No targets of your own yet.")).to_be_visible()
    choose(page, "Area or group", area_name)
    fields = {
        "Name": OWN_NAME,
        "Amount: % of the gap to close, the change, or the value to reach": f"{OWN_AMOUNT:g}",
        "Baseline year": str(OWN_BASELINE),
        "Target year": str(OWN_TARGET),
    }
    for label, value in fields.items():
        box = page.get_by_label(label, exact=True)
        box.fill(value)
        box.press("Tab")
    page.get_by_role("button", name="Add target").click()
    wait_idle(page)


def test_user_target_is_judged_charted_and_shared_by_link(
    app: AppPage, e2e_browser: Browser, indicators: pd.DataFrame, area_names: dict[str, str]
) -> None:
    page = app.page
    go_to(page, "Targets")
    assert "plan=" not in page.url
    area = area_names[BLACK_COUNTRY]
    add_own_target(page, area)

    heading = target_heading(page, OWN_NAME, area)
    expect(heading).to_be_visible(timeout=30_000)
    expect(page.get_by_text("No targets of your own yet.")).to_have_count(0)
    expected = gap_verdict(indicators, "gva_per_hour", BLACK_COUNTRY, OWN_AMOUNT / 100, OWN_BASELINE, OWN_TARGET)
    verdict = verdict_of(page, OWN_NAME)
    expect(verdict.locator("strong").first).to_have_text(expected)
    verdict_text = verdict.inner_text()
    # The form's years reached the assessment: the metrics and the chart are for 2016 to 2035.
    expect(page.get_by_text(f"Gap in {OWN_BASELINE} (baseline)")).to_be_visible()
    expect(page.get_by_text(f"Target for {OWN_TARGET}")).to_be_visible()
    chart = page.locator(f"xpath=//h4[contains(., \"{OWN_NAME}\")]/following::*[@data-testid='stVegaLiteChart'][1]")
    expect(chart).to_be_visible()
    wait_for_pixels(chart, 50)
    expect(page.get_by_role("button", name="Remove this target")).to_be_visible()
    assert_no_error(page)

    link = page.url
    assert re.search(r"[?&]plan=[^&]+", link), link
    with fresh_context(e2e_browser, link) as (fresh, blocked):
        fresh.get_by_role("tab", name="Your targets").click()
        expect(target_heading(fresh, OWN_NAME, area)).to_be_visible()
        expect(verdict_of(fresh, OWN_NAME)).to_have_text(verdict_text)
        wait_for_pixels(
            fresh.locator(f"xpath=//h4[contains(., \"{OWN_NAME}\")]/following::*[@data-testid='stVegaLiteChart'][1]"),
            50,
        )
        assert not blocked
