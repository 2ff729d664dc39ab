"""Tests for the Explore Local Statistics parser: real-file sanity values and broken inputs."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from loaders.sources.els_metadata import read_els_metadata
from loaders.sources.explore_local_statistics import (
    ELS_FILE_INDICATORS,
    ELS_INDICATOR_IDS,
    OUTPUT_COLUMNS,
    classify_area_code,
    els_indicator_labels,
    read_els_csv,
)


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
