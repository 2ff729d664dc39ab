"""The level and benchmark records agree with the committed snapshot they describe."""

from __future__ import annotations

import pandas as pd
import pytest

from loaders.snapshot import read_snapshot
from vocabulary.geography import (
    AREA_LEVELS,
    BENCHMARKS,
    LEVELS,
    MEDIAN,
    OFFICIAL_BENCHMARKS,
    benchmark,
    level,
    median_name,
)


@pytest.fixture(scope="module")
def areas() -> pd.DataFrame:
    return read_snapshot().areas


def test_every_snapshot_geography_is_a_level_and_every_level_has_areas(areas: pd.DataFrame) -> None:
    assert set(areas["geography"]) == set(LEVELS)


@pytest.mark.parametrize("geography", sorted(LEVELS))
def test_every_area_code_has_the_form_of_its_level_and_of_no_other(areas: pd.DataFrame, geography: str) -> None:
    codes = areas.loc[areas["geography"] == geography, "area_code"]
    owners = {code: [key for key, lv in LEVELS.items() if lv.owns(code)] for code in codes}
    wrong = {code: found for code, found in owners.items() if found != [geography]}
    assert not wrong, wrong


def test_the_pattern_must_match_the_whole_code() -> None:
    assert level("itl1").owns("TLC") and not level("itl1").owns("TLC1")
    assert level("lep").owns("E37000001") and not level("lep").owns("E37000001X")


def test_each_official_benchmark_is_in_the_snapshot_under_its_geography_and_name(areas: pd.DataFrame) -> None:
    for bench in OFFICIAL_BENCHMARKS:
        row = areas[(areas["area_code"] == bench.code) & (areas["geography"] == bench.geography)]
        assert row["area_name"].tolist() == [bench.name], bench


def test_the_median_is_computed_not_read() -> None:
    assert BENCHMARKS[MEDIAN].geography is None
    assert MEDIAN not in {b.code for b in OFFICIAL_BENCHMARKS}
    assert median_name("lad") == "the median local authority"


def test_area_levels_are_the_pickable_ones_with_distinct_words() -> None:
    assert [lv.key for lv in LEVELS.values() if lv.pickable] == [lv.key for lv in AREA_LEVELS]
    for attribute in ("label", "plural"):
        words = [getattr(lv, attribute) for lv in AREA_LEVELS]
        assert len(set(words)) == len(words), attribute


def test_an_unknown_level_or_benchmark_is_named() -> None:
    with pytest.raises(KeyError, match="'ward'"):
        level("ward")
    with pytest.raises(KeyError, match="'E99999999'"):
        benchmark("E99999999")
