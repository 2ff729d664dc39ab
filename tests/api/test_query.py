"""The filters of a data request: every bad value is an ApiError naming the parameter; good ones select
exactly the rows pandas selects from indicators.parquet."""

from __future__ import annotations

import pandas as pd
import pytest

from api.query import MAX_CODES, MAX_ROWS, ApiError, DataQuery, page_of, parse_data_query, query_items, select_rows
from tests.api.conftest import snapshot


def parse(**filters: object) -> DataQuery:
    current = snapshot()
    return parse_data_query(query_items(**filters), current.metadata, set(current.areas["area_code"]))


@pytest.mark.parametrize(
    ("filters", "parameter", "words"),
    [
        ({"indicator": "gva_per_hourx"}, "indicator", "unknown indicator 'gva_per_hourx'"),
        ({"geography": "leps"}, "geography", "unknown geography 'leps'"),
        ({"area": "E37000025;DROP"}, "area", "is not an area code"),
        ({"area": "E37999999"}, "area", "unknown area code 'E37999999'"),
        ({"area": [f"E37{n:06d}" for n in range(MAX_CODES + 1)]}, "area", f"at most {MAX_CODES} area codes"),
        ({"from_": "twenty"}, "from", "is not a year"),
        ({"to": 3000}, "to", "is not a year"),
        ({"from_": 2020, "to": 2010}, "from", "from=2020 is after to=2010"),
        ({"year": 2020, "from_": 2010}, "year", "either year or from/to"),
        ({"limit": MAX_ROWS + 1}, "limit", "is not a number of rows"),
        ({"limit": 0}, "limit", "is not a number of rows"),
        ({"offset": -1}, "offset", "is not a row offset"),
        ({"years": 2020}, "years", "unknown parameter 'years'"),
    ],
)
def test_a_bad_filter_names_its_parameter(filters: dict, parameter: str, words: str) -> None:
    with pytest.raises(ApiError) as raised:
        parse(**filters)
    assert raised.value.status == 400
    assert raised.value.parameter == parameter
    assert words in raised.value.message


def test_filters_select_what_pandas_selects(table: pd.DataFrame) -> None:
    query = parse(indicator="employment_rate_16_64", geography=["rgn", "country"], from_=2015, to=2019)
    rows = select_rows(snapshot(), query)
    expected = table[
        (table["indicator"] == "employment_rate_16_64")
        & table["geography"].isin(["rgn", "country"])
        & table["period"].between(2015, 2019)
    ]
    assert len(rows) == len(expected) > 0
    assert set(rows["geography"]) == {"rgn", "country"}
    assert rows["period"].between(2015, 2019).all()
    assert rows["lci"].notna().any() and rows["uci"].notna().any()  # the survey's intervals come through
    merged = rows.merge(expected, on=["area_code", "period"], suffixes=("", "_parquet"))
    assert len(merged) == len(expected)
    assert (merged["value"].isna() == merged["value_parquet"].isna()).all()
    assert (merged["value"].dropna() == merged["value_parquet"].dropna()).all()
    assert (merged["status"] == merged["status_parquet"]).all()
    assert set(rows["unit"]) == {"%"}


def test_area_codes_and_one_year(table: pd.DataFrame) -> None:
    query = parse(indicator="gva_per_hour", area=["E37000025", "ENG_EXCL_LONDON"], year=2022)
    rows = select_rows(snapshot(), query)
    assert sorted(rows["area_code"]) == ["E37000025", "ENG_EXCL_LONDON"]
    assert set(rows["period"]) == {2022}
    expected = table[
        (table["indicator"] == "gva_per_hour") & (table["area_code"] == "E37000025") & (table["period"] == 2022)
    ]
    assert rows.loc[rows["area_code"] == "E37000025", "value"].item() == expected["value"].item()


def test_a_large_selection_is_refused_unless_paged() -> None:
    query = parse(indicator="gva_per_hour")
    rows = select_rows(snapshot(), query)
    assert len(rows) > MAX_ROWS
    with pytest.raises(ApiError) as raised:
        page_of(rows, query)
    assert raised.value.status == 413 and f"{MAX_ROWS:,}" in raised.value.message
    first = page_of(rows, parse(indicator="gva_per_hour", limit=MAX_ROWS))
    rest = page_of(rows, parse(indicator="gva_per_hour", limit=MAX_ROWS, offset=MAX_ROWS))
    assert len(first) == MAX_ROWS and len(rest) == len(rows) - MAX_ROWS
    assert pd.concat([first, rest]).equals(rows)
