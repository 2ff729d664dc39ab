"""BRES CSV exports and employees workbooks: PROVENANCE section 16 figures, and broken inputs."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from loaders.errors import SourceFormatError
from loaders.sources import bres

CSV = "nomis/nomis_bres_employment_by_industry_england_lep_gb_nuts3_{year}.csv"
STACKED = "nomis/nomis_bres_employees_sic_section_gb_nuts3_2015_2021.xlsx"
SINGLE = "nomis/nomis_bres_employees_sic_section_gb_itl3_2023.xlsx"
SECTION_NAMES = [f"{letter} : Section {letter}" for letter in bres.SECTIONS]


@cache
def read_csv(path: Path) -> pd.DataFrame:
    return bres.read_bres_csv(path)


def value(frame: pd.DataFrame, **where: object) -> float:
    mask = np.ones(len(frame), dtype=bool)
    for column, wanted in where.items():
        mask &= (frame[column] == wanted).to_numpy()
    assert mask.sum() == 1, f"{where} matched {mask.sum()} rows"
    return float(frame.loc[mask, "value"].iloc[0])


# --- real files ------------------------------------------------------------------------------


@pytest.mark.parametrize("year", range(2016, 2021))
def test_csv_shape(stats_dir: Path, year: int) -> None:
    frame = read_csv(stats_dir / CSV.format(year=year))
    assert list(frame.columns) == bres.BRES_COLUMNS
    assert set(frame["period"]) == {year}
    areas = frame.drop_duplicates(["area_type", "area_name"])["area_type"].value_counts().to_dict()
    assert areas == {"country": 1, "lep": 38, "nuts316": 168}
    assert frame["industry"].nunique() == 21 + 18
    sections = {bres.sic_section(name) for name in frame["industry"]} - {None}
    assert sections == set(bres.SECTIONS)
    assert (frame["value"] >= 0).all() and frame["value"].notna().all()
    nuts = frame[frame["area_type"] == "nuts316"]
    assert nuts["area_code"].str.fullmatch(r"UK[C-N]\w{2,3}").all()
    assert (frame.loc[frame["area_type"] != "nuts316", "area_code"] == "").all()


def test_csv_labels_and_flags(stats_dir: Path) -> None:
    frame = read_csv(stats_dir / CSV.format(year=2016))
    row = frame[(frame["area_code"] == "UKC11") & (frame["industry"] == "C : Manufacturing")].iloc[0]
    assert row["area_name"] == "Hartlepool and Stockton-on-Tees"
    # "*" = figures exclude farm agriculture: Scottish NUTS3 in section A and broad group 1, 2016-17.
    partial = frame[frame["status"] == "partial"]
    assert len(partial) == 46
    assert partial["area_code"].str.startswith("UKM").all()
    assert set(partial["industry"].map(lambda name: name.split(" : ")[0])) == {"A", "1"}
    assert partial["value"].notna().all()
    assert set(read_csv(stats_dir / CSV.format(year=2019))["status"]) == {""}


def test_csv_manufacturing_share(stats_dir: Path) -> None:
    f2019 = read_csv(stats_dir / CSV.format(year=2019))
    f2020 = read_csv(stats_dir / CSV.format(year=2020))
    assert value(f2019, area_name="England", industry="C : Manufacturing") == 2_113_000
    sections = f2019[f2019["industry"].map(bres.sic_section).notna() & (f2019["area_name"] == "England")]
    assert sections["value"].sum() == 27_148_000
    share = bres.bres_manufacturing_share(pd.concat([f2019, f2020]))
    assert list(share.columns) == bres.SHARE_COLUMNS
    assert value(share, area_name="England", period=2019) == pytest.approx(2_113_000 / 27_148_000 * 100)
    assert value(share, area_name="England", period=2020) == pytest.approx(2_024_000 / 26_673_000 * 100)
    lep2020 = share[(share["area_type"] == "lep") & (share["period"] == 2020)]
    assert value(lep2020, area_name="Black Country") == pytest.approx(13.6, abs=0.05)
    assert value(lep2020, area_name="North East") == pytest.approx(10.0, abs=0.05)
    assert value(lep2020, area_name="London") == pytest.approx(2.2, abs=0.05)
    assert len(share) == 2 * 207


def test_year_argument_overrides_file_name(stats_dir: Path) -> None:
    frame = bres.read_bres_csv(stats_dir / CSV.format(year=2018), year=2099)
    assert set(frame["period"]) == {2099}


def test_stacked_employees_workbook(stats_dir: Path) -> None:
    frame = bres.read_bres_employees_xlsx(stats_dir / STACKED)
    assert list(frame.columns) == bres.BRES_COLUMNS
    assert frame.groupby("period")["area_code"].nunique().to_dict() == dict.fromkeys(range(2015, 2022), 168)
    assert set(frame["area_type"]) == {"nuts316"}
    assert frame["industry"].nunique() == 21
    assert frame["area_code"].str.fullmatch(r"UK[C-N]\w{2,3}").all()
    manufacturing = frame[frame["industry"] == "C : Manufacturing"].groupby("period")["value"].sum()
    assert manufacturing[2015] == 2_350_950
    assert manufacturing[2021] == 2_293_250
    assert set(frame["status"]) == {"", "partial"}
    assert (frame["value"] >= 0).all()
    share = bres.bres_manufacturing_share(frame, indicator="manufacturing_employee_share")
    assert set(share["indicator"]) == {"manufacturing_employee_share"}
    assert len(share) == 7 * 168
    assert share["value"].notna().all()


def test_single_itl3_workbook(stats_dir: Path) -> None:
    frame = bres.read_bres_employees_xlsx(stats_dir / SINGLE)
    assert set(frame["period"]) == {2023}
    assert set(frame["area_type"]) == {"itl321"}
    assert frame["area_code"].nunique() == 168
    assert frame["area_code"].str.fullmatch(r"TL[C-N]\w{2,3}").all()
    hartlepool = frame[(frame["area_code"] == "TLC11") & (frame["industry"] == "C : Manufacturing")]
    assert hartlepool["area_name"].iloc[0] == "Hartlepool and Stockton-on-Tees"
    assert frame.loc[frame["industry"] == "C : Manufacturing", "value"].sum() == 2_349_950
    assert frame["value"].sum() == 31_324_825


# --- small files written by the tests ------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow([""] + ["number", "Flags"] * ((len(header) - 1) // 2))
        writer.writerows(rows)
    return path


def csv_header(names: list[str] = SECTION_NAMES) -> list[str]:
    header = ["Area"]
    for name in names:
        header += [name, "Flags"]
    return header


def csv_row(label: str, numbers: list[object], flags: dict[int, str] | None = None) -> list[object]:
    row: list[object] = [label]
    for i, number in enumerate(numbers):
        row += [number, (flags or {}).get(i, "")]
    return row


def test_csv_markers_and_share(tmp_path: Path) -> None:
    ones = [100] * 21
    with_marker = ones.copy()
    with_marker[3] = "!"
    path = write_csv(
        tmp_path / "bres_2019.csv",
        csv_header(),
        [
            csv_row("country:England", ones),
            csv_row("lep:Somewhere", with_marker),
            csv_row("nuts316:UKM65 Orkney Islands", ones, flags={0: "*"}),
        ],
    )
    frame = bres.read_bres_csv(path)
    assert set(frame["period"]) == {2019}
    hidden = frame[(frame["area_name"] == "Somewhere") & (frame["industry"] == "D : Section D")].iloc[0]
    assert np.isnan(hidden["value"]) and hidden["status"] == "suppressed"
    orkney = frame[frame["area_code"] == "UKM65"]
    assert orkney.loc[orkney["industry"] == "A : Section A", "status"].iloc[0] == "partial"
    share = bres.bres_manufacturing_share(frame).set_index("area_name")
    assert share.loc["England", "value"] == pytest.approx(100 / 21)
    assert np.isnan(share.loc["Somewhere", "value"]) and share.loc["Somewhere", "status"] == "suppressed"
    assert share.loc["Orkney Islands", "status"] == "partial"


def test_csv_missing_section_column(tmp_path: Path) -> None:
    names = SECTION_NAMES.copy()
    names[2] = "Manufacturing"
    path = write_csv(tmp_path / "bres_2019.csv", csv_header(names), [csv_row("country:England", [1] * 21)])
    with pytest.raises(SourceFormatError, match=r"bres_2019\.csv.*section column\(s\) C missing"):
        bres.read_bres_csv(path)


def test_csv_missing_flags_column(tmp_path: Path) -> None:
    header = csv_header()
    header[2] = "Notes"
    path = write_csv(tmp_path / "bres_2019.csv", header, [csv_row("country:England", [1] * 21)])
    with pytest.raises(SourceFormatError, match=r"bres_2019\.csv.*'A : Section A' is not followed by a 'Flags'"):
        bres.read_bres_csv(path)


def test_csv_first_column_not_area(tmp_path: Path) -> None:
    header = csv_header()
    header[0] = "Geography"
    path = write_csv(tmp_path / "bres_2019.csv", header, [csv_row("country:England", [1] * 21)])
    with pytest.raises(SourceFormatError, match=r"bres_2019\.csv.*'Geography', expected 'Area'"):
        bres.read_bres_csv(path)


def test_csv_unknown_marker(tmp_path: Path) -> None:
    numbers: list[object] = [1] * 21
    numbers[5] = "about 10"
    path = write_csv(tmp_path / "bres_2019.csv", csv_header(), [csv_row("country:England", numbers)])
    with pytest.raises(SourceFormatError, match=r"bres_2019\.csv.*F : Section F.*unrecognised value 'about 10'"):
        bres.read_bres_csv(path)


def test_csv_bad_label_and_ragged_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bres_2019.csv", csv_header(), [csv_row("England", [1] * 21)])
    with pytest.raises(SourceFormatError, match=r"bres_2019\.csv.*'England' is not 'type:name'"):
        bres.read_bres_csv(path)
    path = write_csv(tmp_path / "bres_2018.csv", csv_header(), [csv_row("country:England", [1] * 20)])
    with pytest.raises(SourceFormatError, match=r"bres_2018\.csv.*different number of cells"):
        bres.read_bres_csv(path)


def test_csv_nuts_label_without_code(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bres_2019.csv", csv_header(), [csv_row("nuts316:Hartlepool", [1] * 21)])
    with pytest.raises(SourceFormatError, match=r"bres_2019\.csv.*'nuts316:Hartlepool' lacks the NUTS/ITL code"):
        bres.read_bres_csv(path)


def test_csv_without_year(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bres.csv", csv_header(), [csv_row("country:England", [1] * 21)])
    with pytest.raises(SourceFormatError, match=r"bres\.csv.*no year"):
        bres.read_bres_csv(path)
    assert set(bres.read_bres_csv(path, year=2020)["period"]) == {2020}


def test_csv_empty_and_binary(tmp_path: Path) -> None:
    empty = tmp_path / "bres_2019.csv"
    empty.write_bytes(b"")
    with pytest.raises(SourceFormatError, match=r"bres_2019\.csv.*empty"):
        bres.read_bres_csv(empty)
    binary = tmp_path / "bres_2020.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(SourceFormatError, match=r"bres_2020\.csv.*not a UTF-8 CSV"):
        bres.read_bres_csv(binary)
    with pytest.raises(SourceFormatError, match=r"missing_2020\.csv.*not found"):
        bres.read_bres_csv(tmp_path / "missing_2020.csv")


def test_share_needs_all_sections(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bres_2019.csv", csv_header(), [csv_row("country:England", [1] * 21)])
    frame = bres.read_bres_csv(path)
    without_u = frame[frame["industry"] != "U : Section U"]
    with pytest.raises(SourceFormatError, match=r"lacks some SIC sections"):
        bres.bres_manufacturing_share(without_u)


def write_single(
    path: Path,
    *,
    geography: str = "international territorial levels - level 3 (as of Jan 2021)",
    gap: bool = False,
) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    ws.append(["Business Register and Employment Survey : open access"])
    ws.append([])
    ws.append(["date", 2023])
    ws.append(["employment status", "Employees"])
    ws.append([])
    ws.append([geography, *csv_header()[1:]])
    ws.append([None] + ["number", "Flags"] * 21)
    ws.append(csv_row("TLC11 Hartlepool and Stockton-on-Tees", [10] * 21))
    if gap:
        ws.append([])
    ws.append(csv_row("TLC12 South Teesside", [5] * 21, flags={0: "*"}))
    ws.append([])
    ws.append(["The level of rounding applied varies by estimate."])
    book.save(path)
    return path


def test_single_workbook_small(tmp_path: Path) -> None:
    frame = bres.read_bres_employees_xlsx(write_single(tmp_path / "bres_itl3.xlsx"))
    assert len(frame) == 2 * 21
    assert set(frame["area_code"]) == {"TLC11", "TLC12"}
    assert set(frame["period"]) == {2023}
    assert (frame["status"] == "partial").sum() == 1


def test_single_workbook_blank_row_inside(tmp_path: Path) -> None:
    path = write_single(tmp_path / "bres_gap.xlsx", gap=True)
    with pytest.raises(SourceFormatError, match=r"bres_gap\.xlsx.*after the block ended"):
        bres.read_bres_employees_xlsx(path)


def test_single_workbook_unknown_geography(tmp_path: Path) -> None:
    path = write_single(tmp_path / "bres_geo.xlsx", geography="local authority: district")
    with pytest.raises(SourceFormatError, match=r"bres_geo\.xlsx.*no geography header row"):
        bres.read_bres_employees_xlsx(path)


def test_stacked_workbook_with_shifted_year(tmp_path: Path) -> None:
    path = tmp_path / "bres_stacked.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    ws.append(["year", "ITL_code", *[c if c != "Flags" else None for c in csv_header()[1:]]])
    for year, shift in [(2015, False), (2016, True)]:
        names = SECTION_NAMES[::-1] if shift else SECTION_NAMES
        ws.append([None, "date", year])
        ws.append([None, "nuts 2016 level 3", *csv_header(names)[1:]])
        ws.append([None, None] + ["number", "Flags"] * 21)
        ws.append([year, *csv_row("UKC11 Hartlepool and Stockton-on-Tees", [1] * 21)])
    book.save(path)
    with pytest.raises(SourceFormatError, match=r"bres_stacked\.xlsx.*header differs"):
        bres.read_bres_employees_xlsx(path)


def test_xlsx_missing_sheet_and_not_a_workbook(tmp_path: Path) -> None:
    path = write_single(tmp_path / "bres_sheet.xlsx")
    with pytest.raises(SourceFormatError, match=r"bres_sheet\.xlsx.*sheet 'Employees' not found"):
        bres.read_bres_employees_xlsx(path, sheet="Employees")
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceFormatError, match=r"fake\.xlsx.*cannot be read"):
        bres.read_bres_employees_xlsx(fake)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("UKC11 Hartlepool and Stockton-on-Tees", ("UKC11", "Hartlepool and Stockton-on-Tees")),
        ("TLE22 North Yorkshire CC", ("TLE22", "North Yorkshire CC")),
        ("North East", ("", "North East")),
    ],
)
def test_split_coded_label(label: str, expected: tuple[str, str]) -> None:
    assert bres.split_coded_label(label) == expected


def test_sic_section() -> None:
    assert bres.sic_section("C : Manufacturing") == "C"
    assert bres.sic_section("3 : Manufacturing (C)") is None
    assert bres.sic_section("Manufacturing") is None
