"""ONS regional GVA by industry, local authority workbooks: real files and broken inputs."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from loaders.errors import SourceFormatError
from loaders.sources.gva_by_industry import (
    LOCAL_AUTHORITIES_CVM,
    MANUFACTURING,
    MANUFACTURING_SUBSECTORS,
    TOTAL,
    money_value_year,
    read_gva_by_industry,
)

FOLDER = "stats/gva_gdp/gva_by_industry_local_authority"


@pytest.fixture(scope="module")
def gva(shared_data: Path) -> pd.DataFrame:
    files = sorted((shared_data / FOLDER).glob("*.xlsx"))
    assert len(files) == 12
    return pd.concat([read_gva_by_industry(f, [TOTAL, MANUFACTURING, *MANUFACTURING_SUBSECTORS]) for f in files])


def _total(gva: pd.DataFrame, industry: str, year: int, prefix: str = "E", region: str | None = None) -> float:
    rows = gva[(gva["industry"] == industry) & (gva["period"] == year) & gva["area_code"].str.startswith(prefix)]
    if region:
        rows = rows[rows["itl1_region"] == region]
    return float(rows["value"].sum())


def test_every_uk_local_authority_once(gva: pd.DataFrame) -> None:
    totals = gva[gva["industry"] == TOTAL]
    assert totals["area_code"].nunique() == 361
    assert totals.groupby("area_code")["period"].nunique().eq(26).all()  # 1998-2023


def test_england_total_and_manufacturing_share(gva: pd.DataFrame) -> None:
    # PROVENANCE: sum of England's 296 LAs in 2023 = £2,113,330m; manufacturing 8.9%.
    assert _total(gva, TOTAL, 2023) == pytest.approx(2_113_330)
    assert _total(gva, MANUFACTURING, 2023) / _total(gva, TOTAL, 2023) == pytest.approx(0.089, abs=0.0005)
    north_east = _total(gva, MANUFACTURING, 2023, region="North East") / _total(gva, TOTAL, 2023, region="North East")
    assert north_east == pytest.approx(0.141, abs=0.0005)


def test_subsectors_sum_to_manufacturing_where_published(gva: pd.DataFrame) -> None:
    wide = gva[gva["period"] == 2023].pivot_table(index="area_code", columns="industry", values="value")
    complete = wide[list(MANUFACTURING_SUBSECTORS)].notna().all(axis=1)
    gap = (wide.loc[complete, list(MANUFACTURING_SUBSECTORS)].sum(axis=1) - wide.loc[complete, MANUFACTURING]).abs()
    assert complete.sum() > 300
    assert gap.max() <= 3  # £m rounding of six published parts


def test_withheld_subsectors_are_suppressed_not_zero(gva: pd.DataFrame) -> None:
    withheld = gva[gva["status"] == "suppressed"]
    assert len(withheld) > 0
    assert withheld["value"].isna().all()
    assert set(withheld["industry"]) <= set(MANUFACTURING_SUBSECTORS)


def _workbook(
    path: Path,
    header: list,
    rows: list[list],
    title: str = "Table 3: GVA current price estimates, £m",
    sheet: str = "Table 3",
) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


HEADER = ["ITL1 region", "LA code", "LA name", "SIC07", "SIC07 description", 2022, 2023]


def test_small_workbook_parses_with_markers(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "ok.xlsx",
        HEADER,
        [
            ["North East", "E06000001", "Hartlepool", "Total", "All industries", 1457, 1614],
            ["North East", "E06000001", "Hartlepool", "CC (16-18)", "Wood", "[c]", 3],
        ],
    )
    frame = read_gva_by_industry(path)
    assert frame.loc[(frame["industry"] == "Total") & (frame["period"] == 2023), "value"].item() == 1614
    withheld = frame[(frame["industry"] == "CC (16-18)") & (frame["period"] == 2022)].iloc[0]
    assert pd.isna(withheld["value"]) and withheld["status"] == "suppressed"


def test_missing_column_and_wrong_table(tmp_path: Path) -> None:
    no_sic = [h for h in HEADER if h != "SIC07"]
    path = _workbook(tmp_path / "nocode.xlsx", no_sic, [["NE", "E06000001", "H", "x", 1, 2]])
    with pytest.raises(SourceFormatError, match=r"nocode\.xlsx, sheet 'Table 3': missing column\(s\) SIC07"):
        read_gva_by_industry(path)
    volume = _workbook(tmp_path / "cvm.xlsx", HEADER, [], title="Table 2: chained volume measures")
    with pytest.raises(SourceFormatError, match=r"cvm\.xlsx.*not the current-price table"):
        read_gva_by_industry(volume)
    other = _workbook(tmp_path / "sheet.xlsx", HEADER, [], sheet="Table 9")
    with pytest.raises(SourceFormatError, match=r"sheet\.xlsx: sheet 'Table 3' not found"):
        read_gva_by_industry(other)


def test_requested_industry_missing_for_an_authority(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "partial.xlsx",
        HEADER,
        [
            ["North East", "E06000001", "Hartlepool", "Total", "All", 1, 2],
            ["North East", "E06000001", "Hartlepool", "C (10-33)", "Manufacturing", 1, 1],
            ["North East", "E06000002", "Middlesbrough", "Total", "All", 3, 4],
        ],
    )
    with pytest.raises(SourceFormatError, match=r"partial\.xlsx.*not all present for every area"):
        read_gva_by_industry(path, [TOTAL, MANUFACTURING])


def test_text_where_a_number_belongs(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "text.xlsx", HEADER, [["NE", "E06000001", "H", "Total", "All", "n.a.", 2]])
    with pytest.raises(SourceFormatError, match=r"text\.xlsx.*E06000001 Total 2022: unexpected text 'n\.a\.'"):
        read_gva_by_industry(path)


def test_chained_volume_table_of_a_real_workbook(shared_data: Path) -> None:
    """Table 2 (CVM, 2022 money value): PROVENANCE Hartlepool's total is £1,289m in 1998;
    the South East workbook withholds Southampton's AB volumes as "[u]" (low reliability), not its prices."""
    north_east = next((shared_data / FOLDER).glob("*tlcnortheast.xlsx"))
    cvm = read_gva_by_industry(north_east, None, LOCAL_AUTHORITIES_CVM)
    hartlepool = cvm[(cvm["area_code"] == "E06000001") & (cvm["industry"] == TOTAL)].set_index("period")["value"]
    assert hartlepool[1998] == 1289
    assert money_value_year(north_east, cvm.attrs["title"]) == 2022
    assert cvm["industry"].nunique() == 49 and cvm["status"].eq("").all()
    south_east = next((shared_data / FOLDER).glob("*tljsoutheast.xlsx"))
    volumes = read_gva_by_industry(south_east, ["AB (1-9)"], LOCAL_AUTHORITIES_CVM)
    prices = read_gva_by_industry(south_east, ["AB (1-9)"])
    southampton = volumes[volumes["area_code"] == "E06000045"]
    assert southampton["status"].eq("suppressed").all() and southampton["value"].isna().all()
    assert prices.loc[prices["area_code"] == "E06000045", "value"].notna().all()


def test_chained_volume_layout_refuses_the_index_and_the_price_tables(tmp_path: Path) -> None:
    rows = [["North East", "E06000001", "Hartlepool", "Total", "All industries", 1457, "[u]"]]
    index = _workbook(
        tmp_path / "index.xlsx",
        HEADER,
        rows,
        title="Table 1: ... chained volume measures index, 2022 equals 100",
        sheet="Table 2",
    )
    with pytest.raises(SourceFormatError, match=r"index\.xlsx, sheet 'Table 2': title .* is not the chained-volume"):
        read_gva_by_industry(index, None, LOCAL_AUTHORITIES_CVM)
    prices = _workbook(tmp_path / "prices.xlsx", HEADER, rows, sheet="Table 2")
    with pytest.raises(SourceFormatError, match=r"prices\.xlsx.*is not the chained-volume"):
        read_gva_by_industry(prices, None, LOCAL_AUTHORITIES_CVM)
    good = _workbook(
        tmp_path / "cvm.xlsx",
        HEADER,
        rows,
        title="Table 2: chained volume measures in 2022 money value",
        sheet="Table 2",
    )
    frame = read_gva_by_industry(good, None, LOCAL_AUTHORITIES_CVM)
    assert frame["value"].iloc[0] == 1457 and frame["status"].tolist() == ["", "suppressed"]
    with pytest.raises(SourceFormatError, match=r"cvm\.xlsx: title 'Table 2' names no money-value year"):
        money_value_year(good, "Table 2")
