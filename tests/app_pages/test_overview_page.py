"""The Overview page (app.py's default page) under Streamlit's AppTest: every geography level renders,
widgets change the map and chart, and the URL carries the view. Expected values come from the
committed parquet and GeoJSON files, read here with pandas / json."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from components.palettes import NO_DATA, SELECTED_OUTLINE, SUPPRESSED
from tests.app_pages.markdown_text import as_read
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
LEVELS = ["lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn"]
EXCL_LONDON = "ENG_EXCL_LONDON"
NORTH_EAST_LEP = "E37000025"
GREYS = {NO_DATA, SUPPRESSED}


# --- reading what the page sent ------------------------------------------------------------------


@cache
def geo_codes(level: str) -> frozenset[str]:
    features = json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))["features"]
    return frozenset(f["properties"]["area_code"] for f in features)


def snapshot_values(indicator: str, level: str, year: int) -> pd.Series:
    """area_code -> value of the areas with a value."""
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level) & (PARQUET["period"] == year)]
    rows = rows.dropna(subset=["value"])
    return rows.set_index("area_code")["value"]


def years_with_values(indicator: str, level: str) -> list[int]:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level)]
    return sorted(int(y) for y in rows.loc[rows["value"].notna(), "period"].unique())


def deck_spec(at: AppTest) -> dict:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.json)


def deck_features(at: AppTest) -> list[dict]:
    (layer,) = deck_spec(at)["layers"]
    return layer["data"]["features"]


def fills(at: AppTest) -> dict[str, tuple[int, ...]]:
    return {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in deck_features(at)}


def _frame_from_arrow(data: bytes) -> pd.DataFrame:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all().to_pandas()


def chart_data(at: AppTest, mark: str = "bar") -> pd.DataFrame:
    """The rows behind the Vega-Lite layer drawn with `mark`, wherever the spec keeps them: inline
    values, the spec's "datasets", or Streamlit's named Arrow datasets beside the spec."""
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    proto = charts[0].proto
    spec = json.loads(proto.spec)
    named: dict[str, pd.DataFrame] = {name: pd.DataFrame(values) for name, values in spec.get("datasets", {}).items()}
    for dataset in proto.datasets:
        named[dataset.name] = _frame_from_arrow(dataset.data.data)

    def rows_of(data: dict[str, Any] | None) -> pd.DataFrame | None:
        if not data:
            return None
        if "values" in data:
            return pd.DataFrame(data["values"])
        return named.get(data.get("name", ""))

    top = rows_of(spec.get("data"))
    if top is None and proto.data.data:
        top = _frame_from_arrow(proto.data.data)
    for layer in [spec, *spec.get("layer", [])]:
        layer_mark = layer.get("mark")
        kind = layer_mark.get("type") if isinstance(layer_mark, dict) else layer_mark
        if kind == mark:
            frame = rows_of(layer.get("data"))
            frame = frame if frame is not None else top
            assert frame is not None, f"no data for the {mark} layer"
            return frame
    raise AssertionError(f"no {mark} layer in {list(spec)}")


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def widget(at: AppTest, key: str) -> Any:
    return at.selectbox(key=key).value


def choose(at: AppTest, **values: Any) -> AppTest:
    """Set sidebar selectboxes (in the given order, one rerun each, as a user would)."""
    for key, value in values.items():
        at.selectbox(key=key).set_value(value).run()
        assert not at.exception, [e.message for e in at.exception]
        assert widget(at, key) == value
    return at


def assert_map_matches_snapshot(at: AppTest, indicator: str, level: str, year: int) -> None:
    expected = snapshot_values(indicator, level, year)
    colours = fills(at)
    assert set(colours) == geo_codes(level)
    assert len(colours) == len(geo_codes(level))
    coloured = {code for code, fill in colours.items() if fill not in GREYS}
    assert coloured == set(expected.index) & geo_codes(level)
    assert coloured == set(expected.index), "areas with values but no boundary"
    assert 2 <= len({colours[code] for code in coloured}) <= 5


def assert_chart_matches_snapshot(at: AppTest, indicator: str, level: str, year: int) -> None:
    expected = snapshot_values(indicator, level, year)
    bars = chart_data(at).set_index("area_code")["value"]
    assert bars.index.is_unique
    assert set(bars.index) <= set(expected.index)
    pd.testing.assert_series_equal(
        bars.sort_index(), expected[bars.index].sort_index(), check_names=False, check_index_type=False
    )
    if len(expected) <= 40:
        assert len(bars) == len(expected)
    else:  # long levels show the two ends of the ranking
        assert expected.idxmax() in bars.index and expected.idxmin() in bars.index
        assert 20 <= len(bars) < len(expected)


# --- one app for the module ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


@pytest.fixture
def lep_view(at: AppTest) -> AppTest:
    """The default view, restored whatever an earlier test left selected."""
    if widget(at, "level") != "lep":
        choose(at, level="lep")
    latest = years_with_values("gva_per_hour", "lep")[-1]
    for key, value in (("indicator", "gva_per_hour"), ("year", latest), ("benchmark", EXCL_LONDON), ("area", None)):
        if widget(at, key) != value:
            choose(at, **{key: value})
    return at


def test_default_view_is_gva_per_hour_for_leps_in_the_latest_year(at: AppTest) -> None:
    # Runs first, on the untouched app.
    latest = years_with_values("gva_per_hour", "lep")[-1]
    assert widget(at, "level") == "lep"
    assert widget(at, "indicator") == "gva_per_hour"
    assert widget(at, "year") == latest
    assert widget(at, "benchmark") == EXCL_LONDON
    assert widget(at, "area") is None
    assert len(deck_features(at)) == len(geo_codes("lep")) == 38
    assert_map_matches_snapshot(at, "gva_per_hour", "lep", latest)
    assert_chart_matches_snapshot(at, "gva_per_hour", "lep", latest)
    assert len(chart_data(at)) == 38


def test_benchmark_rule_is_england_excluding_london(lep_view: AppTest) -> None:
    year = widget(lep_view, "year")
    rule = chart_data(lep_view, "rule")
    expected = PARQUET[
        (PARQUET["indicator"] == "gva_per_hour") & (PARQUET["area_code"] == EXCL_LONDON) & (PARQUET["period"] == year)
    ]["value"].iloc[0]
    assert rule["value"].iloc[0] == pytest.approx(expected)


def test_map_has_no_basemap_and_a_tooltip_template(lep_view: AppTest) -> None:
    chart = lep_view.get("deck_gl_json_chart")[0].proto
    assert "cartocdn" not in chart.json and "mapbox" not in chart.json
    spec = json.loads(chart.json)
    assert spec.get("mapProvider") is None
    assert spec.get("mapStyle") == "__MAP_STYLE__"  # Streamlit's own "no basemap" sentinel
    tooltip = json.loads(chart.tooltip)
    assert "{name}" in tooltip["html"] and "{value_text}" in tooltip["html"]


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_renders_map_and_chart_from_the_snapshot(at: AppTest, level: str) -> None:
    choose(at, level=level)
    assert widget(at, "level") == level
    indicator, year = widget(at, "indicator"), widget(at, "year")
    assert level in METADATA[indicator].geographies
    assert year in years_with_values(indicator, level)
    assert len(deck_features(at)) == len(geo_codes(level))
    assert_map_matches_snapshot(at, indicator, level, year)
    assert_chart_matches_snapshot(at, indicator, level, year)


def test_indicator_changes_map_and_chart(lep_view: AppTest) -> None:
    year = widget(lep_view, "year")
    before_fills, before_bars = fills(lep_view), chart_data(lep_view)
    choose(lep_view, indicator="manufacturing_gva_share")
    assert widget(lep_view, "year") == year
    assert fills(lep_view) != before_fills
    after = chart_data(lep_view)
    assert not after["value"].reset_index(drop=True).equals(before_bars["value"].reset_index(drop=True))
    assert_chart_matches_snapshot(lep_view, "manufacturing_gva_share", "lep", year)
    assert_map_matches_snapshot(lep_view, "manufacturing_gva_share", "lep", year)
    assert lep_view.query_params["indicator"] == "manufacturing_gva_share"


def test_year_changes_values(lep_view: AppTest) -> None:
    latest_bars = chart_data(lep_view).set_index("area_code")["value"]
    choose(lep_view, year=2015)
    bars = chart_data(lep_view).set_index("area_code")["value"]
    assert set(bars.index) == set(latest_bars.index)
    assert (bars - latest_bars[bars.index]).abs().max() > 0.5
    assert_chart_matches_snapshot(lep_view, "gva_per_hour", "lep", 2015)
    assert_map_matches_snapshot(lep_view, "gva_per_hour", "lep", 2015)
    assert lep_view.query_params["year"] == "2015"


def test_choosing_an_area_explains_where_it_stands(lep_view: AppTest) -> None:
    choose(lep_view, area=NORTH_EAST_LEP)
    text = markdown_text(lep_view)
    headline = next(line for line in text.splitlines() if "ranks" in line)
    assert "North East" in headline
    assert "of 38 LEPs" in headline
    assert "below England excluding London" in headline
    lines = {f["properties"]["code"]: f["properties"]["line"] for f in deck_features(lep_view)}
    assert lines[NORTH_EAST_LEP] == list(SELECTED_OUTLINE)
    assert sum(line == list(SELECTED_OUTLINE) for line in lines.values()) == 1
    bars = chart_data(lep_view).set_index("area_code")
    assert bars["selected"].astype(bool).sum() == 1 and bool(bars.loc[NORTH_EAST_LEP, "selected"])
    assert lep_view.query_params["area"] == NORTH_EAST_LEP


def test_benchmark_changes_the_headline(lep_view: AppTest) -> None:
    choose(lep_view, area=NORTH_EAST_LEP, benchmark="median")
    assert "median" in markdown_text(lep_view).lower()
    rule = chart_data(lep_view, "rule")
    expected = snapshot_values("gva_per_hour", "lep", widget(lep_view, "year")).median()
    assert rule["value"].iloc[0] == pytest.approx(expected)


def test_attribution_footer_survives_reruns(lep_view: AppTest) -> None:
    """Every page footer carries the OGL attribution, on every rerun, not only the first."""
    lep_view.run()
    assert not lep_view.exception
    captions = [c.value for c in lep_view.caption]
    assert any("Open Government Licence v3.0" in c and "Crown copyright" in c for c in captions), captions


def test_changing_level_does_not_blame_a_link(lep_view: AppTest) -> None:
    """Switching level can make the current year or area unavailable; the page then falls back
    quietly. A toast about a "link parameter" is only right when the user came from a link."""
    choose(lep_view, area=NORTH_EAST_LEP)
    assert widget(lep_view, "year") not in years_with_values("gva_per_hour", "itl2")
    choose(lep_view, level="itl2")  # no LEPs at this level, and no values for the LEP view's year
    assert widget(lep_view, "area") is None
    assert widget(lep_view, "year") == years_with_values("gva_per_hour", "itl2")[-1]
    assert [t.value for t in lep_view.toast if "link" in t.value.lower()] == []


# --- links ---------------------------------------------------------------------------------------


def test_link_reproduces_the_view() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(level="lad", indicator="manufacturing_gva_share", year="2022", benchmark="E92000001")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert widget(at, "level") == "lad"
    assert widget(at, "indicator") == "manufacturing_gva_share"
    assert widget(at, "year") == 2022
    assert widget(at, "benchmark") == "E92000001"
    assert len(deck_features(at)) == len(geo_codes("lad"))
    assert_map_matches_snapshot(at, "manufacturing_gva_share", "lad", 2022)
    assert_chart_matches_snapshot(at, "manufacturing_gva_share", "lad", 2022)
    assert at.query_params["level"] == "lad"
    assert at.query_params["year"] == "2022"
    assert not at.toast  # nothing to complain about


def test_unknown_link_value_falls_back_to_the_default() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["level"] = "nonsense"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert widget(at, "level") == "lep"
    assert len(deck_features(at)) == len(geo_codes("lep"))
    assert at.query_params["level"] == "lep"  # the link is corrected
    assert any("nonsense" in toast.value for toast in at.toast)


@pytest.mark.parametrize(
    ("indicator", "verdict"),
    [
        # 4.3% (95% CI 3.0-5.6) against England's 3.7% (3.5-3.9): the intervals overlap
        ("unemployment_rate", "Not significantly different from England: the 95% confidence intervals overlap."),
        # 67.9% (63.0-72.8) against England's 76.0% (75.6-76.4): they do not
        ("employment_rate_16_64", "Worse than England: the 95% confidence intervals do not overlap."),
    ],
)
def test_hartlepool_headline_says_whether_the_gap_is_significant(at: AppTest, indicator: str, verdict: str) -> None:
    choose(at, level="lad", indicator=indicator, year=2023, benchmark="E92000001", area="E06000001")
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["period"] == 2023)]
    own = rows[rows["area_code"] == "E06000001"].iloc[0]
    england = rows[rows["area_code"] == "E92000001"].iloc[0]
    overlap = own["lci"] <= england["uci"] and england["lci"] <= own["uci"]
    assert overlap == verdict.startswith("Not significantly")
    assert verdict in as_read(markdown_text(at))
    bars = chart_data(at).set_index("area_code")
    assert (bars.loc["E06000001", "lci"], bars.loc["E06000001", "uci"]) == (own["lci"], own["uci"])
    choose(at, level="lep")
