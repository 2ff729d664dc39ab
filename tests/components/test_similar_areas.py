"""Similar areas as the pages show them: a table of text with the chosen area first, the reason where there
are no neighbours, the areas left out, and the Data and methods tables built from the one definition."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from components.similar_areas import (
    level_features,
    similar_areas_view,
    similarity_levels,
    similarity_measures_table,
    similarity_method_text,
)
from metrics.similar_areas import SIMILARITY_MEASURES, area_features
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
GVA, PER_HOUR, RATE, MANUFACTURING = (m.indicator for m in SIMILARITY_MEASURES)


def features(missing_rate: str | None = None):
    """Four made-up LEPs (codes E3700000x) in 2022; `missing_rate` has no employment rate."""
    figures = {
        "E37000001": (10_000.0, 40.0, 75.0, 10.0),
        "E37000002": (20_000.0, 41.0, 76.0, 12.0),
        "E37000003": (80_000.0, 30.0, 70.0, 20.0),
        "E37000004": (11_000.0, 39.0, 74.0, 11.0),
    }
    rows = [
        (indicator, code, 2022, np.nan if (indicator == RATE and code == missing_rate) else value)
        for code, values in figures.items()
        for indicator, value in zip((GVA, PER_HOUR, RATE, MANUFACTURING), values, strict=True)
    ]
    tidy = pd.DataFrame(rows, columns=["indicator", "area_code", "period", "value"])
    areas = pd.DataFrame({"area_code": list(figures), "area_name": ["Ash", "Birch", "Cedar", "Dogwood"]})
    return area_features(tidy, areas)


def test_the_table_starts_with_the_chosen_area_then_its_neighbours() -> None:
    view = similar_areas_view(features(), METADATA, "E37000001", "lep", count=2)
    assert view.message is None
    # Dogwood is within a few per cent of Ash on every measure; Cedar is far on all of them
    assert view.codes == ["E37000004", "E37000002"]
    assert view.table["area"].tolist() == ["Ash (chosen)", "Dogwood", "Birch"]
    assert view.table["distance"].iloc[0] == ""
    first = view.table.iloc[0]
    assert first[METADATA[GVA].short_label] == "£10,000m" and first[METADATA[RATE].short_label] == "75.0%"
    assert view.table[METADATA[PER_HOUR].short_label].iloc[1].startswith("£39.00 (-")
    assert "2022" in view.note and "LEPs" in view.note
    assert view.left_out is None


def test_areas_left_out_are_named_with_the_missing_measure() -> None:
    view = similar_areas_view(features(missing_rate="E37000003"), METADATA, "E37000001", "lep")
    assert "E37000003" not in view.codes and len(view.codes) == 2
    assert view.left_out == "Left out for want of a figure in 2022 (never filled in): Cedar (Employment rate)."
    lacking = similar_areas_view(features(missing_rate="E37000001"), METADATA, "E37000001", "lep")
    assert lacking.codes == [] and lacking.table.empty
    assert lacking.message.startswith("Ash has no Employment rate figure for 2022")


def test_levels_without_every_measure_and_benchmarks_get_a_reason() -> None:
    assert similarity_levels(METADATA) == ["lep", "lad", "cauth"]
    itl3 = similar_areas_view(features(), METADATA, "E37000001", "itl3")
    assert itl3.codes == [] and "for ITL3 regions" in itl3.message and "GVA (£m)" in itl3.message
    country = similar_areas_view(features(), METADATA, "E37000001", "country")
    assert country.codes == [] and "is a benchmark" in country.message


def test_the_method_tables_come_from_the_definition() -> None:
    table = similarity_measures_table(METADATA)
    measures = table.iloc[: len(SIMILARITY_MEASURES)]
    assert measures["id"].tolist() == [m.indicator for m in SIMILARITY_MEASURES]
    assert measures["why"].tolist() == [m.reason for m in SIMILARITY_MEASURES]
    assert measures["transform"].str.startswith("natural log").tolist() == [
        m.transform == "log" for m in SIMILARITY_MEASURES
    ]
    mix = table.iloc[-1]  # the other sections' shares split the industry-mix weight with manufacturing's share
    assert mix["aspect"] == "industry mix" and "(17: AB, DE, F" in mix["measure"]
    assert mix["weight"] == "1.4% each" and table.iloc[3]["weight"] == "1.4%"  # 25% over 18 columns
    assert "GVA \\(£m\\) is taken as its natural log" in similarity_method_text(METADATA)


def test_the_industry_mix_decides_between_areas_alike_on_every_other_measure() -> None:
    """Birch and Cedar are the same as Ash on size, productivity, employment and manufacturing; Cedar's other
    industries are Ash's, Birch's are not. So Cedar is nearest."""
    codes = {"E37000001": "Ash", "E37000002": "Birch", "E37000003": "Cedar", "E37000004": "Dogwood"}
    same = {GVA: 10_000.0, PER_HOUR: 40.0, RATE: 75.0, MANUFACTURING: 10.0}
    by_indicator = {
        indicator: pd.DataFrame(
            {
                "indicator": indicator,
                "geography": "lep",
                "area_code": list(codes),
                "period": 2022,
                "value": [value, value, value, value * 2],
            }
        )
        for indicator, value in same.items()
    }
    mixes = {"E37000001": (60, 30), "E37000002": (30, 60), "E37000003": (60, 30), "E37000004": (45, 45)}
    industry = pd.DataFrame(
        [
            {"area_code": code, "geography": "lep", "period": 2022, "industry": industry, "gva_current": value}
            for code, (k, q) in mixes.items()
            for industry, value in {"Total": 100.0, "C": 10.0, "K": float(k), "Q": float(q)}.items()
        ]
    )
    areas = pd.DataFrame({"area_code": list(codes), "area_name": list(codes.values()), "geography": "lep"})
    with_mix = level_features(by_indicator, areas, "lep", industry)
    assert set(with_mix.mix_columns) >= {"share of GVA: K", "share of GVA: Q"}
    view = similar_areas_view(with_mix, METADATA, "E37000001", "lep", count=2)
    assert view.codes == ["E37000003", "E37000002"]
    without = similar_areas_view(level_features(by_indicator, areas, "lep"), METADATA, "E37000001", "lep", count=2)
    assert without.codes == ["E37000002", "E37000003"]  # a tie on the four measures, broken by code
