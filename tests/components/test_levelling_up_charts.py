"""The Levelling up scatter and small-multiple maps (components.levelling_up_charts) on the committed snapshot.
Expected values are computed here from the parquet files with pandas, never taken from the code under test."""

from __future__ import annotations

import json
import math
from functools import cache

import pandas as pd
import pytest

from components.levelling_up import (
    SCORECARD_INDICATORS,
    LevelIndicator,
    prepare_level,
)
from components.levelling_up_charts import map_panels, maps_table, scatter_chart, scatter_table, scatter_years
from metrics.comparisons import correlation
from tests.snapshot_rows import METADATA, REPO, rows_of

HARTLEPOOL = "E06000001"


@cache
def prepared(level: str) -> dict[str, LevelIndicator]:
    return prepare_level({key: rows_of(key) for key in SCORECARD_INDICATORS}, METADATA, level)


def test_scatter_years() -> None:
    common = scatter_years([2019, 2020, 2021], [2020, 2021, 2022], 2023)
    assert (common.x_year, common.y_year, common.common) == (2021, 2021, True)
    before = scatter_years([2019, 2020, 2021], [2020, 2021, 2022], 2018)
    assert (before.x_year, before.y_year) == (2020, 2020)
    apart = scatter_years([2026], [2022, 2023], 2023)
    assert (apart.x_year, apart.y_year, apart.common) == (2026, 2023, False)


def test_scatter_table_and_chart_from_the_parquet() -> None:
    data = prepared("lad")
    years = scatter_years(data["employment_rate_16_64"].years, data["gdhi_per_head"].years, 2022)
    assert years.common and years.x_year == 2022
    table = scatter_table(data["employment_rate_16_64"].by_year[2022], data["gdhi_per_head"].by_year[2022], HARTLEPOOL)
    x = rows_of("employment_rate_16_64").query("geography == 'lad' and period == 2022").dropna(subset=["value"])
    y = rows_of("gdhi_per_head").query("geography == 'lad' and period == 2022").dropna(subset=["value"])
    expected = (
        x.set_index("area_code")["value"].to_frame("x").join(y.set_index("area_code")["value"].rename("y"), how="inner")
    )
    assert len(table) == len(expected)
    got = table.set_index("area_code")
    pd.testing.assert_series_equal(got["x"].sort_index(), expected["x"].sort_index(), check_names=False)
    pd.testing.assert_series_equal(got["y"].sort_index(), expected["y"].sort_index(), check_names=False)
    assert got["selected"].sum() == 1 and bool(got.loc[HARTLEPOOL, "selected"])
    assert correlation(table) == pytest.approx(expected["x"].corr(expected["y"]))

    spec = scatter_chart(
        table, METADATA["employment_rate_16_64"], METADATA["gdhi_per_head"], years, "lad", "Hartlepool"
    ).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["point", "rule", "rule", "text"]
    text_layer = spec["layer"][3]
    labels = spec["datasets"][text_layer["data"]["name"]]
    assert [label["area_name"] for label in labels] == ["Hartlepool"]
    assert "2022" in " ".join(spec["title"]["subtitle"])
    assert {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]} == {"area_name", "x", "y"}


def test_map_panels_and_table_match_the_parquet() -> None:
    data = prepared("lad")
    panels = map_panels(data, METADATA, ["gva_per_hour", "qualifications_nvq4_plus", "gigabit_coverage"], 2022)
    assert [(p.indicator, p.year) for p in panels] == [
        ("gva_per_hour", 2022),
        ("qualifications_nvq4_plus", 2021),
        ("gigabit_coverage", 2026),
    ]
    boundaries = json.loads((REPO / "geo" / "lad.geojson").read_text(encoding="utf-8"))
    table = maps_table(boundaries, panels).set_index("area_code")
    assert len(table) == len(boundaries["features"])
    nvq = rows_of("qualifications_nvq4_plus").query("geography == 'lad' and period == 2021")
    column = next(c for c in table.columns if c.startswith("NVQ4+"))
    valued = nvq.dropna(subset=["value"]).set_index("area_code")["value"]
    pd.testing.assert_series_equal(table.loc[valued.index, column].sort_index(), valued.sort_index(), check_names=False)
    suppressed = set(nvq[nvq["status"] == "suppressed"]["area_code"]) & set(table.index)
    assert suppressed
    for code in suppressed:
        assert math.isnan(table.loc[code, column])
        assert "NVQ4+" in table.loc[code, "suppressed_on"]
    assert (table.drop(index=list(suppressed))["suppressed_on"].str.contains("NVQ4+", regex=False)).sum() == 0


def test_scatter_axes_never_print_a_dollar_sign() -> None:
    data = prepared("lad")
    years = scatter_years(data["gdhi_per_head"].years, data["median_weekly_pay"].years, 2022)
    table = scatter_table(
        data["gdhi_per_head"].by_year[years.x_year], data["median_weekly_pay"].by_year[years.y_year], None
    )
    spec = scatter_chart(table, METADATA["gdhi_per_head"], METADATA["median_weekly_pay"], years, "lad", None).to_dict()
    text = json.dumps(spec["layer"][0]["encoding"])
    assert "$" not in text
    assert "(£)" in spec["layer"][0]["encoding"]["x"]["title"]
