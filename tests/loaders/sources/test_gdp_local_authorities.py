"""Tests for the regional GDP local-authority workbook parser: real workbook and broken inputs."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from loaders.errors import SourceFormatError
from loaders.sources.explore_local_statistics import read_els_csv
from loaders.sources.gdp_local_authorities import OUTPUT_COLUMNS, TABLES, read_gdp_la_table, table_unit

WORKBOOK = "ons_regional_gdp_local_authorities_apr2025.xlsx"


@pytest.fixture(scope="module")
def workbook(stats_dir: Path) -> Path:
    return stats_dir / "gva_gdp" / WORKBOOK


@pytest.fixture(scope="module")
def population(workbook: Path) -> pd.DataFrame:
    return read_gdp_la_table(workbook, "Table 6")


def value(frame: pd.DataFrame, code: str, period: int) -> float:
    rows = frame[(frame["area_code"] == code) & (frame["period"] == period)]
    assert len(rows) == 1
    return float(rows["value"].iloc[0])


# --- real file -------------------------------------------------------------------------------


def test_population_shape_and_counts(population: pd.DataFrame) -> None:
    assert tuple(population.columns) == OUTPUT_COLUMNS
    assert population["area_code"].nunique() == 361
    assert set(population["period"]) == set(range(1998, 2024))
    assert len(population) == 361 * 26
    countries = population.drop_duplicates("area_code")["area_code"].str[0].value_counts().to_dict()
    assert countries == {"E": 296, "W": 22, "S": 32, "N": 11}


def test_england_population_2023(population: pd.DataFrame) -> None:
    england = population[(population["period"] == 2023) & population["area_code"].str.startswith("E")]
    assert len(england) == 296
    assert england["value"].sum() == 57_690_324


def test_ni_2023_population_suppressed_not_zero(population: pd.DataFrame) -> None:
    ni_2023 = population[population["area_code"].str.startswith("N09") & (population["period"] == 2023)]
    assert len(ni_2023) == 11
    assert (ni_2023["status"] == "suppressed").all() and ni_2023["value"].isna().all()
    assert (population["value"] > 0).sum() == len(population) - 11
    assert set(population["status"]) == {"", "suppressed"}


def test_region_labels_are_stripped(population: pd.DataFrame) -> None:
    regions = set(population["itl1_region"])
    assert "North East" in regions and "North East " not in regions
    assert len(regions) == 12
    assert population.loc[population["area_code"] == "E06000001", "itl1_region"].iloc[0] == "North East"


def test_gdp_per_head_hartlepool_matches_els(workbook: Path, stats_dir: Path) -> None:
    per_head = read_gdp_la_table(workbook, "Table 7")
    assert value(per_head, "E06000001", 2023) == 20154
    els = read_els_csv(stats_dir / "levelling_up" / "explore_local_statistics" / "gdp-per-head.csv")
    current = els[els["indicator_label"] == "Gross domestic product per head at current market price"]
    assert value(current, "E06000001", 2023) == 20154


def test_gdp_per_head_is_gdp_over_population(workbook: Path, population: pd.DataFrame) -> None:
    gdp = read_gdp_la_table(workbook, "Table 5")
    per_head = read_gdp_la_table(workbook, "Table 7")
    derived = value(gdp, "E06000001", 2023) * 1e6 / value(population, "E06000001", 2023)
    assert derived == pytest.approx(value(per_head, "E06000001", 2023), rel=0.002)


def test_gva_table_1(workbook: Path) -> None:
    gva = read_gdp_la_table(workbook, "Table 1")
    assert value(gva, "E06000001", 1998) == 761
    assert gva["value"].notna().all() and (gva["value"] > 0).all()


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_table_parses_fast(workbook: Path, table: str) -> None:
    start = time.perf_counter()
    frame = read_gdp_la_table(workbook, table)
    assert time.perf_counter() - start < 2.0
    assert frame["area_code"].nunique() == 361


def test_units() -> None:
    assert table_unit("Table 1") == "£ million"
    assert table_unit("Table 5") == "£ million"
    assert table_unit("Table 6") == "persons"
    assert table_unit("table 7") == "£"
    with pytest.raises(KeyError):
        table_unit("Table 2")


def test_unsupported_table(workbook: Path) -> None:
    with pytest.raises(SourceFormatError, match=f"{WORKBOOK}.*'Table 2' is not supported"):
        read_gdp_la_table(workbook, "Table 2")


# --- broken inputs -------------------------------------------------------------------------------

TITLE_6 = "Table 6: Local Authority: Total resident population numbers, persons [note 4, 5]"
HEADER = ["ITL1 Region", "LA code", "LA name", 2022, "2023"]
ROWS: list[list[object]] = [
    ["North East ", "E06000001", "Hartlepool", 92000, 93000],
    ["Northern Ireland", "N09000001", "Antrim and Newtownabbey", 145000, "[u]"],
]


def make_book(
    path: Path,
    rows: list[list[object]] = ROWS,
    title: str = TITLE_6,
    sheet: str = "Table 6",
    header: list[object] | None = None,
) -> Path:
    book = Workbook()
    book.active.title = "Notes "
    grid = book.create_sheet(sheet)
    grid.append([title])
    grid.append(header if header is not None else HEADER)
    for row in rows:
        grid.append(row)
    book.save(path)
    return path


def expect_error(path: Path, *fragments: str, table: str = "Table 6") -> None:
    with pytest.raises(SourceFormatError) as info:
        read_gdp_la_table(path, table)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message


def test_minimal_book_with_trailing_space_sheet_and_marker(tmp_path: Path) -> None:
    frame = read_gdp_la_table(make_book(tmp_path / "ok.xlsx", sheet="Table 6 "), "Table 6")
    assert list(frame["period"]) == [2022, 2022, 2023, 2023]
    assert list(frame["status"]) == ["", "", "", "suppressed"]
    assert frame["value"].iloc[3] != frame["value"].iloc[3]  # NaN, not 0
    assert frame["itl1_region"].iloc[0] == "North East"


def test_missing_sheet(tmp_path: Path) -> None:
    expect_error(make_book(tmp_path / "sheet.xlsx", sheet="Table 9"), "sheet 'Table 6' not found")


def test_header_row_absent(tmp_path: Path) -> None:
    header: list[object] = ["Region", "LA code", "LA name", 2022, 2023]
    expect_error(make_book(tmp_path / "nohead.xlsx", header=header), "no header row starting with 'ITL1 Region'")


def test_renamed_code_column(tmp_path: Path) -> None:
    header: list[object] = ["ITL1 Region", "LAD code", "LA name", 2022, 2023]
    expect_error(make_book(tmp_path / "renamed.xlsx", header=header), "expected 'LA code', 'LA name'")


def test_title_for_another_table(tmp_path: Path) -> None:
    title = "Table 6: Local Authority: Value Added Tax (VAT) on products, pounds million"
    expect_error(make_book(tmp_path / "title.xlsx", title=title), "title does not describe the expected table")


def test_non_year_header(tmp_path: Path) -> None:
    header: list[object] = ["ITL1 Region", "LA code", "LA name", 2022, "Total"]
    expect_error(make_book(tmp_path / "year.xlsx", header=header), "'Total' is not a year")


def test_bad_area_code(tmp_path: Path) -> None:
    rows: list[list[object]] = [["North East", "Hartlepool", "Hartlepool", 1, 2]]
    expect_error(make_book(tmp_path / "code.xlsx", rows=rows), "'Hartlepool' in row 3 is not an LA code")


def test_unknown_marker(tmp_path: Path) -> None:
    rows: list[list[object]] = [["North East", "E06000001", "Hartlepool", 92000, "[c]"]]
    expect_error(make_book(tmp_path / "marker.xlsx", rows=rows), "[c] for E06000001 in 2023 is not a number")


def test_empty_value_cell(tmp_path: Path) -> None:
    rows: list[list[object]] = [["North East", "E06000001", "Hartlepool", 92000, None]]
    expect_error(make_book(tmp_path / "blank.xlsx", rows=rows), "an empty cell for E06000001 in 2023")


def test_duplicate_code(tmp_path: Path) -> None:
    expect_error(make_book(tmp_path / "dup.xlsx", rows=[ROWS[0], ROWS[0]]), "E06000001 appears twice")


def test_garbage_bytes(tmp_path: Path) -> None:
    path = tmp_path / "garbage.xlsx"
    path.write_bytes(b"\x00\x01garbage" * 100)
    expect_error(path, "cannot be read as a spreadsheet")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    expect_error(path, "file is empty")
