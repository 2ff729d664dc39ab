"""The Data and methods page under Streamlit's AppTest, reached through app.py's navigation."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics.similar_areas import SIMILARITY_MEASURES
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
MANIFEST = json.loads((REPO / "regional_data" / "manifest.json").read_text(encoding="utf-8"))
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
MAX_ABS = "max abs difference (%)"


def english_itl1() -> dict[str, str]:
    """ITL1 code -> name for the regions that contain English (E-coded) LADs."""
    lads = AREAS[(AREAS["geography"] == "lad") & AREAS["area_code"].str.startswith("E")]
    itl1 = AREAS[AREAS["geography"] == "itl1"].set_index("area_code")["area_name"]
    return {code: itl1[code] for code in sorted(set(lads["parent_itl1"]))}


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    app.switch_page("app_pages/data_and_methods.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe]


def test_page_renders(at: AppTest) -> None:
    assert [t.value for t in at.title] == ["Data and methods"]
    headers = [h.value for h in at.header]
    assert "Measured aggregation error" in headers
    assert not at.get("deck_gl_json_chart")  # the overview's map is gone


def test_validation_lists_the_nine_english_itl1_regions_within_a_tenth_of_a_percent(at: AppTest) -> None:
    english = english_itl1()
    assert len(english) == 9
    validation = next(f for f in frames(at) if MAX_ABS in f.columns)
    per_hour = validation[validation["check"].str.contains("ITL1") & validation["check"].str.contains("per hour")]
    rows = per_hour[per_hour["area_code"].isin(english)]
    assert sorted(rows["area_code"]) == sorted(english)
    assert (rows[MAX_ABS].abs() < 0.1).all(), rows[["area_code", MAX_ABS]].to_string()


def test_indicator_catalogue_and_sources(at: AppTest) -> None:
    catalogue = next(f for f in frames(at) if "id" in f.columns and "indicator" in f.columns)
    assert sorted(catalogue["id"]) == sorted(METADATA)
    sources = next(f for f in frames(at) if "sha256" in f.columns)
    assert len(sources) == len(MANIFEST["sources"])


def test_method_text_states_the_lep_lookup(at: AppTest) -> None:
    text = "\n".join(m.value for m in at.markdown)
    lookup = MANIFEST["lad_lep_lookup"]
    assert f"{lookup['leps']}" in text
    for lad in lookup["lads_in_two_leps"]:
        assert lad in text
    assert "England excluding London" in text
    assert f"{MANIFEST['rows']:,}" in text


def test_similar_areas_section_lists_every_measure_with_its_weight(at: AppTest) -> None:
    assert "Similar areas" in [h.value for h in at.header]
    measures = next(f for f in frames(at) if "id" in f.columns and "weight" in f.columns)
    listed = dict(zip(measures["id"], measures["weight"], strict=True))
    # size, productivity and the labour market 25% each; the manufacturing share and the 17 other sections'
    # shares of GVA split the industry mix's 25%: 25/18 = 1.4% each
    assert listed == {
        "gva_current_prices": "25.0%",
        "gva_per_hour": "25.0%",
        "employment_rate_16_64": "25.0%",
        "manufacturing_gva_share": "1.4%",
        "industry_gva (current prices)": "1.4% each",
    }
    named = dict(zip(measures["id"], measures["measure"], strict=True))
    assert {m.indicator: named[m.indicator] for m in SIMILARITY_MEASURES} == {
        m.indicator: METADATA[m.indicator].label for m in SIMILARITY_MEASURES
    }
    # the year of each level is the latest every measure has there (LEPs: the APS employment rate ends in 2022)
    levels = next(f for f in frames(at) if "areas compared" in f.columns).set_index("level")
    assert levels.loc["LEPs", "year"] == "2022" and levels.loc["LEPs", "areas compared"] == 38
    text = "\n".join(m.value for m in at.markdown)
    industry = pd.read_parquet(REPO / "regional_data" / "industry_gva.parquet")
    leps_2022 = industry[(industry["geography"] == "lep") & (industry["period"] == 2022)]
    withheld = set(leps_2022.loc[leps_2022["gva_current"].isna(), "industry"])
    others = ("AB", "DE", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T")  # but C
    sections = [code for code in others if code in withheld]
    assert levels.loc["LEPs", "sections taken together (withheld for an area)"] == ", ".join(sections)
    for words in (
        "Standardisation",
        "Industry mix",
        "Distance",
        "Exclusions",
        "natural log",
        "population standard deviation",
    ):
        assert words in text


def test_attribution_footer(at: AppTest) -> None:
    captions = [c.value for c in at.caption]
    assert any("Open Government Licence v3.0" in c and "Crown copyright" in c for c in captions), captions


def test_whole_table_download_is_offered(at: AppTest) -> None:
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [
        "Whole tidy indicator table (CSV)",
        "Its description (CSVW, JSON)",
        "Whole tidy indicator table (XLSX)",
    ]


SECTIONS = [
    "Sources",
    "Build manifest",
    "How aggregates are built",
    "Measured aggregation error",
    "Sector strengths",
    "Provisional figures",
    "LEP overlaps",
    "2023 LAD changes",
    "Smoothed and unsmoothed",
    "Suppressed and missing",
    "Confidence intervals and verdicts",
    "Similar areas",
    "Indicators",
    "Download",
]


def test_every_section_is_present_in_order(at: AppTest) -> None:
    headers = [h.value for h in at.header]
    assert headers == SECTIONS
    assert {
        "Indicator sources",
        "Source files",
        "Definitions and caveats",
        "Manufacturing for regions and ITL2 regions",
    } <= {s.value for s in at.subheader}


def test_manufacturing_check_and_provisional_figures_are_stated(at: AppTest) -> None:
    """Issue 11: the measured difference of LAD-summed manufacturing from ONS's regional figures, and which
    figures are provisional and on whose word, are on the page (from the manifest)."""
    checks = MANIFEST["validation"]["manufacturing_gva"]
    text = "\n".join(m.value for m in at.markdown)
    assert f"{checks['itl2_2025']['max_abs_share_point_difference']:.3f} percentage points" in text
    table = next(f for f in frames(at) if "left out" in f.columns)
    assert table["check"].tolist() == [
        "LADs → ITL1 regions",
        "LADs → ITL2 regions (2025 codes)",
        "LADs → ITL3 regions (2025 codes)",
    ]
    provisional = next(f for f in frames(at) if "the source says" in f.columns)
    assert set(provisional["year"]) == {entry["year"] for entry in MANIFEST["provisional"].values()}
    assert provisional["the source says"].str.contains("provisional").all()
    assert "Highlands and Islands" in "\n".join(c.value for c in at.caption)


def test_indicator_sources_show_edition_release_licence_and_link(at: AppTest) -> None:
    table = next(f for f in frames(at) if {"edition", "released", "licence", "link"} <= set(f.columns))
    assert sorted(table["source"]) == sorted({meta.source for meta in METADATA.values()})
    editions = {entry["edition"] for entry in MANIFEST["sources"]}
    for row in table.itertuples():
        meta = next(m for m in METADATA.values() if m.source == row.source)
        assert (row.released, row.licence, row.link) == (meta.release, meta.licence, meta.source_url)
        assert row.edition and set(row.edition.split(" / ")) <= editions
    files = next(f for f in frames(at) if "sha256" in f.columns)
    assert list(files["edition"]) == [entry["edition"] for entry in MANIFEST["sources"]]


def test_build_manifest_summary(at: AppTest) -> None:
    summary = next(f for f in frames(at) if list(f.columns) == ["item", "value"]).set_index("item")["value"]
    assert summary["Snapshot id"] == MANIFEST["snapshot_id"]
    assert summary["Rows in the tidy table"] == f"{MANIFEST['rows']:,}"
    rows = next(f for f in frames(at) if "rows" in f.columns and "id" in f.columns)
    assert dict(zip(rows["id"], rows["rows"], strict=True)) == MANIFEST["rows_by_indicator"]
    sizes = next(f for f in frames(at) if "KB" in f.columns)
    assert dict(zip(sizes["level"], sizes["bytes"], strict=True)) == MANIFEST["web_boundary_bytes"]
    text = "\n".join(m.value for m in at.markdown)
    english = MANIFEST["validation"]["itl1_gva_per_hour_smoothed"]["areas"]
    worst = max(abs(english[code]["max_abs_pct_difference"]) for code in english_itl1())
    assert f"{worst:.3f}%" in text  # the measured LAD->ITL1 difference is stated


def test_lep_overlaps_and_2023_lad_changes(at: AppTest) -> None:
    overlaps = next(f for f in frames(at) if "LEPs" in f.columns)
    assert sorted(overlaps["LAD"]) == sorted(MANIFEST["lad_lep_lookup"]["lads_in_two_leps"])
    changes = next(f for f in frames(at) if "wholly in one LEP" in f.columns).set_index("LAD code")
    assert sorted(changes.index) == ["E06000063", "E06000064", "E06000065", "E06000066"]
    parents = AREAS.set_index("area_code")["parent_leps"]
    for code in changes.index:  # each successor is wholly in one LEP, per the area table
        assert ";" not in parents[code] and parents[code]
        assert changes.loc[code, "wholly in one LEP"] == "yes"
    text = "\n".join(m.value for m in at.markdown)
    assert "wholly inside one LEP" in text
    for name in MANIFEST["nomis_ladu_names_dropped_abolished_2023"]:
        assert name in text


def test_suppressed_and_missing_counts_match_the_parquet(at: AppTest) -> None:
    counts = next(f for f in frames(at) if {"suppressed", "unavailable"} <= set(f.columns)).set_index("id")
    parquet = pd.read_parquet(REPO / "regional_data" / "indicators.parquet", columns=["indicator", "status"])
    for status in ("suppressed", "unavailable"):
        expected = parquet[parquet["status"] == status].groupby("indicator").size()
        assert counts.loc[expected.index, status].tolist() == expected.tolist()
    text = "\n".join(m.value for m in at.markdown)
    assert "Smoothed" in text or "smoothed" in text
    assert "(1, 2, 3, 2, 1)/9" in text


def test_definitions_and_caveats_per_indicator(at: AppTest) -> None:
    categories = {meta.category for meta in METADATA.values()}
    assert {e.label for e in at.expander} >= categories
    text = "\n".join(m.value for m in at.markdown)
    for key, meta in METADATA.items():
        assert f"(`{key}`)" in text
        for caveat in meta.caveats:
            assert caveat in text


def test_sector_strengths_method_lists_every_grouping_and_the_measured_industry_differences(at: AppTest) -> None:
    from vocabulary.sector_groups import SECTOR_GROUPS

    assert "Sector strengths" in [h.value for h in at.header]
    groupings = next(frame for frame in frames(at) if list(frame.columns[:2]) == ["Framework", "Grouping"])
    assert sorted(groupings["Grouping"]) == sorted(group.name for group in SECTOR_GROUPS)
    assert set(groupings["Coverage"]) == {"full", "partial", "proxy", "not available"}
    measured = next(frame for frame in frames(at) if "Largest difference in share (percentage points)" in frame.columns)
    itl1 = measured[measured["Regions"] == "ITL1 (English)"]
    by_industry = MANIFEST["validation"]["industry_shares"]["itl1_2025"]["by_industry"]
    assert len(itl1) == len(by_industry) > 20
    worst = itl1["Largest difference in share (percentage points)"].max()
    assert worst == MANIFEST["validation"]["industry_shares"]["itl1_2025"]["max_abs_share_point_difference"]
    assert worst <= MANIFEST["validation"]["industry_shares"]["tolerance_share_points"]


def test_confidence_intervals_section_states_the_test_and_checks_every_interval(at: AppTest) -> None:
    """The verdict's test is named, and the table lists each indicator with intervals, counted from the parquet,
    with no interval that breaks lci <= value <= uci."""
    text = " ".join(m.value for m in at.markdown)
    assert "non-overlapping 95% confidence intervals" in text and "not significantly different" in text
    assert "no interval" in text
    parquet = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
    counts = parquet[parquet["lci"].notna()].groupby("indicator").size()
    (coverage,) = [f.value for f in at.dataframe if "values with an interval" in f.value.columns]
    got = dict(zip(coverage["indicator"], coverage["values with an interval"], strict=True))
    assert got == {METADATA[key].label: int(count) for key, count in counts.items()}
    assert (coverage["intervals not holding their value"] == 0).all()
    assert any(c.value.startswith("Checked on every row: 0 interval(s)") for c in at.caption)
