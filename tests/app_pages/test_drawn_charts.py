"""Every chart on every page, at every geography level, for a few selections (nothing selected, a long-named
area, Cheshire and Warrington and Greater Cambridge and Greater Peterborough, a mid-table LAD, a group of
areas), drawn as a person sees it: the Vega-Lite spec the front end receives, made ready as Streamlit's front
end makes it and compiled to SVG offline (tests/drawn_charts.py), at the width the chart gets on a 1400 px
desktop and on a 390 px phone. Checked: the chart fits its column (on a phone, small multiples may scroll sideways
in their own frame); every bar of a ranked chart named on its axis, no two names touching,
the selected area named and marked; the plot as tall as the chart asks and at least 40% of its width; every
continuous axis showing two or more values; line and point marks spread over the plot; every title line
drawn in full and no text cut by the chart's edge."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.drawn_charts import bar_dataset, draw, drawn_problems, is_composition, names_it
from tests.page_walk import LEVELS, REPO, View, chart_title_texts, seen, views

CHART_PAGES = (
    "overview",
    "manufacturing",
    "sector_strengths",
    "productivity_gaps",
    "levelling_up",
    "compare_areas",
    "targets",
    "your_data",
)
VIEWS = views(CHART_PAGES)
LIVERPOOL_CITY_REGION = "E37000022"


def view_of(page: str, level: str, params: dict[str, str], selected: str | None) -> View:
    return View(page, level, "chosen for this test", tuple(sorted({"level": level, **params}.items())), selected)


def chart_problems(view: View) -> list[str]:
    problems = []
    for run in seen(view):
        assert not run.exceptions, run.exceptions
        for chart in run.charts:
            for device, spec, width in (
                ("desktop", chart.spec, chart.width),
                ("phone", chart.phone_spec, chart.phone_width),
            ):
                # small multiples keep their desktop size on a phone and scroll sideways in their own frame
                column = None if device == "phone" and is_composition(spec) else width
                problems += [
                    f"{chart.title!r} on a {device} ({width:.0f} px): {problem}"
                    for problem in drawn_problems(spec, view.selected_name, column)
                ]
    return problems


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
def test_every_chart_is_drawn_readable(view: View) -> None:
    problems = chart_problems(view)
    assert not problems, "\n".join(problems)


def test_the_walk_draws_charts_on_every_chart_page_and_level() -> None:
    """The layer checks something everywhere: each chart page draws at least one chart at every level, or
    says in an info box why it cannot: Productivity gaps for English regions (ONS does not publish them) and
    Sector strengths for ITL3 regions (GVA by industry is summed from whole authorities, not to ITL3)."""
    drawn = {(view.page, view.level) for view in VIEWS for run in seen(view) if run.charts}
    for page in CHART_PAGES:
        for level in LEVELS:
            if (page, level) in drawn:
                continue
            said = [
                text
                for view in VIEWS
                if (view.page, view.level) == (page, level)
                for run in seen(view)
                for where, text in run.texts
                if where.endswith("/info") and "not available" in text
            ]
            assert said, f"{page} draws no chart at {level} level and does not say why"
    without = {(page, level) for page in CHART_PAGES for level in LEVELS} - drawn
    assert without <= {("productivity_gaps", "rgn"), ("sector_strengths", "itl3")}, without


# --- the two defects of issue 11 this layer was written for ---------------------------------------------------


def test_targets_gap_chart_draws_its_values_at_full_height() -> None:
    """Defect 1: "Halve the GVA per hour worked gap" drew flat in the browser (Streamlit fitted title, legend and
    a long axis title inside its 280 px): its plot is 280 px tall, its y axis shows values, the actual and the
    straight-line path spread over the plot, and its title is drawn whole."""
    view = view_of("targets", "lep", {}, None)
    (run,) = seen(view)
    chart = next(chart for chart in run.charts if chart.title.startswith("Halve the GVA per hour worked gap"))
    drawing = draw(chart.spec)
    cell = drawing.cells[0]
    assert cell.y1 - cell.y0 >= 280 * 0.99
    y_values = {text.text for text in drawing.role("axis-label") if text.axis.startswith("Y-axis")}
    assert len(y_values) >= 3, y_values
    ys = [y for _, y in drawing.mark_points]
    assert max(ys) - min(ys) > 0.25 * (cell.y1 - cell.y0)
    assert not drawn_problems(chart.spec, None)


def test_ranked_chart_names_every_area_and_the_selected_one() -> None:
    """Defect 3: /?level=lep&area=E37000022&indicator=gva_per_hour drew Liverpool City Region highlighted with
    no name (Streamlit's theme dropped every other label). Every LEP is named, the selected one bold with ►."""
    view = view_of(
        "overview", "lep", {"area": LIVERPOOL_CITY_REGION, "indicator": "gva_per_hour"}, "Liverpool City Region"
    )
    (run,) = seen(view)
    (chart,) = run.charts
    rows, field = bar_dataset(chart.spec)
    assert len(rows) == 38
    for spec in (chart.spec, chart.phone_spec):
        drawing = draw(spec)
        (named,) = [
            text
            for text in drawing.role("axis-label")
            if "discrete scale" in text.axis and names_it(text.text, "Liverpool City Region")
        ]
        assert named.bold and named.text.startswith("\u25ba Liverpool City Reg")  # in full on a desktop
        assert not drawn_problems(spec, "Liverpool City Region")


def test_lad_ranking_says_what_it_shows_and_where_the_rest_is() -> None:
    """Defect 3, second part: at LAD level the chart drew the top and bottom 20 without saying so. It now says
    how many of how many it shows (the selected LAD included), in its subtitle and under it on the page, and
    points to the table with every area. The count of LADs with a value is read here from the parquet."""
    liverpool = "E08000012"
    view = view_of("overview", "lad", {"area": liverpool, "indicator": "gva_per_hour", "year": "2023"}, "Liverpool")
    (run,) = seen(view)
    (chart,) = run.charts
    frame = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
    valued = frame[
        (frame["indicator"] == "gva_per_hour")
        & (frame["geography"] == "lad")
        & (frame["period"] == 2023)
        & frame["value"].notna()
    ]
    rank = valued["value"].rank(ascending=False, method="first")[valued["area_code"] == liverpool].iloc[0]
    assert 20 < rank <= len(valued) - 20  # Liverpool is mid-table: it is drawn only because it is selected
    note = (
        f"Showing 41 of {len(valued)} local authorities: the 20 ranked first, the 20 ranked last and the selected area."
    )
    rows, _ = bar_dataset(chart.spec)
    assert len(rows) == 41 and "Liverpool" in {row["area_name"] for row in rows}
    assert note in " ".join(chart_title_texts(chart.spec))
    captions = [text for where, text in run.texts if where.endswith("/caption")]
    assert f"{note} Every area is listed in the full table below the chart." in captions
