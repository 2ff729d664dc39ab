"""ONS subregional productivity workbooks: every edition on the real files, and broken inputs."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

from loaders.errors import SourceFormatError
from loaders.sources.productivity import measure_from_title, read_productivity_table, read_productivity_workbook

PRODUCTIVITY = "stats/productivity"
LAD_2025 = "ons_subregional_productivity_lad_jun2025_labourproductivitylad1.xls"
LAD_2024 = "ons_subregional_productivity_lad_jun2024_labourproductivitylocalauthorities.xls"
ITL_2024 = "ons_subregional_productivity_itl2_itl3_jun2024_labourproductivityitls.xls"
ITL_2023 = "ons_subregional_productivity_itl2_itl3_jun2023_itlproductivity.xlsx"
CA_2025 = "ons_subregional_productivity_ca_eer_jun2025_labourproductivitycaeer3.xlsx"
CITY_2024 = "ons_subregional_productivity_cityregions_jun2024_labourproductivitycityregions.xls"


def _value(frame, measure: str, code: str, year: int) -> float:
    rows = frame[(frame["measure"] == measure) & (frame["area_code"] == code) & (frame["period"] == year)]
    assert len(rows) == 1, (measure, code, year, len(rows))
    return float(rows["value"].iloc[0])


@pytest.fixture(scope="module")
def lad_2025(shared_data: Path):
    return read_productivity_workbook(shared_data / PRODUCTIVITY / LAD_2025)


def test_lad_2025_matches_published_figures(lad_2025) -> None:
    assert _value(lad_2025, "gva_per_hour", "UKX", 2023) == pytest.approx(41.87, abs=0.005)
    assert _value(lad_2025, "gva_per_hour", "E06000001", 2023) == pytest.approx(30.22, abs=0.005)
    assert _value(lad_2025, "gva_per_hour_index", "E06000001", 2023) == pytest.approx(72.17, abs=0.005)
    lads = lad_2025[(lad_2025["measure"] == "gva_per_hour") & (lad_2025["area_code"] != "UKX")]
    assert lads["area_code"].nunique() == 361
    assert sorted(lads["period"].unique()) == list(range(2004, 2024))
    jobs = lad_2025[lad_2025["measure"] == "filled_jobs"]
    assert jobs["period"].min() == 2002


def test_lad_2025_has_hours_as_weekly_totals(lad_2025) -> None:
    # NOTES.md: total weekly hours of all jobs, UK about 1.05 billion.
    uk_hours = _value(lad_2025, "hours_weekly", "UKX", 2023)
    assert 0.9e9 < uk_hours < 1.2e9


def test_northern_ireland_2023_jobs_are_unavailable_not_zero(lad_2025) -> None:
    ni = lad_2025[
        (lad_2025["measure"] == "filled_jobs")
        & lad_2025["area_code"].str.startswith("N09")
        & (lad_2025["period"] == 2023)
    ]
    assert len(ni) == 11
    assert ni["value"].isna().all()
    assert set(ni["status"]) == {"unavailable"}


def test_footnote_rows_are_not_areas(lad_2025) -> None:
    assert not lad_2025["area_code"].str.startswith(("Note", "Source")).any()


def test_itl_2024_strips_leading_space_in_uk_code(shared_data: Path) -> None:
    frame = read_productivity_workbook(shared_data / PRODUCTIVITY / ITL_2024, {"hours_weekly", "gva_per_hour"})
    hours_codes = set(frame.loc[frame["measure"] == "hours_weekly", "area_code"])
    assert "UKX" in hours_codes and " UKX" not in hours_codes
    assert _value(frame, "gva_per_hour", "UKX", 2022) == pytest.approx(39.7, abs=0.05)
    itl3 = frame[(frame["measure"] == "gva_per_hour") & (frame["itl_level"] == "ITL3")]
    assert itl3["area_code"].nunique() == 179


def test_itl_2023_years_from_row_above_header(shared_data: Path) -> None:
    frame = read_productivity_workbook(shared_data / PRODUCTIVITY / ITL_2023, {"gva_per_hour", "gva_per_hour_index"})
    assert _value(frame, "gva_per_hour", "UKX", 2019) == pytest.approx(36.69, abs=0.005)
    assert _value(frame, "gva_per_hour", "TLB", 2019) == pytest.approx(37.25, abs=0.005)
    assert _value(frame, "gva_per_hour_index", "TLC", 2021) == pytest.approx(84.45, abs=0.005)


def test_combined_authorities_and_city_regions(shared_data: Path) -> None:
    ca = read_productivity_workbook(shared_data / PRODUCTIVITY / CA_2025)
    assert _value(ca, "gva_per_hour_index", "E47000001", 2023) == pytest.approx(94.97, abs=0.005)
    assert {"gva_per_hour_unsmoothed", "gva_per_job_cvm_index"} <= set(ca["measure"])
    city = read_productivity_workbook(shared_data / PRODUCTIVITY / CITY_2024, {"gva_per_hour_index"})
    assert _value(city, "gva_per_hour_index", "E61000001", 2022) == pytest.approx(127.2, abs=0.05)


@pytest.mark.parametrize(
    ("title", "measure"),
    [
        ("Table A3: Current Price (smoothed) GVA (B) per hour worked (£); ITL2", "gva_per_hour"),
        ("Table A2: Current Price (unsmoothed) GVA (B) per hour worked indices", "gva_per_hour_index_unsmoothed"),
        ("Table B5: Chained Volume (unsmoothed) GVA (B) per filled job indices", "gva_per_job_cvm_index"),
        ("Productivity Hours Worked per Week; ITL2", "hours_weekly"),
        ("Productivity Jobs by Local Authority District", "filled_jobs"),
        ("Contents", None),
    ],
)
def test_measure_from_title(title: str, measure: str | None) -> None:
    assert measure_from_title(title) == measure


def _workbook(path: Path, title: str, header: list, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "A3"
    sheet.append([title])
    for _ in range(3):
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


TITLE = "Table A3: Current Price (smoothed) GVA (B) per hour worked (£); Local Authority District, 2004 - 2005"
HEADER = ["LAD_Code", "LAD_Name", "Pounds_2004", "Pounds_2005"]


def test_markers_become_missing_with_status(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "t.xlsx",
        TITLE,
        HEADER,
        [
            ["E06000001", "Hartlepool", "[c]", 20.5],
            ["E06000002", "Middlesbrough", "[x]", ".."],
            ["N09000001", "Antrim and Newtownabbey", 19.0, 0],
        ],
    )
    frame = read_productivity_table(path, "A3")
    suppressed = frame[(frame["area_code"] == "E06000001") & (frame["period"] == 2004)].iloc[0]
    assert math.isnan(suppressed["value"]) and suppressed["status"] == "suppressed"
    assert set(frame.loc[frame["area_code"] == "E06000002", "status"]) == {"unavailable"}
    placeholder = frame[(frame["area_code"] == "N09000001") & (frame["period"] == 2005)].iloc[0]
    assert math.isnan(placeholder["value"]) and placeholder["status"] == "unavailable"  # ONS's 0 = no figure
    assert frame.loc[frame["value"].notna(), "value"].tolist() == [20.5, 19.0]


def test_unknown_text_in_a_value_cell_names_row_and_column(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "bad.xlsx", TITLE, HEADER, [["E06000001", "Hartlepool", "twenty", 20.5]])
    with pytest.raises(SourceFormatError, match=r"bad\.xlsx.*row 6, column 'Pounds_2004'.*'twenty'"):
        read_productivity_table(path, "A3")


def test_renamed_code_column_is_an_error(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "renamed.xlsx", TITLE, ["Area", "LAD_Name", "Pounds_2004"], [["E06000001", "H", 1]])
    with pytest.raises(SourceFormatError, match=r"renamed\.xlsx.*no header row with an area code"):
        read_productivity_table(path, "A3")


def test_relabelled_sheet_is_an_error(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "odd.xlsx", "Table A3: something else entirely", HEADER, [["E06000001", "H", 1, 2]])
    with pytest.raises(SourceFormatError, match=r"odd\.xlsx.*not a known productivity table"):
        read_productivity_table(path, "A3")


def test_missing_sheet_and_missing_table(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "one.xlsx", TITLE, HEADER, [["E06000001", "H", 1, 2]])
    with pytest.raises(SourceFormatError, match=r"one\.xlsx.*sheet 'A1' not found"):
        read_productivity_table(path, "A1")
    with pytest.raises(SourceFormatError, match=r"one\.xlsx.*tables not found: hours_weekly"):
        read_productivity_workbook(path, {"gva_per_hour", "hours_weekly"})


def test_empty_and_garbage_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xls"
    empty.write_bytes(b"")
    with pytest.raises(SourceFormatError, match=r"empty\.xls: file is empty"):
        read_productivity_workbook(empty)
    garbage = tmp_path / "page.xlsx"
    garbage.write_bytes(b"<html><body>Service unavailable</body></html>")
    with pytest.raises(SourceFormatError, match=r"page\.xlsx: cannot be read as a spreadsheet"):
        read_productivity_workbook(garbage)
    with pytest.raises(SourceFormatError, match=r"missing\.xls: file not found"):
        read_productivity_workbook(tmp_path / "missing.xls")
