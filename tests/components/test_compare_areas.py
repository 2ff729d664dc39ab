"""Compare areas builders: area labels, the link round trip, rows per area, the time series and the
all-indicator table. Expected values come from the committed parquet read here with pandas."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from components.compare_areas import (
    MAX_COMPARATORS,
    area_options,
    area_positions,
    areas_without_data,
    cell_text,
    comparison_table,
    end_labels,
    format_area_codes,
    indicator_choices,
    parse_area_codes,
    rows_for_areas,
    sanitise_choice,
    series_rows,
    spread_labels,
    time_series_chart,
)
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
LEP, LAD, ITL1 = "E37000025", "E06000001", "TLC"  # North East LEP, Hartlepool, North East ITL1
THREE = [LEP, LAD, ITL1]
LABELS = area_options(AREAS)
POSITIONS = area_positions(PARQUET)
ROWS = rows_for_areas(PARQUET, POSITIONS, THREE)


def parquet_value(indicator: str, code: str, year: int) -> float:
    rows = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == code) & (PARQUET["period"] == year)]
    assert len(rows) == 1
    return float(rows["value"].iloc[0])


def pounds_cell(code: str, year: int, notes: tuple[str, ...] = ()) -> str:
    """The GVA per hour cell as the parquet gives it: the value, then the year (if another) and status."""
    rows = PARQUET[
        (PARQUET["indicator"] == "gva_per_hour") & (PARQUET["area_code"] == code) & (PARQUET["period"] == year)
    ]
    status = rows["status"].iloc[0]
    notes = (*notes, status) if status == "provisional" else notes
    return f"£{parquet_value('gva_per_hour', code, year):,.2f}" + (f" ({', '.join(notes)})" if notes else "")


# --- areas and links ---------------------------------------------------------------------------------------


def test_area_options_label_every_area_with_its_level_benchmarks_first() -> None:
    assert set(LABELS) == set(AREAS["area_code"])
    assert len(set(LABELS.values())) == len(LABELS)  # labels become column names
    assert list(LABELS)[:3] == ["K02000001", "E92000001", "ENG_EXCL_LONDON"]
    assert LABELS[LEP] == "North East (LEP)"
    assert LABELS[LAD] == "Hartlepool (LAD)"
    itl1_name = AREAS.set_index("area_code").loc[ITL1, "area_name"]
    assert LABELS[ITL1] == f"{itl1_name} (ITL1)"
    assert LABELS["ENG_EXCL_LONDON"] == "England excluding London (benchmark)"
    assert LABELS["E47000001"].endswith("(combined authority)")


def test_area_options_tell_apart_repeated_names_within_a_level() -> None:
    areas = pd.DataFrame(
        {"area_code": ["A1", "A2", "B1"], "area_name": ["Same", "Same", "Same"], "geography": ["lad", "lad", "lep"]}
    )
    labels = area_options(areas)
    assert labels["B1"] == "Same (LEP)"
    assert labels["A1"] == "Same (LAD, A1)" and labels["A2"] == "Same (LAD, A2)"


def test_link_codes_round_trip_and_unknown_codes_are_left_out() -> None:
    codes = ["E06000001", "TLC", "ENG_EXCL_LONDON"]
    assert parse_area_codes(format_area_codes(codes), LABELS).codes == codes
    parsed = parse_area_codes(" E06000001, nonsense ,TLC,,E06000001", LABELS)
    assert parsed.codes == ["E06000001", "TLC"]
    assert parsed.unknown == ["nonsense"]
    assert parse_area_codes(None, LABELS).codes == [] and parse_area_codes("", LABELS).codes == []


def test_a_link_of_50000_unknown_codes_is_read_in_linear_time(record_property) -> None:
    """A ?cmp_areas= of 50,000 distinct unknown codes (about 500 KB, which the front end passes over the
    WebSocket): each code was looked up in a growing list, about a minute of CPU; now well under a second."""
    raw = ",".join(f"X{i:06d}" for i in range(50_000))
    started = time.perf_counter()
    parsed = parse_area_codes(raw, LABELS)
    elapsed = time.perf_counter() - started
    record_property("seconds", round(elapsed, 3))
    assert len(parsed.unknown) == 50_000 and parsed.codes == []
    assert elapsed < 5


def test_at_most_seven_comparators() -> None:
    lads = AREAS.loc[AREAS["geography"] == "lad", "area_code"].head(9).tolist()
    parsed = parse_area_codes(",".join(lads), LABELS)
    assert MAX_COMPARATORS == 7
    assert parsed.codes == lads[:7] and parsed.over_limit == lads[7:]
    assert sanitise_choice(lads, set(lads)) == lads[:7]
    assert sanitise_choice(["x", lads[0], lads[0], lads[1]], set(lads)) == lads[:2]


def test_rows_for_areas_are_every_row_of_those_areas() -> None:
    expected = PARQUET[PARQUET["area_code"].isin(THREE)]
    assert len(ROWS) == len(expected)
    assert ROWS.index.sort_values().equals(expected.index.sort_values())
    assert rows_for_areas(PARQUET, POSITIONS, ["not-a-code"]).empty


# --- over time ---------------------------------------------------------------------------------------------


def test_indicator_choices_are_indicators_with_a_value_for_a_chosen_area() -> None:
    choices = indicator_choices(ROWS, METADATA)
    valued = PARQUET[PARQUET["area_code"].isin(THREE) & PARQUET["value"].notna()]
    assert set(choices) == set(valued["indicator"])
    assert choices == [key for key in METADATA if key in set(choices)]  # metadata order
    lep_only = indicator_choices(rows_for_areas(PARQUET, POSITIONS, [LEP]), METADATA)
    assert "claimant_rate" in choices and "claimant_rate" not in lep_only  # a LAD-only indicator


def test_series_hold_one_series_per_area_with_the_parquet_values() -> None:
    series = series_rows(ROWS, "gva_per_hour", THREE, LABELS)
    assert sorted(series["area_code"].unique()) == sorted(THREE)
    for code in THREE:
        expected = PARQUET[(PARQUET["indicator"] == "gva_per_hour") & (PARQUET["area_code"] == code)]
        expected = expected.dropna(subset=["value"]).set_index("period")["value"].sort_index()
        got = series[series["area_code"] == code].set_index("period")["value"]
        pd.testing.assert_series_equal(got, expected, check_names=False, check_index_type=False)
        assert set(series.loc[series["area_code"] == code, "area"]) == {LABELS[code]}
    assert (series.loc[series["area_code"] == LEP, "order"] == 0).all()


def test_areas_without_data_are_named() -> None:
    series = series_rows(ROWS, "claimant_rate", THREE, LABELS)
    have = set(PARQUET.loc[(PARQUET["indicator"] == "claimant_rate") & PARQUET["value"].notna(), "area_code"])
    expected = [LABELS[code] for code in THREE if code not in have]
    assert LABELS[LEP] in expected
    assert areas_without_data(series, THREE, LABELS) == expected


def test_spread_labels_keep_a_minimum_gap_and_the_order() -> None:
    assert spread_labels([1.0, 5.0, 9.0], 1.0) == [1.0, 5.0, 9.0]
    placed = spread_labels([10.0, 10.1, 9.95, 20.0], 1.0)
    ordered = sorted(placed)
    assert all(b - a >= 1.0 - 1e-9 for a, b in zip(ordered, ordered[1:], strict=False))
    assert [sorted(placed).index(p) for p in placed] == [1, 2, 0, 3]
    assert spread_labels([], 1.0) == []


def test_chart_has_lines_shapes_and_end_labels_for_each_area() -> None:
    codes = [LEP, LAD, ITL1, "ENG_EXCL_LONDON"]
    rows = rows_for_areas(PARQUET, POSITIONS, codes)
    series = series_rows(rows, "gva_per_hour", codes, LABELS)
    spec = time_series_chart(series, METADATA["gva_per_hour"], codes, LABELS, "subtitle").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "point", "text"]
    point = spec["layer"][1]["encoding"]
    assert len(set(point["shape"]["scale"]["range"])) == len(codes)
    assert point["color"]["scale"]["domain"] == [LABELS[code] for code in codes]
    assert spec["title"]["text"] == METADATA["gva_per_hour"].label
    assert any("Open Government Licence" in line for line in spec["title"]["subtitle"])
    ends = end_labels(series)
    assert list(ends["area_code"]) == codes
    latest = int(series["period"].max())
    assert (ends["period"] == latest).all()


# --- the table -------------------------------------------------------------------------------------------


def test_table_values_equal_the_parquet_for_three_levels() -> None:
    result = comparison_table(ROWS, METADATA, THREE, LABELS, 2023)
    table = result.table
    assert list(table.columns) == ["indicator", *(LABELS[c] for c in THREE), "unit", "polarity"]
    row = table.set_index("indicator").loc[METADATA["gva_per_hour"].label]
    for code in THREE:
        assert row[LABELS[code]] == pounds_cell(code, 2023)
    assert row[LABELS[LEP]].endswith("(provisional)")  # the LEP's 2023 value rests on provisional GVA
    assert row["unit"] == "£" and row["polarity"] == "higher is better"
    assert len(table) == len(indicator_choices(ROWS, METADATA))
    assert len(table) + len(result.no_data) == len(METADATA)


def test_suppressed_and_missing_cells_are_words() -> None:
    valued = PARQUET[PARQUET["area_code"].isin(THREE) & PARQUET["value"].notna()][["indicator", "period"]]
    suppressed = PARQUET[PARQUET["area_code"].isin(THREE) & (PARQUET["status"] == "suppressed")]
    suppressed = suppressed.merge(valued.drop_duplicates(), on=["indicator", "period"])  # year shown in the table
    assert len(suppressed), "the three areas have a suppressed value in a year with other values"
    hit = suppressed.iloc[0]
    table = comparison_table(ROWS, METADATA, THREE, LABELS, int(hit["period"])).table.set_index("indicator")
    row = table.loc[METADATA[hit["indicator"]].label]
    assert row[LABELS[hit["area_code"]]] == "suppressed"
    # The LEP has no claimant rate at all: "no data", never a number or zero.
    claimants = table.loc[METADATA["claimant_rate"].label]
    assert claimants[LABELS[LEP]] == "no data"


def test_table_falls_back_to_the_nearest_year_and_says_which() -> None:
    latest = int(
        PARQUET.loc[
            (PARQUET["indicator"] == "gva_per_hour") & PARQUET["area_code"].isin(THREE) & PARQUET["value"].notna(),
            "period",
        ].max()
    )
    result = comparison_table(ROWS, METADATA, THREE, LABELS, 2099)
    row = result.table.set_index("indicator").loc[METADATA["gva_per_hour"].label]
    assert row[LABELS[LAD]] == pounds_cell(LAD, latest, (str(latest),))
    assert METADATA["gva_per_hour"].label in result.other_year


@pytest.mark.parametrize(
    "value, status, text",
    [
        (None, "suppressed", "suppressed"),
        (None, "unavailable", "no data"),
        (None, "", "no data"),
        (1234.5, "provisional", "£1,234.50 (provisional)"),
        (1234.5, "derived", "£1,234.50"),
    ],
)
def test_cell_text(value: float | None, status: str, text: str) -> None:
    assert cell_text(value, status, "£", 2) == text


def test_each_cell_takes_its_own_latest_year_at_or_before_the_one_chosen() -> None:
    """Issue 11, defect 6: in 2023 the LEP has no APS employment rate (Nomis extracts end in 2022) while
    other areas do; its cell shows its 2022 figure with the year, never "no data" while 2022 exists."""
    rows = PARQUET[
        (PARQUET["indicator"] == "employment_rate_16_64") & (PARQUET["area_code"] == LEP) & PARQUET["value"].notna()
    ]
    assert (
        int(rows["period"].max()) == 2022
        and PARQUET[(PARQUET["indicator"] == "employment_rate_16_64") & (PARQUET["period"] == 2023)]["value"]
        .notna()
        .any()
    )
    result = comparison_table(ROWS, METADATA, THREE, LABELS, 2023)
    row = result.table.set_index("indicator").loc[METADATA["employment_rate_16_64"].label]
    value_2022 = float(rows.loc[rows["period"] == 2022, "value"].iloc[0])
    assert row[LABELS[LEP]] == f"{value_2022:.1f}% (2022)"
    lad_2023 = PARQUET[
        (PARQUET["indicator"] == "employment_rate_16_64") & (PARQUET["area_code"] == LAD) & (PARQUET["period"] == 2023)
    ]
    value, lci, uci = (float(lad_2023[column].iloc[0]) for column in ("value", "lci", "uci"))
    assert round(value - lci, 1) == round(uci - value, 1)
    # the chosen year, no bracket; the source's 95% interval as ± half its width
    assert row[LABELS[LAD]] == f"{value:.1f}% ± {value - lci:.1f}%"
    assert METADATA["employment_rate_16_64"].label in result.other_year
    # A year before any figure: the first later year, named.
    early = comparison_table(ROWS, METADATA, THREE, LABELS, 1990).table.set_index("indicator")
    assert early.loc[METADATA["gva_per_hour"].label, LABELS[LAD]].endswith("(2004)")
