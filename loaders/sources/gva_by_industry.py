"""Parser for ONS "Regional gross value added (balanced) by industry" tables.

The local-authority edition (twelve workbooks, one per ITL1 region) holds current-price GVA in
£ million in Table 3 and chained volume measures in £ million of a reference year's money value in
Table 2 (LOCAL_AUTHORITIES_CVM), one row per local authority and SIC07 industry, one column per year;
the two tables have the same rows and withhold the same cells. The
all-ITL edition's Table 3c has the same shape for ITL3 regions (ITL 2025 codes) and, unlike the LA
tables, withholds no manufacturing sub-sector, so it supplies the sub-sector mix of England, the UK
and the ITL1 regions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from loaders.errors import SourceFormatError
from loaders.sources.excel import find_header_row, read_grid, sheet_names
from loaders.sources.markers import classify_cell
from vocabulary import industries

# SIC07 cells as the LA workbooks write them (the industries are defined in vocabulary/industries.py)
TOTAL = industries.TOTAL.file_code
MANUFACTURING = industries.MANUFACTURING.file_code
MANUFACTURING_SUBSECTORS = tuple(row.file_code for row in industries.MANUFACTURING_SUBSECTIONS)
ITL3_SUBSECTORS = {  # Table 3c splits two of the LA groupings; sum the parts to compare like with like
    "CA-CB (10-15)": ("CA (10-12)", "CB (13-15)"),
    "CC (16-18)": ("CC (16-18)",),
    "CD-CG (19-23)": ("CD-CG (19-23)",),
    "CH (24-25)": ("CH (24-25)",),
    "CI-CL (26-30)": ("CI-CJ (26-27)", "CK-CL (28-30)"),
    "CM (31-33)": ("CM (31-33)",),
}


@dataclass(frozen=True)
class Layout:
    """Column names of one edition of the GVA-by-industry tables."""

    sheets: tuple[str, ...]  # accepted sheet names, first match wins
    code: str
    name: str
    industry: str
    description: str
    region: str | None
    measure: str = "current-price"  # what the title must say, for the error message
    title: str = r"current (basic )?price"  # a regular expression the sheet's title must match (any case)


LOCAL_AUTHORITIES = Layout(("Table 3",), "LA code", "LA name", "SIC07", "SIC07 description", "ITL1 region")
# Table 2: "chained volume measures in 2022 money value, pounds million" (Table 1 is the index, 2022 = 100)
LOCAL_AUTHORITIES_CVM = replace(
    LOCAL_AUTHORITIES,
    sheets=("Table 2",),
    measure="chained-volume (money value, £m)",
    title=r"chained volume measures in (19|20)\d{2} money value",
)
# The South East workbook's Notes: "some cells contain the letter [u]. This indicates a figure has been
# suppressed due to low reliability" (tables 1, 2 and 4: Southampton's AB chained volume measures).
LOW_RELIABILITY = frozenset({"[u]"})
MONEY_VALUE_YEAR = re.compile(r"in ((?:19|20)\d{2}) money value", re.IGNORECASE)
# The official workbook names the sheet "Table 3c"; the trimmed copy at hand calls it "Sheet1".
ITL3_TABLE_3C = Layout(("Table 3c", "Sheet1"), "ITL code", "Region name", "SIC07 code", "SIC07 description", None)


def read_gva_by_industry(
    path: str | Path, industries: Iterable[str] | None = None, layout: Layout = LOCAL_AUTHORITIES
) -> pd.DataFrame:
    """Tidy rows: itl1_region, area_code, area_name, industry, industry_name, period, value (£m), status.
    The sheet's title is kept in the frame's attrs["title"] (the CVM table names its money-value year there).

    Reads the local-authority workbooks' Table 3 (default) or Table 2 (layout=LOCAL_AUTHORITIES_CVM),
    or the all-ITL Table 3c (layout=ITL3_TABLE_3C, whose
    ITL1 is the first three characters of the code). `industries` keeps only those SIC07 codes (as
    written in the file, e.g. "C (10-33)"); a requested industry missing for any area is an error,
    because a share built on it would be wrong.
    """
    path = Path(path)
    available = {name.strip() for name in sheet_names(path)}
    table = next((name for name in layout.sheets if name in available), layout.sheets[0])
    grid = read_grid(path, table)
    title = str(grid.iat[0, 0])
    if not re.search(layout.title, title, re.IGNORECASE):
        raise SourceFormatError(path, f"title '{title}' is not the {layout.measure} table", sheet=table)
    header_row = find_header_row(grid, layout.region or layout.code, path, table)
    header = [_header_text(cell) for cell in grid.iloc[header_row]]
    required = [c for c in (layout.region, layout.code, layout.name, layout.industry, layout.description) if c]
    missing = [name for name in required if name not in header]
    if missing:
        raise SourceFormatError(path, f"missing column(s) {', '.join(missing)}", sheet=table)
    year_cols = [(i, int(text)) for i, text in enumerate(header) if re.fullmatch(r"(19|20)\d{2}", text)]
    if not year_cols:
        raise SourceFormatError(path, "no year columns", sheet=table)

    body = grid.iloc[header_row + 1 :].copy()
    body.columns = header
    body = body[body[layout.code].notna() & body[layout.industry].notna()]
    body[layout.industry] = body[layout.industry].astype(str).str.strip()
    body[layout.code] = body[layout.code].astype(str).str.strip()
    if industries is not None:
        wanted = list(industries)
        body = body[body[layout.industry].isin(wanted)]
        per_area = body.groupby(layout.code)[layout.industry].nunique()
        incomplete = per_area[per_area < len(wanted)]
        if body.empty or len(incomplete):
            raise SourceFormatError(path, f"industries {', '.join(wanted)} not all present for every area", sheet=table)
    if body.empty:
        raise SourceFormatError(path, "no data rows", sheet=table)

    records = []
    for row in body.itertuples(index=False, name=None):
        fields = dict(zip(header, row, strict=True))
        code = fields[layout.code]
        region = str(fields[layout.region]).strip() if layout.region else code[:3]
        for col, year in year_cols:
            parsed = classify_cell(row[col])
            if parsed is None and str(row[col]).strip().lower() in LOW_RELIABILITY:
                parsed = (math.nan, "suppressed")
            if parsed is None:
                raise SourceFormatError(
                    path,
                    f"{code} {fields[layout.industry]} {year}: unexpected text {row[col]!r}",
                    sheet=table,
                )
            records.append(
                (
                    region,
                    code,
                    str(fields[layout.name]).strip(),
                    fields[layout.industry],
                    str(fields[layout.description]).strip(),
                    year,
                    *parsed,
                )
            )
    frame = pd.DataFrame.from_records(
        records,
        columns=["itl1_region", "area_code", "area_name", "industry", "industry_name", "period", "value", "status"],
    )
    frame.attrs["title"] = title
    return frame


def _header_text(cell: object) -> str:
    if pd.isna(cell):
        return ""
    text = str(cell).strip()
    return text.removesuffix(".0") if re.fullmatch(r"\d{4}\.0", text) else text


def money_value_year(path: str | Path, title: str) -> int:
    """The reference year of a chained-volume table's "in 2022 money value" title."""
    found = MONEY_VALUE_YEAR.search(title)
    if found is None:
        raise SourceFormatError(path, f"title '{title}' names no money-value year")
    return int(found.group(1))
