"""Parsers for Nomis Business Register and Employment Survey (BRES) downloads.

Three layouts:

* CSV exports `nomis_bres_employment_by_industry_england_lep_gb_nuts3_YYYY.csv` (one year each,
  Nomis header lines stripped, so the file starts at the `Area` row). They give *employment*
  (employees + working owners) for the 21 SIC 2007 sections ("C : Manufacturing") *and* the 18 broad
  industry groups ("3 : Manufacturing (C)"), each followed by a Flags column. Summing all columns
  would double count; use `sic_section()` to keep the sections.
* The stacked employees workbook (2015-2021, NUTS3 2016): a `year | ITL_code | sections...` header
  added by a re-user, with each year's original Nomis header lines kept inside the sheet.
* A single Nomis employees download (2023, ITL3 as of Jan 2021).

BRES is workplace-based. Flags: "*" = "these figures exclude farm agriculture (SIC subclass 01000)"
(Scottish section A before 2018) -> the number is kept with status "partial". Other markers follow
loaders.sources.nomis (suppressed / unavailable, NaN, never zero).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import SourceFormatError, read_csv_text
from loaders.sources.excel import read_grid
from loaders.sources.nomis import STATUS_ORDER, parse_cells

BRES_COLUMNS = ["area_type", "area_code", "area_name", "industry", "period", "value", "status"]
SHARE_COLUMNS = ["indicator", "area_type", "area_code", "area_name", "period", "value", "status"]
BRES_ANNOTATIONS: dict[str, str] = {"*": "partial"}
SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")

_SECTION = re.compile(r"^\s*([A-U])\s*:\s*\S")
_CODED_LABEL = re.compile(r"^\s*([A-Z]{2}[A-Z0-9]{1,3})\s+(.+?)\s*$")
_AREA_LABEL = re.compile(r"^\s*([^:]+?)\s*:\s*(.+?)\s*$")
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# The geography header of a Nomis download -> the area_type prefix Nomis uses in CSV labels.
_GEOGRAPHY_HEADERS = {
    "nuts 2016 level 3": "nuts316",
    "international territorial levels - level 3 (as of jan 2021)": "itl321",
}


def sic_section(industry: str) -> str | None:
    """The SIC 2007 section letter of a column such as "C : Manufacturing", or None for a broad
    group ("3 : Manufacturing (C)") - the two families overlap and must not be summed together."""
    match = _SECTION.match(industry)
    return match.group(1) if match else None


def split_coded_label(label: str) -> tuple[str, str]:
    """("UKC11", "Hartlepool and Stockton-on-Tees") from "UKC11 Hartlepool and Stockton-on-Tees";
    ("", label) when the label does not start with a NUTS/ITL code."""
    match = _CODED_LABEL.match(label)
    return (match.group(1), match.group(2)) if match else ("", label.strip())


def _year_from_name(path: Path) -> int | None:
    years = _FILE_YEAR.findall(path.stem)
    return int(years[-1]) if years else None


def read_bres_csv(path: str | Path, year: int | None = None) -> pd.DataFrame:
    """One BRES CSV export as BRES_COLUMNS, for both SIC sections and broad groups.

    `year` defaults to the last year in the file name: the export itself does not say which year it
    is (its Nomis header lines were stripped).
    """
    path = Path(path)
    period = year if year is not None else _year_from_name(path)
    if period is None:
        raise SourceFormatError(path, "no year given and none in the file name")
    rows = _csv_rows(path)
    header = [cell.strip() for cell in rows[0]]
    if not header or header[0] != "Area":
        raise SourceFormatError(path, f"first column is '{header[0] if header else ''}', expected 'Area'")
    industries = _industry_columns(header, path)
    body = [row for row in rows[1:] if row and row[0].strip()]
    if not body:
        raise SourceFormatError(path, "no area rows below the header")
    width = len(header)
    short = [row[0] for row in body if len(row) != width]
    if short:
        raise SourceFormatError(path, f"row for '{short[0]}' has a different number of cells than the header")
    labels = [row[0].strip() for row in body]
    parsed = [_AREA_LABEL.match(label) for label in labels]
    bad = [label for label, match in zip(labels, parsed, strict=True) if match is None]
    if bad:
        raise SourceFormatError(path, f"area label '{bad[0]}' is not 'type:name'")
    area_types = [m.group(1) for m in parsed if m]
    coded = [split_coded_label(m.group(2)) if _is_coded(m.group(1)) else ("", m.group(2)) for m in parsed if m]
    uncoded = [
        label
        for (code, _), m, label in zip(coded, parsed, labels, strict=True)
        if m and _is_coded(m.group(1)) and not code
    ]
    if uncoded:
        raise SourceFormatError(path, f"area label '{uncoded[0]}' lacks the NUTS/ITL code its type promises")
    cells = np.array(body, dtype=object)
    return _tidy(
        cells,
        industries,
        area_types,
        [code for code, _ in coded],
        [name for _, name in coded],
        np.full(len(body), period),
        path,
        lambda i: f"area '{labels[i]}'",
    )


def _is_coded(area_type: str) -> bool:
    return area_type.lower().startswith(("nuts", "itl"))


def _csv_rows(path: Path) -> list[list[str]]:
    text = read_csv_text(path)
    try:
        return list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise SourceFormatError(path, f"cannot be parsed as CSV ({exc})") from exc


def _industry_columns(header: list[str], path: Path, offset: int = 1) -> list[tuple[str, int, int]]:
    """(industry, number column, Flags column) for a header of `industry | Flags` pairs starting at
    `offset`. All 21 SIC sections must be there, otherwise shares would silently change meaning."""
    columns = []
    position = offset
    while position < len(header):
        name = header[position].strip()
        if not name:
            position += 1
            continue
        flags = position + 1
        if flags >= len(header) or not header[flags].strip().lower().startswith("flags"):
            raise SourceFormatError(path, f"column '{name}' is not followed by a 'Flags' column")
        columns.append((name, position, flags))
        position += 2
    found = {sic_section(name) for name, _, _ in columns} - {None}
    missing = [s for s in SECTIONS if s not in found]
    if missing:
        raise SourceFormatError(path, f"SIC section column(s) {', '.join(missing)} missing (e.g. 'C : ...')")
    names = [name for name, _, _ in columns]
    if len(set(names)) != len(names):
        raise SourceFormatError(path, "an industry column appears twice")
    return columns


def _tidy(
    cells: np.ndarray,
    industries: list[tuple[str, int, int]],
    area_types: list[str],
    codes: list[str],
    names: list[str],
    periods: np.ndarray,
    path: Path,
    row_label: Callable[[int], str],
) -> pd.DataFrame:
    """Long frame from a block of data rows (one row per area) and its industry columns."""
    n = len(cells)
    numbers = np.concatenate([cells[:, number] for _, number, _ in industries])
    flags = np.concatenate([cells[:, flag] for _, _, flag in industries])

    def locate(i: int) -> str:
        return f"{row_label(i % n)}, '{industries[i // n][0]}'"

    value, status = parse_cells(numbers, [flags], BRES_ANNOTATIONS, path, locate)
    k = len(industries)
    frame = pd.DataFrame(
        {
            "area_type": np.tile(np.array(area_types, dtype=object), k),
            "area_code": np.tile(np.array(codes, dtype=object), k),
            "area_name": np.tile(np.array(names, dtype=object), k),
            "industry": np.repeat(np.array([name for name, _, _ in industries], dtype=object), n),
            "period": np.tile(periods.astype("int64"), k),
            "value": value,
            "status": status.astype(str),
        }
    )
    if frame.duplicated(["area_type", "area_code", "area_name", "industry", "period"]).any():
        raise SourceFormatError(path, "an area appears twice for the same year")
    return frame[BRES_COLUMNS]


def read_bres_employees_xlsx(path: str | Path, sheet: str = "Data") -> pd.DataFrame:
    """A BRES employees workbook as BRES_COLUMNS (SIC sections only): either the stacked 2015-2021
    NUTS3 sheet (first header cell `year`) or a single Nomis download (a `date` row)."""
    path = Path(path)
    grid = read_grid(path, sheet)
    first = grid.iloc[0, 0]
    if isinstance(first, str) and first.strip().lower() == "year":
        return _read_stacked(grid, path, sheet)
    return _read_single(grid, path, sheet)


def _text(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _read_single(grid: pd.DataFrame, path: Path, sheet: str) -> pd.DataFrame:
    """One Nomis download: `date | 2023` above a `<geography> | A : ... | Flags | ...` header."""
    cells = grid.to_numpy(dtype=object)
    first = [_text(c).lower() for c in cells[:, 0]]
    if "date" not in first:
        raise SourceFormatError(path, "no 'date' row (not a Nomis BRES download)", sheet=sheet)
    date_label = _text(cells[first.index("date"), 1])
    years = _FILE_YEAR.findall(date_label)
    if not years:
        raise SourceFormatError(path, f"cannot read a year from date '{date_label}'", sheet=sheet)
    header_row = next((i for i, key in enumerate(first) if key in _GEOGRAPHY_HEADERS), None)
    if header_row is None:
        raise SourceFormatError(path, f"no geography header row (one of {sorted(_GEOGRAPHY_HEADERS)})", sheet=sheet)
    header = [_text(c) for c in cells[header_row]]
    industries = _industry_columns(header, path)
    start = header_row + 2 if _text(cells[header_row + 1, 0]) == "" else header_row + 1
    end = start
    while end < len(cells) and _text(cells[end, 0]):
        end += 1
    stray = [i for i in range(end, len(cells)) if _CODED_LABEL.match(_text(cells[i, 0])) and _text(cells[i, 1])]
    if stray:
        raise SourceFormatError(
            path, f"row {stray[0] + 1} holds data after the block ended (a blank row inside it?)", sheet=sheet
        )
    periods = np.full(end - start, int(years[-1]))
    area_type = _GEOGRAPHY_HEADERS[first[header_row]]
    return _coded_rows(cells[start:end], 0, industries, area_type, periods, path, list(range(start, end)))


def _read_stacked(grid: pd.DataFrame, path: Path, sheet: str) -> pd.DataFrame:
    """The re-user's stacked sheet: data rows carry `year | code name` in the first two columns.

    Column positions come from the kept Nomis header of each year (the added top header has no
    Flags names); every year's header must be identical and agree with the top header's names,
    so a shifted or renamed column fails instead of mislabelling numbers.
    """
    cells = grid.to_numpy(dtype=object)
    top = [_text(c) for c in cells[0]]
    if top[1].lower() != "itl_code":
        raise SourceFormatError(path, f"second header is '{top[1]}', expected 'ITL_code'", sheet=sheet)
    labels = [_text(c).lower() for c in cells[:, 1]]
    headers = [row for row, label in enumerate(labels) if label in _GEOGRAPHY_HEADERS]
    if not headers:
        raise SourceFormatError(path, "no Nomis geography header row inside the sheet", sheet=sheet)
    header = [_text(c) for c in cells[headers[0]]]
    industries = _industry_columns(header, path, offset=2)
    if [top[number] for _, number, _ in industries] != [name for name, _, _ in industries]:
        raise SourceFormatError(path, "the top header does not match the Nomis industry header", sheet=sheet)
    for row in headers[1:]:
        if [_text(c) for c in cells[row]] != header:
            raise SourceFormatError(
                path, f"row {row + 1}: this year's Nomis header differs from the first one", sheet=sheet
            )
    geography = {_GEOGRAPHY_HEADERS[label] for label in labels if label in _GEOGRAPHY_HEADERS}
    if len(geography) != 1:
        raise SourceFormatError(path, "cannot tell which geography the rows use", sheet=sheet)
    data = [row for row in range(1, len(cells)) if _FILE_YEAR.fullmatch(_text(cells[row, 0])) and labels[row]]
    if not data:
        raise SourceFormatError(path, "no data rows with a year in the first column", sheet=sheet)
    dated = {_text(cells[row, 2]) for row, label in enumerate(labels) if label == "date"}
    years = {_text(cells[row, 0]) for row in data}
    if dated and dated != years:
        raise SourceFormatError(
            path, f"year column {sorted(years)} disagrees with Nomis dates {sorted(dated)}", sheet=sheet
        )
    rows = cells[data]
    periods = np.array([int(_text(c)) for c in rows[:, 0]])
    return _coded_rows(rows, 1, industries, geography.pop(), periods, path, data)


def _coded_rows(
    rows: np.ndarray,
    label_column: int,
    industries: list[tuple[str, int, int]],
    area_type: str,
    periods: np.ndarray,
    path: Path,
    row_numbers: list[int],
) -> pd.DataFrame:
    """Data rows whose label is "<code> <name>"; every label must carry a code."""
    if len(rows) == 0:
        raise SourceFormatError(path, "no area rows below the header")
    labels = [_text(c) for c in rows[:, label_column]]
    split = [split_coded_label(label) for label in labels]
    uncoded = [label for label, (code, _) in zip(labels, split, strict=True) if not code]
    if uncoded:
        raise SourceFormatError(path, f"area label '{uncoded[0]}' does not start with a NUTS/ITL code")
    return _tidy(
        rows,
        industries,
        [area_type] * len(rows),
        [code for code, _ in split],
        [name for _, name in split],
        periods,
        path,
        lambda i: f"row {row_numbers[i] + 1}",
    )


def bres_manufacturing_share(
    frame: pd.DataFrame, indicator: str = "manufacturing_share_bres", source: str = "BRES frame"
) -> pd.DataFrame:
    """C Manufacturing as a percent of the sum of SIC sections A-U, per area and year.

    Works on either read_bres_csv (employment) or read_bres_employees_xlsx (employees) output;
    name the `indicator` accordingly. A missing section makes the share NaN, never a smaller total.
    """
    section = frame["industry"].map(sic_section)
    sections = frame[section.notna()].assign(section=section[section.notna()])
    keys = ["area_type", "area_code", "area_name", "period"]
    counts = sections.groupby(keys)["section"].nunique()
    if (counts != len(SECTIONS)).any():
        bad = counts[counts != len(SECTIONS)].index[0]
        raise SourceFormatError(source, f"area {bad} lacks some SIC sections A-U")
    grouped = sections.groupby(keys)
    complete = grouped["value"].count() == len(SECTIONS)
    total = grouped["value"].sum().where(complete)
    total = total.where(total > 0)
    manufacturing = sections[sections["section"] == "C"].set_index(keys)
    share = manufacturing["value"] / total * 100
    status = grouped["status"].agg(_worst)
    status = status.mask(share.notna() & status.isin(["unavailable", "suppressed"]), "")
    status = status.mask(share.isna() & ~status.isin(["unavailable", "suppressed"]), "unavailable")
    out = pd.DataFrame({"value": share, "status": status}).reset_index()
    out.insert(0, "indicator", indicator)
    return out[SHARE_COLUMNS].sort_values(keys, ignore_index=True)


def _worst(statuses: pd.Series) -> str:
    """The worst status of a group (STATUS_ORDER), so a share inherits e.g. "partial" from section A."""
    return min(statuses, key=lambda status: STATUS_ORDER.index(status) if status in STATUS_ORDER else 99)
