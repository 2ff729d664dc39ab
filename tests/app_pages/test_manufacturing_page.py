"""The Manufacturing page under Streamlit's AppTest: every geography level renders, the measure picker
offers what the level has, the LQ map is diverging around 1, and the numbers in the headline and
charts are the snapshot's. Expected values come from the committed parquet / GeoJSON read here."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from components.palettes import DIVERGING_6, NO_DATA, SELECTED_OUTLINE, SUPPRESSED, VIRIDIS_5
from tests.app_pages.markdown_text import as_read, map_legend
from tests.drawn_charts import plain_title

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGE = "app_pages/manufacturing.py"
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
MFG = {key: rows for key, rows in PARQUET.groupby("indicator") if key.startswith("manufacturing")}
LEVELS = ["lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn"]
MEASURE_INDICATORS = {
    "gva_share": "manufacturing_gva_share",
    "gva_lq": "manufacturing_gva_lq",
    "emp_share": "manufacturing_employment_share",
    "emp_lq": "manufacturing_employment_lq",
    "res_share": "manufacturing_employment_share_residence",
}
NORTH_EAST_LEP = "E37000025"
ENGLAND, EXCL_LONDON, UK = "E92000001", "ENG_EXCL_LONDON", "K02000001"
GREYS = {NO_DATA, SUPPRESSED}
BELOW, ABOVE = set(DIVERGING_6[:3]), set(DIVERGING_6[3:])


@cache
def geo_codes(level: str) -> frozenset[str]:
    features = json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))["features"]
    return frozenset(f["properties"]["area_code"] for f in features)


def values(indicator: str, level: str, year: int) -> pd.Series:
    rows = MFG[indicator]
    rows = rows[(rows["geography"] == level) & (rows["period"] == year)].dropna(subset=["value"])
    return rows.set_index("area_code")["value"]


def value(indicator: str, geography: str, code: str, year: int) -> float:
    rows = MFG[indicator]
    rows = rows[(rows["geography"] == geography) & (rows["area_code"] == code) & (rows["period"] == year)]
    return float(rows["value"].iloc[0])


def expected_measures(level: str) -> list[str]:
    have = {key for key, rows in MFG.items() if rows.loc[rows["geography"] == level, "value"].notna().any()}
    return [key for key, indicator in MEASURE_INDICATORS.items() if indicator in have]


# --- reading what the page sent ------------------------------------------------------------------


def widget(at: AppTest, key: str) -> Any:
    return at.selectbox(key=key).value


def choose(at: AppTest, **chosen: Any) -> AppTest:
    for key, val in chosen.items():
        at.selectbox(key=key).set_value(val).run()
        assert not at.exception, [e.message for e in at.exception]
        assert widget(at, key) == val
    return at


def decks(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.json) for chart in at.get("deck_gl_json_chart")]


def fills(at: AppTest) -> dict[str, tuple[int, ...]]:
    (deck,) = decks(at)
    (layer,) = deck["layers"]
    return {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in layer["data"]["features"]}


def charts(at: AppTest) -> dict[str, tuple[dict, dict[str, pd.DataFrame]]]:
    """Vega-Lite charts by title: (spec, datasets by name) wherever Streamlit put the data."""
    found = {}
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        named = {name: pd.DataFrame(rows) for name, rows in spec.get("datasets", {}).items()}
        for dataset in chart.proto.datasets:
            named[dataset.name] = pa.ipc.open_stream(pa.py_buffer(dataset.data.data)).read_all().to_pandas()
        found[plain_title(spec)[0]] = (spec, named)  # on a page, title lines follow the chart's width
    return found


def chart_starting(at: AppTest, prefix: str) -> tuple[dict, pd.DataFrame]:
    """The chart whose title starts with `prefix`, with the rows of its first layer (or of the chart)."""
    matches = [(spec, named) for title, (spec, named) in charts(at).items() if title.startswith(prefix)]
    assert len(matches) == 1, list(charts(at))
    spec, named = matches[0]
    source = (spec.get("layer") or [{}])[0].get("data") or spec.get("data")
    assert source and source.get("name") in named, spec.keys()
    return spec, named[source["name"]]


def text_of(at: AppTest) -> str:
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return as_read("\n".join(shown))


# --- one app for the module ----------------------------------------------------------------------


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
    """LEP level, 2023, North East LEP, share of GVA: restored whatever an earlier test left."""
    # the measure before the year: the Year picker offers the years of the measure shown
    for key, val in (
        ("level", "lep"),
        ("area", NORTH_EAST_LEP),
        ("mfg_measure", "gva_share"),
        ("year", 2023),
        ("benchmark", EXCL_LONDON),
    ):
        if widget(at, key) != val:
            choose(at, **{key: val})
    return at


def test_default_view_is_the_share_of_gva_for_leps(at: AppTest) -> None:
    # Runs first, on the untouched page.
    assert widget(at, "level") == "lep" and widget(at, "area") is None
    assert widget(at, "mfg_measure") == "gva_share"
    year = widget(at, "year")
    colours = fills(at)
    assert set(colours) == geo_codes("lep") and len(colours) == 38
    coloured = {code for code, fill in colours.items() if fill not in GREYS}
    assert coloured == set(values("manufacturing_gva_share", "lep", year).index)
    assert {colours[c] for c in coloured} <= set(VIRIDIS_5)
    # without an area: benchmarks-only trend, and prompts instead of area charts
    _, trend = chart_starting(at, "Manufacturing share of GVA")
    assert set(trend["area_code"].dropna()) == {ENGLAND, EXCL_LONDON, UK}
    assert "Pick an area" in text_of(at)


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_renders_with_the_measures_it_has(at: AppTest, level: str) -> None:
    choose(at, level=level)
    measures = expected_measures(level)
    if not measures:
        assert decks(at) == []
        assert any("No manufacturing measure" in info.value for info in at.info)
        assert [s for s in at.sidebar.selectbox if s.key == "mfg_measure"] == []
    else:
        picker = at.sidebar.selectbox(key="mfg_measure")
        assert len(picker.options) == len(measures)
        for measure in measures:
            choose(at, mfg_measure=measure)
            colours = fills(at)
            assert len(colours) == len(geo_codes(level))
            indicator = MEASURE_INDICATORS[measure]
            rows = MFG[indicator]
            years = sorted(rows.loc[(rows["geography"] == level) & rows["value"].notna(), "period"].unique())
            year = widget(at, "year")
            shown = year if year in years else max([y for y in years if y < year] or [min(years)])
            coloured = {code for code, fill in colours.items() if fill not in GREYS}
            assert coloured == set(values(indicator, level, shown).index) & geo_codes(level)
            if shown != year:
                assert f"showing {shown}" in text_of(at)
    # the trend chart is there at every level
    chart_starting(at, "Manufacturing share of GVA")


def lq_against(reference: str, level: str, year: int) -> pd.Series:
    """Location quotients of a level's areas against a benchmark economy: share / its share that year."""
    geography = {ENGLAND: "country", EXCL_LONDON: "benchmark", UK: "uk"}[reference]
    return values("manufacturing_gva_share", level, year) / value("manufacturing_gva_share", geography, reference, year)


def test_lq_map_is_diverging_around_one(north_east: AppTest) -> None:
    choose(north_east, mfg_measure="gva_lq")  # against England excluding London, the benchmark chosen
    colours = fills(north_east)
    lq = lq_against(EXCL_LONDON, "lep", 2023)
    assert {colours[c] for c in lq.index} & BELOW, "no area drawn in the 'below 1' half"
    assert {colours[c] for c in lq.index} & ABOVE, "no area drawn in the 'above 1' half"
    for code, val in lq.items():
        assert colours[code] in (ABOVE if val > 1 else BELOW), (code, val)
    legend = map_legend(north_east)
    assert "under 0.50" in legend and "0.80 to 1.00" in legend and "1.00 to 1.25" in legend


def test_north_east_headline_and_trend_match_the_snapshot(north_east: AppTest) -> None:
    share = value("manufacturing_gva_share", "lep", NORTH_EAST_LEP, 2023)
    lq = lq_against(EXCL_LONDON, "lep", 2023)[NORTH_EAST_LEP]
    headline = next(as_read(m.value) for m in north_east.markdown if m.value.startswith("**Manufacturing is"))
    assert f"{share:.1f}% of GVA in North East LEP in 2023" in headline
    assert f"{lq:.2f} times England excluding London's share" in headline
    spec, trend = chart_starting(north_east, "Manufacturing share of GVA, North East LEP")
    point = trend[(trend["area_code"] == NORTH_EAST_LEP) & (trend["period"] == 2023)]["value"]
    assert len(point) == 1 and point.iloc[0] == pytest.approx(share)
    for code, geography in ((ENGLAND, "country"), (EXCL_LONDON, "benchmark"), (UK, "uk")):
        series = trend[trend["area_code"] == code].set_index("period")["value"]
        assert len(series) == 26
        assert series[2023] == pytest.approx(value("manufacturing_gva_share", geography, code, 2023))
    dashes = spec["layer"][0]["encoding"]["strokeDash"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == 4
    # the selected area is outlined on the map
    (deck,) = decks(north_east)
    lines = {f["properties"]["code"]: f["properties"]["line"] for f in deck["layers"][0]["data"]["features"]}
    assert lines[NORTH_EAST_LEP] == list(SELECTED_OUTLINE)


def test_subsector_mix_shows_england_and_the_region_beside_the_area(north_east: AppTest) -> None:
    _, mix = chart_starting(north_east, "Manufacturing sub-sector mix, North East LEP, 2023")
    assert len(mix) == 18 and not mix.duplicated(["code", "area_code"]).any()
    area = mix[mix["area_code"] == NORTH_EAST_LEP].set_index("code")["value"]
    assert area["CI-CL"] == pytest.approx(value("manufacturing_subsector_share_ci_cl", "lep", NORTH_EAST_LEP, 2023))
    assert area["CD-CG"] == pytest.approx(value("manufacturing_subsector_share_cd_cg", "lep", NORTH_EAST_LEP, 2023))
    england = mix[mix["area_code"] == ENGLAND].set_index("code")["value"]
    assert len(england) == 6
    assert england["CI-CL"] == pytest.approx(value("manufacturing_subsector_share_ci_cl", "country", ENGLAND, 2023))
    region = mix[mix["area_code"] == "TLC"].set_index("code")["value"]
    assert region["CH"] == pytest.approx(value("manufacturing_subsector_share_ch", "itl1", "TLC", 2023))


def test_enterprises_by_size_band_for_the_area(north_east: AppTest) -> None:
    _, firms = chart_starting(north_east, "Manufacturing enterprises by size band, North East LEP")
    assert not firms.duplicated(["period", "band"]).any()
    firms = firms.set_index(["period", "band"])
    large = firms.loc[(2022, "Large (250+)")]
    count = value("manufacturing_enterprises_large", "lep", NORTH_EAST_LEP, 2022)
    total = value("manufacturing_enterprises", "lep", NORTH_EAST_LEP, 2022)
    assert large["count"] == count and large["share_pct"] == pytest.approx(count / total * 100)
    england = (
        value("manufacturing_enterprises_large", "country", ENGLAND, 2022)
        / value("manufacturing_enterprises", "country", ENGLAND, 2022)
        * 100
    )
    assert large["england_share_pct"] == pytest.approx(england)
    assert sorted(firms.index.get_level_values("period").unique()) == [2018, 2019, 2020, 2021, 2022]
    assert f"North East LEP had {total:,.0f} manufacturing enterprises in 2022." in text_of(north_east)


def test_employment_measure_falls_back_to_its_latest_year(north_east: AppTest) -> None:
    choose(north_east, mfg_measure="emp_share")
    assert "has no figures for 2023; showing 2020" in text_of(north_east)
    share = value("manufacturing_employment_share", "lep", NORTH_EAST_LEP, 2020)
    assert f"Manufacturing is {share:.1f}% of employment in North East LEP in 2020 (BRES, workplace-based)" in text_of(
        north_east
    )
    choose(north_east, mfg_measure="res_share")
    assert "residence-based" in text_of(north_east).lower()
    assert north_east.query_params["mfg_measure"] == "res_share"


def test_map_has_alt_text_and_click_selection(north_east: AppTest) -> None:
    proto = north_east.get("deck_gl_json_chart")[0].proto
    assert "Map of Manufacturing (SIC C) share of GVA, 2023" in proto.alt
    assert list(proto.selection_mode)  # click-to-select is on
    assert json.loads(proto.json).get("mapStyle") == "__MAP_STYLE__"


def test_level_without_enterprises_or_subsectors_says_so(north_east: AppTest) -> None:
    choose(north_east, level="itl3")
    assert widget(north_east, "area") is None  # the LEP is not an ITL3 region
    choose(north_east, area="TLC11")
    text = text_of(north_east)
    assert (
        "sub-sectors for LEPs, ITL1 regions, ITL2 regions, local authorities, combined authorities and English "
        "regions, not for ITL3"
    ) in text
    assert "UK Business Counts are in the snapshot for LEPs and local authorities, not for ITL3 regions" in text
    assert "Manufacturing share of GVA is not built for ITL3 regions; the chart shows the benchmarks only" in text
    assert [t for t in charts(north_east)] == ["Manufacturing share of GVA, benchmarks, 1998-2023"]
    share = value("manufacturing_employment_share", "itl3", "TLC11", 2020)
    assert f"Manufacturing is {share:.1f}% of employment in Hartlepool and Stockton-on-Tees in 2020" in text


def test_link_reproduces_the_lq_view() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(level="lad", mfg_measure="gva_lq", year="2022", area="E06000001")
    app.run()
    app.switch_page(PAGE)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert widget(app, "mfg_measure") == "gva_lq" and widget(app, "area") == "E06000001"
    colours = fills(app)
    assert len(colours) == len(geo_codes("lad"))
    lq = lq_against(EXCL_LONDON, "lad", 2022)
    assert all(colours[c] in (ABOVE if v > 1 else BELOW) for c, v in lq.items())
    headline = next(as_read(m.value) for m in app.markdown if m.value.startswith("**Manufacturing is"))
    share = value("manufacturing_gva_share", "lad", "E06000001", 2022)
    assert re.search(rf"{share:.1f}% of GVA in Hartlepool in 2022", headline)
