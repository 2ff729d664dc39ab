"""The Levelling up page under Streamlit's AppTest: every geography level renders, the scorecard of
a chosen area matches the parquet, the scatter and the small-multiple maps follow their widgets and
the URL. Expected values come from the committed parquet / GeoJSON, read here with pandas / json."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.drawn_charts import plain_title
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGE = "app_pages/levelling_up.py"
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
LEVELS = ["lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn"]
LEVELLING_UP = [
    "employment_rate_16_64",
    "economic_activity_rate_16_64",
    "unemployment_rate",
    "claimant_rate",
    "median_weekly_pay",
    "median_weekly_pay_workplace",
    "gdhi_per_head",
    "qualifications_l3_plus",
    "qualifications_nvq4_plus",
    "gigabit_coverage",
    "business_birth_rate",
    "business_survival_3y",
    "gdp_per_head",
    "gva_per_hour",
]
ENGLAND, HARTLEPOOL = "E92000001", "E06000001"
NOT_PUBLISHED = "not published for this geography"
TOP = "(top-level data)"


# --- expectations from the files -----------------------------------------------------------------


@cache
def geo_codes(level: str) -> frozenset[str]:
    features = json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))["features"]
    return frozenset(f["properties"]["area_code"] for f in features)


def with_values(level: str) -> list[str]:
    """Levelling-up indicators with at least one value at `level`."""
    rows = PARQUET[PARQUET["indicator"].isin(LEVELLING_UP) & (PARQUET["geography"] == level)]
    have = set(rows.loc[rows["value"].notna(), "indicator"])
    return [key for key in LEVELLING_UP if key in have]


def level_values(indicator: str, level: str, year: int) -> pd.Series:
    rows = PARQUET[
        (PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level) & (PARQUET["period"] == year)
    ].dropna(subset=["value"])
    return rows.set_index("area_code")["value"]


def england(indicator: str, year: int) -> float:
    rows = PARQUET[
        (PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == ENGLAND) & (PARQUET["period"] == year)
    ].dropna(subset=["value"])
    return float(rows["value"].iloc[0])


def interval(indicator: str, code: str, year: int) -> tuple[float, float]:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == code) & (PARQUET["period"] == year)]
    rows = rows.dropna(subset=["lci", "uci"])
    assert len(rows) == 1, (indicator, code, year)
    return float(rows["lci"].iloc[0]), float(rows["uci"].iloc[0])


# --- reading what the page sent ------------------------------------------------------------------


def _arrow(data: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all().to_pandas()


def charts(at: AppTest) -> list[tuple[dict, dict[str, Any]]]:
    """(spec, named datasets) of every Vega-Lite chart on the page."""
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        named: dict[str, Any] = dict(spec.get("datasets", {}))
        for dataset in chart.proto.datasets:
            named[dataset.name] = _arrow(dataset.data.data)
        if chart.proto.data.data:  # top-level data (altair lifts data shared by every sub-chart)
            named[TOP] = _arrow(chart.proto.data.data)
        out.append((spec, named))
    return out


def maps_chart(at: AppTest) -> tuple[dict, dict[str, Any]]:
    found = [(spec, named) for spec, named in charts(at) if "concat" in spec]
    assert len(found) == 1
    return found[0]


def scatter(at: AppTest) -> tuple[dict, pd.DataFrame]:
    found = [(spec, named) for spec, named in charts(at) if "layer" in spec]
    assert len(found) == 1
    spec, named = found[0]
    points = spec["layer"][0]
    assert points["mark"]["type"] == "point"
    return spec, named[points["data"]["name"]]


def panel_frame(spec: dict, named: dict[str, Any], panel: dict) -> pd.DataFrame:
    """A map's rows: its own data, or the top-level data altair lifts out of a single sub-chart."""
    source = panel.get("data") or spec.get("data")
    data = named[source["name"]] if source and "name" in source else named[TOP]
    return data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)


def scorecard(at: AppTest) -> pd.DataFrame:
    found = [frame.value for frame in at.dataframe if "label" in frame.value.columns]
    assert len(found) == 1
    return found[0]


def widget(at: AppTest, key: str) -> Any:
    return at.selectbox(key=key).value


def choose(at: AppTest, **values: Any) -> AppTest:
    for key, value in values.items():
        at.selectbox(key=key).set_value(value).run()
        assert not at.exception, [e.message for e in at.exception]
        assert widget(at, key) == value
    return at


def open_page(at: AppTest) -> AppTest:
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    return open_page(app)


# --- tests ---------------------------------------------------------------------------------------


def test_without_an_area_the_scorecard_asks_for_one(at: AppTest) -> None:
    assert widget(at, "area") is None
    assert any("Pick an area" in info.value for info in at.info)
    assert not [frame for frame in at.dataframe if "label" in frame.value.columns]
    assert at.title[0].value == "Levelling up"


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_renders_maps_of_every_feature(at: AppTest, level: str) -> None:
    if widget(at, "area") is not None:
        choose(at, area=None)
    choose(at, level=level)
    available = with_values(level)
    spec, named = maps_chart(at)
    panels = spec["concat"]
    assert [panel["mark"]["type"] for panel in panels] == ["geoshape"] * min(4, len(available))
    features = named[f"boundaries_{level}"]
    assert {f["properties"]["area_code"] for f in features} == geo_codes(level)
    assert len(features) == len(geo_codes(level))
    for panel in panels:
        frame = panel_frame(spec, named, panel)
        assert len(frame) == len(features)
        assert set(frame["area_code"]) == geo_codes(level)
    chosen = at.multiselect(key="lu_maps").value
    assert len(chosen) == len(panels) and set(chosen) <= set(available)
    assert [panel["title"]["text"].split(",")[0] for panel in panels] == [METADATA[key].short_label for key in chosen]
    scatters = [spec for spec, _ in charts(at) if "layer" in spec]
    assert len(scatters) == (1 if len(available) >= 2 else 0)
    if len(available) < 2:
        assert any("scatter needs two indicators" in info.value for info in at.info)
    table = [frame.value for frame in at.dataframe if "area_code" in frame.value.columns]
    assert len(table) == 1 and set(table[0]["area_code"]) == geo_codes(level)


def test_hartlepool_scorecard_has_a_row_per_indicator(at: AppTest) -> None:
    choose(at, level="lad", area=HARTLEPOOL, year=2023)
    card = scorecard(at)
    assert list(card["label"]) == [METADATA[key].label for key in LEVELLING_UP]
    own = PARQUET[(PARQUET["area_code"] == HARTLEPOOL) & PARQUET["value"].notna()]
    has = set(own["indicator"]) & set(LEVELLING_UP)
    assert has == set(LEVELLING_UP)
    for key, (_, got) in zip(LEVELLING_UP, card.iterrows(), strict=True):
        assert got["value_text"] != NOT_PUBLISHED, key
        years = sorted(int(y) for y in own.loc[own["indicator"] == key, "period"])
        earlier = [y for y in years if y <= 2023]
        assert got["year"] == str(earlier[-1] if earlier else years[-1]), key
    gva = card.iloc[LEVELLING_UP.index("gva_per_hour")]
    values = level_values("gva_per_hour", "lad", 2023)
    assert gva["rank_text"] == f"{int((values > values[HARTLEPOOL]).sum()) + 1} of {len(values)}"
    assert gva["value_text"] == f"£{values[HARTLEPOOL]:,.2f}"
    assert any("Hartlepool" in m.value for m in at.markdown)
    # The maps outline Hartlepool and draw it last.
    spec, named = maps_chart(at)
    for panel in spec["concat"]:
        frame = panel_frame(spec, named, panel)
        assert frame.iloc[-1]["area_code"] == HARTLEPOOL and bool(frame.iloc[-1]["selected"])
        assert int(frame["selected"].sum()) == 1


def test_verdicts_follow_polarity_for_a_real_area(at: AppTest) -> None:
    """An area above England on unemployment (lower is better) and on employment (higher is better): where the
    95% intervals do not overlap the verdict is 'worse' on the first and 'better' on the second; where they
    overlap it is 'not significantly different'."""
    year = 2023
    u, e = level_values("unemployment_rate", "lad", year), level_values("employment_rate_16_64", "lad", year)
    both = pd.concat([u.rename("u"), e.rename("e")], axis=1, join="inner")
    picked = both[
        (both["u"] > england("unemployment_rate", year) * 1.01)
        & (both["e"] > england("employment_rate_16_64", year) * 1.01)
    ]
    area = sorted(picked.index)[0]
    choose(at, level="lad", year=year, benchmark=ENGLAND, area=area)
    card = scorecard(at).set_index("label")
    for key, direction in (("unemployment_rate", "▼ worse"), ("employment_rate_16_64", "▲ better")):
        got = card.loc[METADATA[key].label]
        (low, high), (bench_low, bench_high) = interval(key, area, year), interval(key, ENGLAND, year)
        overlap = low <= bench_high and bench_low <= high
        assert got["verdict_text"] == ("● not significantly different" if overlap else direction), key
        assert got["benchmark"] == "England"
    assert card.loc[METADATA["unemployment_rate"].label, "england_text"] == f"{england('unemployment_rate', year):.1f}%"


def test_hartlepool_scorecard_shows_both_outcomes_of_the_interval_test(at: AppTest) -> None:
    """Real cases, 2023 against England: Hartlepool's unemployment rate 4.3% (95% CI 3.0-5.6) overlaps
    England's 3.7% (3.5-3.9): 'not significantly different' (the old gap-only verdict said 'worse'); its
    employment rate 67.9% (63.0-72.8) lies below England's 76.0% (75.6-76.4): 'worse'. The page says how."""
    choose(at, level="lad", year=2023, benchmark=ENGLAND, area=HARTLEPOOL)
    card = scorecard(at).set_index("label")
    unemployment = card.loc[METADATA["unemployment_rate"].label]
    employment = card.loc[METADATA["employment_rate_16_64"].label]
    assert interval("unemployment_rate", HARTLEPOOL, 2023) == (3.0, 5.6)
    assert interval("unemployment_rate", ENGLAND, 2023) == (3.5, 3.9)
    assert unemployment["verdict_text"] == "● not significantly different"
    assert unemployment["verdict_basis"] == "95% intervals overlap"
    assert unemployment["interval_text"] == "± 1.3%"
    assert employment["verdict_text"] == "▼ worse"
    assert employment["verdict_basis"] == "95% intervals do not overlap"
    gva = card.loc[METADATA["gva_per_hour"].label]
    assert gva["interval_text"] is None or gva["interval_text"] == ""
    assert "publishes no confidence interval" in gva["verdict_basis"]
    captions = " ".join(c.value for c in at.caption)
    assert "non-overlapping 95% confidence intervals" in captions
    assert any("not significantly different on" in m.value for m in at.markdown)


def test_lep_scorecard_says_what_is_not_published(at: AppTest) -> None:
    choose(at, level="lep", area="E37000025")
    card = scorecard(at)
    published = [key for key in LEVELLING_UP if "lep" in METADATA[key].geographies]
    for key, (_, got) in zip(LEVELLING_UP, card.iterrows(), strict=True):
        assert (got["value_text"] == NOT_PUBLISHED) == (key not in published), key
    assert len(card) == len(LEVELLING_UP)


def test_scatter_axes_follow_their_pickers(at: AppTest) -> None:
    choose(at, level="lad", area=HARTLEPOOL, year=2022)
    choose(at, lu_x="claimant_rate", lu_y="gva_per_hour")
    spec, points = scatter(at)
    x = level_values("claimant_rate", "lad", 2022)
    y = level_values("gva_per_hour", "lad", 2022)
    expected = pd.concat([x.rename("x"), y.rename("y")], axis=1, join="inner")
    got = points.set_index("area_code")
    assert set(got.index) == set(expected.index)
    pd.testing.assert_series_equal(got["x"].sort_index(), expected["x"].sort_index(), check_names=False)
    pd.testing.assert_series_equal(got["y"].sort_index(), expected["y"].sort_index(), check_names=False)
    assert got["selected"].sum() == 1 and bool(got.loc[HARTLEPOOL, "selected"])
    assert "2022" in " ".join(plain_title(spec)[1])
    assert at.query_params["lu_x"] == "claimant_rate" and at.query_params["lu_y"] == "gva_per_hour"
    # Gigabit coverage exists for 2026 only: the page says the two have no common year.
    choose(at, lu_x="gigabit_coverage")
    assert any("share no year" in caption.value for caption in at.caption)


def test_map_picker_changes_the_maps_and_the_url(at: AppTest) -> None:
    choose(at, level="lad")
    at.multiselect(key="lu_maps").set_value(["claimant_rate", "qualifications_nvq4_plus"]).run()
    assert not at.exception
    spec, named = maps_chart(at)
    assert [panel["title"]["text"].split(",")[0] for panel in spec["concat"]] == [
        METADATA["claimant_rate"].short_label,
        METADATA["qualifications_nvq4_plus"].short_label,
    ]
    nvq_year = int(spec["concat"][1]["title"]["text"].split(", ")[-1])
    frame = panel_frame(spec, named, spec["concat"][1]).set_index("area_code")
    rows = PARQUET[
        (PARQUET["indicator"] == "qualifications_nvq4_plus")
        & (PARQUET["geography"] == "lad")
        & (PARQUET["period"] == nvq_year)
    ]
    suppressed = set(rows.loc[rows["status"] == "suppressed", "area_code"]) & geo_codes("lad")
    assert suppressed and set(frame.index[frame["suppressed"].astype(bool)]) == suppressed
    assert at.query_params["lu_maps"] == "claimant_rate,qualifications_nvq4_plus"
    table = [frame.value for frame in at.dataframe if "suppressed_on" in frame.value.columns][0]
    assert len([c for c in table.columns if c not in {"area_name", "area_code", "suppressed_on"}]) == 2


def test_default_maps_are_four_indicators_of_the_level() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["level"] = "lad"
    app.run()
    open_page(app)
    assert app.multiselect(key="lu_maps").value == [
        "gva_per_hour",
        "employment_rate_16_64",
        "median_weekly_pay",
        "gdhi_per_head",
    ]
    spec, _ = maps_chart(app)
    assert len(spec["concat"]) == 4
    assert app.query_params["lu_maps"] == "gva_per_hour,employment_rate_16_64,median_weekly_pay,gdhi_per_head"


def test_link_reproduces_the_maps() -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params.update(level="rgn", lu_maps="gigabit_coverage,claimant_rate", area="E12000001")
    app.run()
    open_page(app)
    assert app.multiselect(key="lu_maps").value == ["gigabit_coverage", "claimant_rate"]
    spec, named = maps_chart(app)
    assert len(spec["concat"]) == 2
    assert len(named["boundaries_rgn"]) == len(geo_codes("rgn"))
    assert scorecard(app)["value_text"].ne(NOT_PUBLISHED).sum() == len(with_values("rgn"))


def test_unpublished_indicators_have_an_empty_year(at: AppTest) -> None:
    """LEPs have no figures for some indicators: their row says so and its year cell is empty, not "None"."""
    choose(at, level="lep", area="E37000025", year=2023)
    card = scorecard(at)
    unpublished = card[card["value_text"] == NOT_PUBLISHED]
    assert len(unpublished) > 0 and (unpublished["year"] == "").all()
    assert (card.loc[card["value_text"] != NOT_PUBLISHED, "year"].str.fullmatch(r"\d{4}")).all()
