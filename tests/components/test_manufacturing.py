"""Manufacturing page builders on the committed snapshot. Expected values come from the parquet and
GeoJSON files read here with pandas / json (or are worked by hand), never from the code under test."""

from __future__ import annotations

import json
import math
import re
from functools import cache

import pandas as pd
import pytest

from components.manufacturing import (
    DIVERGING_6,
    EMP_LQ,
    EMP_SHARE,
    GVA_LQ,
    GVA_SHARE,
    MEASURES,
    RES_SHARE,
    SUBSECTORS,
    build_measure_map,
    display_name,
    headline,
    lq_breaks,
    lq_legend_entries,
    measures_for,
    subsector_comparators,
    subsector_table,
)
from components.palettes import NO_DATA, SUPPRESSED, VIRIDIS_5, fill_colour
from components.quotients import Reference
from loaders.snapshot import Snapshot, read_snapshot
from tests.snapshot_rows import AREAS, METADATA, PARQUET, REPO, parquet_value, rows_of

NORTH_EAST_LEP = "E37000025"
CORNWALL_LEP = "E37000005"
BLACK_COUNTRY_LEP = "E37000001"
ENGLAND, EXCL_LONDON, UK = "E92000001", "ENG_EXCL_LONDON", "K02000001"
BELOW, ABOVE = set(DIVERGING_6[:3]), set(DIVERGING_6[3:])
BY_INDICATOR = {key: rows for key, rows in PARQUET.groupby("indicator") if key.startswith("manufacturing")}


@cache
def _snapshot() -> Snapshot:
    return read_snapshot()


@cache
def geo(level: str) -> dict:
    return json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))


def parquet_status(indicator: str, geography: str, code: str, year: int) -> str:
    rows = BY_INDICATOR[indicator]
    rows = rows[(rows["geography"] == geography) & (rows["area_code"] == code) & (rows["period"] == year)]
    return str(rows["status"].iloc[0])


def latest(indicator: str, level: str) -> int:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level)]
    return int(rows.loc[rows["value"].notna(), "period"].max())


# --- measures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn"])
def test_measures_offered_are_those_with_values_at_the_level(level: str) -> None:
    valued = PARQUET[(PARQUET["geography"] == level) & PARQUET["value"].notna()]
    have = set(valued["indicator"])
    expected = [
        key
        for key, indicator in (
            ("gva_share", GVA_SHARE),
            ("gva_lq", GVA_LQ),
            ("emp_share", EMP_SHARE),
            ("emp_lq", EMP_LQ),
            ("res_share", RES_SHARE),
        )
        if indicator in have
    ]
    assert measures_for(METADATA, level, have) == expected
    assert measures_for(METADATA, level) == expected  # metadata geographies agree with the rows


def test_measures_of_each_level() -> None:
    # Regions and ITL2 regions have the GVA measures (summed from their LADs, issue 11); BRES is for ITL3.
    assert measures_for(METADATA, "itl2") == ["gva_share", "gva_lq"]
    assert measures_for(METADATA, "rgn") == ["gva_share", "gva_lq"]
    assert measures_for(METADATA, "itl3") == ["emp_share", "emp_lq"]
    assert measures_for(METADATA, "lep") == list(MEASURES)


def test_basis_of_each_measure_matches_metadata() -> None:
    for measure in MEASURES.values():
        basis = METADATA[measure.indicator].basis
        assert basis in {"workplace", "residence"}
        assert f"{basis}-based" in measure.label or "benchmark economy = 1" in measure.label
    assert "residence" in MEASURES["res_share"].label


def test_display_name() -> None:
    assert display_name("North East", "lep") == "North East LEP"
    assert display_name("Tees Valley", "cauth") == "Tees Valley (combined authority)"
    assert display_name("Hartlepool", "lad") == "Hartlepool"


# --- location quotient classes -------------------------------------------------------------------


def test_lq_breaks_are_centred_on_one_on_a_ratio_scale() -> None:
    breaks = lq_breaks()
    assert breaks == [0.5, 0.8, 1.0, 1.25, 2.0, math.inf]
    assert breaks.index(1.0) == 2  # three classes on each side
    assert breaks[0] * breaks[4] == pytest.approx(1.0) and breaks[1] * breaks[3] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        lq_breaks(inner=0.9)


@pytest.mark.parametrize(
    "value, index",
    [
        (0.05, 0),
        (0.5, 0),
        (0.51, 1),
        (0.8, 1),
        (0.81, 2),
        (0.999, 2),
        (1.0, 2),
        (1.001, 3),
        (1.25, 3),
        (1.3, 4),
        (2.0, 4),
        (2.01, 5),
        (40.0, 5),
    ],
)
def test_lq_values_take_the_colour_of_their_side_of_one(value: float, index: int) -> None:
    colour = fill_colour(value, "", lq_breaks(), DIVERGING_6)
    assert colour == DIVERGING_6[index]
    assert colour in (BELOW if value <= 1.0 else ABOVE)


def test_lq_legend_runs_low_to_high_with_greys_last() -> None:
    entries = lq_legend_entries(lq_breaks(), has_missing=True, has_suppressed=True)
    assert [e.rgba for e in entries[:6]] == list(DIVERGING_6)
    assert [e.label for e in entries[:6]] == [
        "under 0.50",
        "0.50 to 0.80",
        "0.80 to 1.00",
        "1.00 to 1.25",
        "1.25 to 2.00",
        "over 2.00",
    ]
    assert [e.kind for e in entries[6:]] == ["no_data", "suppressed"]
    assert [e.rgba for e in entries[6:]] == [NO_DATA, SUPPRESSED]
    assert len(lq_legend_entries(lq_breaks(), has_missing=False, has_suppressed=False)) == 6


def _map(measure: str, level: str, year: int, area: str | None = None, benchmark: str = EXCL_LONDON):
    snap = _snapshot()
    indicator = MEASURES[measure].indicator
    return build_measure_map(
        snap.rows(indicator), snap.metadata[indicator], MEASURES[measure], geo(level), level, year, benchmark, area
    )


@pytest.mark.parametrize("measure, level", [("gva_lq", "lep"), ("gva_lq", "lad"), ("emp_lq", "itl3")])
def test_lq_map_colours_each_area_on_its_side_of_england(measure: str, level: str) -> None:
    indicator = MEASURES[measure].indicator
    year = latest(indicator, level)
    view = _map(measure, level, year)
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in view.features["features"]}
    assert len(fills) == len(geo(level)["features"])
    expected = (
        PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level) & (PARQUET["period"] == year)]
        .dropna(subset=["value"])
        .set_index("area_code")["value"]
    )
    for code, fill in fills.items():
        if code not in expected.index:
            assert fill in {NO_DATA, SUPPRESSED}
        elif expected[code] > 1.0:
            assert fill in ABOVE, (code, expected[code])
        else:
            assert fill in BELOW, (code, expected[code])
    assert {fills[c] for c in expected.index if c in fills} & BELOW
    assert {fills[c] for c in expected.index if c in fills} & ABOVE
    assert [e.rgba for e in view.legend if e.kind == "class"] == list(DIVERGING_6)
    assert "England" in view.legend_title and view.benchmark_name == "England"
    # the gap in the table is the LQ read as "% above or below England's share"
    ranked = view.table.dropna(subset=["value"]).set_index("area_code")
    assert ranked["gap_pct"].to_numpy() == pytest.approx(((expected[ranked.index] - 1) * 100).to_numpy())


def test_share_map_uses_viridis_quantiles_and_marks_suppressed_areas() -> None:
    year = 2022
    view = _map("res_share", "lep", year, area=BLACK_COUNTRY_LEP)
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in view.features["features"]}
    assert parquet_status(RES_SHARE, "lep", BLACK_COUNTRY_LEP, year) == "suppressed"
    assert fills[BLACK_COUNTRY_LEP] == SUPPRESSED
    props = next(f["properties"] for f in view.features["features"] if f["properties"]["code"] == BLACK_COUNTRY_LEP)
    assert "Suppressed" in props["value_text"] and props["width"] == 3
    valued = PARQUET[
        (PARQUET["indicator"] == RES_SHARE) & (PARQUET["geography"] == "lep") & (PARQUET["period"] == year)
    ].dropna(subset=["value"])
    assert {fills[c] for c in valued["area_code"]} <= set(VIRIDIS_5)
    assert len({fills[c] for c in valued["area_code"]}) == 5
    assert any(e.kind == "suppressed" for e in view.legend)
    assert "APS" in view.alt_text or "Residents" in view.alt_text


def test_share_map_gap_is_to_the_sidebar_benchmark() -> None:
    view = _map("gva_share", "lep", 2023, benchmark=ENGLAND)
    england = parquet_value(GVA_SHARE, "country", ENGLAND, 2023)
    row = view.table.set_index("area_code").loc[NORTH_EAST_LEP]
    assert row["gap_pct"] == pytest.approx((parquet_value(GVA_SHARE, "lep", NORTH_EAST_LEP, 2023) / england - 1) * 100)
    assert view.benchmark_name == "England"


# --- headline ------------------------------------------------------------------------------------


ENGLAND_REFERENCE = Reference(ENGLAND, "England", None)


def test_headline_for_north_east_lep_gva_2023() -> None:
    text = headline(rows_of(GVA_SHARE), "gva", "lep", NORTH_EAST_LEP, "North East", 2023, ENGLAND_REFERENCE)
    share = parquet_value(GVA_SHARE, "lep", NORTH_EAST_LEP, 2023)
    england = parquet_value(GVA_SHARE, "country", ENGLAND, 2023)
    assert share == pytest.approx(15.41, abs=0.01)  # the committed snapshot's figure
    assert text is not None and text.startswith(f"Manufacturing is {share:.1f}% of GVA in North East LEP in 2023")
    ratio = float(re.search(r"([\d.]+) times England's share", text).group(1))
    assert ratio == pytest.approx(share / england, abs=0.005)
    assert f"({england:.1f}%)" in text and "workplace-based" in text


def test_headline_for_bres_uses_the_published_lq_and_for_aps_the_ratio_of_shares() -> None:
    bres = headline(rows_of(EMP_SHARE), "bres", "lep", NORTH_EAST_LEP, "North East", 2020, ENGLAND_REFERENCE)
    lq = parquet_value(EMP_LQ, "lep", NORTH_EAST_LEP, 2020)
    assert f"{parquet_value(EMP_SHARE, 'lep', NORTH_EAST_LEP, 2020):.1f}% of employment" in bres
    assert f"{lq:.2f} times England's share" in bres and "BRES, workplace-based" in bres
    aps = headline(rows_of(RES_SHARE), "aps", "lep", NORTH_EAST_LEP, "North East", 2022, ENGLAND_REFERENCE)
    share = parquet_value(RES_SHARE, "lep", NORTH_EAST_LEP, 2022)
    england = parquet_value(RES_SHARE, "country", ENGLAND, 2022)
    assert aps.startswith(f"{share:.1f}% of North East LEP's residents in employment work in manufacturing")
    assert f"{share / england:.2f} times England's share" in aps and "residence-based" in aps


def test_headline_says_withheld_and_nothing_without_an_area() -> None:
    text = headline(rows_of(RES_SHARE), "aps", "lep", BLACK_COUNTRY_LEP, "Black Country", 2022, ENGLAND_REFERENCE)
    assert text == (
        "Black Country LEP has no manufacturing share of residents' employment for 2022 (withheld by the source)."
    )
    assert headline(rows_of(GVA_SHARE), "gva", "lep", None, None, 2023, ENGLAND_REFERENCE) is None


# --- trend ---------------------------------------------------------------------------------------


# --- sub-sectors ---------------------------------------------------------------------------------


def test_subsector_comparators_are_england_and_the_parent_region() -> None:
    assert subsector_comparators(AREAS, "lep", NORTH_EAST_LEP) == [
        ("country", ENGLAND, "England"),
        ("itl1", "TLC", "North East (England) (region)"),
    ]
    assert subsector_comparators(AREAS, "itl1", "TLC") == [("country", ENGLAND, "England")]


def test_subsector_table_marks_withheld_rows_and_never_zero() -> None:
    year = 2023
    series = [
        ("lep", NORTH_EAST_LEP, "North East LEP"),
        ("country", ENGLAND, "England"),
        ("itl1", "TLC", "North East (England) (region)"),
    ]
    table = subsector_table({ind: rows_of(ind) for ind, _, _ in SUBSECTORS}, year, series)
    assert len(table) == len(SUBSECTORS) * 3
    assert list(dict.fromkeys(table["code"])) == ["CA-CB", "CC", "CD-CG", "CH", "CI-CL", "CM"]
    for indicator, code, _ in SUBSECTORS:
        area = table[(table["code"] == code) & (table["area_code"] == NORTH_EAST_LEP)].iloc[0]
        assert area["value"] == pytest.approx(parquet_value(indicator, "lep", NORTH_EAST_LEP, year))
        assert not area["withheld"] and area["label"] == f"{area['value']:.1f}%"
        england = table[(table["code"] == code) & (table["area_code"] == ENGLAND)].iloc[0]
        assert england["value"] == pytest.approx(parquet_value(indicator, "country", ENGLAND, year))
        assert not england["withheld"]
    withheld = subsector_table(
        {ind: rows_of(ind) for ind, _, _ in SUBSECTORS},
        year,
        [("lep", CORNWALL_LEP, "Cornwall and Isles of Scilly LEP")],
    )
    for indicator, code, _ in SUBSECTORS:
        row = withheld[withheld["code"] == code].iloc[0]
        assert parquet_status(indicator, "lep", CORNWALL_LEP, year) == "suppressed"
        assert row["withheld"] and row["label"] == "withheld" and math.isnan(row["value"])
    assert (table["value"] != 0).all()
    # the area's six shares add up to its whole manufacturing GVA
    assert table[table["area_code"] == NORTH_EAST_LEP]["value"].sum() == pytest.approx(100, abs=0.5)


def test_subsector_table_tells_missing_from_withheld() -> None:
    rows = pd.DataFrame(
        {
            "indicator": "x",
            "geography": ["lad", "lad"],
            "area_code": ["A", "B"],
            "area_name": ["A", "B"],
            "period": [2020, 2020],
            "value": [math.nan, math.nan],
            "status": ["suppressed", "unavailable"],
        }
    )
    table = subsector_table(
        {ind: rows for ind, _, _ in SUBSECTORS}, 2020, [("lad", "A", "A"), ("lad", "B", "B"), ("lad", "C", "C")]
    )
    labels = table.drop_duplicates("area_code").set_index("area_code")["label"]
    assert labels.to_dict() == {"A": "withheld", "B": "no data", "C": "no data"}


# --- enterprises ---------------------------------------------------------------------------------
