"""Provisional figures (issue 11, defect 5): which years the sources call provisional, read from their own
words, and the statuses of the committed snapshot that follow from it. (The parser is imported inside the
tests that use it, so the snapshot tests also run, and fail, against code from before the fix.)"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[3]
TABLE = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
MANIFEST = json.loads((REPO / "regional_data" / "manifest.json").read_text(encoding="utf-8"))
ELS = "stats/levelling_up/explore_local_statistics"
GVA_NE = (
    "stats/gva_gdp/gva_by_industry_local_authority/"
    "regionalgrossvalueaddedbalancedbyindustrylocalauthoritiestlcnortheast.xlsx"
)
GDP_LA = "stats/gva_gdp/ons_regional_gdp_local_authorities_apr2025.xlsx"


def rows(indicator: str, year: int, geography: str | None = None) -> pd.DataFrame:
    picked = TABLE[(TABLE["indicator"] == indicator) & (TABLE["period"] == year) & TABLE["value"].notna()]
    return picked if geography is None else picked[picked["geography"] == geography]


def test_regional_accounts_workbooks_call_their_latest_year_provisional(shared_data: Path) -> None:
    from loaders.build.provisional import workbook_latest_year_provisional

    assert workbook_latest_year_provisional(shared_data / GVA_NE)
    assert workbook_latest_year_provisional(shared_data / GDP_LA)


def test_explore_local_statistics_caveats_name_the_provisional_year(shared_data: Path) -> None:
    from loaders.build.provisional import els_provisional_years

    folder = shared_data / ELS
    assert els_provisional_years(folder / "gdp-per-head.json")["gdp_per_head"] == (2023, False)
    assert els_provisional_years(folder / "gross-disposable-household-income-per-head.json") == {
        "gdhi_per_head": (2023, False)
    }  # a flat file whose label differs from its CSV's
    assert els_provisional_years(folder / "gross-median-weekly-pay.json") == {"median_weekly_pay": (2025, True)}
    assert els_provisional_years(folder / "claimant-count.json") == {}


def test_marking_changes_only_values_of_the_rule_and_keeps_withheld_rows() -> None:
    from loaders.build.provisional import ProvisionalRule, ashe_edition_rule, mark_provisional

    table = pd.DataFrame(
        {
            "indicator": ["x", "x", "x", "x", "x", "y"],
            "geography": ["lad", "lep", "lad", "lad", "lad", "lad"],
            "area_code": ["E1", "L1", "E2", "N1", "E1", "E1"],
            "period": [2023, 2023, 2023, 2023, 2022, 2023],
            "value": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
            "status": ["", "derived", "suppressed", "", "", ""],
        }
    )
    marked, facts = mark_provisional(table, [ProvisionalRule("x", 2023, "words", great_britain_only=True)])
    assert marked["status"].tolist() == ["provisional", "provisional", "suppressed", "", "", ""]
    assert facts == {"x": {"year": 2023, "source": "words", "rows": 2}}
    only_derived, _ = mark_provisional(table, [ProvisionalRule("x", 2023, "w", statuses=("derived",))])
    assert only_derived["status"].tolist()[:2] == ["", "provisional"]
    assert ashe_edition_rule("pay", 2024, "ONS ASHE table 7.1a, 2024 provisional").year == 2024
    assert ashe_edition_rule("pay", 2024, "ONS ASHE table 7.1a, 2024 revised") is None


def test_committed_snapshot_marks_2023_regional_accounts_figures_provisional() -> None:
    """Pages and README say 2023 figures are provisional; the rows now say so too (old snapshot: none)."""
    for indicator in ("manufacturing_gva_share", "gva_current_prices", "manufacturing_gva_current_prices"):
        latest = rows(indicator, 2023)
        assert len(latest) > 400 and (latest["status"] == "provisional").all(), indicator
        assert not (rows(indicator, 2022)["status"] == "provisional").any(), indicator
    # LEP productivity is computed here from the provisional GVA; ONS's published LAD table says nothing.
    assert (rows("gva_per_hour", 2023, "lep")["status"] == "provisional").all()
    assert (rows("gva_per_hour", 2023, "lad")["status"] == "").all()
    assert (rows("gdhi_per_head", 2023)["status"] == "provisional").all()
    pay = rows("median_weekly_pay", 2025)
    assert (pay.loc[~pay["area_code"].str.startswith("N"), "status"] == "provisional").all()
    assert (rows("median_weekly_pay_workplace", 2024)["status"] == "provisional").all()
    # A suppressed or unavailable row keeps its status: provisional never stands in for a missing value.
    empty_2023 = TABLE[(TABLE["period"] == 2023) & TABLE["value"].isna()]
    assert not (empty_2023["status"] == "provisional").any()


def test_manifest_quotes_the_source_for_every_provisional_indicator() -> None:
    marked = TABLE[TABLE["status"] == "provisional"]
    by_indicator = marked.groupby("indicator").size()
    assert set(by_indicator.index) == set(MANIFEST["provisional"])
    for indicator, count in by_indicator.items():
        entry = MANIFEST["provisional"][indicator]
        assert entry["rows"] == count and "provisional" in entry["source"]
    assert MANIFEST["provisional"]["manufacturing_gva_share"]["year"] == 2023
    assert "The latest year's data are provisional" in MANIFEST["provisional"]["manufacturing_gva_share"]["source"]
