"""Nomis xlsx block extracts: real-file figures from PROVENANCE sections 12-15, and broken inputs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from loaders.errors import SourceFormatError
from loaders.sources import nomis

T01 = "nomis/nomis_aps_T01_econ_activity_16to64_england_lep_lad_2018_2022.xlsx"
T19 = "nomis/nomis_aps_T19_qualifications_nvq_england_lep_lad_2017_2021.xlsx"
T13A = "nomis/nomis_aps_T13a_employment_by_industry_england_lep_lad_2018_2022.xlsx"
UBC_ALL = "nomis/nomis_ubc_enterprises_by_sizeband_england_lep_lad_2018_2022.xlsx"
UBC_IND = "nomis/nomis_ubc_enterprises_by_industry_sizeband_england_lep_lad_2018_2022.xlsx"
STATUSES = {"", "suppressed", "unavailable", "unreliable"}


@cache
def blocks(path: Path) -> pd.DataFrame:
    """Each real file is parsed once per test session (test_area_names reuses this cache)."""
    return nomis.read_nomis_blocks(path)


def one(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    rows = frame[mask]
    assert len(rows) == 1, f"{where} matched {len(rows)} rows"
    return rows.iloc[0]


# --- real files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "periods", "variables", "ladu"),
    [
        (T01, range(2018, 2023), 7, 363),
        (T19, range(2017, 2022), 63, 363),
        (T13A, range(2018, 2023), 9, 363),
        (UBC_ALL, range(2018, 2023), 5, 374),
    ],
)
def test_block_shapes(stats_dir: Path, relative: str, periods: range, variables: int, ladu: int) -> None:
    frame = blocks(stats_dir / relative)
    assert list(frame.columns) == nomis.BLOCK_COLUMNS
    assert sorted(frame["period"].unique()) == list(periods)
    assert frame["variable"].nunique() == variables
    per_period = frame.drop_duplicates(["period", "area_type", "area_name"]).groupby(["period", "area_type"]).size()
    for period in periods:
        assert per_period[(period, "country")] == 1
        assert per_period[(period, "lep")] == 38
        assert per_period[(period, "ladu")] == ladu
        assert per_period[(period, "User Defined Geography")] == 48
    assert set(frame["status"]) <= STATUSES
    assert (frame["value"].dropna() >= 0).all()


@pytest.mark.parametrize("relative", [T01, T19, T13A])
def test_aps_flags_never_become_numbers(stats_dir: Path, relative: str) -> None:
    frame = blocks(stats_dir / relative)
    hidden = frame["status"].isin(["suppressed", "unavailable"])
    assert hidden.any()
    assert frame.loc[hidden, "value"].isna().all()
    assert frame.loc[~hidden, "value"].notna().all()
    unreliable = frame[frame["status"] == "unreliable"]
    assert len(unreliable) > 0
    assert unreliable["value"].notna().all() and unreliable["conf"].isna().all()
    assert frame.loc[frame["status"] == "", "conf"].notna().all()


def test_t01_flag_counts_and_examples(stats_dir: Path) -> None:
    frame = blocks(stats_dir / T01)
    # 402 "!" and 7 "~" number cells; 901 numbers with "*" in conf; 35 "-" cells (Isles of Scilly).
    assert frame["status"].value_counts().to_dict() == {
        "": 14405,
        "unreliable": 901,
        "suppressed": 409,
        "unavailable": 35,
    }
    scilly = frame[(frame["area_name"] == "Isles of Scilly") & (frame["period"] == 2022)]
    assert set(scilly["status"]) == {"unavailable"} and scilly["value"].isna().all()
    england = one(frame, period=2022, area_name="England", variable="T01:28 (Aged 16-64 - In employment : All People )")
    assert england["date_label"] == "Jan 2022-Dec 2022"
    assert england["block_label"] == ""
    assert england["area_type"] == "country"
    assert england["value"] > 2.5e7 and england["conf"] > 0


def test_aps_employment_rates(stats_dir: Path) -> None:
    rates = nomis.aps_employment_rates(stats_dir / T01)
    assert list(rates.columns) == nomis.INDICATOR_COLUMNS
    emp = rates[rates["indicator"] == "employment_rate_16_64"]
    act = rates[rates["indicator"] == "economic_activity_rate_16_64"]
    pop = rates[rates["indicator"] == "population_16_64"]
    assert one(emp, area_name="England", period=2022)["value"] == pytest.approx(75.8, abs=0.05)
    assert one(emp, area_name="England", period=2019)["value"] == pytest.approx(76.0, abs=0.05)
    assert one(act, area_name="England", period=2022)["value"] == pytest.approx(78.7, abs=0.05)
    assert one(emp, area_type="lep", area_name="North East", period=2022)["value"] == pytest.approx(70.4, abs=0.05)
    assert one(emp, area_type="lep", area_name="London", period=2022)["value"] == pytest.approx(76.2, abs=0.05)
    assert one(emp, area_type="ladu", area_name="Hartlepool", period=2022)["value"] == pytest.approx(68.1, abs=0.05)
    england_pop = one(pop, area_name="England", period=2022)
    assert england_pop["value"] == 34_994_700
    assert england_pop["lci"] < england_pop["value"] < england_pop["uci"]
    assert emp["lci"].isna().all()
    valid = emp.dropna(subset=["value"])
    assert valid["value"].between(30, 100).all()
    scilly = one(emp, area_name="Isles of Scilly", period=2022)
    assert np.isnan(scilly["value"]) and scilly["status"] == "unavailable"


def test_aps_qualifications_nvq4(stats_dir: Path) -> None:
    strict = nomis.aps_qualifications_nvq4(stats_dir / T19)
    assert set(strict["indicator"]) == {"qualifications_nvq4_plus"}
    assert one(strict, area_name="England", period=2021)["value"] == pytest.approx(43.2, abs=0.05)
    assert one(strict, area_type="lep", area_name="North East", period=2021)["value"] == pytest.approx(34.9, abs=0.05)
    assert one(strict, area_type="lep", area_name="London", period=2021)["value"] == pytest.approx(59.0, abs=0.05)
    assert sorted(strict["period"].unique()) == list(range(2017, 2022))
    # Some small districts have a suppressed category: strict gives NaN, never a share of a partial total.
    hidden = strict[strict["status"] == "suppressed"]
    assert len(hidden) > 0 and hidden["value"].isna().all()
    partial = nomis.aps_qualifications_nvq4(stats_dir / T19, partial_total=True)
    flagged = partial[partial["status"] == "partial"]
    assert len(flagged) == len(hidden) and flagged["value"].notna().all()


def test_aps_manufacturing_share(stats_dir: Path) -> None:
    strict = nomis.aps_manufacturing_employment_share(stats_dir / T13A)
    england = one(strict, area_name="England", period=2022)
    assert england["value"] == pytest.approx(2_309_900 / 27_540_200 * 100)
    assert england["status"] == ""
    assert one(strict, area_type="lep", area_name="London", period=2022)["value"] == pytest.approx(3.1, abs=0.05)
    # Black Country (agriculture "!") and Pendle (four groups "!") have no complete total.
    for area in ["Black Country", "Pendle"]:
        row = one(strict, area_name=area, period=2022)
        assert np.isnan(row["value"]) and row["status"] == "suppressed"
    partial = nomis.aps_manufacturing_employment_share(stats_dir / T13A, partial_total=True)
    black_country = one(partial, area_type="lep", area_name="Black Country", period=2022)
    assert black_country["value"] == pytest.approx(13.9, abs=0.05) and black_country["status"] == "partial"
    pendle = one(partial, area_type="ladu", area_name="Pendle", period=2022)
    assert pendle["value"] == pytest.approx(27.7, abs=0.05) and pendle["status"] == "partial"
    assert one(partial, area_name="England", period=2022)["status"] == ""


def test_ubc_all_industries(stats_dir: Path) -> None:
    ubc = nomis.ubc_enterprises_by_sizeband(stats_dir / UBC_ALL)
    assert list(ubc.columns) == nomis.UBC_COLUMNS
    assert set(ubc["industry"]) == {"All"}
    assert set(ubc["sizeband"]) == {"total", "micro", "small", "medium", "large"}
    assert one(ubc, area_name="England", period=2018, sizeband="total")["value"] == 2_318_060
    assert one(ubc, area_name="England", period=2022, sizeband="total")["value"] == 2_408_040
    assert set(ubc["status"]) == {""}
    wide = ubc.pivot_table(index=["area_type", "area_name", "period"], columns="sizeband", values="value")
    bands = wide[["micro", "small", "medium", "large"]].sum(axis=1)
    # Counts are rounded to 5 separately, so bands add up to the total within a few rounding steps.
    assert ((bands - wide["total"]).abs() <= 20).all()


def test_ubc_by_industry(stats_dir: Path) -> None:
    ubc = nomis.ubc_enterprises_by_sizeband(stats_dir / UBC_IND)
    assert ubc["industry"].nunique() == 18
    manufacturing = ubc[(ubc["industry"] == "3 : Manufacturing (C)") & (ubc["sizeband"] == "total")]
    assert one(manufacturing, area_name="England", period=2022)["value"] == 118_695
    assert one(manufacturing, area_type="lep", area_name="Black Country", period=2022)["value"] == 3_330
    assert (ubc["value"] >= 0).all()
    assert sorted(ubc["period"].unique()) == list(range(2018, 2023))


@pytest.mark.parametrize(
    ("label", "year"),
    [
        ("Jan 2018-Dec 2018", 2018),
        ("Apr 2021-Mar 2022", 2022),
        ("March 2022", 2022),
        ("2022", 2022),
        ("x", None),
    ],
)
def test_period_from_label(label: str, year: int | None) -> None:
    assert nomis.period_from_label(label) == year


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
    ubc = nomis.ubc_enterprises_by_sizeband(path)
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
        nomis.ubc_enterprises_by_sizeband(path)


def test_renamed_column_raises(tmp_path: Path) -> None:
    renamed = [T01_VARS[0], T01_VARS[1], "T01:29 (Aged 16-64 - In work : All People )"]
    path = write_nomis(
        tmp_path / "t01_renamed.xlsx",
        renamed,
        [("country:England", [(100, None, 1), (80, None, 1), (75, None, 1)])],
    )
    with pytest.raises(SourceFormatError, match=r"t01_renamed\.xlsx.*T01:28"):
        nomis.aps_employment_rates(path)


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
    rates = nomis.aps_employment_rates(path).set_index(["indicator", "area_name"])
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
