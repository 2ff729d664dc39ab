"""The Sector strengths page's industry table by area: each area's rows are exactly those of a groupby split
of the table with its groupings (same rows, order, index and dtypes), but taken when asked for rather than
held as a second copy of the whole table."""

from __future__ import annotations

import pandas as pd

from components.sector_strengths import BUILT_GROUPS
from loaders.snapshot import read_industry_gva
from metrics.sectors import TablesByArea, with_groups


def test_each_area_gets_the_rows_of_a_split_without_a_second_copy() -> None:
    table = with_groups(read_industry_gva(), BUILT_GROUPS)
    split = {code: rows for code, rows in table.groupby("area_code", sort=False)}
    tables = TablesByArea(table)
    assert list(tables) == ["all", *split] and len(tables) == len(split) + 1
    assert tables["all"] is table
    for code, rows in split.items():
        pd.testing.assert_frame_equal(tables[code], rows, check_exact=True)
    assert "all" in tables and "no such area" not in tables
    code = next(iter(split))
    assert tables[code] is not tables[code]  # taken on each access, not held
    held = sum(positions.nbytes for positions in tables._positions.values())
    assert held == 4 * len(table)  # 4 bytes a row besides the table itself
