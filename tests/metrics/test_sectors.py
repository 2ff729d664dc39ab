"""Sector strengths arithmetic on small hand-worked tables (expected figures worked out by hand)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from metrics.sectors import (
    STRENGTH_LQ,
    employment_profile,
    employment_year,
    group_rows,
    industry_profile,
    quotient_rows,
    specialised_since,
    with_groups,
)
from vocabulary.sector_groups import SectorGroup


def _rows(area: str, geography: str, period: int, current: dict[str, float], cvm: dict[str, float] | None = None):
    cvm = cvm or current
    return [
        {
            "area_code": area,
            "geography": geography,
            "period": period,
            "industry": code,
            "gva_current": value,
            "gva_cvm": cvm[code],
            "status": "",
        }
        for code, value in current.items()
    ]


def _table() -> pd.DataFrame:
    rows = []
    # Area A: X grows from 30 to 80 (current prices); real X from 50 to 60.
    rows += _rows("A", "lep", 2013, {"Total": 90, "X": 20, "Y": 70, "68IMP": 0})
    rows += _rows(
        "A", "lep", 2018, {"Total": 100, "X": 30, "Y": 70, "68IMP": 0}, {"Total": 150, "X": 50, "Y": 100, "68IMP": 0}
    )
    rows += _rows(
        "A", "lep", 2023, {"Total": 200, "X": 80, "Y": 120, "68IMP": 0}, {"Total": 180, "X": 60, "Y": 120, "68IMP": 0}
    )
    # Reference R: X is 10% in every year.
    for year in (2013, 2018, 2023):
        rows += _rows("R", "country", year, {"Total": 1000, "X": 100, "Y": 850, "68IMP": 50})
    return pd.DataFrame(rows)


def test_profile_figures_match_a_hand_worked_example() -> None:
    profile = industry_profile(_table(), "A", "R", 2023, ["X", "Y"]).set_index("industry")
    x = profile.loc["X"]
    assert x["gva"] == 80
    assert x["share_pct"] == pytest.approx(40.0)  # 80 / 200
    assert x["reference_share_pct"] == pytest.approx(10.0)
    assert x["lq"] == pytest.approx(4.0)
    assert x["lq_before"] == pytest.approx(3.0)  # 30/100 over 100/1000
    assert x["share_change_5y"] == pytest.approx(10.0)  # 40% - 30%
    assert x["share_change_10y"] == pytest.approx(40 - 20 / 90 * 100)
    assert x["nominal_growth_5y"] == pytest.approx((80 / 30 - 1) * 100)
    assert x["real_growth_5y"] == pytest.approx(20.0)  # 60 / 50
    assert x["real_growth_10y"] == pytest.approx(200.0)  # 2013 CVM = current (20) -> 60
    y = profile.loc["Y"]
    assert y["lq"] == pytest.approx(60 / 85)  # 120/200 over 850/1000


def test_strength_needs_a_high_quotient_and_real_growth() -> None:
    profile = industry_profile(_table(), "A", "R", 2023, ["X", "Y"]).set_index("industry")
    assert profile.loc["X", "specialised_since"] == 2013  # LQ 20/90 / 10% = 2.2 already
    assert profile.loc["X", "strength"]  # LQ 4 and real growth +20%
    assert not profile.loc["Y", "strength"]  # LQ below 1


def test_falling_real_output_is_not_a_strength_however_specialised() -> None:
    table = _table()
    falling = (table["area_code"] == "A") & (table["period"] == 2023) & (table["industry"] == "X")
    table.loc[falling, "gva_cvm"] = 40  # real X fell from 50
    profile = industry_profile(table, "A", "R", 2023, ["X"]).set_index("industry")
    assert profile.loc["X", "lq"] >= STRENGTH_LQ
    assert not profile.loc["X", "strength"]


def test_imputed_rent_is_never_a_strength() -> None:
    table = _table()
    a = table["area_code"] == "A"
    table.loc[a & (table["industry"] == "68IMP"), ["gva_current", "gva_cvm"]] = [[10, 10], [20, 20], [60, 60]]
    profile = industry_profile(table, "A", "R", 2023, ["68IMP"]).set_index("industry")
    assert profile.loc["68IMP", "lq"] > STRENGTH_LQ
    assert not profile.loc["68IMP", "strength"]


def test_specialised_since_is_the_start_of_the_unbroken_run() -> None:
    lq = pd.Series({2015: 1.4, 2016: 1.1, 2017: 1.3, 2018: 1.25, 2019: 2.0})
    assert specialised_since(lq) == 2017
    assert specialised_since(pd.Series({2018: 1.3, 2019: 1.2})) is None
    assert specialised_since(pd.Series({2018: 1.3, 2019: float("nan")})) is None


def test_a_group_share_is_a_ratio_of_sums_not_a_mean_of_shares() -> None:
    rows = _rows("small", "lad", 2023, {"Total": 10, "X": 9}) + _rows("big", "lad", 2023, {"Total": 990, "X": 9})
    rows += _rows("both", "lep", 2023, {"Total": 1000, "X": 18})
    rows += _rows("R", "country", 2023, {"Total": 1000, "X": 18})
    profile = industry_profile(pd.DataFrame(rows), "both", "R", 2023, ["X"]).set_index("industry")
    assert profile.loc["X", "share_pct"] == pytest.approx(1.8)  # not (90% + 0.9%) / 2
    assert profile.loc["X", "lq"] == pytest.approx(1.0)


def test_groupings_sum_their_industries_and_carry_suppression() -> None:
    table = _table()
    hidden = (table["area_code"] == "A") & (table["period"] == 2013) & (table["industry"] == "Y")
    table.loc[hidden, ["gva_current", "status"]] = [float("nan"), "suppressed"]
    group = SectorGroup("xy", "X and Y", "test", ("X", "Y"), "proxy", "")
    empty = SectorGroup("none", "Nothing", "test", (), "not available", "")
    out = with_groups(table, [group, empty])
    assert "none" not in set(out["industry"])
    xy = out[(out["industry"] == "xy") & (out["area_code"] == "A")].set_index("period")
    assert xy.loc[2023, "gva_current"] == 200
    assert xy.loc[2018, "gva_cvm"] == 150
    assert xy.loc[2013, "status"] == "suppressed" and math.isnan(xy.loc[2013, "gva_current"])


def test_quotient_rows_map_every_area_of_a_level() -> None:
    rows = _rows("a", "lad", 2023, {"Total": 100, "X": 20}) + _rows("b", "lad", 2023, {"Total": 100, "X": 5})
    rows += _rows("R", "country", 2023, {"Total": 1000, "X": 100})
    table = pd.DataFrame(rows)
    table.loc[(table["area_code"] == "b") & (table["industry"] == "X"), ["gva_current", "status"]] = [
        float("nan"),
        "suppressed",
    ]
    out = quotient_rows(table, "X", "R", "lad").set_index("area_code")
    assert out.loc["a", "value"] == pytest.approx(2.0)
    assert out.loc["b", "status"] == "suppressed" and math.isnan(out.loc["b", "value"])
    assert set(out["geography"]) == {"lad"}


def test_an_area_group_sums_its_member_authorities() -> None:
    rows = _rows("l1", "lad", 2023, {"Total": 100, "X": 10}) + _rows("l2", "lad", 2023, {"Total": 300, "X": 50})
    rows += _rows("l3", "lad", 2023, {"Total": 999, "X": 999})  # not a member
    table = pd.DataFrame(rows)
    out = group_rows(table, ["l1", "l2"], "group:mine", "lep").set_index("industry")
    assert out.loc["X", "gva_current"] == 60 and out.loc["Total", "gva_current"] == 400
    assert set(out["area_code"]) == {"group:mine"}
    table.loc[(table["area_code"] == "l2") & (table["industry"] == "X"), ["gva_current", "status"]] = [
        float("nan"),
        "suppressed",
    ]
    hidden = group_rows(table, ["l1", "l2"], "group:mine", "lep").set_index("industry")
    assert hidden.loc["X", "status"] == "suppressed" and math.isnan(hidden.loc["X", "gva_current"])


def test_england_against_itself_is_one_for_every_industry_in_the_snapshot() -> None:
    from pathlib import Path

    from vocabulary.industries import INDUSTRIES

    table = pd.read_parquet(Path(__file__).resolve().parents[2] / "regional_data" / "industry_gva.parquet")
    england = table[table["area_code"] == "E92000001"]
    for year in (1998, 2013, int(england["period"].max())):
        profile = industry_profile(england, "E92000001", "E92000001", year, [row.code for row in INDUSTRIES])
        assert profile["lq"].notna().all(), profile.loc[profile["lq"].isna(), "industry"].tolist()
        assert np.allclose(profile["lq"], 1.0)


def test_a_part_withheld_in_volume_only_keeps_the_current_price_sum() -> None:
    """ONS marks some chained-volume cells unreliable ([u]) while the current-price cell is published: the
    group keeps its current-price sum, and only its volume sum is missing."""
    rows = _rows("l1", "lad", 2023, {"Total": 100, "X": 10}) + _rows("l2", "lad", 2023, {"Total": 300, "X": 50})
    table = pd.DataFrame(rows)
    hit = (table["area_code"] == "l2") & (table["industry"] == "X")
    table.loc[hit, ["gva_cvm", "status"]] = [float("nan"), "suppressed"]
    out = group_rows(table, ["l1", "l2"], "group:mine", "lep").set_index("industry")
    assert out.loc["X", "gva_current"] == 60
    assert math.isnan(out.loc["X", "gva_cvm"]) and out.loc["X", "status"] == "suppressed"
    assert out.loc["Total", "gva_cvm"] == 400


def _jobs_table() -> pd.DataFrame:
    """Area A and reference R in 2019 with GVA (£m) and BRES employment: A has 40 of its 200 jobs in X (20%),
    R 100 of 1000 (10%); real estate L's GVA includes imputed rent (68IMP), its division 68 does not."""
    rows = []
    for area, geography, gva, jobs in (
        ("A", "lep", {"Total": 50, "X": 8, "L": 6, "68": 2}, {"Total": 200, "X": 40, "L": 4, "68": np.nan}),
        ("R", "country", {"Total": 500, "X": 60, "L": 50, "68": 20}, {"Total": 1000, "X": 100, "L": 30, "68": np.nan}),
    ):
        for row in _rows(area, geography, 2019, gva):
            rows.append({**row, "employment": jobs[row["industry"]]})
    rows.append({**_rows("A", "lep", 2022, {"Total": 60})[0], "employment": np.nan})  # a GVA year without BRES
    return pd.DataFrame(rows)


def test_employment_shares_quotients_and_gva_per_job_by_hand() -> None:
    out = employment_profile(_jobs_table(), "A", "R", 2019, ["Total", "X", "L", "Y"]).set_index("industry")
    assert out.loc["X", "employment_share_pct"] == pytest.approx(20.0)
    assert out.loc["X", "reference_employment_share_pct"] == pytest.approx(10.0)
    assert out.loc["X", "employment_lq"] == pytest.approx(2.0)
    assert out.loc["Total", "employment_lq"] == pytest.approx(1.0)
    assert out.loc["X", "gva_per_job"] == pytest.approx(8e6 / 40)  # £8m over 40 jobs
    assert out.loc["L", "gva_per_job"] == pytest.approx(2e6 / 4)  # division 68's £2m, not L's £6m with imputed rent
    assert out.loc["Total", "gva_per_job"] == pytest.approx(50e6 / 200)
    assert out.loc["Y"].drop("industry", errors="ignore").isna().all()  # not in BRES: missing, never zero


def test_the_reference_against_itself_has_employment_quotients_of_one() -> None:
    out = employment_profile(_jobs_table(), "R", "R", 2019, ["Total", "X", "L"])
    assert out["employment_lq"].tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_the_employment_year_is_the_latest_bres_year_up_to_the_gva_year() -> None:
    table = _jobs_table()
    assert employment_year(table, "A", 2022) == 2019
    assert employment_year(table, "A", 2019) == 2019
    assert employment_year(table, "A", 2018) is None
