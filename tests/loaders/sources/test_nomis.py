"""Nomis xlsx block extracts: real-file figures from PROVENANCE sections 12-15, and broken inputs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders.sources import nomis, nomis_tables

T01 = "nomis/nomis_aps_T01_econ_activity_16to64_england_lep_lad_2018_2022.xlsx"
T19 = "nomis/nomis_aps_T19_qualifications_nvq_england_lep_lad_2017_2021.xlsx"
T13A = "nomis/nomis_aps_T13a_employment_by_industry_england_lep_lad_2018_2022.xlsx"
UBC_ALL = "nomis/nomis_ubc_enterprises_by_sizeband_england_lep_lad_2018_2022.xlsx"
UBC_IND = "nomis/nomis_ubc_enterprises_by_industry_sizeband_england_lep_lad_2018_2022.xlsx"
STATUSES = {"", "suppressed", "unavailable", "unreliable"}


@cache
def blocks(path: Path) -> pd.DataFrame:
    """Each real file is parsed once per test session (test_area_names reuses this cache)."""
    return nomis.read_nomis_blocks(path)


def one(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    rows = frame[mask]
    assert len(rows) == 1, f"{where} matched {len(rows)} rows"
    return rows.iloc[0]


# --- real files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "periods", "variables", "ladu"),
    [
        (T01, range(2018, 2023), 7, 363),
        (T19, range(2017, 2022), 63, 363),
        (T13A, range(2018, 2023), 9, 363),
        (UBC_ALL, range(2018, 2023), 5, 374),
    ],
)
def test_block_shapes(stats_dir: Path, relative: str, periods: range, variables: int, ladu: int) -> None:
    frame = blocks(stats_dir / relative)
    assert list(frame.columns) == nomis.BLOCK_COLUMNS
    assert sorted(frame["period"].unique()) == list(periods)
    assert frame["variable"].nunique() == variables
    per_period = frame.drop_duplicates(["period", "area_type", "area_name"]).groupby(["period", "area_type"]).size()
    for period in periods:
        assert per_period[(period, "country")] == 1
        assert per_period[(period, "lep")] == 38
        assert per_period[(period, "ladu")] == ladu
        assert per_period[(period, "User Defined Geography")] == 48
    assert set(frame["status"]) <= STATUSES
    assert (frame["value"].dropna() >= 0).all()


@pytest.mark.parametrize("relative", [T01, T19, T13A])
def test_aps_flags_never_become_numbers(stats_dir: Path, relative: str) -> None:
    frame = blocks(stats_dir / relative)
    hidden = frame["status"].isin(["suppressed", "unavailable"])
    assert hidden.any()
    assert frame.loc[hidden, "value"].isna().all()
    assert frame.loc[~hidden, "value"].notna().all()
    unreliable = frame[frame["status"] == "unreliable"]
    assert len(unreliable) > 0
    assert unreliable["value"].notna().all() and unreliable["conf"].isna().all()
    assert frame.loc[frame["status"] == "", "conf"].notna().all()


def test_t01_flag_counts_and_examples(stats_dir: Path) -> None:
    frame = blocks(stats_dir / T01)
    # 402 "!" and 7 "~" number cells; 901 numbers with "*" in conf; 35 "-" cells (Isles of Scilly).
    assert frame["status"].value_counts().to_dict() == {
        "": 14405,
        "unreliable": 901,
        "suppressed": 409,
        "unavailable": 35,
    }
    scilly = frame[(frame["area_name"] == "Isles of Scilly") & (frame["period"] == 2022)]
    assert set(scilly["status"]) == {"unavailable"} and scilly["value"].isna().all()
    england = one(frame, period=2022, area_name="England", variable="T01:28 (Aged 16-64 - In employment : All People )")
    assert england["date_label"] == "Jan 2022-Dec 2022"
    assert england["block_label"] == ""
    assert england["area_type"] == "country"
    assert england["value"] > 2.5e7 and england["conf"] > 0


def test_aps_employment_rates(stats_dir: Path) -> None:
    rates = nomis_tables.aps_employment_rates(stats_dir / T01)
    assert list(rates.columns) == nomis_tables.INDICATOR_COLUMNS
    emp = rates[rates["indicator"] == "employment_rate_16_64"]
    act = rates[rates["indicator"] == "economic_activity_rate_16_64"]
    pop = rates[rates["indicator"] == "population_16_64"]
    assert one(emp, area_name="England", period=2022)["value"] == pytest.approx(75.8, abs=0.05)
    assert one(emp, area_name="England", period=2019)["value"] == pytest.approx(76.0, abs=0.05)
    assert one(act, area_name="England", period=2022)["value"] == pytest.approx(78.7, abs=0.05)
    assert one(emp, area_type="lep", area_name="North East", period=2022)["value"] == pytest.approx(70.4, abs=0.05)
    assert one(emp, area_type="lep", area_name="London", period=2022)["value"] == pytest.approx(76.2, abs=0.05)
    assert one(emp, area_type="ladu", area_name="Hartlepool", period=2022)["value"] == pytest.approx(68.1, abs=0.05)
    england_pop = one(pop, area_name="England", period=2022)
    assert england_pop["value"] == 34_994_700
    assert england_pop["lci"] < england_pop["value"] < england_pop["uci"]
    assert emp["lci"].isna().all()
    valid = emp.dropna(subset=["value"])
    assert valid["value"].between(30, 100).all()
    scilly = one(emp, area_name="Isles of Scilly", period=2022)
    assert np.isnan(scilly["value"]) and scilly["status"] == "unavailable"


def test_aps_qualifications_nvq4(stats_dir: Path) -> None:
    strict = nomis_tables.aps_qualifications_nvq4(stats_dir / T19)
    assert set(strict["indicator"]) == {"qualifications_nvq4_plus"}
    assert one(strict, area_name="England", period=2021)["value"] == pytest.approx(43.2, abs=0.05)
    assert one(strict, area_type="lep", area_name="North East", period=2021)["value"] == pytest.approx(34.9, abs=0.05)
    assert one(strict, area_type="lep", area_name="London", period=2021)["value"] == pytest.approx(59.0, abs=0.05)
    assert sorted(strict["period"].unique()) == list(range(2017, 2022))
    # Some small districts have a suppressed category: strict gives NaN, never a share of a partial total.
    hidden = strict[strict["status"] == "suppressed"]
    assert len(hidden) > 0 and hidden["value"].isna().all()
    partial = nomis_tables.aps_qualifications_nvq4(stats_dir / T19, partial_total=True)
    flagged = partial[partial["status"] == "partial"]
    assert len(flagged) == len(hidden) and flagged["value"].notna().all()


def test_aps_manufacturing_share(stats_dir: Path) -> None:
    strict = nomis_tables.aps_manufacturing_employment_share(stats_dir / T13A)
    england = one(strict, area_name="England", period=2022)
    assert england["value"] == pytest.approx(2_309_900 / 27_540_200 * 100)
    assert england["status"] == ""
    assert one(strict, area_type="lep", area_name="London", period=2022)["value"] == pytest.approx(3.1, abs=0.05)
    # Black Country (agriculture "!") and Pendle (four groups "!") have no complete total.
    for area in ["Black Country", "Pendle"]:
        row = one(strict, area_name=area, period=2022)
        assert np.isnan(row["value"]) and row["status"] == "suppressed"
    partial = nomis_tables.aps_manufacturing_employment_share(stats_dir / T13A, partial_total=True)
    black_country = one(partial, area_type="lep", area_name="Black Country", period=2022)
    assert black_country["value"] == pytest.approx(13.9, abs=0.05) and black_country["status"] == "partial"
    pendle = one(partial, area_type="ladu", area_name="Pendle", period=2022)
    assert pendle["value"] == pytest.approx(27.7, abs=0.05) and pendle["status"] == "partial"
    assert one(partial, area_name="England", period=2022)["status"] == ""


def test_ubc_all_industries(stats_dir: Path) -> None:
    ubc = nomis_tables.ubc_enterprises_by_sizeband(stats_dir / UBC_ALL)
    assert list(ubc.columns) == nomis_tables.UBC_COLUMNS
    assert set(ubc["industry"]) == {"All"}
    assert set(ubc["sizeband"]) == {"total", "micro", "small", "medium", "large"}
    assert one(ubc, area_name="England", period=2018, sizeband="total")["value"] == 2_318_060
    assert one(ubc, area_name="England", period=2022, sizeband="total")["value"] == 2_408_040
    assert set(ubc["status"]) == {""}
    wide = ubc.pivot_table(index=["area_type", "area_name", "period"], columns="sizeband", values="value")
    bands = wide[["micro", "small", "medium", "large"]].sum(axis=1)
    # Counts are rounded to 5 separately, so bands add up to the total within a few rounding steps.
    assert ((bands - wide["total"]).abs() <= 20).all()


def test_ubc_by_industry(stats_dir: Path) -> None:
    ubc = nomis_tables.ubc_enterprises_by_sizeband(stats_dir / UBC_IND)
    assert ubc["industry"].nunique() == 18
    manufacturing = ubc[(ubc["industry"] == "3 : Manufacturing (C)") & (ubc["sizeband"] == "total")]
    assert one(manufacturing, area_name="England", period=2022)["value"] == 118_695
    assert one(manufacturing, area_type="lep", area_name="Black Country", period=2022)["value"] == 3_330
    assert (ubc["value"] >= 0).all()
    assert sorted(ubc["period"].unique()) == list(range(2018, 2023))


@pytest.mark.parametrize(
    ("label", "year"),
    [
        ("Jan 2018-Dec 2018", 2018),
        ("Apr 2021-Mar 2022", 2022),
        ("March 2022", 2022),
        ("2022", 2022),
        ("x", None),
    ],
)
def test_period_from_label(label: str, year: int | None) -> None:
    assert nomis.period_from_label(label) == year
