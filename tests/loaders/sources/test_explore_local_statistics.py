"""Tests for the Explore Local Statistics parser: real-file sanity values and broken inputs."""

from __future__ import annotations

import csv
import math
import time
from pathlib import Path

import pandas as pd
import pytest

from loaders.errors import SourceFormatError
from loaders.sources.explore_local_statistics import (
    ELS_FILE_INDICATORS,
    ELS_INDICATOR_IDS,
    OUTPUT_COLUMNS,
    classify_area_code,
    els_indicator_labels,
    parse_period,
    read_els_csv,
    read_els_metadata,
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


@pytest.fixture(scope="module")
def els_dir(stats_dir: Path) -> Path:
    return stats_dir / "levelling_up" / "explore_local_statistics"


@pytest.fixture(scope="module")
def gva(els_dir: Path) -> pd.DataFrame:
    return read_els_csv(els_dir / "gross-value-added.csv")


def one(frame: pd.DataFrame, code: str, period: int, indicator: str | None = None) -> pd.Series:
    rows = frame[(frame["area_code"] == code) & (frame["period"] == period)]
    if indicator is not None:
        rows = rows[rows["indicator_label"] == indicator]
    assert len(rows) == 1, f"{code} {period} {indicator}: {len(rows)} rows"
    return rows.iloc[0]


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


# --- real files -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [("K99000002", 41.87), ("TLB", 42.39), ("TLI", 53.96), ("TLC", 35.82), ("E06000001", 30.22)],
)
def test_gva_per_hour_2023_matches_provenance(gva: pd.DataFrame, code: str, expected: float) -> None:
    row = one(gva, code, 2023, "Gross value added per hour worked")
    assert row["value"] == pytest.approx(expected, abs=0.005)
    assert row["unit"] == "£" and row["status"] == ""


def test_gva_uses_k99_for_uk_and_tlb_for_england(gva: pd.DataFrame) -> None:
    codes = set(gva["area_code"])
    assert "K99000002" in codes and "TLB" in codes
    assert "K02000001" not in codes and "E92000001" not in codes
    assert classify_area_code("K99000002") == "uk" and classify_area_code("TLB") == "country"


def test_output_columns_and_types(gva: pd.DataFrame) -> None:
    assert tuple(gva.columns) == OUTPUT_COLUMNS
    assert gva["period"].dtype == "int64"
    assert gva["value"].dtype == "float64" and gva["lci"].dtype == "float64"
    assert set(gva["period"]) == set(range(2002, 2024))
    hour = gva[gva["indicator_label"] == "Gross value added per hour worked"]
    assert hour["period"].min() == 2004


def test_gva_unavailable_rows_are_nan_not_zero(gva: pd.DataFrame) -> None:
    missing = gva[gva["status"] == "unavailable"]
    assert len(missing) == 12
    assert missing["value"].isna().all()
    assert (gva["value"] == 0).sum() == 0


def test_employment_rate_england_2023_and_confidence_interval(els_dir: Path) -> None:
    frame = read_els_csv(els_dir / "employment-rate.csv")
    row = one(frame, "E92000001", 2023, "Employment rate")
    assert row["value"] == pytest.approx(76.0)
    assert row["lci"] < row["value"] < row["uci"]
    assert one(frame, "E92000001", 2023, "Economically inactive")["value"] == pytest.approx(21.0)


def test_employment_rate_status_mapping(els_dir: Path) -> None:
    frame = read_els_csv(els_dir / "employment-rate.csv")
    city = frame[frame["area_code"] == "E09000001"]
    suppressed = city[city["status"] == "suppressed"]
    assert len(suppressed) == 3 and suppressed["value"].isna().all()
    estimated = frame[frame["status"] == "estimated"]
    assert len(estimated) == 56 and estimated["value"].notna().all()
    assert estimated["notes"].str.contains("unreliable").all()
    unavailable = frame[frame["status"] == "unavailable"]
    assert len(unavailable) == 60 and unavailable["value"].isna().all()


def test_median_weekly_pay_dates_become_years(els_dir: Path) -> None:
    frame = read_els_csv(els_dir / "gross-median-weekly-pay.csv")
    uk_2025 = one(frame, "K02000001", 2025)
    assert uk_2025["value"] == pytest.approx(642.5)
    assert uk_2025["period_label"] == "2025-04-30"
    assert one(frame, "K02000001", 2023)["value"] == pytest.approx(574.9)
    assert set(frame["period"]) == set(range(2008, 2026))


def test_gigabit_single_period(els_dir: Path) -> None:
    frame = read_els_csv(els_dir / "gigabit-capable-broadband.csv")
    assert set(frame["period"]) == {2026}
    assert one(frame, "E92000001", 2026)["value"] == pytest.approx(88.4)
    assert one(frame, "E12000001", 2026)["value"] == pytest.approx(89.9)
    assert len(frame) == 413


def test_gdp_per_head_second_schema(els_dir: Path) -> None:
    frame = read_els_csv(els_dir / "gdp-per-head.csv")
    assert tuple(frame.columns) == OUTPUT_COLUMNS
    row = one(frame, "E06000001", 2023, "Gross domestic product per head at current market price")
    assert row["value"] == 20154 and row["period_label"] == "2023"
    assert set(frame["period"]) == set(range(1998, 2024))
    ni_2023 = frame[frame["area_code"].str.startswith("N09") & (frame["period"] == 2023)]
    assert (ni_2023["status"] == "suppressed").all() and ni_2023["value"].isna().all()
    assert {"K02000001", "K99000002"} <= set(frame["area_code"])


@pytest.mark.parametrize(
    ("file", "code", "period", "expected"),
    [
        ("qualifications-level-3-or-above.csv", "E92000001", 2023, 67.4),
        ("modelled-unemployment.csv", "E92000001", 2023, 3.7),
        ("gross-disposable-household-income-per-head.csv", "K02000001", 2023, 24836),
        ("gross-disposable-household-income-per-head.csv", "E12000001", 2023, 19977),
    ],
)
def test_other_provenance_values(els_dir: Path, file: str, code: str, period: int, expected: float) -> None:
    assert one(read_els_csv(els_dir / file), code, period)["value"] == pytest.approx(expected)


def test_claimant_count_ni_marked_unavailable(els_dir: Path) -> None:
    frame = read_els_csv(els_dir / "claimant-count.csv")
    missing = frame[frame["status"] == "unavailable"]
    assert len(missing) == 132
    assert missing["area_code"].str.startswith("N09").all() and missing["value"].isna().all()


def test_business_demography_rates_and_counts(els_dir: Path) -> None:
    frame = read_els_csv(els_dir / "business-demography.csv")
    units = frame.groupby("indicator_label")["unit"].unique()
    assert list(units["Active businesses"]) == ["Number of enterprises"]
    for label in ("Business births", "Business deaths", "High growth businesses", "One-year survival rate"):
        assert list(units[label]) == ["%"]
    periods = frame.groupby("indicator_label")["period"].agg(["min", "max"])
    assert tuple(periods.loc["Five-year survival rate"]) == (2019, 2019)
    assert tuple(periods.loc["Business births"]) == (2019, 2024)


def test_every_file_labels_match_constants_and_ids(els_dir: Path) -> None:
    for name, labels in ELS_FILE_INDICATORS.items():
        found = els_indicator_labels(els_dir / name)
        assert sorted(found) == sorted(labels), name
        assert all(label in ELS_INDICATOR_IDS for label in found)


def test_every_file_parses_fast_without_zero_for_missing(els_dir: Path) -> None:
    for path in sorted(els_dir.glob("*.csv")):
        start = time.perf_counter()
        frame = read_els_csv(path)
        assert time.perf_counter() - start < 2.0, path.name
        withheld = frame["status"].isin(["suppressed", "unavailable"])
        assert frame.loc[withheld, "value"].isna().all(), path.name
        assert frame.loc[~withheld, "value"].notna().all(), path.name
        assert set(frame["status"]) <= {"", "provisional", "estimated", "suppressed", "unavailable"}


def test_metadata_shared_layout(els_dir: Path) -> None:
    meta = read_els_metadata(els_dir / "gross-value-added.json")
    assert meta["source_name"] == "Office for National Statistics"
    assert meta["source_url"].startswith("https://www.ons.gov.uk/")
    assert meta["source_date"] == "2025-06-19"
    assert meta["in_development"] is True
    assert set(meta["indicators"]) == set(ELS_FILE_INDICATORS["gross-value-added.csv"])
    assert meta["indicators"]["Gross value added per hour worked"]["prefix"] == "£"
    assert "2004 to 2023" in meta["indicators"]["Gross value added per hour worked"]["description"]


def test_metadata_flat_and_csvw_layouts(els_dir: Path) -> None:
    gigabit = read_els_metadata(els_dir / "gigabit-capable-broadband.json")
    assert gigabit["source_name"] == "Ofcom" and gigabit["source_date"] == "2026-05-13"
    assert gigabit["title"] == "Gigabit capable broadband" and "aggregated" in gigabit["caveats"]
    pay = read_els_metadata(els_dir / "gross-median-weekly-pay.json")
    assert pay["source_name"] == "Office for National Statistics; Northern Ireland Statistics and Research Agency"
    assert pay["source_date"] == "2025-10-23"
    gdp = read_els_metadata(els_dir / "gdp-per-head.json")
    assert gdp["title"] == "Gross domestic product per head"
    assert gdp["source_date"] == "2025-04-17" and "open-government-licence" in gdp["license"]


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
