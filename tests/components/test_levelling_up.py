"""The Levelling up page's builders: scorecard (polarity-aware verdicts, ranks, quartile bands, years,
benchmarks), scatter and map inputs. Expectations are hand-worked on small synthetic tables or
computed here from the committed parquet with pandas, never taken from the code under test."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd
import pytest

from components.levelling_up import (
    NOT_PUBLISHED,
    SCORECARD_INDICATORS,
    LevelIndicator,
    build_scorecard,
    default_maps,
    default_pair,
    indicators_at_level,
    latest_year_up_to,
    prepare_indicator,
    prepare_level,
    scorecard_summary,
    valid_map_choice,
)
from tests.snapshot_rows import METADATA, PARQUET, rows_of
from tests.synthetic_indicators import synthetic_indicator
from vocabulary.geography import MEDIAN

UK, ENGLAND, EXCL_LONDON = "K02000001", "E92000001", "ENG_EXCL_LONDON"
HARTLEPOOL, NORTH_EAST_LEP = "E06000001", "E37000025"
LEVELLING_UP = {
    "employment_rate_16_64",
    "economic_activity_rate_16_64",
    "median_weekly_pay",
    "median_weekly_pay_workplace",
    "gdhi_per_head",
    "gigabit_coverage",
    "qualifications_l3_plus",
    "qualifications_nvq4_plus",
    "unemployment_rate",
    "claimant_rate",
    "business_birth_rate",
    "business_survival_3y",
    "gdp_per_head",
    "gva_per_hour",
}


@cache
def prepared(level: str) -> dict[str, LevelIndicator]:
    return prepare_level({key: rows_of(key) for key in SCORECARD_INDICATORS}, METADATA, level)


@cache
def card(level: str, area: str, year: int, benchmark: str) -> pd.DataFrame:
    return build_scorecard(prepared(level), METADATA, level, area, year, benchmark)


def interval_of(indicator: str, code: str, year: int, geography: str | None = None) -> tuple[float, float] | None:
    rows = rows_of(indicator)
    rows = rows[(rows["area_code"] == code) & (rows["period"] == year)]
    if geography:
        rows = rows[rows["geography"] == geography]
    rows = rows.dropna(subset=["lci", "uci"])
    return (float(rows["lci"].iloc[0]), float(rows["uci"].iloc[0])) if len(rows) else None


def expected_verdict(indicator: str, area: str, year: int, benchmark: str) -> str:
    """The verdict worked out here from the parquet: by the 95% intervals where both exist (touching =
    overlapping), else by the gap with 'similar' within 1%."""
    own, bench = value_of(indicator, area, year, "lad"), value_of(indicator, benchmark, year)
    assert own is not None and bench is not None
    higher_better = METADATA[indicator].polarity == "higher_better"
    mine, theirs = interval_of(indicator, area, year, "lad"), interval_of(indicator, benchmark, year)
    if mine and theirs:
        if mine[0] <= theirs[1] and theirs[0] <= mine[1]:
            return "not_significant"
        return "better" if (mine[0] > theirs[1]) == higher_better else "worse"
    gap = (own / bench - 1) * 100
    return "similar" if abs(gap) <= 1 else ("better" if (gap > 0) == higher_better else "worse")


def value_of(indicator: str, code: str, year: int, geography: str | None = None) -> float | None:
    rows = rows_of(indicator)
    rows = rows[(rows["area_code"] == code) & (rows["period"] == year)]
    if geography:
        rows = rows[rows["geography"] == geography]
    rows = rows.dropna(subset=["value"])
    return float(rows["value"].iloc[0]) if len(rows) else None


def row(table: pd.DataFrame, indicator: str) -> pd.Series:
    match = table[table["indicator"] == indicator]
    assert len(match) == 1, indicator
    return match.iloc[0]


# --- polarity: synthetic ---------------------------------------------------------------------------


def synthetic(polarity: str) -> tuple[dict, LevelIndicator]:
    """Four areas valued 1..4 in 2020 and England at 2.5; in 2021 only C has a value, and D's is
    suppressed."""
    rows = pd.DataFrame(
        {
            "indicator": "x",
            "geography": ["lad"] * 6 + ["country"],
            "area_code": ["A", "B", "C", "D", "C", "D", ENGLAND],
            "area_name": ["A", "B", "C", "D", "C", "D", "England"],
            "period": [2020, 2020, 2020, 2020, 2021, 2021, 2020],
            "value": [1.0, 2.0, 3.0, 4.0, 3.5, math.nan, 2.5],
            "status": ["", "", "", "", "", "suppressed", ""],
        }
    )
    meta = synthetic_indicator("X", polarity=polarity, geographies=("lad", "country"))
    return meta, prepare_indicator(rows, "lad")


@pytest.mark.parametrize(
    ("polarity", "verdict", "rank", "band"),
    [("higher_better", "better", 1, 4), ("lower_better", "worse", 4, 1), ("neutral", "", 1, 4)],
)
def test_synthetic_scorecard_row_flips_with_polarity(polarity: str, verdict: str, rank: int, band: int) -> None:
    from components.levelling_up import scorecard_row

    meta, data = synthetic(polarity)
    got = scorecard_row("x", meta, data, "lad", "D", 2021, ENGLAND)
    assert got["year"] == 2020  # 2021 is suppressed for D: its latest value is shown
    assert "2021: suppressed" in got["note"]
    assert got["value"] == 4.0 and got["value_text"] == "4.0%"
    assert got["england"] == 2.5 and got["england_text"] == "2.5%"
    assert got["verdict"] == verdict
    assert (got["rank"], got["rank_of"], got["quartile"]) == (rank, 4, band)
    assert got["benchmark"] == "England"
    assert got["gap_pct"] == pytest.approx(60.0)
    if polarity == "neutral":
        assert got["verdict_text"].startswith("n/a")


def test_synthetic_lowest_area_mirrors_the_highest() -> None:
    from components.levelling_up import scorecard_row

    for polarity, verdict, rank, band in (("higher_better", "worse", 4, 1), ("lower_better", "better", 1, 4)):
        meta, data = synthetic(polarity)
        got = scorecard_row("x", meta, data, "lad", "A", 2020, ENGLAND)
        assert (got["verdict"], got["rank"], got["quartile"]) == (verdict, rank, band)
        assert got["verdict_text"].startswith("▲" if verdict == "better" else "▼")


def test_year_is_the_latest_up_to_the_wanted_one_else_the_latest() -> None:
    assert latest_year_up_to([2019, 2021, 2023], 2022) == 2021
    assert latest_year_up_to([2019, 2021, 2023], 2023) == 2023
    assert latest_year_up_to([2026], 2023) == 2026
    assert latest_year_up_to([2024, 2026], 2020) == 2026
    assert latest_year_up_to([], 2020) is None


# --- polarity: the real snapshot -------------------------------------------------------------------


def test_real_area_worse_on_unemployment_and_better_on_employment() -> None:
    """An area above England on both the unemployment rate (lower is better) and the employment
    rate (higher is better) must be 'worse' on the first and 'better' on the second."""
    year = 2023
    england_unemployment = value_of("unemployment_rate", ENGLAND, year)
    england_employment = value_of("employment_rate_16_64", ENGLAND, year)
    unemployment = rows_of("unemployment_rate")
    employment = rows_of("employment_rate_16_64")
    unemployment = unemployment[(unemployment["geography"] == "lad") & (unemployment["period"] == year)]
    employment = employment[(employment["geography"] == "lad") & (employment["period"] == year)]
    both = (
        unemployment.set_index("area_code")["value"]
        .to_frame("u")
        .join(employment.set_index("area_code")["value"].rename("e"), how="inner")
        .dropna()
    )
    candidates = both[(both["u"] > england_unemployment * 1.01) & (both["e"] > england_employment * 1.01)]
    assert len(candidates) > 0
    area = sorted(candidates.index)[0]

    table = card("lad", area, year, ENGLAND)
    unemployment_row, employment_row = row(table, "unemployment_rate"), row(table, "employment_rate_16_64")
    assert unemployment_row["year"] == employment_row["year"] == year
    assert unemployment_row["value"] == pytest.approx(candidates.loc[area, "u"])
    assert unemployment_row["england"] == pytest.approx(england_unemployment)
    # by the gap both are 1% or more from England; the intervals decide whether that is significant
    for got in (unemployment_row, employment_row):
        expected = expected_verdict(got["indicator"], area, year, ENGLAND)
        assert got["verdict"] == expected, got["indicator"]
        assert expected in ("worse", "not_significant") if got is unemployment_row else ("better", "not_significant")


def test_hartlepool_verdicts_match_the_parquet() -> None:
    year = 2023
    table = card("lad", HARTLEPOOL, year, ENGLAND)
    for _, got in table.iterrows():
        if got["verdict"] == "":
            continue
        assert got["verdict"] == expected_verdict(got["indicator"], HARTLEPOOL, int(got["year"]), ENGLAND)


@pytest.mark.parametrize(
    ("level", "area"),
    [("lad", HARTLEPOOL), ("lep", NORTH_EAST_LEP), ("cauth", "E47000001"), ("rgn", "E12000002"), ("lad", "S12000033")],
)
def test_rank_and_quartile_match_the_parquet(level: str, area: str) -> None:
    table = card(level, area, 2022, EXCL_LONDON)
    checked = 0
    for _, got in table.iterrows():
        if pd.isna(got["rank"]):
            continue
        rows = rows_of(got["indicator"])
        rows = rows[(rows["geography"] == level) & (rows["period"] == int(got["year"]))].dropna(subset=["value"])
        values = rows.set_index("area_code")["value"]
        lower = METADATA[got["indicator"]].polarity == "lower_better"
        expected_rank = int(values.rank(ascending=lower, method="min")[area])
        signed = -values if lower else values
        expected_band = int(np.clip(np.ceil(signed.rank(pct=True, method="average")[area] * 4), 1, 4))
        assert (got["rank"], got["rank_of"]) == (expected_rank, len(values)), got["indicator"]
        assert got["rank_text"] == f"{expected_rank} of {len(values)}"
        assert got["quartile"] == expected_band, got["indicator"]
        checked += 1
    assert checked >= 1


def test_hartlepool_has_a_row_for_every_indicator_with_values() -> None:
    year = 2023
    table = card("lad", HARTLEPOOL, year, EXCL_LONDON)
    assert list(table["indicator"]) == [key for key in SCORECARD_INDICATORS if key in METADATA]
    assert set(SCORECARD_INDICATORS) == LEVELLING_UP
    own = PARQUET[
        (PARQUET["area_code"] == HARTLEPOOL) & PARQUET["indicator"].isin(LEVELLING_UP) & PARQUET["value"].notna()
    ]
    for indicator, group in own.groupby("indicator"):
        years = sorted(group["period"].astype(int))
        earlier = [y for y in years if y <= year]
        expected_year = earlier[-1] if earlier else years[-1]
        got = row(table, indicator)
        assert got["year"] == expected_year, indicator
        assert got["value"] == pytest.approx(float(group.loc[group["period"] == expected_year, "value"].iloc[0]))
        assert got["value_text"] != NOT_PUBLISHED
        for code, column in ((UK, "uk"), (ENGLAND, "england"), (EXCL_LONDON, "england_excl_london")):
            expected = value_of(indicator, code, expected_year)
            if expected is None:
                assert math.isnan(got[column]) and got[f"{column}_text"] == "", (indicator, code)
            else:
                assert got[column] == pytest.approx(expected), (indicator, code)
    assert set(own["indicator"]) == LEVELLING_UP  # Hartlepool has every one of them


def test_indicators_not_published_for_a_level_say_so() -> None:
    table = card("lep", NORTH_EAST_LEP, 2022, EXCL_LONDON)
    published = {key for key in LEVELLING_UP if "lep" in METADATA[key].geographies}
    assert published == {
        "employment_rate_16_64",
        "economic_activity_rate_16_64",
        "qualifications_nvq4_plus",
        "gdp_per_head",
        "gva_per_hour",
    }
    for _, got in table.iterrows():
        if got["indicator"] in published:
            assert got["value_text"] != NOT_PUBLISHED
            assert not pd.isna(got["year"])
        else:
            assert got["value_text"] == NOT_PUBLISHED
            assert pd.isna(got["year"]) and got["verdict"] == "" and pd.isna(got["rank"])
    assert len(table) == len(LEVELLING_UP)


def test_verdict_falls_back_to_england_when_the_benchmark_is_not_published() -> None:
    table = card("lad", HARTLEPOOL, 2023, EXCL_LONDON)
    employment, productivity = row(table, "employment_rate_16_64"), row(table, "gva_per_hour")
    assert value_of("employment_rate_16_64", EXCL_LONDON, 2023) is None  # published for 2018-2022 only
    assert employment["benchmark"] == "England"
    assert employment["benchmark_value"] == pytest.approx(value_of("employment_rate_16_64", ENGLAND, 2023))
    assert productivity["benchmark"] == "England excluding London"
    assert productivity["benchmark_value"] == pytest.approx(value_of("gva_per_hour", EXCL_LONDON, 2023))
    assert "the benchmark shown on each row" in scorecard_summary(table, "Hartlepool")


def test_median_benchmark_is_the_median_area() -> None:
    table = card("lad", HARTLEPOOL, 2023, MEDIAN)
    got = row(table, "claimant_rate")
    rows = rows_of("claimant_rate")
    expected = rows[(rows["geography"] == "lad") & (rows["period"] == int(got["year"]))]["value"].median()
    assert got["benchmark_value"] == pytest.approx(float(expected))
    assert got["benchmark"] == "median local authority"


def test_suppressed_latest_value_falls_back_with_a_note() -> None:
    rows = rows_of("qualifications_nvq4_plus")
    rows = rows[rows["geography"] == "lad"]
    suppressed_2021 = set(rows[(rows["period"] == 2021) & (rows["status"] == "suppressed")]["area_code"])
    valued_2020 = set(rows[(rows["period"] == 2020) & rows["value"].notna()]["area_code"])
    area = sorted(suppressed_2021 & valued_2020)[0]
    got = row(card("lad", area, 2023, ENGLAND), "qualifications_nvq4_plus")
    assert got["year"] == 2020
    assert got["value"] == pytest.approx(value_of("qualifications_nvq4_plus", area, 2020, "lad"))
    assert "2021: suppressed" in got["note"]


def test_area_with_only_suppressed_values_shows_suppressed_not_zero() -> None:
    rows = rows_of("qualifications_nvq4_plus")
    rows = rows[rows["geography"] == "lad"]
    per_area = rows.groupby("area_code")["value"].count()
    never = sorted(set(per_area[per_area == 0].index) & set(rows[rows["status"] == "suppressed"]["area_code"]))
    assert never
    got = row(card("lad", never[0], 2021, ENGLAND), "qualifications_nvq4_plus")
    assert got["value_text"] == "suppressed"
    assert math.isnan(got["value"]) and pd.isna(got["rank"]) and got["verdict"] == ""


# --- choices, scatter and map inputs ---------------------------------------------------------------


def test_choices_per_level() -> None:
    assert indicators_at_level(METADATA, "itl2") == ["gva_per_hour"]
    assert set(indicators_at_level(METADATA, "lad")) == LEVELLING_UP
    assert default_maps(indicators_at_level(METADATA, "lad")) == [
        "gva_per_hour",
        "employment_rate_16_64",
        "median_weekly_pay",
        "gdhi_per_head",
    ]
    assert default_maps(["gva_per_hour"]) == ["gva_per_hour"]
    assert default_pair(["gva_per_hour"]) == ("gva_per_hour", None)
    x, y = default_pair(indicators_at_level(METADATA, "lep"))
    assert x != y and {x, y} <= set(indicators_at_level(METADATA, "lep"))


def test_map_choice_survives_level_changes() -> None:
    lad = indicators_at_level(METADATA, "lad")
    assert valid_map_choice(None, lad) == default_maps(lad)
    assert valid_map_choice(["claimant_rate", "gva_per_hour"], lad) == ["claimant_rate", "gva_per_hour"]
    assert valid_map_choice(["claimant_rate", "gva_per_hour"], ["gva_per_hour"]) == ["gva_per_hour"]
    # Two picked, one not at this level: topped up with the level's first default.
    assert valid_map_choice(["claimant_rate", "gdhi_per_head"], ["gva_per_hour", "gdp_per_head"]) == [
        "gva_per_hour",
        "gdp_per_head",
    ]
    assert valid_map_choice(["claimant_rate", "gdp_per_head"], ["gva_per_hour", "gdp_per_head"]) == [
        "gdp_per_head",
        "gva_per_hour",
    ]
    assert valid_map_choice([], lad) == []  # the user cleared it
    assert len(valid_map_choice(lad, lad)) == 6
