"""Tests for the ASHE table 7/8 parser: real workbooks (.xlsx and .xls) and broken inputs."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from loaders.errors import SourceFormatError
from loaders.sources.ashe import OUTPUT_COLUMNS, read_ashe_table
from loaders.sources.explore_local_statistics import read_els_csv

WORK_WEEKLY = "ashe_2024prov_table7.1a_workplace_weekly_pay_gross.xlsx"
WORK_HOURLY = "ashe_2024prov_table7.5a_workplace_hourly_pay_gross.xlsx"
HOME_WEEKLY = "ashe_2023prov_table8.1a_residence_weekly_pay_gross.xls"
HOME_HOURLY = "ashe_2023prov_table8.5a_residence_hourly_pay_gross.xls"
LA_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12")


@pytest.fixture(scope="module")
def ashe_dir(stats_dir: Path) -> Path:
    return stats_dir / "ashe"


@pytest.fixture(scope="module")
def work_weekly(ashe_dir: Path) -> pd.DataFrame:
    return read_ashe_table(ashe_dir / WORK_WEEKLY)


@pytest.fixture(scope="module")
def home_weekly(ashe_dir: Path) -> pd.DataFrame:
    return read_ashe_table(ashe_dir / HOME_WEEKLY, period=2023)


def median_of(frame: pd.DataFrame, code: str) -> float:
    rows = frame[frame["area_code"] == code]
    assert len(rows) == 1, code
    return float(rows["median"].iloc[0])


# --- real files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("K02000001", 613.3),
        ("E92000001", 619.5),
        ("E12000001", 556.3),
        ("E12000007", 789.4),
        ("E06000001", 523.2),
    ],
)
def test_workplace_weekly_2024(work_weekly: pd.DataFrame, code: str, expected: float) -> None:
    assert median_of(work_weekly, code) == pytest.approx(expected)


def test_workplace_weekly_metadata_from_title(work_weekly: pd.DataFrame) -> None:
    assert tuple(work_weekly.columns) == OUTPUT_COLUMNS
    assert set(work_weekly["period"]) == {2024}
    assert set(work_weekly["basis"]) == {"workplace"}
    assert set(work_weekly["measure"]) == {"weekly_gross"}


def test_workplace_hourly_2024(ashe_dir: Path) -> None:
    frame = read_ashe_table(ashe_dir / WORK_HOURLY)
    assert set(frame["measure"]) == {"hourly_gross"} and set(frame["period"]) == {2024}
    assert median_of(frame, "K02000001") == pytest.approx(17.09)
    assert median_of(frame, "E12000001") == pytest.approx(15.20)
    assert median_of(frame, "E12000007") == pytest.approx(21.87)


def test_residence_weekly_2023_xls(home_weekly: pd.DataFrame) -> None:
    assert set(home_weekly["basis"]) == {"residence"} and set(home_weekly["measure"]) == {"weekly_gross"}
    assert median_of(home_weekly, "K02000001") == pytest.approx(574.9)
    assert median_of(home_weekly, "E12000001") == pytest.approx(528.2)


def test_residence_hourly_2023_xls(ashe_dir: Path) -> None:
    frame = read_ashe_table(ashe_dir / HOME_HOURLY, period=2023)
    assert set(frame["measure"]) == {"hourly_gross"} and set(frame["basis"]) == {"residence"}
    assert median_of(frame, "K02000001") == pytest.approx(15.88)


def test_residence_table_year_matches_els_2023_pay(home_weekly: pd.DataFrame, stats_dir: Path) -> None:
    """The 2023 .xls states no year; ELS's resident-based 2023 median confirms period=2023."""
    els = read_els_csv(stats_dir / "levelling_up" / "explore_local_statistics" / "gross-median-weekly-pay.csv")
    els_uk = els[(els["area_code"] == "K02000001") & (els["period"] == 2023)]["value"].iloc[0]
    assert median_of(home_weekly, "K02000001") == pytest.approx(els_uk)


def test_year_required_when_workbook_omits_it(ashe_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match=f"{HOME_WEEKLY}.*survey year not stated"):
        read_ashe_table(ashe_dir / HOME_WEEKLY)


def test_year_contradicting_title_rejected(ashe_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match=f"{WORK_WEEKLY}.*title says 2024 but period=2023"):
        read_ashe_table(ashe_dir / WORK_WEEKLY, period=2023)


@pytest.mark.parametrize("name", [WORK_WEEKLY, WORK_HOURLY, HOME_WEEKLY, HOME_HOURLY])
def test_counts_codes_and_no_zero_for_suppressed(ashe_dir: Path, name: str) -> None:
    start = time.perf_counter()
    frame = read_ashe_table(ashe_dir / name, period=None if "2024" in name else 2023)
    assert time.perf_counter() - start < 2.0
    assert len(frame) == 395 and frame["area_code"].is_unique
    assert frame["area_code"].str[:3].isin(LA_PREFIXES).sum() == 350
    assert not frame["area_code"].str.startswith("N09").any()
    assert (frame["area_name"] == frame["area_name"].str.strip()).all()
    assert "Gateshead" in set(frame["area_name"])
    for column in ("median", "mean"):
        status = frame[f"status_{column}"]
        assert frame.loc[status == "suppressed", column].isna().all()
        assert frame.loc[status == "", column].notna().all()
        assert (frame[column] > 0).all() or frame[column].isna().any()
        assert not (frame[column] == 0).any()


def test_suppressed_median_with_published_mean(home_weekly: pd.DataFrame) -> None:
    city = home_weekly[home_weekly["area_code"] == "E09000001"].iloc[0]
    assert city["status_median"] == "suppressed" and pd.isna(city["median"])
    assert city["status_mean"] == "" and city["mean"] == pytest.approx(956.2)
    scilly = home_weekly[home_weekly["area_code"] == "E06000053"].iloc[0]
    assert scilly["status_mean"] == "suppressed" and pd.isna(scilly["mean"]) and pd.isna(scilly["jobs_thousands"])


def test_other_sheet(ashe_dir: Path) -> None:
    female = read_ashe_table(ashe_dir / WORK_WEEKLY, sheet="Female")
    assert median_of(female, "K02000001") < 613.3


# --- broken inputs -------------------------------------------------------------------------------

TITLE = "Table 7.1a   Weekly pay - Gross (£) - For all employee jobsa: United Kingdom, 2024"
HEADER_ROWS = [
    [None, None, "Number", None, "Annual", None, "Annual"],
    [None, None, "of jobsb", None, "percentage", None, "percentage"],
    ["Description", "Code", "(thousand)", "Median", "change", "Mean", "change"],
]


def make_book(
    path: Path,
    rows: list[list[object]],
    title: str = TITLE,
    sheet: str = "All",
    header: list[list[object]] | None = None,
) -> Path:
    book = Workbook()
    active = book.active
    active.title = "Notes"
    active.append(["Guide to results"])
    grid = book.create_sheet(sheet)
    grid.append([title])
    grid.append([])
    for row in header if header is not None else HEADER_ROWS:
        grid.append(row)
    for row in rows:
        grid.append(row)
    grid.append(["a  Employees on adult rates"])
    book.save(path)
    return path


GOOD_ROWS: list[list[object]] = [
    ["United Kingdom ", "K02000001", 27882, 613.3, 6.7, 715.5, 6.8],
    ["  Gateshead", " E08000037 ", 90, 600.1, 2.0, 650.0, 1.0],
    ["Not Classified", None, ":", None, None, None, None],
]


def expect_error(path: Path, *fragments: str, **kwargs: object) -> None:
    with pytest.raises(SourceFormatError) as info:
        read_ashe_table(path, **kwargs)  # type: ignore[arg-type]
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message


def test_minimal_book_parses_and_strips(tmp_path: Path) -> None:
    frame = read_ashe_table(make_book(tmp_path / "ok.xlsx", GOOD_ROWS))
    assert list(frame["area_code"]) == ["K02000001", "E08000037"]
    assert list(frame["area_name"]) == ["United Kingdom", "Gateshead"]
    assert list(frame["median"]) == [613.3, 600.1]


def test_residence_and_provisional_from_title(tmp_path: Path) -> None:
    title = "Table 8.5a Hourly pay - Gross (£) - provisional, 2025"
    frame = read_ashe_table(make_book(tmp_path / "home.xlsx", GOOD_ROWS, title=title))
    assert set(frame["basis"]) == {"residence"} and set(frame["measure"]) == {"hourly_gross"}
    assert set(frame["period"]) == {2025} and set(frame["status_median"]) == {"provisional"}


def test_markers_map_to_nan_and_status(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["A", "E06000001", "x", "x", None, 500.0, None],
        ["B", "E06000002", 10, "..", None, ":", None],
        ["C", "E06000003", 10, " x ", None, "-", None],
    ]
    frame = read_ashe_table(make_book(tmp_path / "markers.xlsx", rows))
    assert frame["median"].isna().all()
    assert list(frame["status_median"]) == ["suppressed", "suppressed", "suppressed"]
    assert list(frame["status_mean"]) == ["", "unavailable", "unavailable"]
    assert frame["mean"].iloc[0] == 500.0 and frame["mean"].iloc[1:].isna().all()


def test_unknown_marker(tmp_path: Path) -> None:
    rows: list[list[object]] = [["A", "E06000001", 10, "*", None, 500.0, None]]
    expect_error(make_book(tmp_path / "odd.xlsx", rows), "column 'Median'", "'*'", "row 6")


def test_na_text_is_not_silently_missing(tmp_path: Path) -> None:
    """pandas turns "n/a" into NaN while reading; it must still fail rather than pass as a gap."""
    rows: list[list[object]] = [["A", "E06000001", 10, "n/a", None, 500.0, None]]
    expect_error(make_book(tmp_path / "na.xlsx", rows), "column 'Median'")


def test_empty_value_cell(tmp_path: Path) -> None:
    rows: list[list[object]] = [["A", "E06000001", 10, None, None, 500.0, None]]
    expect_error(make_book(tmp_path / "blank.xlsx", rows), "column 'Median'", "empty cell")


def test_missing_sheet(tmp_path: Path) -> None:
    expect_error(make_book(tmp_path / "sheet.xlsx", GOOD_ROWS, sheet="Everyone"), "sheet 'All' not found")


def test_header_row_absent(tmp_path: Path) -> None:
    header = [[None, None, "Number"], ["Area", "Code", "(thousand)", "Median", "change", "Mean", "change"]]
    expect_error(
        make_book(tmp_path / "nohead.xlsx", GOOD_ROWS, header=header),
        "no header row starting with 'Description'",
    )


def test_missing_median_column(tmp_path: Path) -> None:
    header = [list(row) for row in HEADER_ROWS]
    header[2][3] = "Middle"
    expect_error(make_book(tmp_path / "nomedian.xlsx", GOOD_ROWS, header=header), "column 'Median' not found")


def test_title_without_table_number(tmp_path: Path) -> None:
    expect_error(
        make_book(tmp_path / "notitle.xlsx", GOOD_ROWS, title="Weekly pay, 2024"),
        "does not name an ASHE table",
    )


def test_non_geography_table(tmp_path: Path) -> None:
    title = "Table 3.1a Weekly pay - Gross, 2024"
    expect_error(make_book(tmp_path / "t3.xlsx", GOOD_ROWS, title=title), "not a geography table")


def test_unsupported_subtable(tmp_path: Path) -> None:
    title = "Table 7.2a Weekly pay - Excluding overtime, 2024"
    expect_error(make_book(tmp_path / "t72.xlsx", GOOD_ROWS, title=title), "7.2 is not supported")


def test_title_measure_mismatch(tmp_path: Path) -> None:
    title = "Table 7.5a Weekly pay - Gross, 2024"
    expect_error(make_book(tmp_path / "mismatch.xlsx", GOOD_ROWS, title=title), "does not mention 'hourly'")


def test_no_area_rows(tmp_path: Path) -> None:
    expect_error(make_book(tmp_path / "norows.xlsx", [GOOD_ROWS[2]]), "no area rows")


def test_duplicate_code(tmp_path: Path) -> None:
    expect_error(make_book(tmp_path / "dup.xlsx", [GOOD_ROWS[0], GOOD_ROWS[0]]), "K02000001 appears twice")


@pytest.mark.parametrize("name", ["garbage.xlsx", "garbage.xls"])
def test_garbage_bytes(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"this is not a spreadsheet\x00\xff" * 50)
    expect_error(path, "cannot be read as a spreadsheet")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    expect_error(path, "file is empty")
