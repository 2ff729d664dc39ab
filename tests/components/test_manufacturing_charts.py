"""The Manufacturing charts and their tables (components.manufacturing_charts) on the committed snapshot.
Expected values are computed here from the parquet files with pandas, never taken from the code under test."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from components.manufacturing import GVA_SHARE, SUBSECTORS
from components.manufacturing_charts import enterprise_section, subsector_section, trend_rows, trend_section, vega_spec
from metrics.manufacturing import ENTERPRISES, SIZE_BANDS
from tests.snapshot_rows import PARQUET, parquet_value, rows_of

NORTH_EAST_LEP = "E37000025"
CORNWALL_LEP = "E37000005"
ENGLAND, EXCL_LONDON, UK = "E92000001", "ENG_EXCL_LONDON", "K02000001"


def test_trend_has_the_area_and_the_three_benchmarks_over_every_year() -> None:
    rows = trend_rows(rows_of(GVA_SHARE), "lep", NORTH_EAST_LEP, "North East")
    assert list(dict.fromkeys(rows["series"])) == [
        "North East LEP",
        "England",
        "England excluding London",
        "United Kingdom",
    ]
    years = sorted(PARQUET.loc[PARQUET["indicator"] == GVA_SHARE, "period"].unique())
    for code, geography in ((NORTH_EAST_LEP, "lep"), (ENGLAND, "country"), (EXCL_LONDON, "benchmark"), (UK, "uk")):
        series = rows[rows["area_code"] == code].set_index("period")["value"]
        assert list(series.index) == years
        for year in (years[0], 2023):
            assert series[year] == pytest.approx(parquet_value(GVA_SHARE, geography, code, year))


def test_trend_without_area_or_for_a_level_without_gva_shows_benchmarks_only() -> None:
    assert set(trend_rows(rows_of(GVA_SHARE), "lep", None, None)["area_code"]) == {ENGLAND, EXCL_LONDON, UK}
    section = trend_section(rows_of(GVA_SHARE), "itl2", "TLC3", "Tees Valley", level_has_share=False)
    assert set(section.table["area_code"]) == {ENGLAND, EXCL_LONDON, UK}
    assert "not built for ITL2 regions" in section.note


def test_trend_section_spec_carries_the_values_and_distinct_dashes() -> None:
    section = trend_section(rows_of(GVA_SHARE), "lep", NORTH_EAST_LEP, "North East", level_has_share=True)
    spec = section.spec
    data = pd.concat([pd.DataFrame(v) for v in spec["datasets"].values()], ignore_index=True)
    point = data[(data["area_code"] == NORTH_EAST_LEP) & (data["period"] == 2023)]["value"].iloc[0]
    assert point == pytest.approx(parquet_value(GVA_SHARE, "lep", NORTH_EAST_LEP, 2023))
    line = spec["layer"][0]["encoding"]
    dashes = line["strokeDash"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == 4
    shapes = spec["layer"][1]["encoding"]["shape"]["scale"]["range"]
    assert len(set(shapes)) == 4
    assert "Source:" in " ".join(spec["title"]["subtitle"])


def test_subsector_section_when_everything_is_withheld() -> None:
    series = [("lep", CORNWALL_LEP, "Cornwall and Isles of Scilly LEP"), ("lad", "E06000053", "Isles of Scilly")]
    section = subsector_section({ind: rows_of(ind) for ind, _, _ in SUBSECTORS}, 2023, series)
    assert section.spec is None and "withholds" in section.note and "not zero" in section.note
    shown = subsector_section(
        {ind: rows_of(ind) for ind, _, _ in SUBSECTORS},
        2023,
        [("lep", NORTH_EAST_LEP, "North East LEP"), ("country", ENGLAND, "England")],
    )
    assert shown.spec is not None and shown.note is None  # nothing withheld for North East or England
    partly = subsector_section(
        {ind: rows_of(ind) for ind, _, _ in SUBSECTORS},
        2023,
        [("lep", NORTH_EAST_LEP, "North East LEP"), ("lep", CORNWALL_LEP, "Cornwall LEP")],
    )
    assert partly.spec is not None and "Cornwall LEP" in partly.note and "not zero" in partly.note


def test_enterprise_section_note_and_spec() -> None:
    rows = {ind: rows_of(ind) for ind in [ENTERPRISES, *(i for i, _ in SIZE_BANDS)]}
    section = enterprise_section(rows, "lad", "E06000001", "Hartlepool")
    total = parquet_value(ENTERPRISES, "lad", "E06000001", 2022)
    assert section.note == f"Hartlepool had {total:,.0f} manufacturing enterprises in 2022."
    assert section.spec["facet"]["column"]["field"] == "band"
    assert enterprise_section(rows, "lad", "NOT_AN_AREA", "Nowhere").spec is None


def test_vega_spec_drops_altair_default_sizes() -> None:
    import altair as alt

    spec = vega_spec(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"))
    assert "continuousWidth" not in json.dumps(spec)
