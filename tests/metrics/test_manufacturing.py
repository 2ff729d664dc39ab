"""Manufacturing enterprise shares by size band (metrics.manufacturing), checked against the parquet."""

from __future__ import annotations

import pytest

from metrics.manufacturing import ENTERPRISES, SIZE_BANDS, enterprise_table
from tests.snapshot_rows import parquet_value, rows_of

NORTH_EAST_LEP = "E37000025"
ENGLAND = "E92000001"


def test_enterprise_table_counts_and_shares_from_the_snapshot() -> None:
    rows = {ind: rows_of(ind) for ind in [ENTERPRISES, *(i for i, _ in SIZE_BANDS)]}
    table = enterprise_table(rows, "lep", NORTH_EAST_LEP)
    assert sorted(table["period"].unique()) == [2018, 2019, 2020, 2021, 2022]
    assert list(dict.fromkeys(table["band"])) == ["Micro (0-9)", "Small (10-49)", "Medium (50-249)", "Large (250+)"]
    for indicator, band in SIZE_BANDS:
        row = table[(table["band"] == band) & (table["period"] == 2022)].iloc[0]
        count = parquet_value(indicator, "lep", NORTH_EAST_LEP, 2022)
        total = parquet_value(ENTERPRISES, "lep", NORTH_EAST_LEP, 2022)
        assert row["count"] == count
        assert row["share_pct"] == pytest.approx(count / total * 100)
        assert row["england_share_pct"] == pytest.approx(
            parquet_value(indicator, "country", ENGLAND, 2022)
            / parquet_value(ENTERPRISES, "country", ENGLAND, 2022)
            * 100
        )
    assert enterprise_table(rows, "lep", "NOT_AN_AREA").empty
