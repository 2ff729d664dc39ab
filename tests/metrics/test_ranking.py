"""Ranked tables and the headline sentence, on small hand-made tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.comparisons import HIGHER_BETTER, LOWER_BETTER, NEUTRAL
from metrics.ranking import ranked_table

EXCL_LONDON = "England excluding London"


def rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": "gva_per_hour",
            "geography": "lep",
            "area_code": ["E1", "E2", "E3", "E4", "E5"],
            "area_name": ["Delta", "Alpha", "Charlie", "Bravo", "Echo"],
            "period": 2023,
            "value": [90.0, 120.0, math.nan, 100.0, math.nan],
            "status": ["", "provisional", "suppressed", "", "unavailable"],
        },
        index=[10, 11, 12, 13, 14],
    )


# --- ranked_table --------------------------------------------------------------------------------


def test_higher_better_table_is_best_first_with_missing_last() -> None:
    table = ranked_table(rows(), HIGHER_BETTER, 100.0)
    assert list(table["area_code"][:3]) == ["E2", "E4", "E1"]
    assert set(table["area_code"][3:]) == {"E3", "E5"}
    assert [int(r) for r in table["rank"][:3]] == [1, 2, 3]
    assert table["rank"][3:].isna().all()
    assert (table["rank_of"] == 3).all()
    assert list(table.index) == list(range(5))


def test_lower_better_table_puts_the_smallest_first() -> None:
    table = ranked_table(rows(), LOWER_BETTER, 100.0)
    assert list(table["area_code"][:3]) == ["E1", "E4", "E2"]
    assert [int(r) for r in table["rank"][:3]] == [1, 2, 3]


def test_gap_sign_follows_the_value_not_the_polarity() -> None:
    for polarity in (HIGHER_BETTER, LOWER_BETTER, NEUTRAL):
        table = ranked_table(rows(), polarity, 100.0).set_index("area_code")
        assert table.loc["E2", "gap_pct"] == pytest.approx(20.0)
        assert table.loc["E1", "gap_pct"] == pytest.approx(-10.0)
        assert table.loc["E4", "gap_pct"] == pytest.approx(0.0)
        assert math.isnan(table.loc["E3", "gap_pct"])


@pytest.mark.parametrize("benchmark", [None, math.nan])
def test_no_benchmark_means_no_gap(benchmark: float | None) -> None:
    table = ranked_table(rows(), HIGHER_BETTER, benchmark)
    assert table["gap_pct"].isna().all()
    assert [int(r) for r in table["rank"][:3]] == [1, 2, 3]


def test_table_keeps_names_and_statuses_with_their_codes() -> None:
    table = ranked_table(rows(), HIGHER_BETTER, 100.0).set_index("area_code")
    assert table.loc["E3", "status"] == "suppressed"
    assert table.loc["E2", "area_name"] == "Alpha"
    assert table.loc["E2", "status"] == "provisional"
    assert {"area_name", "value", "status", "rank", "rank_of", "gap_pct"} <= set(table.columns)


def test_ties_share_a_rank_and_are_listed_by_name() -> None:
    tied = rows()
    tied["value"] = [100.0, 100.0, 50.0, 100.0, math.nan]
    table = ranked_table(tied, HIGHER_BETTER, None)
    assert list(table["area_name"][:3]) == ["Alpha", "Bravo", "Delta"]
    assert [int(r) for r in table["rank"][:4]] == [1, 1, 1, 4]


def test_table_of_nothing() -> None:
    empty = rows().iloc[0:0]
    table = ranked_table(empty, HIGHER_BETTER, 100.0)
    assert table.empty
