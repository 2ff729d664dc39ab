"""Tables for the Data and methods page: validation, indicator catalogue, sources, tidy CSV."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from components.methods import (
    boundary_sizes_table,
    definitions_by_category,
    english_itl1_max_difference,
    files_of_source,
    indicator_catalogue_table,
    indicator_sources_table,
    lad_changes_table,
    lep_overlaps_table,
    manifest_summary_table,
    outputs_table,
    rows_by_indicator_table,
    source_files_table,
    status_counts_table,
    tidy_table_csv,
    tidy_table_csvw,
    validation_table,
)
from tests.export_checks import check_csvw, read_plain_csv
from tests.synthetic_indicators import synthetic_indicator
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
MANIFEST = json.loads((REPO / "regional_data" / "manifest.json").read_text(encoding="utf-8"))
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
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
            code: {
                "area_name": name,
                "max_abs_pct_difference": top,
                "latest_year": 2023,
                "latest_pct_difference": latest,
                "years": 20,
            }
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
    periods = METADATA["gva_per_hour"].periods
    assert str(min(periods)) in row["years"] and str(max(periods)) in row["years"]
    assert row["unit"] == "£"
    assert "higher" in row["polarity"] and "_" not in row["polarity"]
    assert "lep" in row["levels"] and "lad" in row["levels"]
    assert row["link"].startswith("https://")
    assert row["source"] == METADATA["gva_per_hour"].source


def test_source_files_table_lists_every_source_file() -> None:
    table = source_files_table(MANIFEST)
    assert len(table) == len(MANIFEST["sources"])
    assert {"path", "sha256"} <= set(table.columns)
    assert table["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()


def test_tidy_csv_is_plain_round_trips_and_is_described() -> None:
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
    data = tidy_table_csv(table)
    back = read_plain_csv(data)
    document = check_csvw(data, tidy_table_csvw(table, METADATA, MANIFEST), "regional_productivity_indicators.csv")
    for phrase in ("Office for National Statistics", "Open Government Licence v3.0", "Crown copyright"):
        assert phrase in document["dc:source"]
    assert list(back.columns) == list(table.columns)
    assert back.loc[1, "area_name"] == 'Coventry, "and" Warwickshire'
    assert back.loc[0, "value"] == pytest.approx(35.5)
    assert math.isnan(back.loc[1, "value"])  # missing stays missing, never zero
    assert back.loc[1, "status"] == "suppressed"
    assert list(back["period"]) == [2023, 2023]


# --- sources -------------------------------------------------------------------------------------------


def test_every_indicator_source_has_edition_release_licence_and_link() -> None:
    table = indicator_sources_table(METADATA, MANIFEST)
    sources = {meta.source for meta in METADATA.values()}
    assert set(table["source"]) == sources and table["source"].is_unique
    editions = {entry["edition"] for entry in MANIFEST["sources"]}
    for row in table.itertuples():
        meta = next(m for m in METADATA.values() if m.source == row.source)
        assert row.released == meta.release and row.licence == meta.licence and row.link == meta.source_url
        assert row.link.startswith("https://")
        assert row.files >= 1, row.source  # every source is traced to the files the build read
        assert set(row.edition.split(" / ")) <= editions
        used_by = [m.short_label for m in METADATA.values() if m.source == row.source]
        assert row.indicators == ", ".join(used_by)


def test_files_of_source_follow_the_source_name() -> None:
    manifest = {
        "sources": [
            {"path": "stats/levelling_up/explore_local_statistics/claimant-count.csv", "edition": "ELS"},
            {"path": "stats/levelling_up/explore_local_statistics/gdp-per-head.csv", "edition": "ELS"},
            {"path": "stats/productivity/a.xls", "edition": "P1"},
            {"path": "stats/productivity/b.xls", "edition": "P2"},
            {"path": "stats/nomis/nomis_aps_x.xlsx", "edition": "N"},
            {"path": "stats/nomis/nomis_ubc_x.xlsx", "edition": "N"},
        ]
    }
    els = files_of_source("ONS Explore Local Statistics (claimant-count)", manifest)
    assert [f["path"] for f in els] == ["stats/levelling_up/explore_local_statistics/claimant-count.csv"]
    assert [f["edition"] for f in files_of_source("ONS Subregional productivity: tables", manifest)] == ["P1", "P2"]
    assert [f["path"] for f in files_of_source("ONS Annual Population Survey via Nomis", manifest)] == [
        "stats/nomis/nomis_aps_x.xlsx"
    ]
    assert files_of_source("Some other publisher", manifest) == []
    metadata = {
        "x": synthetic_indicator(
            "X", source="Some other publisher", release="2020", licence="OGL", source_url="u", short_label="X"
        )
    }
    row = indicator_sources_table(metadata, manifest).iloc[0]
    assert row["files"] == 0 and "not recorded" in row["edition"]


# --- build manifest ------------------------------------------------------------------------------------


def test_manifest_summary_states_the_build() -> None:
    summary = manifest_summary_table(MANIFEST).set_index("item")["value"]
    assert summary["Snapshot id"] == MANIFEST["snapshot_id"]
    assert summary["Rows in the tidy table"] == f"{MANIFEST['rows']:,}"
    assert summary["Source files read"] == str(len(MANIFEST["sources"]))
    assert MANIFEST["lad_lep_lookup"]["method"] == summary["LAD→LEP lookup"]
    assert all(isinstance(v, str) for v in summary)  # one text column (Arrow needs one type)
    assert manifest_summary_table({}).set_index("item").loc["Snapshot id", "value"] == "not recorded"


def test_rows_boundaries_and_outputs_repeat_the_manifest() -> None:
    rows = rows_by_indicator_table(MANIFEST, METADATA).set_index("id")["rows"]
    assert rows.to_dict() == MANIFEST["rows_by_indicator"]
    assert rows.sum() == MANIFEST["rows"] == len(PARQUET)
    sizes = boundary_sizes_table(MANIFEST).set_index("level")
    assert sizes["bytes"].to_dict() == MANIFEST["web_boundary_bytes"]
    assert sizes.loc["lad", "KB"] == pytest.approx(MANIFEST["web_boundary_bytes"]["lad"] / 1024, abs=0.05)
    outputs = outputs_table(MANIFEST)
    assert list(outputs["file"]) == list(MANIFEST["outputs"])
    assert "sha256" not in outputs.columns  # the page's source-file table is the one with that column


# --- geography caveats ---------------------------------------------------------------------------------


def test_lep_overlaps_are_the_manifests_lads_with_both_leps_named() -> None:
    table = lep_overlaps_table(AREAS)
    assert sorted(table["LAD"]) == sorted(MANIFEST["lad_lep_lookup"]["lads_in_two_leps"])
    lep_names = set(AREAS.loc[AREAS["geography"] == "lep", "area_name"])
    for leps in table["LEPs"]:
        parts = leps.split("; ")
        assert len(parts) == 2 and set(parts) <= lep_names


def test_lep_overlaps_from_a_small_area_table() -> None:
    areas = pd.DataFrame(
        {
            "area_code": ["L1", "L2", "D1", "D2"],
            "area_name": ["LEP One", "LEP Two", "Shared", "Single"],
            "geography": ["lep", "lep", "lad", "lad"],
            "parent_leps": ["", "", "L1;L2", "L1"],
        }
    )
    table = lep_overlaps_table(areas)
    assert table.to_dict("records") == [{"LAD code": "D1", "LAD": "Shared", "LEPs": "LEP One; LEP Two"}]


def test_2023_successors_each_lie_in_one_lep_and_replace_the_dropped_districts() -> None:
    table = lad_changes_table(AREAS, MANIFEST).set_index("LAD code")
    assert list(table.index) == ["E06000063", "E06000064", "E06000065", "E06000066"]
    lads = AREAS.set_index("area_code")
    leps = lads[lads["geography"] == "lep"]["area_name"]
    for code, row in table.iterrows():
        assert row["LAD"] == lads.loc[code, "area_name"]
        parents = lads.loc[code, "parent_leps"].split(";")
        assert len(parents) == 1 and row["wholly in one LEP"] == "yes"
        assert row["LEP"] == leps[parents[0]]
    replaced = {name for names in table["replaced"] for name in names.split(", ")}
    assert replaced == set(MANIFEST["nomis_ladu_names_dropped_abolished_2023"])


# --- statuses and definitions --------------------------------------------------------------------------


def test_status_counts_separate_suppressed_from_unavailable() -> None:
    table = pd.DataFrame(
        {
            "indicator": ["a", "a", "a", "b", "c"],
            "status": ["suppressed", "suppressed", "unavailable", "", "unavailable"],
        }
    )
    counts = status_counts_table(table, {"a": synthetic_indicator("A")}).set_index("id")
    assert counts.loc["a", "suppressed"] == 2 and counts.loc["a", "unavailable"] == 1
    assert counts.loc["c", "suppressed"] == 0 and counts.loc["c", "unavailable"] == 1
    assert "b" not in counts.index and counts.loc["a", "label"] == "A"
    real = status_counts_table(PARQUET, METADATA).set_index("id")
    expected = PARQUET[PARQUET["status"] == "suppressed"].groupby("indicator").size()
    assert real.loc[expected.index, "suppressed"].tolist() == expected.tolist()


def test_definitions_cover_every_indicator_and_caveat() -> None:
    sections = definitions_by_category(METADATA)
    assert set(sections) == {meta.category for meta in METADATA.values()}
    for key, meta in METADATA.items():
        text = sections[meta.category]
        assert f"(`{key}`)" in text and meta.label in text
        for caveat in meta.caveats:
            assert caveat in text


def test_measured_itl1_error_is_the_largest_english_difference() -> None:
    areas = MANIFEST["validation"]["itl1_gva_per_hour_smoothed"]["areas"]
    expected = max(abs(areas[code]["max_abs_pct_difference"]) for code in english_itl1_codes())
    assert english_itl1_max_difference(MANIFEST) == pytest.approx(expected)
    assert expected < 0.1
    assert english_itl1_max_difference({}) is None
