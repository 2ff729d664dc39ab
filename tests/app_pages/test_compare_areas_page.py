"""The Compare areas page under Streamlit's AppTest: the link carries the comparators, the chart has one
series per chosen area, the table repeats the parquet's values, and every shared level renders.
Expected values come from the committed parquet read here with pandas."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from components.plain_text import plain
from tests.app_pages.markdown_text import as_read
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGE = "app_pages/compare_areas.py"
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
INDUSTRY = pd.read_parquet(REPO / "regional_data" / "industry_gva.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
LEVELS = ["lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn"]
LEP, LAD, ITL1 = "E37000025", "E06000001", "TLC"
UNKNOWN = "XX_NOT_AN_AREA"


# --- reading what the page sent ------------------------------------------------------------------


def area_name(code: str) -> str:
    return str(AREAS.set_index("area_code").loc[code, "area_name"])


def parquet_value(indicator: str, code: str, year: int) -> float:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == code) & (PARQUET["period"] == year)]
    assert len(rows) == 1
    return float(rows["value"].iloc[0])


def chart_layer(at: AppTest, mark: str) -> pd.DataFrame:
    """The rows behind the chart's layer drawn with `mark` (Streamlit sends them as Arrow datasets)."""
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    proto = charts[0].proto
    spec = json.loads(proto.spec)
    named = {name: pd.DataFrame(values) for name, values in spec.get("datasets", {}).items()}
    for dataset in proto.datasets:
        named[dataset.name] = pa.ipc.open_stream(pa.py_buffer(dataset.data.data)).read_all().to_pandas()
    for layer in spec["layer"]:
        kind = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if kind == mark:
            return named[layer["data"]["name"]]
    raise AssertionError(f"no {mark} layer")


def comparison(at: AppTest) -> pd.DataFrame:
    frames = [frame.value for frame in at.dataframe if "polarity" in frame.value.columns]
    assert len(frames) == 1
    return frames[0].set_index("indicator")


def column_of(table: pd.DataFrame, code: str) -> str:
    """The table column of an area: its name and level in brackets."""
    pattern = re.compile(rf"{re.escape(area_name(code))} \([^()]+\)")
    matches = [c for c in table.columns if pattern.fullmatch(c)]
    assert len(matches) == 1, (code, list(table.columns))
    return matches[0]


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def choose(at: AppTest, **values: Any) -> AppTest:
    for key, value in values.items():
        ok(at.selectbox(key=key).set_value(value).run())
        assert at.selectbox(key=key).value == value
    return at


def comparators(at: AppTest) -> list[str]:
    return list(at.multiselect(key="cmp_areas").value)


def open_page(query: dict[str, str]) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(query)
    ok(app.run())
    app.switch_page(PAGE)
    return ok(app.run())


@pytest.fixture(scope="module")
def at() -> AppTest:
    return open_page({"cmp_areas": f"{LAD},{ITL1},{UNKNOWN}"})


# --- tests ---------------------------------------------------------------------------------------------


def test_link_seeds_the_comparators_and_drops_unknown_codes(at: AppTest) -> None:
    # Runs first, on the app as the link opened it.
    assert [t.value for t in at.title] == ["Compare areas"]
    assert comparators(at) == [LAD, ITL1]
    assert any(plain(UNKNOWN) in toast.value for toast in at.toast)  # escaped: XX\_NOT\_AN\_AREA
    assert at.query_params["cmp_areas"] == f"{LAD},{ITL1}"


def test_three_levels_side_by_side_match_the_parquet(at: AppTest) -> None:
    choose(at, level="lep", area=LEP, year=2023)
    ok(at.selectbox(key="cmp_indicator").set_value("gva_per_hour").run())
    points = chart_layer(at, "point")
    assert sorted(points["area_code"].unique()) == sorted([LEP, LAD, ITL1])  # one series per chosen area
    for code in (LEP, LAD, ITL1):
        expected = PARQUET[(PARQUET["indicator"] == "gva_per_hour") & (PARQUET["area_code"] == code)].dropna(
            subset=["value"]
        )
        got = points[points["area_code"] == code].set_index("period")["value"].sort_index()
        assert list(got.index) == sorted(expected["period"])
        assert got.loc[2023] == pytest.approx(parquet_value("gva_per_hour", code, 2023))
    assert len(chart_layer(at, "text")) == 3  # one end label per line

    table = comparison(at)
    row = table.loc[METADATA["gva_per_hour"].label]
    for code in (LEP, LAD, ITL1):
        status = PARQUET[
            (PARQUET["indicator"] == "gva_per_hour") & (PARQUET["area_code"] == code) & (PARQUET["period"] == 2023)
        ]["status"].iloc[0]
        note = " (provisional)" if status == "provisional" else ""
        assert row[column_of(table, code)] == f"£{parquet_value('gva_per_hour', code, 2023):,.2f}{note}"
    assert row["unit"] == "£" and row["polarity"] == "higher is better"


def test_a_suppressed_cell_says_suppressed(at: AppTest) -> None:
    codes = [LEP, LAD, ITL1]
    valued = PARQUET[PARQUET["area_code"].isin(codes) & PARQUET["value"].notna()][["indicator", "period"]]
    suppressed = PARQUET[PARQUET["area_code"].isin(codes) & (PARQUET["status"] == "suppressed")]
    suppressed = suppressed.merge(valued.drop_duplicates(), on=["indicator", "period"])
    lep_years = set(PARQUET.loc[(PARQUET["geography"] == "lep") & PARQUET["value"].notna(), "period"])
    hit = suppressed[suppressed["period"].isin(lep_years)].iloc[0]
    choose(at, level="lep", area=LEP, year=int(hit["period"]))
    table = comparison(at)
    row = table.loc[METADATA[hit["indicator"]].label]
    assert row[column_of(table, hit["area_code"])] == "suppressed"
    assert table.loc[METADATA["claimant_rate"].label, column_of(table, LEP)] == "no data"


def test_areas_without_data_are_named_in_a_note(at: AppTest) -> None:
    choose(at, level="lep", area=LEP)
    ok(at.selectbox(key="cmp_indicator").set_value("claimant_rate").run())
    have = set(PARQUET.loc[(PARQUET["indicator"] == "claimant_rate") & PARQUET["value"].notna(), "area_code"])
    plotted = set(chart_layer(at, "point")["area_code"])
    assert plotted == {code for code in (LEP, LAD, ITL1) if code in have}
    note = next(c.value for c in at.caption if c.value.startswith("No figures for"))
    assert area_name(LEP) in note
    ok(at.selectbox(key="cmp_indicator").set_value("gva_per_hour").run())


def test_changing_comparators_updates_chart_and_link(at: AppTest) -> None:
    choose(at, level="lep", area=LEP)
    ok(at.multiselect(key="cmp_areas").set_value([LAD, ITL1, "ENG_EXCL_LONDON"]).run())
    assert at.query_params["cmp_areas"] == f"{LAD},{ITL1},ENG_EXCL_LONDON"
    assert set(chart_layer(at, "point")["area_code"]) == {LEP, LAD, ITL1, "ENG_EXCL_LONDON"}
    assert "England excluding London (benchmark)" in comparison(at).columns
    ok(at.multiselect(key="cmp_areas").set_value([LAD, ITL1]).run())


def test_main_area_can_be_picked_on_the_page(at: AppTest) -> None:
    choose(at, level="lep", area=None)
    cumbria = "E37000007"
    ok(at.selectbox(key="cmp_main").set_value(cumbria).run())
    assert set(chart_layer(at, "point")["area_code"]) == {cumbria, LAD, ITL1}
    assert list(comparison(at).columns)[0] == column_of(comparison(at), cumbria)  # the main area comes first


def test_table_download_is_offered(at: AppTest) -> None:
    labels = [button.proto.label for button in at.get("download_button")]
    # the comparison table: a plain CSV, its CSVW description and the XLSX (the chart has its own menu)
    mine = [button.proto.label for button in at.get("download_button") if button.key.startswith("table-compare_areas_")]
    assert mine == ["Table (CSV)", "Table description (CSVW, JSON)", "Table (XLSX)"], labels


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_renders(at: AppTest, level: str) -> None:
    choose(at, level=level)
    first = AREAS[AREAS["geography"] == level].sort_values("area_name")["area_code"].iloc[0]
    choose(at, area=first)
    indicator = at.selectbox(key="cmp_indicator").value
    table = comparison(at)
    assert column_of(table, first) == list(table.columns)[0]
    has = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == first) & PARQUET["value"].notna()]
    plotted = set(chart_layer(at, "point")["area_code"])
    assert (first in plotted) == (len(has) > 0)
    assert comparators(at) == [LAD, ITL1] or first in (LAD, ITL1)


def test_at_most_seven_comparators() -> None:
    lads = AREAS[AREAS["geography"] == "lad"].sort_values("area_code")["area_code"].head(9).tolist()
    app = open_page({"cmp_areas": ",".join(lads)})
    widget = app.multiselect(key="cmp_areas")
    assert widget.proto.max_selections == 7
    assert comparators(app) == lads[:7]
    assert any("At most 7" in toast.value for toast in app.toast)
    ok(app.multiselect(key="cmp_areas").set_value(lads[:8]).run())  # more than the widget allows
    assert comparators(app) == lads[:7]
    assert app.query_params["cmp_areas"] == ",".join(lads[:7])
    assert len(set(chart_layer(app, "point")["area_code"])) <= 7


# --- similar areas (issue 13 item 3) --------------------------------------------------------------------

CHESHIRE_WARRINGTON = "E37000003"
SIMILARITY = ("gva_current_prices", "gva_per_hour", "employment_rate_16_64", "manufacturing_gva_share")


SECTIONS_BUT_MANUFACTURING = ("AB", "DE", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T")


def industry_mix_by_hand(level: str, year: int) -> pd.DataFrame:
    """The other sections' shares of GVA (%), those withheld for any area of the level taken together."""
    rows = INDUSTRY[(INDUSTRY["geography"] == level) & (INDUSTRY["period"] == year)]
    gva = rows.pivot(index="area_code", columns="industry", values="gva_current")
    shares = gva[["C", *SECTIONS_BUT_MANUFACTURING]].div(gva["Total"], axis=0) * 100
    withheld = [code for code in SECTIONS_BUT_MANUFACTURING if shares[code].isna().any()]
    mix = shares.drop(columns=["C", *withheld])
    if withheld:
        mix["rest"] = 100 - shares.drop(columns=withheld).sum(axis=1)
    return mix


def nearest_by_hand(level: str, code: str, count: int = 5) -> tuple[int, list[str]]:
    """The stated method redone here from the parquets: the latest year all four measures have at the level,
    log of GVA, z-scores with the population sd; size, productivity and employment rate weigh 1/4 each, the
    manufacturing share and the other sections' shares split the last 1/4; nearest first (ties by code)."""
    rows = PARQUET[(PARQUET["geography"] == level) & PARQUET["indicator"].isin(SIMILARITY) & PARQUET["value"].notna()]
    year = int(rows.groupby("indicator")["period"].max().min())
    wide = rows[rows["period"] == year].pivot(index="area_code", columns="indicator", values="value").dropna()
    wide["gva_current_prices"] = wide["gva_current_prices"].map(math.log)
    mix = industry_mix_by_hand(level, year)
    wide = wide.join(mix, how="inner")
    weights = pd.Series(0.25, index=wide.columns)
    industry_columns = ["manufacturing_gva_share", *mix.columns]
    weights[industry_columns] = 0.25 / len(industry_columns)
    z = (wide - wide.mean()) / wide.std(ddof=0)
    distance = ((z - z.loc[code]) ** 2).mul(weights, axis=1).sum(axis=1).pow(0.5).drop(code)
    ranked = distance.reset_index().sort_values([0, "area_code"])
    return year, ranked["area_code"].head(count).tolist()


def similar_table(at: AppTest) -> pd.DataFrame:
    frames = [frame.value for frame in at.dataframe if "distance" in frame.value.columns]
    assert len(frames) == 1
    return frames[0]


def test_similar_areas_are_offered_and_become_the_comparators() -> None:
    app = open_page({"level": "lep", "area": CHESHIRE_WARRINGTON, "cmp_areas": LAD})
    year, expected = nearest_by_hand("lep", CHESHIRE_WARRINGTON)
    table = similar_table(app)
    assert table["area"].tolist() == [f"{area_name(CHESHIRE_WARRINGTON)} (chosen)", *map(area_name, expected)]
    assert table["distance"].iloc[1:].astype(float).is_monotonic_increasing
    per_hour = METADATA["gva_per_hour"].short_label
    assert table[per_hour].iloc[0] == f"£{parquet_value('gva_per_hour', CHESHIRE_WARRINGTON, year):,.2f}"
    assert re.fullmatch(r"£[\d,]+\.\d\d \([+-]?\d+\.\d sd\)", table[per_hour].iloc[1])
    assert any(f"in {year}" in caption.value for caption in app.caption)

    ok(app.button(key="cmp_use_similar").click().run())
    assert comparators(app) == expected
    assert app.query_params["cmp_areas"] == ",".join(expected)  # the share link carries them
    assert set(chart_layer(app, "point")["area_code"]) == {CHESHIRE_WARRINGTON, *expected}
    assert app.button(key="cmp_use_similar").disabled  # already the comparators


def test_an_area_without_every_measure_is_told_why_not() -> None:
    app = open_page({"level": "lad", "area": "E09000001"})  # City of London: no APS employment rate
    assert not [frame for frame in app.dataframe if "distance" in frame.value.columns]
    message = " ".join(as_read(info.value) for info in app.info)
    assert "City of London has no Employment rate figure for 2023" in message
    ok(app.selectbox(key="level").set_value("itl2").run())
    ok(app.selectbox(key="area").set_value("TLC1").run())
    assert "no GVA (£m), Employment rate figures for ITL2 regions" in " ".join(as_read(i.value) for i in app.info)


def test_north_east_lep_over_time_shows_its_confidence_band_and_the_interval_in_the_table() -> None:
    """North East LEP with Tees Valley LEP on the APS count of residents in employment (2018-2022): the chart
    has a band from lci to uci per area, the chart table and the all-indicators table give the interval."""
    tees_valley = "E37000034"
    app = open_page({"level": "lep", "area": LEP, "cmp_areas": tees_valley, "cmp_indicator": "employment_16_64"})
    band = chart_layer(app, "area")
    expected = PARQUET[(PARQUET["indicator"] == "employment_16_64") & (PARQUET["area_code"] == LEP)]
    expected = expected.sort_values("period")
    mine = band[band["area_code"] == LEP].sort_values("period")
    assert mine["lci"].tolist() == expected["lci"].tolist() and mine["uci"].tolist() == expected["uci"].tolist()
    spec = json.loads(app.get("vega_lite_chart")[0].proto.spec)
    (area_layer,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "area"]
    assert (area_layer["encoding"]["y"]["field"], area_layer["encoding"]["y2"]["field"]) == ("lci", "uci")
    assert any("95% confidence interval" in c.value for c in app.caption)
    chart_table = [frame.value for frame in app.dataframe if "interval" in frame.value.columns]
    assert len(chart_table) == 1
    first = expected.iloc[0]
    row = chart_table[0][(chart_table[0]["area_code"] == LEP) & (chart_table[0]["period"] == first["period"])]
    assert row["interval"].iloc[0] == f"± {first['value'] - first['lci']:,.0f}"
    table = comparison(app)
    latest = expected.iloc[-1]
    cell = table.loc[METADATA["employment_16_64"].label, column_of(table, LEP)]
    assert cell == f"{latest['value']:,.0f} ± {latest['value'] - latest['lci']:,.0f} ({int(latest['period'])})"
