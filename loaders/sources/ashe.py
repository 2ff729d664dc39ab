"""Parser for ONS ASHE geography tables: table 7 (place of work) and table 8 (place of residence).

Layout (same in the .xlsx and .xls editions): a title block, a header row starting
``Description``, then one row per area with ``Code``, ``Number of jobs (thousand)``, ``Median``,
annual % change, ``Mean``, annual % change and percentiles, then footnotes. The header row is
found, not assumed; rows without a GSS code ("Not Classified", footnotes) are dropped.

What is read from the workbook itself:

* table number from the title ("Table 7.1a", "Table 8.5a"): 7 -> ``basis="workplace"``,
  8 -> ``"residence"`` (ONS's "Work Geography" / "Home Geography" tables); sub-table 1 ->
  ``measure="weekly_gross"``, 5 -> ``"hourly_gross"``, cross-checked against "weekly"/"hourly"
  in the title;
* survey year from the title ("... United Kingdom, 2024"). The 2023 table 8 ``.xls`` workbooks
  state no year anywhere (title, notes or sheet names), so for such files the caller must pass
  ``period=``; a ``period`` that contradicts the title is an error.

Markers (from the workbook's Notes key): ``x`` = CV > 20 % (unreliable) and ``..`` = disclosive
-> ``"suppressed"``; ``:`` not applicable, ``.`` unavailable and ``-`` nil or negligible ->
``"unavailable"``. Each gives NaN, never 0. CV bands 5-10 % / 10-20 % are shown only by cell
colour, which this parser does not read. A title containing "provisional" marks published
values ``"provisional"``; the shipped files do not say so in their content (only ONS's original
file names, "PROV - ...", did), so the caller should label the source as provisional.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from loaders.errors import SourceFormatError
from loaders.sources.excel import find_header_row, read_grid

OUTPUT_COLUMNS: tuple[str, ...] = (
    "area_code",
    "area_name",
    "period",
    "basis",
    "measure",
    "jobs_thousands",
    "median",
    "mean",
    "status_median",
    "status_mean",
)

MARKERS: dict[str, str] = {
    "x": "suppressed",
    "..": "suppressed",
    ":": "unavailable",
    ".": "unavailable",
    "-": "unavailable",
}
_BASIS_BY_TABLE: dict[str, str] = {"7": "workplace", "8": "residence"}
_MEASURE_BY_SUBTABLE: dict[str, tuple[str, str]] = {
    "1": ("weekly_gross", "weekly"),
    "5": ("hourly_gross", "hourly"),
}
_TABLE_RE = re.compile(r"\bTable\s+(\d+)\.(\d+)([a-z]?)\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"\b(?:19|20)\d{2}\b")
_GSS_RE = re.compile(r"^[EWSNK]\d{8}$")


def read_ashe_table(path: str | Path, sheet: str = "All", period: int | None = None) -> pd.DataFrame:
    """One sheet of an ASHE table 7/8 workbook as a tidy frame with columns OUTPUT_COLUMNS.

    `period` is needed only when the workbook does not state its survey year (see module doc).
    """
    path = Path(path)
    grid = read_grid(path, sheet)
    header = find_header_row(grid, "Description", path, sheet)
    title = _title_text(grid, header)
    basis, measure = _basis_and_measure(title, path, sheet)
    year = _survey_year(title, period, path, sheet)
    columns = _locate_columns(grid, header, path, sheet)
    body = grid.iloc[header + 1 :]
    codes = body.iloc[:, columns["code"]].astype("string").str.strip()
    rows = body[codes.fillna("").str.match(_GSS_RE)]
    if rows.empty:
        raise SourceFormatError(path, "no area rows with a GSS code below the header", sheet=sheet)
    provisional = "provisional" in title.lower()
    jobs, _ = _numbers(rows.iloc[:, columns["jobs"]], "Number of jobs", provisional, path, sheet)
    median, status_median = _numbers(rows.iloc[:, columns["median"]], "Median", provisional, path, sheet)
    mean, status_mean = _numbers(rows.iloc[:, columns["mean"]], "Mean", provisional, path, sheet)
    tidy = pd.DataFrame(
        {
            "area_code": codes[rows.index].astype(str),
            "area_name": rows.iloc[:, 0].astype("string").str.strip().astype(str),
            "period": year,
            "basis": basis,
            "measure": measure,
            "jobs_thousands": jobs,
            "median": median,
            "mean": mean,
            "status_median": status_median,
            "status_mean": status_mean,
        }
    )
    duplicated = tidy["area_code"].duplicated()
    if duplicated.any():
        raise SourceFormatError(path, f"area code {tidy['area_code'][duplicated].iloc[0]} appears twice", sheet=sheet)
    return tidy.reset_index(drop=True)


def _title_text(grid: pd.DataFrame, header: int) -> str:
    """All text above the header row, joined: ONS splits the title over one or two cells."""
    cells = grid.iloc[:header].stack()
    return " ".join(str(cell).strip() for cell in cells if isinstance(cell, str))


def _basis_and_measure(title: str, path: Path, sheet: str) -> tuple[str, str]:
    match = _TABLE_RE.search(title)
    if not match:
        raise SourceFormatError(path, f"title does not name an ASHE table ('{title[:80]}')", sheet=sheet)
    table, subtable = match.group(1), match.group(2)
    if table not in _BASIS_BY_TABLE:
        raise SourceFormatError(path, f"ASHE table {table} is not a geography table (expected 7 or 8)", sheet=sheet)
    if subtable not in _MEASURE_BY_SUBTABLE:
        raise SourceFormatError(
            path,
            f"ASHE table {table}.{subtable} is not supported (only .1 weekly and .5 hourly gross pay)",
            sheet=sheet,
        )
    measure, word = _MEASURE_BY_SUBTABLE[subtable]
    if word not in title.lower():
        raise SourceFormatError(path, f"table {table}.{subtable} title does not mention '{word}' pay", sheet=sheet)
    return _BASIS_BY_TABLE[table], measure


def _survey_year(title: str, period: int | None, path: Path, sheet: str) -> int:
    without_table = _TABLE_RE.sub(" ", title)
    years = sorted({int(year) for year in _YEAR_RE.findall(without_table)})
    if len(years) > 1:
        raise SourceFormatError(path, f"title names several years {years}", sheet=sheet)
    if years:
        if period is not None and period != years[0]:
            raise SourceFormatError(path, f"title says {years[0]} but period={period} was given", sheet=sheet)
        return years[0]
    if period is None:
        raise SourceFormatError(path, "survey year not stated in the workbook title; pass period=", sheet=sheet)
    return int(period)


def _locate_columns(grid: pd.DataFrame, header: int, path: Path, sheet: str) -> dict[str, int]:
    """Column positions from the header row, with the two rows above for the split jobs label."""
    block = grid.iloc[max(header - 2, 0) : header + 1].astype("string").fillna("")
    labels = [" ".join(block.iloc[:, i].str.strip()).strip().lower() for i in range(block.shape[1])]
    found: dict[str, int] = {}
    for key, test in (
        ("code", lambda text: text.endswith("code")),
        ("jobs", lambda text: "jobs" in text and "thousand" in text),
        ("median", lambda text: text.endswith("median")),
        ("mean", lambda text: text.endswith("mean")),
    ):
        hits = [i for i, text in enumerate(labels) if test(text)]
        if not hits:
            names = {"code": "Code", "jobs": "Number of jobs (thousand)", "median": "Median", "mean": "Mean"}
            raise SourceFormatError(path, f"column '{names[key]}' not found in header row {header + 1}", sheet=sheet)
        found[key] = hits[0]
    return found


def _numbers(cells: pd.Series, column: str, provisional: bool, path: Path, sheet: str) -> tuple[pd.Series, pd.Series]:
    text = cells.astype("string").str.strip().fillna("")
    values = pd.to_numeric(cells.where(text != "", None), errors="coerce")
    markers = text.where(values.isna(), "")
    unknown = markers[(markers != "") & ~markers.isin(list(MARKERS))]
    if len(unknown):
        row = unknown.index[0]
        raise SourceFormatError(
            path, f"column '{column}': unexpected value '{unknown.iloc[0]}' in row {row + 1}", sheet=sheet
        )
    blank = values.isna() & (markers == "")
    if blank.any():
        raise SourceFormatError(path, f"column '{column}': empty cell in row {blank.idxmax() + 1}", sheet=sheet)
    published = "provisional" if provisional else ""
    status = markers.map(lambda marker: MARKERS.get(marker, published)).astype(str)
    return values.astype("float64"), status


__all__ = ["MARKERS", "OUTPUT_COLUMNS", "read_ashe_table"]
