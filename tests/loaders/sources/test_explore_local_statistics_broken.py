"""Explore Local Statistics CSVs: the pure helpers (area codes, periods) and small broken files written by the tests."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from loaders.errors import SourceFormatError
from loaders.sources.els_metadata import read_els_metadata
from loaders.sources.explore_local_statistics import (
    classify_area_code,
    parse_period,
    read_els_csv,
)

COMMON_HEADER = [
    "areacd",
    "areanm",
    "geography",
    "indicator",
    "period",
    "observation",
    "measure",
    "unit",
    "lci_95",
    "uci_95",
    "status",
    "notes",
]


GDP_HEADER = [
    "AREACD",
    "AREANM",
    "Geography",
    "Indicator",
    "Observation",
    "Unit",
    "Measure",
    "Period",
    "Lower Confidence Interval (95%)",
    "Upper Confidence Interval (95%)",
    "Observation Status",
]


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def common_row(**changes: str) -> list[str]:
    row = {
        "areacd": "E06000001",
        "areanm": "Hartlepool",
        "geography": "County or Unitary Authority",
        "indicator": "Claimant Count",
        "period": "2023-01-01/P1Y",
        "observation": "4.5",
        "measure": "Percentage",
        "unit": "%",
        "lci_95": "",
        "uci_95": "",
        "status": "",
        "notes": "",
    }
    row.update(changes)
    return [row[name] for name in COMMON_HEADER]


# --- pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("K02000001", "uk"),
        ("K99000002", "uk"),
        ("E92000001", "country"),
        ("W92000004", "country"),
        ("S92000003", "country"),
        ("N92000002", "country"),
        ("TLB", "country"),
        ("E12000001", "rgn"),
        ("TLC", "itl1"),
        ("TLN", "itl1"),
        ("TLC3", "itl2"),
        ("TLC31", "itl3"),
        ("E47000006", "cauth"),
        ("E06000001", "lad"),
        ("E07000026", "lad"),
        ("E08000021", "lad"),
        ("E09000001", "lad"),
        ("W06000001", "lad"),
        ("S12000033", "lad"),
        ("N09000001", "lad"),
        ("E10000006", "county"),
        ("E11000007", "county"),
        ("E13000001", "county"),
        ("K03000001", "other"),
        ("K04000001", "other"),
        ("W42000004", "other"),
        ("N34000001", "other"),
        (" E06000001 ", "lad"),
        ("garbage", "other"),
    ],
)
def test_classify_area_code(code: str, level: str) -> None:
    assert classify_area_code(code) == level


@pytest.mark.parametrize(
    ("label", "year"),
    [
        ("2023-01-01/P1Y", 2023),
        ("2021-01-01/P3Y", 2021),
        ("2025-04-30", 2025),
        ("2026-01", 2026),
        ("1998", 1998),
        ("2023-2024", None),
        ("Q1 2023", None),
        ("", None),
    ],
)
def test_parse_period(label: str, year: int | None) -> None:
    assert parse_period(label) == year


# --- broken inputs -------------------------------------------------------------------------------


def expect_error(path: Path, *fragments: str) -> None:
    with pytest.raises(SourceFormatError) as info:
        read_els_csv(path)
    message = str(info.value)
    assert path.name in message
    for fragment in fragments:
        assert fragment in message, message


def test_markers_become_nan_with_status(tmp_path: Path) -> None:
    rows = [
        common_row(period="2019-01-01/P1Y", observation="", status="x"),
        common_row(period="2020-01-01/P1Y", observation="[c]"),
        common_row(period="2021-01-01/P1Y", observation="", status="[u]"),
        common_row(period="2022-01-01/P1Y", observation="4.1", status="Provisional"),
        common_row(period="2023-01-01/P1Y", observation="4.2", status="e"),
        common_row(period="2024-01-01/P1Y", observation="4.3", status="u"),
    ]
    frame = read_els_csv(write_csv(tmp_path / "markers.csv", COMMON_HEADER, rows))
    assert list(frame["status"]) == [
        "unavailable",
        "suppressed",
        "suppressed",
        "provisional",
        "estimated",
        "estimated",
    ]
    assert frame["value"].iloc[:3].isna().all()
    assert list(frame["value"].iloc[3:]) == [4.1, 4.2, 4.3]


def test_gdp_schema_minimal_file(tmp_path: Path) -> None:
    rows = [
        [
            "E06000001",
            "Hartlepool",
            "County or Unitary Authority",
            "GDP per head",
            "20154",
            "£",
            "Pounds",
            "2023",
            "",
            "",
            "",
        ],
        [
            "N09000001",
            "Antrim",
            "Local Authority District",
            "GDP per head",
            "",
            "£",
            "Pounds",
            "2023",
            "",
            "",
            "u",
        ],
    ]
    frame = read_els_csv(write_csv(tmp_path / "gdp.csv", GDP_HEADER, rows))
    assert list(frame["period"]) == [2023, 2023] and frame["value"].iloc[0] == 20154
    assert frame["status"].iloc[1] == "suppressed" and math.isnan(frame["value"].iloc[1])


def test_missing_column(tmp_path: Path) -> None:
    header = [name for name in COMMON_HEADER if name != "observation"]
    row = common_row()
    del row[COMMON_HEADER.index("observation")]
    expect_error(write_csv(tmp_path / "no_obs.csv", header, [row]), "missing required column", "'observation'")


def test_renamed_column(tmp_path: Path) -> None:
    header = ["area_code" if name == "areacd" else name for name in COMMON_HEADER]
    expect_error(write_csv(tmp_path / "renamed.csv", header, [common_row()]), "missing required column", "'areacd'")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    expect_error(path, "empty")


def test_header_only(tmp_path: Path) -> None:
    expect_error(write_csv(tmp_path / "header_only.csv", COMMON_HEADER, []), "no data rows")


def test_missing_file(tmp_path: Path) -> None:
    expect_error(tmp_path / "absent.csv", "not found")


def test_garbage_bytes(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 4)
    expect_error(path, "not a UTF-8 CSV")


def test_non_utf8_csv(tmp_path: Path) -> None:
    rows = [common_row(unit="£", measure="Pounds")]
    expect_error(write_csv(tmp_path / "latin1.csv", COMMON_HEADER, rows, encoding="latin-1"), "not a UTF-8 CSV")


def test_xlsx_bytes_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    expect_error(path, "NUL")


def test_non_numeric_observation(tmp_path: Path) -> None:
    rows = [common_row(), common_row(period="2022-01-01/P1Y", observation="four")]
    expect_error(write_csv(tmp_path / "text_obs.csv", COMMON_HEADER, rows), "observation", "'four'", "row 3")


def test_unknown_status_marker(tmp_path: Path) -> None:
    rows = [common_row(observation="", status="q")]
    expect_error(write_csv(tmp_path / "odd_status.csv", COMMON_HEADER, rows), "unknown marker 'q'", "row 2")


def test_empty_observation_without_marker(tmp_path: Path) -> None:
    rows = [common_row(observation="")]
    expect_error(write_csv(tmp_path / "blank_obs.csv", COMMON_HEADER, rows), "no observation and no marker")


def test_value_with_suppression_marker(tmp_path: Path) -> None:
    rows = [common_row(observation="4.5", status="x")]
    expect_error(write_csv(tmp_path / "both.csv", COMMON_HEADER, rows), "has a value and the suppression marker")


def test_bad_period(tmp_path: Path) -> None:
    rows = [common_row(period="2023/24")]
    expect_error(write_csv(tmp_path / "bad_period.csv", COMMON_HEADER, rows), "column 'period'", "'2023/24'")


def test_duplicate_rows(tmp_path: Path) -> None:
    expect_error(write_csv(tmp_path / "dup.csv", COMMON_HEADER, [common_row(), common_row()]), "duplicate row")


def test_non_numeric_confidence_interval(tmp_path: Path) -> None:
    rows = [common_row(lci_95="low")]
    expect_error(write_csv(tmp_path / "bad_lci.csv", COMMON_HEADER, rows), "column 'lci'", "'low'")


def test_metadata_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceFormatError, match="broken.json.*not valid"):
        read_els_metadata(broken)
    no_block = tmp_path / "no_block.json"
    no_block.write_text('{"title": "x"}', encoding="utf-8")
    with pytest.raises(SourceFormatError, match="no_block.json.*ess-beta-metadata"):
        read_els_metadata(no_block)
    no_source = tmp_path / "no_source.json"
    no_source.write_text('{"ess-beta-metadata": {"label": "A", "sourceDate": "01/02/2024"}}', encoding="utf-8")
    with pytest.raises(SourceFormatError, match="no_source.json.*sourceURL"):
        read_els_metadata(no_source)
