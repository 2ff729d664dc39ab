"""Area groups beside a level's areas (issue 11, defect 4): every additive indicator valued as a ratio of
sums, manufacturing share and LQ included, with a gap to each benchmark, and a refusal in words (never a
raw key or None) where the parts are not additive."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from components.groups import OFFICIAL_BENCHMARK_CODES, benchmark_values, gap_column, group_table
from components.targets import PRESET_GROUPS
from loaders.snapshot import read_snapshot
from metrics.groups import RECIPES, AreaGroup, GroupError, group_series

REPO = Path(__file__).resolve().parents[2]
PILOT = PRESET_GROUPS[0]  # the five North West LEPs
NORTHERN = PRESET_GROUPS[1]  # the three northern ITL1 regions
ENGLAND, UK = "E92000001", "K02000001"
RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # e.g. manufacturing_gva_share


@pytest.fixture(scope="module")
def snapshot():
    return read_snapshot(REPO / "regional_data")


def rows_of(snapshot):
    return lambda indicator, level: snapshot.rows(indicator, level)


def lads_of(snapshot, group: AreaGroup) -> list[str]:
    lads = snapshot.areas[snapshot.areas["geography"] == "lad"]
    wanted = set(group.members)
    return lads[lads["parent_leps"].fillna("").str.split(";").map(lambda codes: bool(wanted & set(codes)))][
        "area_code"
    ].tolist()


def summed(snapshot, indicator: str, codes: list[str], year: int) -> float:
    rows = snapshot.rows(indicator, "lad", year)
    picked = rows[rows["area_code"].isin(codes)]["value"]
    assert picked.notna().all() and len(picked) == len(codes)
    return float(picked.sum())


def table_for(snapshot, indicator: str, year: int, level: str = "lep", reference: str = ENGLAND) -> pd.DataFrame:
    indicator_rows = snapshot.rows(indicator)
    level_rows = snapshot.rows(indicator, level, year)
    return group_table(
        list(PRESET_GROUPS),
        level,
        indicator,
        snapshot.metadata[indicator],
        year,
        rows_of(snapshot),
        snapshot.areas,
        level_rows["value"],
        benchmark_values(indicator_rows, year),
        reference,
    )


def test_pilot_manufacturing_share_is_a_ratio_of_sums(snapshot) -> None:
    lads = lads_of(snapshot, PILOT)
    by_hand = (
        summed(snapshot, "manufacturing_gva_current_prices", lads, 2023)
        / summed(snapshot, "gva_current_prices", lads, 2023)
        * 100
    )
    series = group_series(PILOT, "manufacturing_gva_share", rows_of(snapshot), snapshot.areas)
    assert series[2023] == pytest.approx(by_hand, rel=1e-12)
    means = snapshot.rows("manufacturing_gva_share", "lep", 2023)
    assert series[2023] != pytest.approx(means[means["area_code"].isin(PILOT.members)]["value"].mean(), rel=1e-6)
    # The five LEPs are the North West region: the group equals ONS's region summed the same way.
    region = snapshot.rows("manufacturing_gva_share", "itl1", 2023)
    assert series[2023] == pytest.approx(float(region[region["area_code"] == "TLD"]["value"].iloc[0]), rel=1e-12)


def test_group_lq_is_against_the_reference_chosen(snapshot) -> None:
    share = group_series(PILOT, "manufacturing_gva_share", rows_of(snapshot), snapshot.areas)
    for reference in (ENGLAND, UK, "ENG_EXCL_LONDON"):
        base = snapshot.rows("manufacturing_gva_share", None, 2023)
        base = float(base[base["area_code"] == reference]["value"].iloc[0])
        lq = group_series(PILOT, "manufacturing_gva_lq", rows_of(snapshot), snapshot.areas, reference)
        assert lq[2023] == pytest.approx(share[2023] / base, rel=1e-12)


def test_group_row_has_value_rank_and_a_gap_to_each_benchmark(snapshot) -> None:
    table = table_for(snapshot, "manufacturing_gva_share", 2023)
    assert list(table.columns) == [
        "group",
        "value",
        "would rank",
        *(gap_column(c) for c in OFFICIAL_BENCHMARK_CODES),
        "note",
    ]
    row = table.set_index("group").loc[PILOT.name]
    share = group_series(PILOT, "manufacturing_gva_share", rows_of(snapshot), snapshot.areas)[2023]
    assert row["value"] == f"{share:.1f}% (provisional)"  # 2023 GVA is provisional (ONS)
    leps = snapshot.rows("manufacturing_gva_share", "lep", 2023)["value"]
    assert row["would rank"] == f"{int((leps > share).sum()) + 1} of {len(leps) + 1}"
    for code in OFFICIAL_BENCHMARK_CODES:
        base = snapshot.rows("manufacturing_gva_share", None, 2023)
        base = float(base[base["area_code"] == code]["value"].iloc[0])
        gap = (share / base - 1) * 100
        assert row[gap_column(code)] == f"{gap:+.1f}%"
    assert "England excluding London" in gap_column(OFFICIAL_BENCHMARK_CODES[0])


@pytest.mark.parametrize("indicator", sorted(RECIPES))
def test_every_recipe_values_the_pilot_or_says_why_in_words(snapshot, indicator: str) -> None:
    if indicator not in snapshot.metadata:
        pytest.fail(f"recipe for {indicator}, which the snapshot does not have")
    years = snapshot.metadata[indicator].periods
    table = table_for(snapshot, indicator, max(years))
    text = " ".join(table.astype(str).to_numpy().ravel())
    assert "None" not in text and "nan" not in text and "-0.0" not in text
    assert not RAW_KEY.search(text.replace("no_value", "")), text


def test_non_additive_indicators_are_refused_in_words(snapshot) -> None:
    table = table_for(snapshot, "median_weekly_pay", 2023, level="itl1")
    row = table.set_index("group").loc[NORTHERN.name]
    assert row["value"] == "no value" and row["would rank"] == "not ranked"
    assert row["note"].startswith("Median gross weekly pay (residence-based) cannot be given for this group: ")
    assert "median_weekly_pay" not in row["note"] and "None" not in " ".join(map(str, row.to_numpy()))
    with pytest.raises(GroupError, match="cannot be summed"):
        group_series(PILOT, "median_weekly_pay", rows_of(snapshot), snapshot.areas)


def test_bres_share_of_a_group_is_summed_from_published_employment_counts(snapshot) -> None:
    """BRES is published for LEPs, not districts: a group sums the LEPs' manufacturing and all-industry
    employment, so a one-LEP group gives back the LEP's published share exactly."""
    share = snapshot.rows("manufacturing_employment_share", "lep", 2020).set_index("area_code")["value"]
    alone = AreaGroup("one", "lep", ("E37000003",))
    assert group_series(alone, "manufacturing_employment_share", rows_of(snapshot), snapshot.areas)[
        2020
    ] == pytest.approx(share["E37000003"], rel=1e-12)
    counts = {
        key: snapshot.rows(key, "lep", 2020).set_index("area_code")["value"]
        for key in ("manufacturing_employment", "employment_bres")
    }
    members = list(PILOT.members)
    by_hand = counts["manufacturing_employment"][members].sum() / counts["employment_bres"][members].sum() * 100
    pilot = group_series(PILOT, "manufacturing_employment_share", rows_of(snapshot), snapshot.areas)
    assert pilot[2020] == pytest.approx(by_hand, rel=1e-12)
