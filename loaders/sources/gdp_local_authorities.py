"""Parser for ONS "Regional gross domestic product (GDP): local authorities" (April 2025 edition).

The LAD population source for the dashboard (Table 6) and the LAD GVA/GDP levels. Each table
sheet has a title row, a header ``ITL1 Region | LA code | LA name | 1998 | ... | 2023`` (years as
numbers, the last sometimes as text) and one row per local authority (361: England 296, Wales
22, Scotland 32, Northern Ireland 11). ONS writes ``[u]`` ("suppressed due to uncertainty",
note 5) for Northern Ireland's 2023 population and GDP per head; those become NaN with
status "suppressed", never 0. Region labels carry trailing spaces ("North East "): stripped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from loaders.errors import SourceFormatError
from loaders.sources.excel import find_header_row, read_grid

OUTPUT_COLUMNS: tuple[str, ...] = ("area_code", "area_name", "itl1_region", "period", "value", "status")

# Sheet -> (unit, words the title must contain). The title check stops a renumbered edition
# from silently returning, say, VAT where GVA was meant.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Table 1": ("£ million", ("gross value added", "current basic prices", "pounds million")),
    "Table 5": ("£ million", ("gross domestic product", "current market prices", "pounds million")),
    "Table 6": ("persons", ("resident population", "persons")),
    "Table 7": ("£", ("per head", "current market prices", "pounds")),
}
MARKERS: dict[str, str] = {"[u]": "suppressed", "u": "suppressed", "[x]": "unavailable", "x": "unavailable"}
_LA_CODE_RE = re.compile(r"^[EWSN]\d{8}$")


def table_unit(table: str) -> str:
    """The unit of a supported table ("£ million", "persons" or "£")."""
    return TABLES[_table_key(table)][0]


def read_gdp_la_table(path: str | Path, table: str) -> pd.DataFrame:
    """One table of the workbook in long form (one row per LA per year), columns OUTPUT_COLUMNS."""
    path = Path(path)
    key = _table_key(table, path)
    grid = read_grid(path, key)
    header = find_header_row(grid, "ITL1 Region", path, key)
    _check_title(grid, header, key, path)
    columns = [str(cell).strip() for cell in grid.iloc[header]]
    if columns[1:3] != ["LA code", "LA name"]:
        raise SourceFormatError(
            path, f"expected 'LA code', 'LA name' after 'ITL1 Region', found {columns[1:3]}", sheet=key
        )
    years = _year_columns(grid.iloc[header, 3:], path, key)
    body = grid.iloc[header + 1 :]
    body = body[body.iloc[:, 1].notna()]
    codes = body.iloc[:, 1].astype("string").str.strip()
    bad = codes[~codes.str.match(_LA_CODE_RE)]
    if len(bad):
        raise SourceFormatError(path, f"'{bad.iloc[0]}' in row {bad.index[0] + 1} is not an LA code", sheet=key)
    if codes.duplicated().any():
        raise SourceFormatError(path, f"LA code {codes[codes.duplicated()].iloc[0]} appears twice", sheet=key)
    wide = pd.DataFrame(
        {
            "area_code": codes.astype(str),
            "area_name": body.iloc[:, 2].astype("string").str.strip().astype(str),
            "itl1_region": body.iloc[:, 0].astype("string").str.strip().astype(str),
        }
    )
    for position, year in years.items():
        wide[year] = body.iloc[:, position]
    long = wide.melt(id_vars=["area_code", "area_name", "itl1_region"], var_name="period", value_name="raw")
    value, status = _values(long["raw"], long, path, key)
    return pd.DataFrame(
        {
            "area_code": long["area_code"],
            "area_name": long["area_name"],
            "itl1_region": long["itl1_region"],
            "period": long["period"].astype("int64"),
            "value": value,
            "status": status,
        }
    )


def _table_key(table: str, path: Path | None = None) -> str:
    key = " ".join(str(table).split()).title()
    if key not in TABLES:
        problem = f"table '{table}' is not supported (choose from {', '.join(TABLES)})"
        if path is None:
            raise KeyError(problem)
        raise SourceFormatError(path, problem)
    return key


def _check_title(grid: pd.DataFrame, header: int, key: str, path: Path) -> None:
    title = " ".join(str(cell) for cell in grid.iloc[:header].stack() if isinstance(cell, str)).lower()
    missing = [word for word in TABLES[key][1] if word not in title]
    if missing:
        raise SourceFormatError(path, f"title does not describe the expected table (missing {missing})", sheet=key)


def _year_columns(cells: pd.Series, path: Path, sheet: str) -> dict[int, int]:
    """Column position -> year; accepts 2023, 2023.0 and "2023" (ONS mixes them)."""
    years: dict[int, int] = {}
    for position, cell in cells.items():
        if pd.isna(cell) or str(cell).strip() == "":
            continue
        text = str(cell).strip().removesuffix(".0")
        if not re.fullmatch(r"(19|20)\d{2}", text):
            raise SourceFormatError(path, f"header cell '{cell}' is not a year", sheet=sheet)
        years[int(position)] = int(text)
    if not years:
        raise SourceFormatError(path, "no year columns in the header row", sheet=sheet)
    if len(set(years.values())) != len(years):
        raise SourceFormatError(path, "a year column appears twice", sheet=sheet)
    return years


def _values(raw: pd.Series, long: pd.DataFrame, path: Path, sheet: str) -> tuple[pd.Series, pd.Series]:
    text = raw.astype("string").str.strip().fillna("")
    value = pd.to_numeric(raw.where(text != "", None), errors="coerce")
    marker = text.where(value.isna(), "").str.lower()
    unknown = value.isna() & ~marker.isin(list(MARKERS))
    if unknown.any():
        row = unknown.idxmax()
        found = text[row] or "an empty cell"
        raise SourceFormatError(
            path,
            f"{found!s} for {long.at[row, 'area_code']} in {long.at[row, 'period']} is not a number",
            sheet=sheet,
        )
    status = marker.map(lambda m: MARKERS.get(m, "")).astype(str)
    return value.astype("float64"), status


__all__ = ["MARKERS", "OUTPUT_COLUMNS", "TABLES", "read_gdp_la_table", "table_unit"]
