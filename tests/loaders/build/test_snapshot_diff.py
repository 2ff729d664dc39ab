"""Validation and diff of a candidate snapshot against the current one (pure functions)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from loaders.build.snapshot_diff import (
    compare,
    largest_changes,
    md,
    range_problems,
    render_report,
    row_diff,
)
from loaders.build.snapshot_losses import coverage, coverage_problems
from loaders.snapshot_schema import COLUMNS

REPO = Path(__file__).resolve().parents[3]
META = {
    "rate": {"unit": "%", "source": "ONS Explore Local Statistics (rate)"},
    "pay": {"unit": "£", "source": "ASHE"},
    "jobs": {"unit": "count", "source": "BRES"},
}


def _rows(
    indicator: str, geography: str, codes: list[str], periods: list[int], value: float = 50.0, **overrides
) -> pd.DataFrame:
    rows = [
        {
            "indicator": indicator,
            "geography": geography,
            "area_code": code,
            "area_name": f"Area {code}",
            "period": period,
            "value": value,
            "status": "",
            "lci": math.nan,
            "uci": math.nan,
        }
        for code in codes
        for period in periods
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column, value in overrides.items():
        frame[column] = value
    return frame


LADS = [f"E0600{i:04d}" for i in range(30)]


@pytest.fixture
def old() -> pd.DataFrame:
    return pd.concat(
        [
            _rows("rate", "lad", LADS, [2021, 2022, 2023]),
            _rows("rate", "uk", ["K02000001"], [2021, 2022, 2023]),
            _rows("pay", "lad", LADS, [2022, 2023], value=600.0),
            _rows("jobs", "lep", ["E37000025"], [2022], value=1000.0),
        ],
        ignore_index=True,
    )


def test_identical_snapshots_pass_with_no_changes(old: pd.DataFrame) -> None:
    result = compare(old, old.copy(), META)
    assert result.passed and result.problems == [] and result.warnings == []
    assert result.rows[["added", "removed", "changed"]].to_numpy().sum() == 0
    assert result.changes.empty
    assert [name for name, _, _ in result.checks] == [
        "schema (snapshot contract)",
        "value ranges by unit",
        "areas, values and years kept",
    ]


def test_losing_a_third_of_the_areas_fails(old: pd.DataFrame) -> None:
    lost = set(LADS[::3])
    new = old[~((old["indicator"] == "rate") & old["area_code"].isin(lost))]
    result = compare(old, new, META)
    assert not result.passed
    assert result.problems == [
        "loss: rate (lad; source: ONS Explore Local Statistics (rate)): keeps 20 of 30 areas (67%, below the "
        "90% minimum); lost E06000000, E06000003, E06000006, E06000009, E06000012, E06000015, E06000018, "
        "E06000021, E06000024, E06000027; 30 of its 90 values are gone (33%, more than the 5% allowed; 60 values "
        "now)",
    ]
    rate = result.rows.set_index("indicator").loc["rate"]
    assert (rate["rows_before"], rate["rows_after"], rate["removed"], rate["added"]) == (93, 63, 30, 0)


def test_small_losses_pass_within_the_threshold(old: pd.DataFrame) -> None:
    new = old[~((old["indicator"] == "rate") & (old["area_code"] == LADS[0]))]  # 29 of 30 = 97%
    result = compare(old, new, META)
    assert result.passed
    row = result.coverage.set_index(["indicator", "geography"]).loc[("rate", "lad")]
    assert row["lost"] == [LADS[0]] and row["areas_after"] == 29


def test_areas_whose_values_turned_missing_count_as_lost(old: pd.DataFrame) -> None:
    new = old.copy()
    gone = (new["indicator"] == "pay") & new["area_code"].isin(LADS[:10])
    new.loc[gone, "value"] = math.nan
    new.loc[gone, "status"] = "unavailable"
    problems = compare(old, new, META).problems
    assert any(p.startswith("loss: pay (lad; source: ASHE): keeps 20 of 30") for p in problems)


def test_losing_the_latest_year_fails(old: pd.DataFrame) -> None:
    new = old[~((old["indicator"] == "pay") & (old["period"] == 2023))]
    assert compare(old, new, META).problems == [
        "loss: pay (lad; source: ASHE): 30 of its 60 values are gone (50%, more than the 5% allowed; 30 values now); "
        "30 of 30 areas lost years they had (more than the 5% allowed; e.g. E06000000 lost 2023 of its 2 years); "
        "latest year 2023 is gone (latest now 2022)"
    ]


def test_losing_an_indicator_or_level_fails(old: pd.DataFrame) -> None:
    new = old[old["indicator"] != "jobs"]
    problems = compare(old, new, META).problems
    assert problems == ["loss: jobs (lep; source: BRES): no areas with values any more (had 1)"]


def test_coverage_losses_can_be_accepted_as_warnings(old: pd.DataFrame) -> None:
    new = old[old["indicator"] != "jobs"]
    result = compare(old, new, META, accept_losses=True)
    assert result.passed
    assert result.warnings == [
        "loss (accepted with --accept-losses): jobs (lep; source: BRES): no areas with values any more (had 1)"
    ]


def test_new_areas_and_years_are_reported_not_failed(old: pd.DataFrame) -> None:
    new = pd.concat([old, _rows("rate", "lad", ["E06999999"], [2024])], ignore_index=True)
    result = compare(old, new, META)
    assert result.passed
    row = result.coverage.set_index(["indicator", "geography"]).loc[("rate", "lad")]
    assert row["gained"] == ["E06999999"] and (row["latest_before"], row["latest_after"]) == (2023, 2024)


@pytest.mark.parametrize(
    ("indicator", "value", "column", "message"),
    [
        ("rate", 100.5, "value", "rate: 1 value outside [0.0, 100.0] for unit '%'"),
        ("rate", -0.1, "value", "rate: 1 value outside [0.0, 100.0]"),
        ("pay", -1.0, "value", "pay: 1 value outside [0.0, inf] for unit '£'"),
        ("jobs", -5.0, "lci", "jobs: 1 lci outside [0.0, inf] for unit 'count'"),
    ],
)
def test_values_out_of_range_fail(old: pd.DataFrame, indicator: str, value: float, column: str, message: str) -> None:
    new = old.copy()
    new.loc[new.index[new["indicator"] == indicator][0], column] = value
    problems = compare(old, new, META).problems
    assert len(problems) == 1 and problems[0].startswith(f"range: {message}")


def test_unknown_units_warn_and_missing_metadata_fails(old: pd.DataFrame) -> None:
    problems, warnings = range_problems(old, {**META, "pay": {"unit": "furlongs"}})
    assert problems == [] and warnings == ["pay: unit 'furlongs' has no range rule; values not range-checked"]
    problems, _ = range_problems(old, {k: v for k, v in META.items() if k != "jobs"})
    assert problems == ["jobs: no metadata entry (unit unknown)"]


def test_schema_problems_stop_the_other_checks(old: pd.DataFrame) -> None:
    bad = old.copy()
    bad.loc[0, "status"] = "guessed"
    result = compare(old, bad, META)
    assert result.problems == ["schema: unknown statuses ['guessed']"]
    assert len(result.checks) == 1
    assert compare(old, old.drop(columns="uci"), META).problems[0].startswith("schema: columns")
    assert compare(old, old.iloc[0:0], META).problems == ["schema: the indicator table has no rows"]


def test_no_current_snapshot_skips_the_diff(old: pd.DataFrame) -> None:
    result = compare(None, old, META)
    assert result.passed and "no current snapshot" in result.warnings[0]
    assert result.rows["added"].sum() == len(old)


def test_row_diff_counts_added_removed_and_changed(old: pd.DataFrame) -> None:
    new = old[old["area_code"] != LADS[0]].copy()  # removes 3 rate + 2 pay rows
    new.loc[(new["indicator"] == "pay") & (new["area_code"] == LADS[1]), "value"] = 660.0  # 2 changed
    new = pd.concat([new, _rows("jobs", "lep", ["E37000025"], [2023], value=1200.0)], ignore_index=True)
    diff = row_diff(old, new).set_index("indicator")
    assert diff.loc["rate", ["removed", "changed", "added"]].tolist() == [3, 0, 0]
    assert diff.loc["pay", ["removed", "changed", "added"]].tolist() == [2, 2, 0]
    assert diff.loc["jobs", ["rows_before", "rows_after", "added"]].tolist() == [1, 2, 1]


def test_largest_changes_are_ranked_by_relative_size(old: pd.DataFrame) -> None:
    new = old.copy()
    new.loc[(new["indicator"] == "pay") & (new["area_code"] == LADS[1]) & (new["period"] == 2023), "value"] = 660.0
    new.loc[(new["indicator"] == "rate") & (new["area_code"] == LADS[2]) & (new["period"] == 2023), "value"] = 75.0
    changes = largest_changes(old, new)
    assert changes[["indicator", "area_code", "change_pct"]].values.tolist() == [
        ["rate", LADS[2], pytest.approx(50.0)],
        ["pay", LADS[1], pytest.approx(10.0)],
    ]


def test_tiny_float_noise_is_not_a_change(old: pd.DataFrame) -> None:
    new = old.copy()
    new["value"] = new["value"] * (1 + 1e-12)
    assert row_diff(old, new)["changed"].sum() == 0


def test_coverage_table_shape(old: pd.DataFrame) -> None:
    cov = coverage(old, old)
    assert set(zip(cov["indicator"], cov["geography"], strict=True)) == {
        ("rate", "lad"),
        ("rate", "uk"),
        ("pay", "lad"),
        ("jobs", "lep"),
    }
    assert coverage_problems(cov) == []


def test_report_says_what_failed_and_escapes_data(old: pd.DataFrame) -> None:
    new = old.copy()
    new.loc[new["area_code"] == LADS[1], "area_name"] = "<script>alert(1)</script> | Bad"
    new.loc[(new["indicator"] == "pay") & (new["area_code"] == LADS[1]), "value"] = 900.0
    new = new[~((new["indicator"] == "rate") & new["area_code"].isin(LADS[::3]))]
    result = compare(old, new, META)
    text = render_report(
        result,
        outcome="FAILED at validation; current snapshot unchanged",
        context={"mode": "mirror http://127.0.0.1:1"},
        failure="the new snapshot failed validation",
        sources=[{"path": "stats/x.csv", "origin": "http://127.0.0.1:1/stats/x.csv", "sha256": "ab", "bytes": 1234}],
    )
    assert "**Result: FAILED at validation; current snapshot unchanged**" in text
    assert "## What failed" in text and "The current snapshot was left unchanged." in text
    assert "| areas, values and years kept | FAIL |" in text
    assert "| rate | lad | 30 | 20 | 67% |" in text and "| 30 of 90 | 0 | 2021-2023 -> 2021-2023 |" in text
    assert "<script>" not in text and "&lt;script&gt;" not in text and "&lt;script>alert(1)&lt;/script> \\| Bad" in text
    assert "| pay | lad | E0600" in text and "| 50 |" in text  # 600 -> 900 is +50%
    assert "| stats/x.csv | http://127.0.0.1:1/stats/x.csv | 1,234 | ab |" in text


def test_report_without_comparison_for_a_download_failure() -> None:
    text = render_report(None, outcome="FAILED at download", context={}, failure="x.xlsx: HTTP 404 Not Found")
    assert "x.xlsx: HTTP 404 Not Found" in text and "## Checks" not in text


def test_md_escapes_table_breakers() -> None:
    assert md("a|b\nc <i>&") == "a\\|b c &lt;i>&amp;"


def test_committed_snapshot_passes_against_itself() -> None:
    table = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
    metadata = json.loads((REPO / "regional_data" / "indicators.json").read_text())
    result = compare(table, table, metadata)
    assert result.passed, result.problems
    assert result.warnings == []


# ------------------------------------------------------------------ losses of values and years (issue 12.2)


def test_every_other_row_gone_fails_naming_the_source_file(old: pd.DataFrame) -> None:
    """Half the values of an indicator gone (areas and the span of years intact) was accepted before."""
    pay = old[old["indicator"] == "pay"]
    alternate = (pay["area_code"].map(LADS.index) + pay["period"]) % 2 == 0  # each area keeps one of its 2 years
    new = pd.concat([old[old["indicator"] != "pay"], pay[alternate]], ignore_index=True)
    provenance = {("pay", "lad"): ["stats/ashe/pay.csv"]}
    problems = compare(old, new, META, provenance=provenance).problems
    assert problems == [
        "loss: pay (lad; source: ASHE; file: stats/ashe/pay.csv): 30 of its 60 values are gone (50%, more than the "
        "5% allowed; 30 values now); 30 of 30 areas lost years they had (more than the 5% allowed; e.g. E06000000 "
        "lost 2023 of its 2 years)",
    ]


def test_losing_the_first_years_fails(old: pd.DataFrame) -> None:
    new = old[~((old["indicator"] == "rate") & (old["period"] < 2023))]
    problems = compare(old, new, META).problems
    uk = (
        "loss: rate (uk; source: ONS Explore Local Statistics (rate)): 2 of its 3 values are gone (67%, more than "
        "the 5% allowed; 1 values now); 1 of 1 areas lost years they had (more than the 5% allowed; e.g. "
        "K02000001 lost 2021-2022 of its 3 years); years 2021-2022 are gone (first year 2021, now 2023)"
    )
    assert uk in problems
    assert any(
        p.startswith("loss: rate (lad; source: ONS Explore Local Statistics (rate)): 60 of its 90 values")
        and p.endswith("; years 2021-2022 are gone (first year 2021, now 2023)")
        for p in problems
    )


def test_a_few_holes_within_the_limits_pass(old: pd.DataFrame) -> None:
    """One area of thirty losing one middle year is 1% of the values and 3% of the areas: reported, not failed."""
    hole = (old["indicator"] == "rate") & (old["area_code"] == LADS[5]) & (old["period"] == 2022)
    result = compare(old, old[~hole], META)
    assert result.passed, result.problems
    row = result.coverage.set_index(["indicator", "geography"]).loc[("rate", "lad")]
    assert (row["rows_lost"], row["areas_losing_years"]) == (1, 1)
    assert row["losing_years_example"] == "E06000005 lost 2022 of its 3 years"


def test_provenance_of_a_vanished_level_falls_back_to_its_indicator(old: pd.DataFrame) -> None:
    new = old[~((old["indicator"] == "rate") & (old["geography"] == "uk"))]
    problems = compare(old, new, META, provenance={("rate", "lad"): ["stats/rate.csv"]}).problems
    assert problems == [
        "loss: rate (uk; source: ONS Explore Local Statistics (rate); file: stats/rate.csv): no areas "
        "with values any more (had 1)"
    ]
