"""Tables for the Data and methods page: validation, indicator catalogue, sources, tidy CSV."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from components.methods import (
    indicator_catalogue_table,
    source_files_table,
    tidy_table_csv,
    validation_table,
)

REPO = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((REPO / "regional_data" / "manifest.json").read_text(encoding="utf-8"))
METADATA = json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8"))
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
MAX_ABS = "max abs difference (%)"
LATEST = "difference in latest year (%)"


def english_itl1_codes() -> set[str]:
    """The ITL1 regions that contain English LADs (E-codes), from the area table."""
    lads = AREAS[(AREAS["geography"] == "lad") & AREAS["area_code"].str.startswith("E")]
    return set(lads["parent_itl1"])


def check(areas: dict[str, tuple[str, float, float]]) -> dict:
    return {
        "max_abs_pct_difference": max(abs(a[1]) for a in areas.values()),
        "areas": {
            code: {"area_name": name, "max_abs_pct_difference": top, "latest_year": 2023,
                   "latest_pct_difference": latest, "years": 20}
            for code, (name, top, latest) in areas.items()
        },
    }


def test_validation_table_has_one_row_per_check_and_area() -> None:
    manifest = {
        "validation": {
            "itl1_gva_per_hour_smoothed": check({"TLC": ("North East", 0.02, -0.01), "TLD": ("North West", 0.03, 0.0)}),
            "cauth_gva_per_hour_unsmoothed": check({"E47000001": ("Greater Manchester", 0.016, -0.004)}),
            "some_future_check": check({"X": ("Elsewhere", 9.0, 9.0)}),
        }
    }
    table = validation_table(manifest)
    assert len(table) == 3
    assert set(table["area_code"]) == {"TLC", "TLD", "E47000001"}
    assert table["check"].nunique() == 2
    row = table.set_index("area_code").loc["TLD"]
    assert row["area"] == "North West"
    assert row[MAX_ABS] == pytest.approx(0.03)
    assert row[LATEST] == pytest.approx(0.0)
    assert row["years"] == 20


def test_validation_table_without_validation_is_empty() -> None:
    assert validation_table({}).empty
    assert validation_table({"validation": {}}).empty


def test_real_manifest_english_itl1_within_a_tenth_of_a_percent() -> None:
    english = english_itl1_codes()
    assert len(english) == 9
    table = validation_table(MANIFEST)
    per_hour = table[table["check"].str.contains("ITL1") & table["check"].str.contains("per hour")]
    assert english <= set(per_hour["area_code"])
    rows = per_hour[per_hour["area_code"].isin(english)]
    assert len(rows) == 9
    assert (rows[MAX_ABS].abs() < 0.1).all(), rows[["area_code", MAX_ABS]]
    assert (rows[LATEST].abs() <= rows[MAX_ABS] + 1e-9).all()
    # The table repeats the manifest, area by area.
    source = MANIFEST["validation"]["itl1_gva_per_hour_smoothed"]["areas"]
    for _, row in rows.iterrows():
        assert row[MAX_ABS] == source[row["area_code"]]["max_abs_pct_difference"]


def test_indicator_catalogue_lists_every_indicator() -> None:
    table = indicator_catalogue_table(METADATA)
    assert list(table["id"]) == list(METADATA)
    row = table.set_index("id").loc["gva_per_hour"]
    periods = METADATA["gva_per_hour"]["periods"]
    assert str(min(periods)) in row["years"] and str(max(periods)) in row["years"]
    assert row["unit"] == "£"
    assert "higher" in row["polarity"] and "_" not in row["polarity"]
    assert "lep" in row["levels"] and "lad" in row["levels"]
    assert row["link"].startswith("https://")
    assert row["source"] == METADATA["gva_per_hour"]["source"]


def test_source_files_table_lists_every_source_file() -> None:
    table = source_files_table(MANIFEST)
    assert len(table) == len(MANIFEST["sources"])
    assert {"path", "sha256"} <= set(table.columns)
    assert table["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()


def test_tidy_csv_starts_with_the_attribution_and_round_trips() -> None:
    table = pd.DataFrame(
        {
            "indicator": ["gva_per_hour", "gva_per_hour"],
            "geography": ["lep", "lep"],
            "area_code": ["E37000025", "E37000006"],
            "area_name": ["North East", 'Coventry, "and" Warwickshire'],
            "period": [2023, 2023],
            "value": [35.5, math.nan],
            "status": ["", "suppressed"],
        }
    )
    text = tidy_table_csv(table).decode("utf-8")
    first, rest = text.split("\n", 1)
    assert first.startswith("# ")
    for phrase in ("Office for National Statistics", "Open Government Licence v3.0", "Crown copyright"):
        assert phrase in first
    back = pd.read_csv(io.StringIO(rest), keep_default_na=False, na_values=[""])
    assert list(back.columns) == list(table.columns)
    assert back.loc[1, "area_name"] == 'Coventry, "and" Warwickshire'
    assert back.loc[0, "value"] == pytest.approx(35.5)
    assert math.isnan(back.loc[1, "value"])  # missing stays missing, never zero
    assert back.loc[1, "status"] == "suppressed"
    assert list(back["period"]) == [2023, 2023]
