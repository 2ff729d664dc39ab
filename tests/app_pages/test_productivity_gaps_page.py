"""The Productivity gaps page under Streamlit's AppTest: every geography level renders (English regions
say plainly that there is no productivity data), the gap series are the snapshot's, and the measure,
series and start-year pickers change what is drawn. Expected values are computed here from the parquet
with pandas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from components.attribution import ATTRIBUTION
from tests.app_pages.markdown_text import as_read
from tests.drawn_charts import plain_title

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGE = "app_pages/productivity_gaps.py"
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
EXCL_LONDON, UK = "ENG_EXCL_LONDON", "K02000001"
NORTH_EAST_LEP = "E37000025"
LEVELS = ["lep", "itl1", "itl2", "itl3", "lad", "cauth"]
AREA_OF_LEVEL = {
    "lep": NORTH_EAST_LEP,
    "itl1": "TLC",
    "itl2": "TLK4",
    "itl3": "TLD33",
    "lad": "E08000003",
    "cauth": "E47000007",
}


# --- expectations from the parquet -------------------------------------------------------------------


def series(indicator: str, code: str) -> pd.Series:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == code)].dropna(subset=["value"])
    return rows.set_index("period")["value"].sort_index()


def level_frame(indicator: str, level: str) -> pd.DataFrame:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level)].dropna(subset=["value"])
    return rows.pivot(index="area_code", columns="period", values="value")


def latest(indicator: str, level: str) -> int:
    return int(level_frame(indicator, level).columns.max())


# --- reading what the page sent ----------------------------------------------------------------------


def _arrow(data: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all().to_pandas()


def charts(at: AppTest) -> dict[str, tuple[dict, dict[str, pd.DataFrame]]]:
    """title -> (Vega-Lite spec, named datasets) of every chart on the page."""
    found = {}
    for element in at.get("vega_lite_chart"):
        proto = element.proto
        spec = json.loads(proto.spec)
        named = {name: pd.DataFrame(rows) for name, rows in spec.get("datasets", {}).items()}
        named.update({dataset.name: _arrow(dataset.data.data) for dataset in proto.datasets})
        found[plain_title(spec)[0]] = (spec, named)  # on a page, title lines follow the chart's width
    return found


def chart(at: AppTest, title_part: str) -> tuple[dict, dict[str, pd.DataFrame]]:
    matches = [title for title in charts(at) if title_part in title]
    assert len(matches) == 1, (title_part, list(charts(at)))
    return charts(at)[matches[0]]


def layer_data(at: AppTest, title_part: str, mark: str) -> pd.DataFrame:
    spec, named = chart(at, title_part)
    for layer in spec["layer"]:
        kind = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if kind == mark:
            return named[layer["data"]["name"]]
    raise AssertionError(f"no {mark} layer in {title_part}")


def gap_lines(at: AppTest) -> pd.DataFrame:
    return layer_data(at, "gap to benchmarks", "line")


def text_of(at: AppTest) -> str:
    shown = [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
    return as_read("\n".join(shown))


def widget(at: AppTest, key: str) -> Any:
    return at.selectbox(key=key).value


def choose(at: AppTest, **values: Any) -> AppTest:
    for key, value in values.items():
        if widget(at, key) != value:
            at.selectbox(key=key).set_value(value).run()
        assert not at.exception, [e.message for e in at.exception]
        assert widget(at, key) == value
    return at


# --- one app for the module --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


@pytest.fixture
def north_east(at: AppTest) -> AppTest:
    """North East LEP, GVA per hour smoothed, 2023, against England excluding London, from 2004."""
    choose(
        at,
        level="lep",
        year=2023,
        benchmark=EXCL_LONDON,
        area=NORTH_EAST_LEP,
        gap_measure="hour",
        gap_series="smoothed",
    )
    return choose(at, gap_start=2004)


def test_without_an_area_the_page_asks_for_one_and_shows_every_area(at: AppTest) -> None:
    choose(at, level="lep", year=2023, area=None, gap_measure="hour", gap_series="smoothed")
    assert any("Pick an area" in info.value for info in at.info)
    assert len(at.get("vega_lite_chart")) == 2  # convergence and per hour vs per job
    points = layer_data(at, "Convergence", "point")
    assert len(points) == 38 and (points["role"] == "other").all()


def test_north_east_gap_to_england_excluding_london(north_east: AppTest) -> None:
    """The issue's check: the gap series for North East LEP against England excluding London is negative
    in every year of the snapshot, 2004-2023, and equals the parquet's values."""
    lines = gap_lines(north_east)
    eel = lines[lines["series"] == "England excluding London"].sort_values("period")
    area, bench = series("gva_per_hour", NORTH_EAST_LEP), series("gva_per_hour", EXCL_LONDON)
    expected = (area / bench - 1) * 100
    assert eel["period"].astype(int).tolist() == list(range(2004, 2024)) == expected.index.tolist()
    assert (eel["gap_pct"] < 0).all()
    assert eel["gap_pct"].to_numpy() == pytest.approx(expected.to_numpy())
    assert set(lines["series"]) == {
        "England excluding London",
        "England",
        "United Kingdom",
        "Parent region: North East (England)",
        "Median LEP",
    }
    median = lines[lines["series"] == "Median LEP"].sort_values("period")
    expected_median = (area / level_frame("gva_per_hour", "lep").median() - 1) * 100
    assert median["gap_pct"].to_numpy() == pytest.approx(expected_median.to_numpy())


def test_headline_states_level_and_gaps(north_east: AppTest) -> None:
    area, bench = series("gva_per_hour", NORTH_EAST_LEP), series("gva_per_hour", EXCL_LONDON)
    headline = next(as_read(m.value) for m in north_east.markdown if "North East LEP:" in as_read(m.value))
    assert f"£{area[2023]:.2f} per hour in 2023" in headline
    assert f"{abs((area[2023] / bench[2023] - 1) * 100):.1f}% below England excluding London" in headline
    assert f"in 2004 it was {abs((area[2004] / bench[2004] - 1) * 100):.1f}% below" in headline


def test_level_chart_and_table_carry_the_same_numbers(north_east: AppTest) -> None:
    levels = layer_data(north_east, "and its benchmarks", "line")
    mine = levels[levels["series"] == "North East LEP"].sort_values("period")
    assert mine["value"].to_numpy() == pytest.approx(series("gva_per_hour", NORTH_EAST_LEP).to_numpy())
    table = next(frame.value for frame in north_east.dataframe if "Gap to United Kingdom (%)" in frame.value.columns)
    expected = (series("gva_per_hour", NORTH_EAST_LEP) / series("gva_per_hour", UK) - 1) * 100
    assert table["Year"].tolist() == list(range(2004, 2024))
    assert table["Gap to United Kingdom (%)"].to_numpy() == pytest.approx(expected.to_numpy())


def test_convergence_highlights_the_area_and_matches_the_parquet(north_east: AppTest) -> None:
    points = layer_data(north_east, "Convergence", "point").set_index("area_code")
    leps = level_frame("gva_per_hour", "lep")
    eel = series("gva_per_hour", EXCL_LONDON)
    assert len(points) == 38
    assert points.index[points["role"] == "selected"].tolist() == [NORTH_EAST_LEP]
    gap = (leps[2004] / eel[2004] - 1) * 100
    growth = (leps[2023] / leps[2004] - 1) * 100
    assert points["gap_start_pct"].to_numpy() == pytest.approx(gap[points.index].to_numpy())
    assert points["growth_pct"].to_numpy() == pytest.approx(growth[points.index].to_numpy())
    assert "catching up" in text_of(north_east)


def test_start_year_changes_the_convergence_chart(north_east: AppTest) -> None:
    before = layer_data(north_east, "Convergence", "point").set_index("area_code")["gap_start_pct"]
    choose(north_east, gap_start=2010)
    after = layer_data(north_east, "Convergence", "point").set_index("area_code")
    leps, eel = level_frame("gva_per_hour", "lep"), series("gva_per_hour", EXCL_LONDON)
    assert after["gap_start_pct"].to_numpy() == pytest.approx(((leps[2010] / eel[2010] - 1) * 100)[after.index])
    assert not after["gap_start_pct"].sort_index().equals(before.sort_index())
    assert "in 2010 it was" in next(
        as_read(m.value) for m in north_east.markdown if "North East LEP:" in as_read(m.value)
    )
    assert north_east.query_params["gap_start"] == "2010"


def test_per_hour_against_per_job(north_east: AppTest) -> None:
    points = layer_data(north_east, "per filled job, 2023", "point").set_index("area_code")
    hour, job = level_frame("gva_per_hour_index", "lep")[2023], level_frame("gva_per_job_index", "lep")[2023]
    assert len(points) == 38
    assert points["hour_index"].to_numpy() == pytest.approx(hour[points.index].to_numpy())
    assert points["job_index"].to_numpy() == pytest.approx(job[points.index].to_numpy())
    assert points.index[points["role"] == "selected"].tolist() == [NORTH_EAST_LEP]


def test_switching_to_per_job_changes_the_chart_data(north_east: AppTest) -> None:
    hour_lines = gap_lines(north_east)
    choose(north_east, gap_measure="job")
    assert north_east.selectbox(key="gap_series").options == ["Smoothed (ONS headline)"]
    lines = gap_lines(north_east)
    eel = lines[lines["series"] == "England excluding London"].sort_values("period")
    expected = (series("gva_per_job", NORTH_EAST_LEP) / series("gva_per_job", EXCL_LONDON) - 1) * 100
    assert eel["period"].astype(int).tolist() == list(range(2002, 2024))
    assert eel["gap_pct"].to_numpy() == pytest.approx(expected.to_numpy())
    per_hour = hour_lines[hour_lines["series"] == "England excluding London"].sort_values("period")["gap_pct"]
    assert np.abs(eel["gap_pct"].iloc[-20:].to_numpy() - per_hour.to_numpy()).max() > 0.5
    assert "per filled job in 2023" in text_of(north_east)
    assert widget(north_east, "gap_start") == 2002
    assert north_east.query_params["gap_measure"] == "job"


def test_switching_to_unsmoothed_changes_the_chart_data(north_east: AppTest) -> None:
    smoothed = gap_lines(north_east)
    choose(north_east, gap_series="unsmoothed")
    lines = gap_lines(north_east)
    eel = lines[lines["series"] == "England excluding London"].sort_values("period")
    expected = (
        series("gva_per_hour_unsmoothed", NORTH_EAST_LEP) / series("gva_per_hour_unsmoothed", EXCL_LONDON) - 1
    ) * 100
    assert eel["gap_pct"].to_numpy() == pytest.approx(expected.to_numpy())
    before = smoothed[smoothed["series"] == "England excluding London"].sort_values("period")["gap_pct"]
    assert np.abs(eel["gap_pct"].to_numpy() - before.to_numpy()).max() > 0.5
    assert "unsmoothed" in plain_title(chart(north_east, "gap to benchmarks")[0])[1][0]
    assert "5-year" in text_of(north_east)  # the one-sentence difference is on screen


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_renders_with_an_area(at: AppTest, level: str) -> None:
    code = AREA_OF_LEVEL[level]
    choose(at, level=level, gap_measure="hour", gap_series="smoothed")
    year = latest("gva_per_hour", level)
    choose(at, area=None, year=year)
    assert any("Pick an area" in info.value for info in at.info)
    assert sorted(charts(at)) == [
        f"Convergence: gap in {widget(at, 'gap_start')} against growth to {year}",
        f"GVA per hour against GVA per filled job, {year}",
    ]
    choose(at, area=code)
    lines = gap_lines(at)
    area = series("gva_per_hour", code)
    uk = lines[lines["series"] == "United Kingdom"].sort_values("period")
    assert uk["period"].astype(int).tolist() == area.index.tolist()
    expected = (area / series("gva_per_hour", UK)).dropna()
    assert uk["gap_pct"].to_numpy() == pytest.approx((expected.to_numpy() - 1) * 100)
    has_parent = any(name.startswith("Parent region") for name in lines["series"])
    assert has_parent == (level != "itl1")
    if level == "itl1":
        assert "Parent region: n/a" in text_of(at)
    points = layer_data(at, "Convergence", "point")
    start = widget(at, "gap_start")
    frame = level_frame("gva_per_hour", level)
    assert len(points) == int(frame[[start, year]].notna().all(axis=1).sum())
    assert points.loc[points["role"] == "selected", "area_code"].tolist() == [code]
    assert f"growth to {year}" in plain_title(chart(at, "Convergence")[0])[0]
    assert len(at.get("vega_lite_chart")) == 4


def test_itl3_series_stop_in_2022(at: AppTest) -> None:
    choose(at, level="itl3", gap_measure="hour", gap_series="smoothed")
    choose(at, area="TLD33")
    assert gap_lines(at)["period"].max() == 2022
    assert widget(at, "year") == 2022


def test_combined_authority_newer_than_ons_tables_is_computed(at: AppTest) -> None:
    devon = "E47000015"  # Devon and Torbay: not in ONS's CA tables, computed from its LADs like a LEP
    assert not series("gva_per_hour", devon).empty and not series("gva_per_hour_unsmoothed", devon).empty
    choose(at, level="cauth", year=2023, gap_measure="hour", gap_series="smoothed")
    choose(at, area=devon)
    assert [title for title in charts(at) if "gap to benchmarks" in title]
    choose(at, gap_series="unsmoothed")
    lines = gap_lines(at)
    assert lines["period"].astype(int).tolist()[:20] == list(range(2004, 2024))


def test_english_regions_have_no_productivity_data(at: AppTest) -> None:
    choose(at, level="rgn")
    assert not at.exception
    assert any("not available for English regions" in info.value for info in at.info)
    assert len(at.get("vega_lite_chart")) == 0
    # The page ended early, but the tools and the footer drawn after it by app.py are still there.
    assert [toggle.label for toggle in at.sidebar.toggle] == ["Presentation mode"]
    assert any(caption.value == ATTRIBUTION for caption in at.caption)
    choose(at, level="lep")
    assert len(at.get("vega_lite_chart")) >= 2


def test_earliest_year_has_no_convergence_but_still_a_headline(at: AppTest) -> None:
    choose(at, level="lep", gap_measure="hour", gap_series="smoothed", area=NORTH_EAST_LEP)
    choose(at, year=2004)
    assert any("Convergence needs a start year before 2004" in info.value for info in at.info)
    assert "£{:.2f} per hour in 2004".format(series("gva_per_hour", NORTH_EAST_LEP)[2004]) in text_of(at)
    assert not [title for title in charts(at) if "Convergence" in title]
    choose(at, year=2023)


def test_link_reproduces_measure_and_start_year() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(level="lad", area="E08000003", gap_measure="job", gap_start="2010")
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert widget(app, "gap_measure") == "job" and widget(app, "gap_start") == 2010
    lines = gap_lines(app)
    assert lines["period"].min() == 2002
    points = layer_data(app, "Convergence", "point")
    lads = level_frame("gva_per_job", "lad")
    year = widget(app, "year")
    assert len(points) == int(lads[[2010, year]].notna().all(axis=1).sum())
    hour_index = level_frame("gva_per_hour_index", "lad")[year].dropna()
    job_index = level_frame("gva_per_job_index", "lad")[year].dropna()
    left_out = len(hour_index) - len(set(hour_index.index) & set(job_index.index))
    assert year == 2023 and left_out == 11  # Northern Ireland has no 2023 per-job figures
    assert f"{left_out} local authorities without both figures for {year} are not shown." in text_of(app)
