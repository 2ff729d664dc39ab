"""BRES employment by industry beside GVA by industry: sections summed into the GVA tables' sections, a sum
missing where a part is, U only in the total, England excluding London as England minus London LEP; and the
committed table against the raw Nomis CSV cells, read here with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from loaders.build.industry_employment import SECTION_OF_BRES, employment_by_industry, with_employment
from loaders.sources.bres import SECTIONS as BRES_SECTIONS

REPO = Path(__file__).resolve().parents[3]
LONDON, NORTH_EAST = "E37000051", "E37000025"
NAMES = {
    "lep": {LONDON: "London", NORTH_EAST: "North East"},
    "lad21": {},
    "lad": {},
    "country": {"E92000001": "England"},
    "itl3": {"TLC11": "Hartlepool"},
}
LABEL = {letter: f"{letter} : Section {letter}" for letter in BRES_SECTIONS}


def bres(area_type: str, name: str, values: dict[str, float], code: str = "") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_type": area_type,
            "area_code": code,
            "area_name": name,
            "industry": [LABEL[letter] for letter in values],
            "period": 2019,
            "value": list(values.values()),
            "status": "",
        }
    )


def every_section(value: float, **overrides: float) -> dict[str, float]:
    return {letter: overrides.get(letter, value) for letter in BRES_SECTIONS}


def employment(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    out = employment_by_industry(frame, NAMES, Path("bres.csv"))
    return {(code, industry): value for code, industry, value in out[["area_code", "industry", "employment"]].values}


def test_sections_are_summed_into_the_gva_sections_and_u_counts_only_in_the_total() -> None:
    frame = bres("lep", "North East", every_section(100.0, A=10.0, B=5.0, D=1.0, E=2.0, U=7.0))
    got = employment(frame)
    assert got[(NORTH_EAST, "AB")] == 15.0 and got[(NORTH_EAST, "DE")] == 3.0 and got[(NORTH_EAST, "C")] == 100.0
    assert got[(NORTH_EAST, "Total")] == 10 + 5 + 1 + 2 + 7 + 100 * 16
    assert not any(industry == "U" for _, industry in got)
    assert set(SECTION_OF_BRES.values()) == {industry for _, industry in got} - {"Total"}


def test_a_sum_with_a_missing_part_is_missing_never_a_partial_sum() -> None:
    values = every_section(100.0)
    values["B"] = np.nan
    got = employment(bres("lep", "North East", values))
    assert np.isnan(got[(NORTH_EAST, "AB")]) and np.isnan(got[(NORTH_EAST, "Total")])
    assert got[(NORTH_EAST, "C")] == 100.0


def test_england_excluding_london_is_england_minus_london_lep() -> None:
    frame = pd.concat(
        [
            bres("country", "England", every_section(1000.0)),
            bres("lep", "London", every_section(300.0, C=20.0)),
            bres("nuts316", "Hartlepool", every_section(5.0), code="UKC11"),
        ]
    )
    got = employment(frame)
    assert got[("ENG_EXCL_LONDON", "C")] == 980.0 and got[("ENG_EXCL_LONDON", "F")] == 700.0
    assert got[("TLC11", "C")] == 5.0  # NUTS 2016 level 3 = ITL3 2021


def test_employment_sits_beside_gva_and_rows_without_gva_are_counted_not_added() -> None:
    table = pd.DataFrame(
        {"area_code": ["A1"], "geography": ["lep"], "period": [2019], "industry": ["C"], "gva_current": [5.0]}
    )
    jobs = pd.DataFrame(
        {
            "area_code": ["A1", "B2"],
            "geography": ["lep", "itl3"],
            "period": [2019, 2019],
            "industry": ["C", "C"],
            "employment": [200.0, 9.0],
        }
    )
    merged, facts = with_employment(table, jobs)
    assert len(merged) == 1 and merged["employment"].iloc[0] == 200.0
    assert facts["bres_rows_without_gva_row"] == {"rows": 1, "areas": ["B2"]}


def _raw_cell(path: Path, area: str, column: str) -> float:
    """One cell of a Nomis BRES CSV export, by its area label and column header."""
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    header = next(row for row in rows if row and row[0].strip() == "Area")
    position = [cell.strip() for cell in header].index(column)
    row = next(row for row in rows if row and row[0].strip() == area)
    return float(row[position])


@pytest.mark.parametrize("year", [2016, 2020])
def test_the_committed_table_has_the_raw_bres_cells(shared_data: Path, year: int) -> None:
    path = shared_data / "stats" / "nomis" / f"nomis_bres_employment_by_industry_england_lep_gb_nuts3_{year}.csv"
    table = pd.read_parquet(REPO / "regional_data" / "industry_gva.parquet")
    rows = table[(table["period"] == year) & table["employment"].notna()].set_index(["area_code", "industry"])
    cheshire = "E37000003"
    assert rows.loc[(cheshire, "C"), "employment"] == _raw_cell(
        path, "lep:Cheshire and Warrington", "C : Manufacturing"
    )
    mining = _raw_cell(path, "lep:Cheshire and Warrington", "B : Mining and quarrying")
    farming = _raw_cell(path, "lep:Cheshire and Warrington", "A : Agriculture, forestry and fishing")
    assert rows.loc[(cheshire, "AB"), "employment"] == mining + farming
    england_c = _raw_cell(path, "country:England", "C : Manufacturing")
    london_c = _raw_cell(path, "lep:London", "C : Manufacturing")
    assert rows.loc[("ENG_EXCL_LONDON", "C"), "employment"] == england_c - london_c
    assert rows.loc[("E92000001", "Total"), "employment"] > rows.loc[("E92000001", "C"), "employment"] * 5
