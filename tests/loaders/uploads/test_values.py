"""Reading uploaded values (CSV, XLSX) keyed by codes or names, on good inputs the tests make. Expected
numbers come from the generated files themselves, never from the code under test."""

from __future__ import annotations

import io
import math
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.errors import SourceFormatError
from loaders.uploads import (
    parse_number,
    read_values_upload,
)
from tests.loaders.hostile_builders import (
    csv_bytes,
    xlsx_bytes,
)

REPO = Path(__file__).resolve().parents[3]
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
LEP_CODES = sorted(AREAS.loc[AREAS["geography"] == "lep", "area_code"])
XSS = "<img src=x onerror=alert(1)>"


# --- values: CSV ------------------------------------------------------------------------------------


def test_csv_of_lep_codes_reads_every_value() -> None:
    values = {code: round(10 + i * 1.25, 2) for i, code in enumerate(LEP_CODES)}
    data = csv_bytes([["area_code", "area_name", "GVA per head"], *([c, f"Area {c}", v] for c, v in values.items())])
    upload = read_values_upload("leps.csv", data)
    assert upload.key_kind == "code" and upload.key_column == "area_code" and upload.name_column == "area_name"
    assert upload.value_columns == ("GVA per head",)
    got = upload.table.set_index("code")["value"].to_dict()
    assert got == values
    assert set(upload.table["status"]) == {""}
    assert upload.table["period"].isna().all()
    assert upload.table.loc[upload.table["code"] == LEP_CODES[0], "row"].item() == 2  # header is row 1


def test_codes_are_upper_cased_and_markers_become_statuses() -> None:
    data = csv_bytes(
        [
            ["LEP21CD", "value"],
            [" e37000025 ", "[c]"],
            ["E37000001", ".."],
            ["E37000003", "1,234.5"],
            ["E37000005", "£41.87"],
            ["E37000006", "76%"],
        ]
    )
    table = read_values_upload("m.csv", data).table.set_index("code")
    assert list(table.index) == ["E37000025", "E37000001", "E37000003", "E37000005", "E37000006"]
    assert table.loc["E37000025", "status"] == "suppressed" and math.isnan(table.loc["E37000025", "value"])
    assert table.loc["E37000001", "status"] == "unavailable" and math.isnan(table.loc["E37000001", "value"])
    assert table.loc["E37000003", "value"] == 1234.5
    assert table.loc["E37000005", "value"] == 41.87
    assert table.loc["E37000006", "value"] == 76.0


def test_text_in_a_value_column_is_reported_by_row_and_column() -> None:
    data = csv_bytes([["code", "jobs", "comment"], ["E37000025", "12", "fine"], ["E37000001", "twelve", "typo"]])
    upload = read_values_upload("t.csv", data)
    assert upload.value_columns == ("jobs",)
    assert any("row 3, column 'jobs' ('twelve')" in note for note in upload.notes)
    assert any("Column 'comment' holds no numbers" in note for note in upload.notes)
    row = upload.table.set_index("code").loc["E37000001"]
    assert math.isnan(row["value"]) and row["status"] == "unavailable"


def test_names_file_keeps_names_and_xss_text_verbatim() -> None:
    data = csv_bytes([["Area", "Score"], ["North East", 1], ["Cheshire & Warrington", 2], [XSS, 3]])
    upload = read_values_upload("names.csv", data)
    assert upload.key_kind == "name" and upload.key_column == "Area"
    assert list(upload.table["key"]) == ["North East", "Cheshire & Warrington", XSS]
    assert list(upload.table["value"]) == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters(delimiter: str) -> None:
    data = csv_bytes([["area_code", "a", "b"], ["E37000025", "1.5", "2"], ["E37000001", "3", "4"]], delimiter=delimiter)
    upload = read_values_upload("d.csv", data)
    assert upload.value_columns == ("a", "b")
    assert upload.table.set_index(["code", "column"]).loc[("E37000001", "b"), "value"] == 4.0


def test_cp1252_file_is_decoded_with_a_note() -> None:
    data = csv_bytes([["name", "value"], ["Ynys Môn", 1], ["Rhondda Cynon Taf – test", 2]], encoding="cp1252")
    upload = read_values_upload("cp.csv", data)
    assert list(upload.table["key"]) == ["Ynys Môn", "Rhondda Cynon Taf – test"]
    assert any("Windows-1252" in note for note in upload.notes)


def test_utf8_bom_and_utf16_bom() -> None:
    rows = [["area_code", "value"], ["E37000025", 5]]
    assert read_values_upload("bom.csv", b"\xef\xbb\xbf" + csv_bytes(rows)).key_column == "area_code"
    upload = read_values_upload("u16.csv", csv_bytes(rows, encoding="utf-16"))
    assert upload.table["value"].tolist() == [5.0]


def test_title_rows_above_the_header_are_skipped() -> None:
    data = csv_bytes([["GVA by LEP, 2022"], [""], ["area_code", "value"], ["E37000025", 7]])
    upload = read_values_upload("title.csv", data)
    assert upload.table["row"].tolist() == [4]
    assert any("row 3 is the header" in note for note in upload.notes)


def test_period_column_and_financial_years() -> None:
    data = csv_bytes([["code", "year", "value"], ["E37000025", "2021/22", 1], ["E37000025", 2022, 2]])
    upload = read_values_upload("p.csv", data)
    assert upload.period_column == "year"
    assert upload.table["period"].tolist() == [2021, 2022]
    assert any("first year" in note for note in upload.notes)


def test_year_columns_become_periods() -> None:
    data = csv_bytes([["code", "name", "2019", "2020", "2021"], ["E37000025", "North East", 1, 2, 3]])
    upload = read_values_upload("wide.csv", data)
    assert upload.value_columns == ("value",)
    assert upload.table.set_index("period")["value"].to_dict() == {2019: 1.0, 2020: 2.0, 2021: 3.0}


def test_key_column_can_be_chosen() -> None:
    data = csv_bytes([["LAD23CD", "RGN23CD", "value"], ["E06000001", "E12000001", 4]])
    auto = read_values_upload("k.csv", data)
    assert auto.key_column == "LAD23CD" and "RGN23CD" not in auto.value_columns
    assert any("RGN23CD" in note for note in auto.notes)
    chosen = read_values_upload("k.csv", data, key_column="RGN23CD")
    assert chosen.table["code"].tolist() == ["E12000001"]
    with pytest.raises(SourceFormatError, match="key column 'nope' not found"):
        read_values_upload("k.csv", data, key_column="nope")


def test_codes_found_by_their_values_when_the_header_says_nothing() -> None:
    data = csv_bytes([["where", "value"], ["E37000025", 1], ["E37000001", 2]])
    upload = read_values_upload("v.csv", data)
    assert upload.key_column == "where" and upload.key_kind == "code"


# --- values: XLSX -----------------------------------------------------------------------------------


def test_xlsx_formula_cells_use_the_saved_value_and_are_never_evaluated() -> None:
    # Excel "saved" 99 for =1+1: a reader that evaluated formulas would give 2.
    data = xlsx_bytes(
        [["area_code", "value"], ["E37000025", "=1+1"], ["E37000001", 7], ["E37000003", "=2*3"]], cached={"1+1": "99"}
    )
    upload = read_values_upload("f.xlsx", data)
    table = upload.table.set_index("code")
    assert table.loc["E37000025", "value"] == 99.0
    assert table.loc["E37000001", "value"] == 7.0
    assert math.isnan(table.loc["E37000003", "value"])  # no saved value: missing, not 6
    assert any("1 formula cells have no saved value" in note for note in upload.notes)


def test_xlsx_second_sheet_and_numbers_as_cells() -> None:
    book = xlsx_bytes([["notes"], ["nothing here"]])
    wb = openpyxl.load_workbook(io.BytesIO(book))
    ws = wb.create_sheet("Data")
    ws.append(["code", "year", "value"])
    ws.append(["E37000025", 2022, 1.25])
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = read_values_upload("two.xlsx", buffer.getvalue(), sheet="Data")
    assert upload.sheets == ("Sheet", "Data") and upload.sheet == "Data"
    assert upload.table[["period", "value"]].values.tolist() == [[2022, 1.25]]
    with pytest.raises(SourceFormatError, match="sheet 'Nope' not found"):
        read_values_upload("two.xlsx", buffer.getvalue(), sheet="Nope")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (3, (3.0, "")),
        ("-0.5", (-0.5, "")),
        ("1e3", (1000.0, "")),
        ("\u22122", (-2.0, "")),
        ("c", None),
        ("[x]", None),
        ("nan", None),
        ("inf", None),
        ("1_000", None),
        ("1e999", None),
        ("12abc", None),
        (True, None),
        ("", None),
        ("E06000001", None),
        ("e5", None),
        (".5", (0.5, "")),
        ("12,345,678", (12345678.0, "")),
        ("1,23", None),
    ],
)
def test_parse_number(cell: object, expected: tuple[float, str] | None) -> None:
    got = parse_number(cell)
    if cell in ("c", "[x]", ""):
        assert got is not None and math.isnan(got[0]) and got[1] == {"c": "suppressed"}.get(cell, "unavailable")
    else:
        assert got == expected


@settings(max_examples=150, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_parse_number_round_trips_repr(value: float) -> None:
    assert parse_number(repr(value)) == (value, "")
    assert parse_number(value) == (value, "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    codes=st.lists(st.sampled_from(LEP_CODES), min_size=1, max_size=38, unique=True),
    data=st.data(),
)
def test_generated_numeric_tables_round_trip_through_csv(codes: list[str], data: st.DataObject) -> None:
    columns = data.draw(st.lists(st.text("abcdefghij", min_size=1, max_size=8), min_size=1, max_size=4, unique=True))
    numbers = st.floats(allow_nan=False, allow_infinity=False, width=64)
    rows = [[code, *(data.draw(numbers) for _ in columns)] for code in codes]
    lines = [",".join(["area_code", *columns])] + [",".join([row[0], *(repr(v) for v in row[1:])]) for row in rows]
    upload = read_values_upload("gen.csv", "\n".join(lines).encode("utf-8"))
    got = upload.table.set_index(["code", "column"])["value"]
    for row in rows:
        for column, value in zip(columns, row[1:], strict=True):
            assert got[(row[0], column)] == value


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(LEP_CODES), st.floats(-1e12, 1e12, allow_nan=False)),
        min_size=1,
        max_size=20,
        unique_by=lambda pair: pair[0],
    )
)
def test_generated_numeric_tables_round_trip_through_xlsx(pairs: list[tuple[str, float]]) -> None:
    upload = read_values_upload("gen.xlsx", xlsx_bytes([["area_code", "value"], *map(list, pairs)]))
    got = upload.table.set_index("code")["value"].to_dict()
    assert got.keys() == dict(pairs).keys()
    for code, value in pairs:  # a workbook keeps 15-16 significant digits, as Excel does
        assert math.isclose(got[code], value, rel_tol=1e-15, abs_tol=1e-300)
