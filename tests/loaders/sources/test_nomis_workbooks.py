"""Nomis xlsx block extracts: small workbooks written by the tests, in the layouts of the real files and broken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from loaders.errors import SourceFormatError
from loaders.sources import nomis, nomis_tables
from tests.loaders.sources.test_nomis import one

# --- small workbooks written by the tests --------------------------------------------------


def write_nomis(
    path: Path,
    variables: list[str],
    rows: list[tuple[str, list[tuple[object, object, object]]]],
    *,
    meta: tuple[tuple[str, object], ...] = (("date", "Jan 2022-Dec 2022"), ("confidence", "95% (+/-)")),
    area_header: str = "Area",
    subheaders: tuple[str, ...] | None = ("number", "Flags", "conf"),
    sheet: str = "Data",
    blocks_count: int = 1,
) -> Path:
    """A Nomis-style workbook: title rows, meta rows, Area header, optional sub-headers, data, footnote."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    width = len(subheaders) if subheaders else 1
    for _ in range(blocks_count):
        ws.append(["annual population survey"])
        ws.append(["ONS Crown Copyright Reserved [from Nomis on 24 April 2023]"])
        ws.append([])
        for key, value in meta:
            ws.append([key, value])
        ws.append([])
        header: list[object] = [area_header]
        for variable in variables:
            header += [variable] + [None] * (width - 1)
        ws.append(header)
        if subheaders:
            ws.append([None] + list(subheaders) * len(variables))
        for label, cells in rows:
            line: list[object] = [label]
            for cell in cells:
                line += list(cell[:width])
            ws.append(line)
        ws.append([])
        ws.append(["! Estimate and confidence interval not available"])
        ws.append([])
    book.save(path)
    return path


T01_VARS = [
    "T01:22 (Aged 16-64 - All : All People )",
    "T01:25 (Aged 16-64 - Economically active : All People )",
    "T01:28 (Aged 16-64 - In employment : All People )",
]


def test_markers_become_nan_with_status(tmp_path: Path) -> None:
    path = write_nomis(
        tmp_path / "markers.xlsx",
        ["A", "B", "C"],
        [
            ("country:England", [(1000, None, 50), (800, None, "*"), ("!", None, "!")]),
            ("ladu:Small Place", [("~", None, "*"), ("-", None, "-"), ("..", None, None)]),
            ("ladu:Other Place", [("x", None, None), (None, None, None), (0, None, 0)]),
            ("ladu:Flagged", [(500, "#", 10), ("1,234", None, 5), ("*", None, None)]),
        ],
    )
    frame = nomis.read_nomis_blocks(path).set_index(["area_name", "variable"])
    expected = {
        ("England", "A"): (1000.0, ""),
        ("England", "B"): (800.0, "unreliable"),
        ("England", "C"): (np.nan, "suppressed"),
        ("Small Place", "A"): (np.nan, "suppressed"),
        ("Small Place", "B"): (np.nan, "unavailable"),
        ("Small Place", "C"): (np.nan, "unavailable"),
        ("Other Place", "A"): (np.nan, "unavailable"),
        ("Other Place", "B"): (np.nan, "unavailable"),
        ("Other Place", "C"): (0.0, ""),
        ("Flagged", "A"): (np.nan, "suppressed"),
        ("Flagged", "B"): (1234.0, ""),
        ("Flagged", "C"): (np.nan, "suppressed"),
    }
    for key, (value, status) in expected.items():
        row = frame.loc[key]
        assert row["status"] == status, key
        if np.isnan(value):
            assert np.isnan(row["value"]), key
        else:
            assert row["value"] == value, key
    assert frame.loc[("England", "A"), "conf"] == 50
    assert np.isnan(frame.loc[("England", "B"), "conf"])
    assert not (frame.loc[frame["status"] != "", "value"] == 0).any()


def test_unknown_marker_raises(tmp_path: Path) -> None:
    path = write_nomis(tmp_path / "odd.xlsx", ["A"], [("country:England", [("n/k", None, None)])])
    with pytest.raises(SourceFormatError, match=r"odd\.xlsx.*unrecognised value 'n/k'"):
        nomis.read_nomis_blocks(path)


def test_ubc_layout_without_subheaders_and_blocks(tmp_path: Path) -> None:
    path = tmp_path / "ubc.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    for year, industry in [(2021, "3 : Manufacturing (C)"), (2022, "3 : Manufacturing (C)"), (2022, "Total")]:
        ws.append(["UK Business Counts"])
        ws.append([])
        ws.append(["date", year])
        ws.append(["industry", industry])
        ws.append(["legal status", "Total"])
        ws.append([])
        ws.append(
            [
                "Area",
                "Total",
                "Micro (0 to 9)",
                "Small (10 to 49)",
                "Medium-sized (50 to 249)",
                "Large (250+)",
            ]
        )
        ws.append(["lep:Black Country", 100, 80, 15, 5, 0])
        ws.append(["ladu:Dudley", 40, 30, 10, 0, 0])
        ws.append([])
        ws.append(["All figures are rounded to avoid disclosure."])
    book.save(path)
    ubc = nomis_tables.ubc_enterprises_by_sizeband(path)
    assert len(ubc) == 3 * 2 * 5
    assert set(ubc["industry"]) == {"3 : Manufacturing (C)", "All"}
    assert one(ubc, industry="All", area_name="Dudley", sizeband="small", period=2022)["value"] == 10
    large = one(ubc, industry="3 : Manufacturing (C)", area_name="Dudley", sizeband="large", period=2021)
    assert large["value"] == 0 and large["status"] == ""


def test_ubc_unknown_sizeband(tmp_path: Path) -> None:
    path = write_nomis(
        tmp_path / "ubc_bad.xlsx",
        ["Total", "Tiny (0 to 1)"],
        [("country:England", [(5,), (4,)])],
        meta=(("date", 2022), ("industry", "Total")),
        subheaders=None,
    )
    with pytest.raises(SourceFormatError, match=r"ubc_bad\.xlsx.*size band.*Tiny"):
        nomis_tables.ubc_enterprises_by_sizeband(path)


def test_renamed_column_raises(tmp_path: Path) -> None:
    renamed = [T01_VARS[0], T01_VARS[1], "T01:29 (Aged 16-64 - In work : All People )"]
    path = write_nomis(
        tmp_path / "t01_renamed.xlsx",
        renamed,
        [("country:England", [(100, None, 1), (80, None, 1), (75, None, 1)])],
    )
    with pytest.raises(SourceFormatError, match=r"t01_renamed\.xlsx.*T01:28"):
        nomis_tables.aps_employment_rates(path)


def test_small_t01_rates(tmp_path: Path) -> None:
    path = write_nomis(
        tmp_path / "t01.xlsx",
        T01_VARS,
        [
            ("country:England", [(1000, None, 10), (800, None, 9), (750, None, 8)]),
            ("ladu:Tiny", [(100, None, 5), ("!", None, "!"), (60, None, "*")]),
        ],
        blocks_count=1,
    )
    rates = nomis_tables.aps_employment_rates(path).set_index(["indicator", "area_name"])
    assert rates.loc[("employment_rate_16_64", "England"), "value"] == pytest.approx(75.0)
    assert rates.loc[("employment_rate_16_64", "Tiny"), "status"] == "unreliable"
    assert rates.loc[("employment_rate_16_64", "Tiny"), "value"] == pytest.approx(60.0)
    activity = rates.loc[("economic_activity_rate_16_64", "Tiny")]
    assert np.isnan(activity["value"]) and activity["status"] == "suppressed"


def test_missing_sheet(tmp_path: Path) -> None:
    path = write_nomis(tmp_path / "sheetless.xlsx", ["A"], [("country:England", [(1, None, 1)])], sheet="Other")
    with pytest.raises(SourceFormatError, match=r"sheetless\.xlsx.*sheet 'Data' not found"):
        nomis.read_nomis_blocks(path)


def test_missing_area_header(tmp_path: Path) -> None:
    path = write_nomis(tmp_path / "noarea.xlsx", ["A"], [("country:England", [(1, None, 1)])], area_header="Region")
    with pytest.raises(SourceFormatError, match=r"noarea\.xlsx.*no 'Area' header"):
        nomis.read_nomis_blocks(path)


def test_missing_date_row(tmp_path: Path) -> None:
    path = write_nomis(tmp_path / "nodate.xlsx", ["A"], [("country:England", [(1, None, 1)])], meta=(("when", "x"),))
    with pytest.raises(SourceFormatError, match=r"nodate\.xlsx.*no 'date' row"):
        nomis.read_nomis_blocks(path)


def test_bad_area_label(tmp_path: Path) -> None:
    path = write_nomis(tmp_path / "label.xlsx", ["A"], [("England", [(1, None, 1)])])
    with pytest.raises(SourceFormatError, match=r"label\.xlsx.*'England'.*type:name"):
        nomis.read_nomis_blocks(path)


def test_unknown_subheader(tmp_path: Path) -> None:
    path = write_nomis(
        tmp_path / "sub.xlsx",
        ["A"],
        [("country:England", [(1, None, 1)])],
        subheaders=("numbr", "Flags", "conf"),
    )
    with pytest.raises(SourceFormatError, match=r"sub\.xlsx.*expected number / Flags / conf"):
        nomis.read_nomis_blocks(path)


def test_duplicate_area_raises(tmp_path: Path) -> None:
    path = write_nomis(tmp_path / "dup.xlsx", ["A"], [("ladu:Same", [(1, None, 1)]), ("ladu:Same", [(2, None, 1)])])
    with pytest.raises(SourceFormatError, match=r"dup\.xlsx.*'ladu:Same' appears twice"):
        nomis.read_nomis_blocks(path)


def test_blank_row_inside_block(tmp_path: Path) -> None:
    path = write_nomis(
        tmp_path / "gap.xlsx",
        ["A"],
        [("country:England", [(1, None, 1)]), ("", []), ("ladu:Later", [(2, None, 1)])],
    )
    with pytest.raises(SourceFormatError, match=r"gap\.xlsx.*'ladu:Later'.*outside any block"):
        nomis.read_nomis_blocks(path)


def test_boolean_cell_is_not_a_number(tmp_path: Path) -> None:
    path = write_nomis(tmp_path / "bool.xlsx", ["A"], [("country:England", [(True, None, 1)])])
    with pytest.raises(SourceFormatError, match=r"bool\.xlsx.*TRUE/FALSE"):
        nomis.read_nomis_blocks(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(SourceFormatError, match=r"empty\.xlsx.*empty"):
        nomis.read_nomis_blocks(path)


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"<html>this is not a workbook</html>" * 10)
    with pytest.raises(SourceFormatError, match=r"fake\.xlsx.*cannot be read as a spreadsheet"):
        nomis.read_nomis_blocks(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"absent\.xlsx.*not found"):
        nomis.read_nomis_blocks(tmp_path / "absent.xlsx")
