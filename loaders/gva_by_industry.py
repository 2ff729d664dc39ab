"""Parser for ONS "Regional gross value added (balanced) by industry: local authorities by ITL1 region".

Twelve workbooks (one per ITL1 region) share one layout: Table 3 holds current-price GVA in
£ million, one row per local authority and SIC07 industry, one column per year. Current prices are
what productivity (GVA per hour) and industry shares are built from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from loaders.errors import SourceFormatError
from loaders.excel import find_header_row, read_grid
from loaders.markers import classify_cell

CURRENT_PRICES_TABLE = "Table 3"
TOTAL = "Total"
MANUFACTURING = "C (10-33)"
MANUFACTURING_SUBSECTORS = (
    "CA-CB (10-15)",
    "CC (16-18)",
    "CD-CG (19-23)",
    "CH (24-25)",
    "CI-CL (26-30)",
    "CM (31-33)",
)
_REQUIRED = ("ITL1 region", "LA code", "LA name", "SIC07", "SIC07 description")


def read_gva_by_industry(
    path: str | Path, industries: Iterable[str] | None = None, table: str = CURRENT_PRICES_TABLE
) -> pd.DataFrame:
    """Tidy rows: itl1_region, area_code, area_name, industry, industry_name, period, value (£m), status.

    `industries` keeps only those SIC07 codes (as written in the file, e.g. "C (10-33)"); a requested
    industry missing for any local authority is an error, because a share built on it would be wrong.
    """
    path = Path(path)
    grid = read_grid(path, table)
    title = str(grid.iat[0, 0]).lower()
    if table == CURRENT_PRICES_TABLE and "current price" not in title:
        raise SourceFormatError(path, f"title '{grid.iat[0, 0]}' is not the current-price table", sheet=table)
    header_row = find_header_row(grid, "ITL1 region", path, table)
    header = [_header_text(cell) for cell in grid.iloc[header_row]]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise SourceFormatError(path, f"missing column(s) {', '.join(missing)}", sheet=table)
    year_cols = [(i, int(text)) for i, text in enumerate(header) if re.fullmatch(r"(19|20)\d{2}", text)]
    if not year_cols:
        raise SourceFormatError(path, "no year columns", sheet=table)

    body = grid.iloc[header_row + 1 :].copy()
    body.columns = header
    body = body[body["LA code"].notna() & body["SIC07"].notna()]
    body["SIC07"] = body["SIC07"].astype(str).str.strip()
    body["LA code"] = body["LA code"].astype(str).str.strip()
    if industries is not None:
        wanted = list(industries)
        body = body[body["SIC07"].isin(wanted)]
        per_area = body.groupby("LA code")["SIC07"].nunique()
        incomplete = per_area[per_area < len(wanted)]
        if body.empty or len(incomplete):
            raise SourceFormatError(
                path, f"industries {', '.join(wanted)} not all present for every local authority", sheet=table
            )
    if body.empty:
        raise SourceFormatError(path, "no data rows", sheet=table)

    records = []
    for row in body.itertuples(index=False, name=None):
        fields = dict(zip(header, row, strict=True))
        for col, year in year_cols:
            parsed = classify_cell(row[col])
            if parsed is None:
                raise SourceFormatError(
                    path,
                    f"{fields['LA code']} {fields['SIC07']} {year}: unexpected text {row[col]!r}",
                    sheet=table,
                )
            records.append(
                (
                    str(fields["ITL1 region"]).strip(),
                    fields["LA code"],
                    str(fields["LA name"]).strip(),
                    fields["SIC07"],
                    str(fields["SIC07 description"]).strip(),
                    year,
                    *parsed,
                )
            )
    return pd.DataFrame.from_records(
        records,
        columns=["itl1_region", "area_code", "area_name", "industry", "industry_name", "period", "value", "status"],
    )


def _header_text(cell: object) -> str:
    if pd.isna(cell):
        return ""
    text = str(cell).strip()
    return text.removesuffix(".0") if re.fullmatch(r"\d{4}\.0", text) else text
