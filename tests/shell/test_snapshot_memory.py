"""What a server process holds of the snapshot (issue 15, memory): the indicator table's and the GVA-by-industry
table's repeated labels as categoricals, with every output built from them byte for byte what the same tables
with plain string columns give; and the industry table held once, the table as read being the leading rows of
the one with the groupings once Sector strengths has asked for that."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from components.sector_strengths import BUILT_GROUPS
from components.similar_areas import level_features
from loaders.snapshot import DATA_DIR, LABEL_COLUMNS, read_industry_gva, read_snapshot
from metrics.sectors import TablesByArea, with_groups
from regional_productivity_explorer import data
from shell.sector_views import sector_table
from shell.snapshot_cache import INDUSTRY_LABELS, IndustryTables, cached_industry_gva
from tests.sector_outputs import sector_outputs
from tests.snapshot_outputs import all_outputs

MB = 1e6


@pytest.fixture(scope="module")
def snapshot():
    return read_snapshot()


def test_the_indicator_tables_labels_are_categoricals_in_lexical_order(snapshot) -> None:
    table = snapshot.indicators
    for column in LABEL_COLUMNS:
        assert isinstance(table[column].dtype, pd.CategoricalDtype), column
        categories = list(table[column].cat.categories)
        assert categories == sorted(categories), column  # sorting and grouping order as with strings
        assert not table[column].cat.ordered
    plain = pd.read_parquet(DATA_DIR / "indicators.parquet")
    for column in LABEL_COLUMNS:  # the same labels, row for row
        assert table[column].astype(str).tolist() == plain[column].tolist(), column
    # ~38 MB with string columns, ~12.5 MB with categoricals: a generous bound between the two
    assert table.memory_usage(deep=True).sum() < 20 * MB
    assert plain.memory_usage(deep=True).sum() > 30 * MB  # the bound would catch a return to strings


def test_every_output_is_byte_identical_to_one_built_from_plain_string_columns(snapshot) -> None:
    plain_table = pd.read_parquet(DATA_DIR / "indicators.parquet")  # as the snapshot was read before
    plain_table["period"] = plain_table["period"].astype(int)
    assert not any(isinstance(dtype, pd.CategoricalDtype) for dtype in plain_table.dtypes)
    plain = replace(snapshot, indicators=plain_table)
    ours, theirs = all_outputs(snapshot), all_outputs(plain)
    assert list(ours) == list(theirs) and len(ours) > 50
    different = [name for name in ours if ours[name] != theirs[name]]
    assert different == []


def test_the_notebook_frame_has_plain_string_columns() -> None:
    frame = data("gva_per_hour", geography="lep", years=(2015, 2023))
    assert not any(isinstance(dtype, pd.CategoricalDtype) for dtype in frame.dtypes)
    assert frame["area_code"].dtype == pd.read_parquet(DATA_DIR / "indicators.parquet")["area_code"].dtype


def plain_strings(table: pd.DataFrame) -> pd.DataFrame:
    return table.astype({column: "str" for column in INDUSTRY_LABELS})


def test_the_industry_table_as_read_is_a_slice_of_the_one_with_groupings() -> None:
    grouped = sector_table()["all"]
    as_read = cached_industry_gva()
    pd.testing.assert_frame_equal(plain_strings(as_read), read_industry_gva(), check_exact=True)
    # held once: the same memory, not a second ~49 MB copy
    assert np.shares_memory(as_read["gva_current"].to_numpy(), grouped["gva_current"].to_numpy())


def test_industry_tables_read_once_and_let_the_first_copy_go(snapshot) -> None:
    tables = IndustryTables()
    first = tables.as_read()
    assert tables.as_read() is first  # read once
    grouped = tables.with_groupings()
    assert tables.with_groupings() is grouped
    after = tables.as_read()  # its categories now include the groupings' keys: the same labels otherwise
    pd.testing.assert_frame_equal(plain_strings(after), plain_strings(first), check_exact=True)
    pd.testing.assert_frame_equal(plain_strings(after), read_industry_gva(), check_exact=True)
    assert np.shares_memory(after["gva_cvm"].to_numpy(), grouped["all"]["gva_cvm"].to_numpy())
    assert tables._as_read is None  # nothing of the process keeps the first copy alive
    for level in ("lep", "lad"):  # similar areas read the same from either copy
        before, later = (
            level_features(snapshot.by_indicator, snapshot.areas, level, table) for table in (first, after)
        )
        assert before.features.to_csv() == later.features.to_csv() and before.mix_columns == later.mix_columns


def test_the_industry_tables_labels_are_categoricals_and_smaller() -> None:
    grouped = IndustryTables().with_groupings()["all"]
    plain = with_groups(read_industry_gva(), BUILT_GROUPS)
    for column in INDUSTRY_LABELS:
        assert isinstance(grouped[column].dtype, pd.CategoricalDtype), column
        assert list(grouped[column].cat.categories) == sorted(grouped[column].cat.categories), column
    assert grouped["status"].dtype == plain["status"].dtype  # statuses stay strings: the views fill them in
    pd.testing.assert_frame_equal(plain_strings(grouped), plain, check_exact=True)
    # ~66 MB with string labels, ~28 MB with categoricals: a generous bound between the two
    assert grouped.memory_usage(deep=True).sum() < 40 * MB < plain.memory_usage(deep=True).sum()


def test_every_sector_output_is_byte_identical_to_one_built_from_plain_string_columns(snapshot) -> None:
    ours = dict(sector_outputs(IndustryTables().with_groupings(), snapshot))
    theirs = dict(sector_outputs(TablesByArea(with_groups(read_industry_gva(), BUILT_GROUPS)), snapshot))
    assert list(ours) == list(theirs) and len(ours) > 40
    different = [name for name in ours if ours[name] != theirs[name]]
    assert different == []
