"""Tables of values people upload (CSV, XLSX) keyed by area codes or names, read into long form:
the key column found by its header or its contents, value columns with ONS markers as statuses,
periods from a year column or year headers. Anything wrong is a SourceFormatError naming the file.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from loaders.errors import ECHO_LIMIT, SourceFormatError, shorten
from loaders.uploads.cells import (
    CD_FIELD,
    CODE_HEADERS,
    NAME_HEADERS,
    NM_FIELD,
    PERIOD_HEADERS,
    blank,
    cell_text,
    looks_like_codes,
    normalised,
    parse_number,
    parse_year,
    year_headers,
)
from loaders.uploads.checks import (
    MACRO_TYPES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_VALUES_BYTES,
    check_size,
    label_of,
    listed,
    suffix_of,
)
from loaders.uploads.tables import Grid, csv_grid, xlsx_grid


@dataclass(frozen=True)
class UploadedValues:
    """A table of values as read from an upload, in long form.

    `table` has one row per area, period and value column: row (the row number a spreadsheet shows),
    code, name, key (the code or name used for matching), period (Int64, missing without a period
    column), column, value (float, NaN when missing) and status ("" | suppressed | unavailable).
    """

    source: str
    table: pd.DataFrame
    key_kind: str  # "code" or "name"
    key_column: str
    name_column: str | None
    period_column: str | None
    value_columns: tuple[str, ...]
    columns: tuple[str, ...]
    key_candidates: tuple[str, ...]
    sheets: tuple[str, ...]
    sheet: str | None
    notes: tuple[str, ...]


# --- tables of values -----------------------------------------------------------------------------------


def read_values_upload(
    name: str, data: bytes, *, key_column: str | None = None, period_column: str | None = None, sheet: str | None = None
) -> UploadedValues:
    """A CSV or XLSX table of values keyed by area codes or names.

    The key column is found by its header ("code", "area_code", "LAD23CD", "name", "area", ...) or,
    failing that, as a column of GSS/ITL codes; `key_column` overrides. Codes are matched exactly
    later, names after deterministic normalisation. Every other column with numbers is a value
    column; ONS markers (".." "[x]" "c") become missing with a status, other text is reported by row
    and column. A "period"/"year" column, or year headers (2019, 2020, ...), give periods.
    """
    label = label_of(name)
    check_size(label, data, MAX_VALUES_BYTES)
    data = bytes(data)
    suffix = suffix_of(label)
    if suffix in MACRO_TYPES:
        raise SourceFormatError(
            label,
            f"macro-enabled workbooks ({suffix}) are not accepted; "
            "save it as an Excel Workbook (.xlsx) or CSV and upload that",
        )
    if suffix == ".xls":
        raise SourceFormatError(label, "old Excel 97-2003 workbooks (.xls) are not accepted; save as .xlsx or CSV")
    if suffix in (".csv", ".tsv", ".txt"):
        grid = csv_grid(label, data)
    elif suffix == ".xlsx":
        grid = xlsx_grid(label, data, sheet)
    else:
        raise SourceFormatError(
            label, f"file type '{suffix or 'none'}' is not accepted for values; upload a .csv or .xlsx table"
        )
    return _interpret(label, grid, key_column, period_column)


def _header_text(cell: Any, index: int) -> str:
    """A column's name: its header on one line, at most ECHO_LIMIT characters (a header is echoed in
    messages, menus, chart titles and exports), or "column N" when blank."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = "" if cell is None else shorten(cell)
    return text or f"column {index + 1}"


def _unique(headers: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for header in headers:
        seen[header] += 1
        out.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return out


def _interpret(label: str, grid: Grid, key_column: str | None, period_column: str | None) -> UploadedValues:
    notes = list(grid.notes)
    sheet = grid.sheet
    start = next((i for i, (_, cells) in enumerate(grid.rows) if sum(not blank(c) for c in cells) >= 2), None)
    if start is None:
        raise SourceFormatError(label, "no header row with at least two columns (a key column and values)", sheet=sheet)
    header_number, header_cells = grid.rows[start]
    if header_number > 1:
        notes.append(f"Rows above row {header_number} were skipped; row {header_number} is the header.")
    while header_cells and blank(header_cells[-1]):
        header_cells = header_cells[:-1]
    if len(header_cells) > MAX_COLUMNS:
        raise SourceFormatError(
            label, f"has {len(header_cells)} columns; at most {MAX_COLUMNS} are accepted", sheet=sheet
        )
    headers = _unique([_header_text(cell, i) for i, cell in enumerate(header_cells)])
    for i, cell in enumerate(header_cells):
        length = len(cell_text(cell))
        if length > ECHO_LIMIT:
            notes.append(f"column {i + 1}'s header is {length:,} characters long; it is shown cut to {ECHO_LIMIT}.")
    body = [
        (number, (list(cells) + [None] * len(headers))[: len(headers)])
        for number, cells in grid.rows[start + 1 :]
        if any(not blank(c) for c in cells)
    ]
    if not body:
        raise SourceFormatError(label, "has a header but no rows of data", sheet=sheet)
    if len(body) > MAX_ROWS:
        raise SourceFormatError(label, f"has {len(body):,} rows; at most {MAX_ROWS:,} are accepted", sheet=sheet)
    columns = {header: [cells[i] for _, cells in body] for i, header in enumerate(headers)}
    numbers = [number for number, _ in body]

    candidates = _key_candidates(headers, columns)
    key = _choose(label, "key", key_column, headers, candidates, sheet)
    if key is None:
        raise SourceFormatError(
            label,
            "no column of area codes or names found (looked for headers such as 'area_code', 'code', "
            f"'LAD23CD', 'name', 'area'; columns: {listed(headers)})",
            sheet=sheet,
        )
    key_values = [cell_text(cell) for cell in columns[key]]
    kind = "code" if looks_like_codes(key_values) else "name"
    name_column = _name_column(headers, key, kind)
    period = _choose(label, "period", period_column, headers, _period_candidates(headers), sheet)
    used = {key, name_column, period} | ({c for c in candidates if c != key} if key_column is None else set())
    others = [c for c in candidates if c not in (key, name_column)]
    if key_column is None and others:
        notes.append(f"Areas are read from '{key}'; {listed(others)} could hold them too (pick another above).")

    value_headers = [h for h in headers if h not in used]
    cells_by_column: dict[str, list[tuple[float, str] | None]] = {
        h: [parse_number(cell) for cell in columns[h]] for h in value_headers
    }
    valued = [h for h in value_headers if any(p is not None and p[1] == "" for p in cells_by_column[h])]
    formula_gaps = _formula_gaps(grid, len(headers), numbers)
    for h in value_headers:
        if h not in valued:
            notes.append(f"Column '{h}' holds no numbers and is ignored.")
    if not valued:
        problem = f"no column of numbers found (columns: {listed(headers)})"
        if formula_gaps:
            problem += (
                f"; {formula_gaps} formula cells have no saved value - formulas are never evaluated here: "
                "open the file in Excel, save it and upload it again"
            )
        raise SourceFormatError(label, problem, sheet=sheet)
    if formula_gaps:
        notes.append(
            f"{formula_gaps} formula cells have no saved value and are treated as missing "
            "(formulas are never evaluated here)."
        )
    elif grid.formula_cells:
        notes.append(
            f"{len(grid.formula_cells)} formula cells: the values Excel saved with the file are used "
            "(formulas are never evaluated here)."
        )

    periods: list[int | None] = [None] * len(body)
    if period is not None:
        periods = _parse_periods(label, period, columns[period], numbers, notes, sheet)
    wide = year_headers(valued) if period is None else []
    if len(wide) >= 2:
        ignored = [h for h in valued if h not in wide]
        if ignored:
            notes.append(f"Year columns ({wide[0]}-{wide[-1]}) are read as periods; {listed(ignored)} ignored.")
        notes.append(f"Columns {listed(wide)} are read as years of one value.")
        valued, period = wide, "(year columns)"

    names = [cell_text(cell) for cell in columns[name_column]] if name_column else [""] * len(body)
    codes = [value.upper() for value in key_values] if kind == "code" else [""] * len(body)
    keys = codes if kind == "code" else key_values
    table = _long_table(
        label,
        columns,
        numbers,
        keys,
        codes,
        names,
        periods,
        valued,
        cells_by_column,
        kind=kind,
        wide=len(wide) >= 2,
        notes=notes,
        sheet=sheet,
    )
    return UploadedValues(
        source=label,
        table=table,
        key_kind=kind,
        key_column=key,
        name_column=name_column,
        period_column=period,
        value_columns=tuple(["value"] if len(wide) >= 2 else valued),
        columns=tuple(headers),
        key_candidates=tuple(candidates),
        sheets=grid.sheets,
        sheet=sheet,
        notes=tuple(notes),
    )


def _formula_gaps(grid: Grid, width: int, numbers: list[int]) -> int:
    """Formula cells without a saved value inside the table (data rows, header's columns)."""
    rows = set(numbers)
    return sum(1 for number, column in grid.uncached_formulas if number in rows and column < width)


def _key_candidates(headers: list[str], columns: dict[str, list[Any]]) -> list[str]:
    """Columns that may hold the areas, best first: code headers, name headers, then any column
    whose values look like GSS/ITL codes."""
    ranked: list[tuple[int, int, str]] = []
    for index, header in enumerate(headers):
        norm = normalised(header)
        if _mostly_numbers(columns[header]):
            continue  # "area" in hectares or a numeric "cd" column holds values, not areas
        if norm in CODE_HEADERS:
            ranked.append((0, CODE_HEADERS.index(norm), header))
        elif CD_FIELD.match(norm) or norm.endswith("code"):
            ranked.append((1, index, header))
        elif norm in NAME_HEADERS:
            ranked.append((2, NAME_HEADERS.index(norm), header))
        elif NM_FIELD.match(norm) or norm.endswith("name"):
            ranked.append((3, index, header))
        elif looks_like_codes([cell_text(c) for c in columns[header]]):
            ranked.append((4, index, header))
    return [header for *_, header in sorted(ranked)]


def _mostly_numbers(cells: list[Any]) -> bool:
    filled = [cell for cell in cells if not blank(cell)]
    numeric = 0
    for cell in filled:
        parsed = parse_number(cell)
        numeric += parsed is not None and parsed[1] == ""
    return bool(filled) and numeric * 2 > len(filled)


def _period_candidates(headers: list[str]) -> list[str]:
    return [h for h in headers if normalised(h) in PERIOD_HEADERS]


def _choose(
    label: str, what: str, wanted: str | None, headers: list[str], candidates: list[str], sheet: str | None
) -> str | None:
    if wanted is None:
        return candidates[0] if candidates else None
    if wanted not in headers:
        raise SourceFormatError(label, f"{what} column '{wanted}' not found (columns: {listed(headers)})", sheet=sheet)
    return wanted


def _name_column(headers: list[str], key: str, kind: str) -> str | None:
    if kind == "name":
        return key
    names = [
        h
        for h in headers
        if h != key
        and (normalised(h) in NAME_HEADERS or NM_FIELD.match(normalised(h)) or normalised(h).endswith("name"))
    ]
    return names[0] if names else None


def _parse_periods(
    label: str, header: str, cells: list[Any], numbers: list[int], notes: list[str], sheet: str | None
) -> list[int | None]:
    periods: list[int | None] = []
    bad: list[str] = []
    spans = 0
    for number, cell in zip(numbers, cells, strict=True):
        year, span = parse_year(cell)
        spans += span
        if year is None and not blank(cell):
            bad.append(f"row {number} ('{shorten(cell_text(cell), 20)}')")
        periods.append(year)
    if bad:
        raise SourceFormatError(label, f"column '{header}' has values that are not years: {listed(bad)}", sheet=sheet)
    if spans:
        notes.append("Periods such as '2021/22' are keyed by their first year (2021).")
    blanks = sum(p is None for p in periods)
    if blanks:
        notes.append(f"{blanks} rows have no {header}; they are kept without a period.")
    return periods


def _long_table(
    label: str,
    columns: dict[str, list[Any]],
    numbers: list[int],
    keys: list[str],
    codes: list[str],
    names: list[str],
    periods: list[int | None],
    valued: list[str],
    cells_by_column: dict[str, list[tuple[float, str] | None]],
    *,
    kind: str,
    wide: bool,
    notes: list[str],
    sheet: str | None,
) -> pd.DataFrame:
    """One row per (area, period, column); blank keys dropped, duplicates refused, text cells reported."""
    blank_keys = [number for number, key in zip(numbers, keys, strict=True) if not key]
    if blank_keys:
        rows = listed([str(n) for n in blank_keys])
        notes.append(f"{len(blank_keys)} rows have no area code or name and are ignored (rows {rows}).")
    records: list[tuple[int, str, str, str, int | None, str, float, str]] = []
    year_of_header = {column: parse_year(column)[0] for column in valued} if wide else {}  # "2019.0" -> 2019
    text_cells: list[str] = []
    for i, number in enumerate(numbers):
        if not keys[i]:
            continue
        for column in valued:
            parsed = cells_by_column[column][i]
            if parsed is None:
                text_cells.append(f"row {number}, column '{column}' ('{shorten(cell_text(columns[column][i]), 30)}')")
                parsed = (math.nan, "unavailable")
            period = year_of_header[column] if wide else periods[i]
            records.append((number, codes[i], names[i], keys[i], period, "value" if wide else column, *parsed))
    if text_cells:
        notes.append(f"{len(text_cells)} cells are not numbers and are treated as missing: {listed(text_cells)}.")
    table = pd.DataFrame.from_records(
        records, columns=["row", "code", "name", "key", "period", "column", "value", "status"]
    )
    table["period"] = table["period"].astype("Int64")
    table["value"] = table["value"].astype(float)
    duplicated = table[table.duplicated(["key", "period", "column"], keep=False)]
    if len(duplicated):
        dupes = [
            f"'{shorten(key)}' (rows {', '.join(str(r) for r in group['row'].unique()[:4])})"
            for key, group in duplicated.groupby("key", sort=False)
        ]
        what = "codes" if kind == "code" else "names"
        raise SourceFormatError(
            label,
            f"duplicate area {what}: {listed(dupes)} - keep one row per area"
            + (" and period" if any(p is not None for p in periods) else ""),
            sheet=sheet,
        )
    if not table["value"].notna().any():
        raise SourceFormatError(label, "no numeric values in any data row", sheet=sheet)
    return table
