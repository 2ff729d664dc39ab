"""Area groups valued from additive parts: by hand from the raw files, and against ONS's North West."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from loaders.snapshot import read_snapshot
from metrics.groups import AreaGroup, GroupError, group_series, member_lads, overlapping_members

NORTH_WEST_LEPS = ("E37000003", "E37000007", "E37000019", "E37000022", "E37000015")
PILOT = AreaGroup("North West pilot", "lep", NORTH_WEST_LEPS)


@pytest.fixture(scope="module")
def snapshot():
    return read_snapshot()


def _rows_of(snapshot):
    return lambda indicator, level: snapshot.rows(indicator, level)


def test_the_five_north_west_leps_are_the_north_west_region(snapshot) -> None:
    lads = member_lads(snapshot.areas, PILOT)
    north_west = snapshot.areas[(snapshot.areas["geography"] == "lad") & (snapshot.areas["parent_itl1"] == "TLD")]
    assert lads == set(north_west["area_code"])


def test_pilot_gva_per_hour_by_hand_from_the_raw_files(snapshot, shared_data: Path) -> None:
    """Unsmoothed 2019: the North West workbook's LA GVA over the LAD tables' weekly hours x 52."""
    workbook = shared_data / (
        "stats/gva_gdp/gva_by_industry_local_authority/"
        "regionalgrossvalueaddedbalancedbyindustrylocalauthoritiestldnorthwest.xlsx"
    )
    gva = pd.read_excel(workbook, sheet_name="Table 3", header=1, engine="calamine")
    gva = gva[gva["SIC07"] == "Total"].set_index("LA code")
    gva.columns = [str(c) for c in gva.columns]
    hours = pd.read_excel(
        shared_data / "stats/productivity/ons_subregional_productivity_lad_jun2025_labourproductivitylad1.xls",
        sheet_name="Productivity Hours",
        header=4,
        engine="calamine",
    ).set_index("LAD_Code")
    by_hand = gva["2019"].sum() * 1e6 / (hours.loc[gva.index, "Hours_2019"].sum() * 52)
    ours = group_series(PILOT, "gva_per_hour_unsmoothed", _rows_of(snapshot), snapshot.areas)
    assert ours[2019] == pytest.approx(by_hand, rel=1e-9)


def test_pilot_matches_ons_published_north_west(snapshot) -> None:
    ours = group_series(PILOT, "gva_per_hour", _rows_of(snapshot), snapshot.areas)
    published = snapshot.rows("gva_per_hour", "itl1")
    published = published[published["area_code"] == "TLD"].set_index("period")["value"]
    difference = (ours / published.reindex(ours.index) - 1).abs() * 100
    assert len(ours) == 20
    assert difference.max() < 0.05


def test_rates_are_sums_over_sums_not_means(snapshot) -> None:
    rate = group_series(PILOT, "employment_rate_16_64", _rows_of(snapshot), snapshot.areas)
    employed = snapshot.rows("employment_16_64", "lep", 2022)
    population = snapshot.rows("population_16_64", "lep", 2022)
    members = list(NORTH_WEST_LEPS)
    expected = (
        employed[employed["area_code"].isin(members)]["value"].sum()
        / population[population["area_code"].isin(members)]["value"].sum()
        * 100
    )
    mean_of_rates = snapshot.rows("employment_rate_16_64", "lep", 2022)
    mean_of_rates = mean_of_rates[mean_of_rates["area_code"].isin(members)]["value"].mean()
    assert rate[2022] == pytest.approx(expected)
    assert abs(rate[2022] - mean_of_rates) > 1e-6


def test_overlapping_leps_are_not_double_counted(snapshot) -> None:
    gbs_and_staffs = AreaGroup("West Midlands pair", "lep", ("E37000012", "E37000032"))
    assert set(overlapping_members(snapshot.areas, gbs_and_staffs)) == {
        "Cannock Chase",
        "East Staffordshire",
        "Lichfield",
        "Tamworth",
    }
    jobs = group_series(gbs_and_staffs, "filled_jobs", _rows_of(snapshot), snapshot.areas)
    lad_jobs = snapshot.rows("filled_jobs", "lad", 2019)
    expected = lad_jobs[lad_jobs["area_code"].isin(member_lads(snapshot.areas, gbs_and_staffs))]["value"].sum()
    assert jobs[2019] == pytest.approx(expected)
    with pytest.raises(GroupError, match="counted twice"):
        group_series(gbs_and_staffs, "employment_rate_16_64", _rows_of(snapshot), snapshot.areas)


def test_ungroupable_indicators_and_levels_say_why(snapshot) -> None:
    with pytest.raises(GroupError, match="cannot be summed"):
        group_series(PILOT, "median_weekly_pay", _rows_of(snapshot), snapshot.areas)
    with pytest.raises(GroupError, match="ITL3"):
        group_series(AreaGroup("x", "itl3", ("TLC11",)), "gva_per_hour", _rows_of(snapshot), snapshot.areas)
    with pytest.raises(GroupError, match="no areas"):
        group_series(AreaGroup("x", "lep", ()), "gva_per_hour", _rows_of(snapshot), snapshot.areas)
