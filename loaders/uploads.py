"""Read the files people upload on the Your data page: tables of values (CSV, XLSX) keyed by area
codes or names, and boundaries (GeoJSON, zipped shapefile, GeoPackage).

Every upload is treated as hostile until read: sizes, row, column, feature and vertex counts are
capped; zip archives (shapefiles, and .xlsx workbooks, which are zips too) are checked for entry
count, total and per-entry expansion, absolute paths, ".." and symlinks before a byte is extracted,
and only the needed members are copied, under fixed names, into a temporary directory; spreadsheet
formulas are never evaluated (only the value Excel saved with the file is read); text in any
encoding is decoded or rejected with a message. Anything wrong becomes a SourceFormatError that
names the file and the problem, so the page can show it instead of a traceback.

Nothing here writes outside a temporary directory: uploads never touch the committed snapshot.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import stat
import tempfile
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from loaders.boundaries import detect_fields, repair_polygons
from loaders.errors import SourceFormatError
from loaders.markers import SUPPRESSED_MARKERS, UNAVAILABLE_MARKERS
from loaders.topojson import topology_to_features
from loaders.web_boundaries import geometry_to_web, simplify_coverage

MB = 1024 * 1024
MAX_VALUES_BYTES = 5 * MB
MAX_BOUNDARY_BYTES = 25 * MB
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_SCANNED_ROWS = 200_000  # spreadsheet rows read, blank ones included (a sheet can declare a million)
MAX_ZIP_ENTRIES = 50
MAX_XLSX_ENTRIES = 2_000
MAX_UNZIPPED_BYTES = 100 * MB
MAX_ZIP_RATIO = 1_000  # deflate cannot legitimately expand much beyond ~1,030:1
RATIO_CHECK_FROM = 1 * MB
MAX_FEATURES = 20_000
MAX_VERTICES = 3_000_000
MAX_WEB_BYTES = 350_000  # the DESIGN budget for a map payload
MAX_LISTED = 5  # problems listed by name in one message before "and N more"

VALUE_TYPES = (".csv", ".tsv", ".txt", ".xlsx")
BOUNDARY_TYPES = (".geojson", ".json", ".zip", ".gpkg")
MACRO_TYPES = (".xlsm", ".xltm", ".xlsb", ".xlam")

CODE_PATTERN = re.compile(r"^(?:[EWSNKJLM]\d{8}|TL[A-Z0-9]{1,4}|UK[A-Z0-9]{1,4})$")
_NUMBER = re.compile(r"^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_YEAR = re.compile(r"^((?:19|20)\d{2})(?:\.0+)?$")
_SPAN_YEAR = re.compile(r"^((?:19|20)\d{2})\s*[/-]\s*(\d{2}|(?:19|20)\d{2})$")
_WORD = re.compile(r"[^a-z0-9]")
_CD_FIELD = re.compile(r"^[a-z]*\d*cd$")
_NM_FIELD = re.compile(r"^[a-z]*\d*nm$")
_CODE_HEADERS = ("areacode", "code", "gsscode", "gss", "geographycode", "geocode", "itlcode", "ladcode",
                 "lepcode", "onscode", "mnemonic")
_NAME_HEADERS = ("areaname", "name", "area", "geographyname", "geography", "ladname", "lepname", "itlname",
                 "localauthority", "place")
_PERIOD_HEADERS = ("period", "year", "date", "yr", "time")
_CURRENCY = "£$€"
_FORMULA_TYPE = "f"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


# --- results ----------------------------------------------------------------------------------------


class FieldChoiceError(SourceFormatError):
    """The boundary file has no single obvious code field: `fields` lists what the user may pick."""

    def __init__(self, path: str, problem: str, fields: Sequence[str]) -> None:
        self.fields = tuple(fields)
        super().__init__(path, problem)


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


@dataclass
class _Grid:
    """Raw cells of a table: (row number, cells) pairs plus what reading them taught us."""

    rows: list[tuple[int, list[Any]]]
    notes: list[str]
    sheets: tuple[str, ...] = ()
    sheet: str | None = None
    formula_cells: frozenset[tuple[int, int]] = frozenset()
    uncached_formulas: frozenset[tuple[int, int]] = frozenset()


# --- shared checks ------------------------------------------------------------------------------------


def _label(name: str) -> str:
    """The file name shown in messages (never a path the browser sent)."""
    base = PurePosixPath(str(name).replace("\\", "/")).name.strip()
    return base or "uploaded file"


def _suffix(name: str) -> str:
    return PurePosixPath(_label(name)).suffix.lower()


def _listed(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _check_size(label: str, data: bytes, cap: int) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise SourceFormatError(label, "upload is not a file's bytes")
    if len(data) == 0:
        raise SourceFormatError(label, "file is empty")
    if len(data) > cap:
        raise SourceFormatError(
            label, f"file is {len(data) / MB:.1f} MB; the limit for this upload is {cap / MB:.0f} MB"
        )


def check_zip(label: str, archive: zipfile.ZipFile, max_entries: int = MAX_ZIP_ENTRIES,
              max_total: int = MAX_UNZIPPED_BYTES) -> list[zipfile.ZipInfo]:
    """The archive's entries, after refusing anything that could escape a directory or blow up:
    too many entries, absolute paths, "..", symlinks, encryption, a total expanded size over the
    cap, or an entry that claims to expand more than deflate can. Nothing is extracted here."""
    entries = archive.infolist()
    if not entries:
        raise SourceFormatError(label, "zip archive is empty")
    if len(entries) > max_entries:
        raise SourceFormatError(label, f"zip archive has {len(entries)} entries; at most {max_entries} are accepted")
    total = 0
    for entry in entries:
        name = entry.filename
        parts = re.split(r"[\\/]", name)
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            raise SourceFormatError(label, f"zip entry '{name}' has an absolute path; refused")
        if ".." in parts:
            raise SourceFormatError(label, f"zip entry '{name}' points outside the archive ('..'); refused")
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise SourceFormatError(label, f"zip entry '{name}' is a symbolic link; refused")
        if entry.flag_bits & 0x1:
            raise SourceFormatError(label, f"zip entry '{name}' is encrypted; upload an unencrypted archive")
        total += entry.file_size
        if entry.file_size > RATIO_CHECK_FROM and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
            raise SourceFormatError(
                label, f"zip entry '{name}' claims to expand {entry.file_size / max(entry.compress_size, 1):,.0f}"
                f" times (a zip bomb?); refused",
            )
    if total > max_total:
        raise SourceFormatError(
            label, f"zip archive would expand to {total / MB:,.0f} MB; at most {max_total / MB:.0f} MB is accepted"
        )
    return entries


def _open_zip(label: str, data: bytes, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SourceFormatError(label, f"is not a valid {what} ({exc})") from exc


def _copy_member(label: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Copy one member, counting the bytes really produced: a lying header cannot exceed `budget`."""
    written = 0
    try:
        with archive.open(entry) as source, target.open("wb") as sink:
            while chunk := source.read(1024 * 1024):
                written += len(chunk)
                if written > budget:
                    raise SourceFormatError(label, f"zip entry '{entry.filename}' expands beyond the size limit")
                sink.write(chunk)
    except SourceFormatError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SourceFormatError(label, f"zip entry '{entry.filename}' cannot be extracted ({exc})") from exc
    return written


# --- tables of values -----------------------------------------------------------------------------------


def read_values_upload(name: str, data: bytes, *, key_column: str | None = None, period_column: str | None = None,
                       sheet: str | None = None) -> UploadedValues:
    """A CSV or XLSX table of values keyed by area codes or names.

    The key column is found by its header ("code", "area_code", "LAD23CD", "name", "area", ...) or,
    failing that, as a column of GSS/ITL codes; `key_column` overrides. Codes are matched exactly
    later, names after deterministic normalisation. Every other column with numbers is a value
    column; ONS markers (".." "[x]" "c") become missing with a status, other text is reported by row
    and column. A "period"/"year" column, or year headers (2019, 2020, ...), give periods.
    """
    label = _label(name)
    _check_size(label, data, MAX_VALUES_BYTES)
    data = bytes(data)
    suffix = _suffix(label)
    if suffix in MACRO_TYPES:
        raise SourceFormatError(label, f"macro-enabled workbooks ({suffix}) are not accepted; "
                                       "save it as an Excel Workbook (.xlsx) or CSV and upload that")
    if suffix == ".xls":
        raise SourceFormatError(label, "old Excel 97-2003 workbooks (.xls) are not accepted; save as .xlsx or CSV")
    if suffix in (".csv", ".tsv", ".txt"):
        grid = _csv_grid(label, data)
    elif suffix == ".xlsx":
        grid = _xlsx_grid(label, data, sheet)
    else:
        raise SourceFormatError(label, f"file type '{suffix or 'none'}' is not accepted for values; "
                                       "upload a .csv or .xlsx table")
    return _interpret(label, grid, key_column, period_column)


def _decode(label: str, data: bytes) -> tuple[str, list[str]]:
    """Text of a CSV: UTF-16 with a byte-order mark, UTF-8 (with or without BOM), else Windows-1252,
    else Latin-1, with a note whenever it was not plain UTF-8. Binary data is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ["Read as UTF-16 text (Excel's 'Unicode text' format)."]
        except UnicodeDecodeError as exc:
            raise SourceFormatError(label, f"starts like UTF-16 text but cannot be decoded ({exc.reason})") from exc
    if b"\x00" in data:
        raise SourceFormatError(label, "contains NUL bytes: this is a binary file (or UTF-16 text without a "
                                       "byte-order mark), not CSV text")
    notes: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            notes.append("The file is not UTF-8; it was read as Windows-1252 (cp1252). Check accented names.")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            notes.append("The file is not UTF-8 or Windows-1252; it was read as Latin-1. Check accented names.")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f")
    if controls > max(2, len(text) // 200):
        raise SourceFormatError(label, f"is not text ({controls:,} control characters): upload a CSV table")
    return text, notes


def _delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the first lines into the most consistent columns
    (ties go to the comma). Deterministic; csv.Sniffer can guess letters."""
    sample = [line for line in text[:65536].splitlines() if line.strip()][:20]
    best, best_score = ",", (0, 0)
    for candidate in (",", ";", "\t", "|"):
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=candidate)]
        except csv.Error:
            continue
        if not widths:
            continue
        common, count = Counter(widths).most_common(1)[0]
        score = (count, common) if common > 1 else (0, 0)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _csv_grid(label: str, data: bytes) -> _Grid:
    text, notes = _decode(label, data)
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append(f"Columns are separated by {'tabs' if delimiter == chr(9) else repr(delimiter)}.")
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_ROWS + 50:
                raise SourceFormatError(label, f"has more than {MAX_ROWS:,} rows; split it or keep one level")
            rows.append((number, cells))
    except csv.Error as exc:
        raise SourceFormatError(label, f"row {number + 1} cannot be read as CSV ({exc})") from exc
    return _Grid(rows, notes)


def _xlsx_grid(label: str, data: bytes, sheet: str | None) -> _Grid:
    """Cells of one worksheet as Excel saved them. The workbook is opened twice, read-only: once to
    see which cells hold formulas, once for the values Excel cached; nothing is ever evaluated."""
    with _open_zip(label, data, "Excel .xlsx workbook (it is not a zip-based Office file)") as archive:
        entries = check_zip(label, archive, max_entries=MAX_XLSX_ENTRIES)
        names = {entry.filename.lower() for entry in entries}
        has_formulas = any(_FORMULA_TAG.search(_member(label, archive, entry)) for entry in entries
                           if entry.filename.lower().startswith("xl/worksheets/") and entry.filename.endswith(".xml"))
    if "[content_types].xml" not in names:
        raise SourceFormatError(label, "is not an Excel .xlsx workbook (no [Content_Types].xml)")
    if any(name.endswith("vbaproject.bin") for name in names):
        raise SourceFormatError(label, "contains macros (vbaProject.bin); save it as a plain .xlsx without macros")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            formulas_book = (openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                             if has_formulas else None)
            try:
                return _worksheet_grid(label, formulas_book, values_book, sheet)
            finally:
                values_book.close()
                if formulas_book is not None:
                    formulas_book.close()
    except SourceFormatError:
        raise
    except Exception as exc:  # openpyxl raises many unrelated types for damaged workbooks
        problem = f"cannot be read as an .xlsx workbook ({exc.__class__.__name__}: {str(exc)[:200]})"
        raise SourceFormatError(label, problem) from exc


def _member(label: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """One member's bytes, already vetted by check_zip (its declared size is within the cap)."""
    try:
        return archive.read(entry)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SourceFormatError(label, f"zip entry '{entry.filename}' cannot be read ({exc})") from exc


def _worksheet_grid(label: str, formulas_book: Any, values_book: Any, sheet: str | None) -> _Grid:
    sheets = tuple(str(ws.title) for ws in values_book.worksheets)
    if not sheets:
        raise SourceFormatError(label, "workbook has no worksheets")
    chosen = sheet if sheet in sheets else sheets[0]
    if sheet is not None and sheet not in sheets:
        raise SourceFormatError(label, f"sheet '{sheet}' not found (sheets: {', '.join(sheets)})")
    notes = [f"Read sheet '{chosen}' (the workbook has {len(sheets)} sheets)."] if len(sheets) > 1 else []
    formula_rows = formulas_book[chosen].iter_rows(max_col=MAX_COLUMNS + 1) if formulas_book else itertools.repeat(())
    value_rows = values_book[chosen].iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
    rows: list[tuple[int, list[Any]]] = []
    formulas: set[tuple[int, int]] = set()
    uncached: set[tuple[int, int]] = set()
    for number, (formula_cells, values) in enumerate(zip(formula_rows, value_rows, strict=False), start=1):
        if number > MAX_SCANNED_ROWS:
            raise SourceFormatError(label, f"sheet has more than {MAX_SCANNED_ROWS:,} rows", sheet=chosen)
        cells = list(values)
        if len(cells) > MAX_COLUMNS and cells[MAX_COLUMNS] not in (None, ""):
            raise SourceFormatError(label, f"sheet has more than {MAX_COLUMNS} columns", sheet=chosen)
        for column, cell in enumerate(formula_cells):
            if getattr(cell, "data_type", None) == _FORMULA_TYPE:
                formulas.add((number, column))
                if column < len(cells) and cells[column] is None:
                    uncached.add((number, column))
        if any(cell not in (None, "") for cell in cells):
            rows.append((number, cells[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 50:
                raise SourceFormatError(label, f"has more than {MAX_ROWS:,} rows", sheet=chosen)
    return _Grid(rows, notes, sheets, chosen, frozenset(formulas), frozenset(uncached))


def _header_text(cell: Any, index: int) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = "" if cell is None else " ".join(str(cell).split())
    return text or f"column {index + 1}"


def _unique(headers: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for header in headers:
        seen[header] += 1
        out.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return out


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _interpret(label: str, grid: _Grid, key_column: str | None, period_column: str | None) -> UploadedValues:
    notes = list(grid.notes)
    sheet = grid.sheet
    start = next((i for i, (_, cells) in enumerate(grid.rows) if sum(not _blank(c) for c in cells) >= 2), None)
    if start is None:
        raise SourceFormatError(label, "no header row with at least two columns (a key column and values)",
                                sheet=sheet)
    header_number, header_cells = grid.rows[start]
    if header_number > 1:
        notes.append(f"Rows above row {header_number} were skipped; row {header_number} is the header.")
    while header_cells and _blank(header_cells[-1]):
        header_cells = header_cells[:-1]
    if len(header_cells) > MAX_COLUMNS:
        raise SourceFormatError(label, f"has {len(header_cells)} columns; at most {MAX_COLUMNS} are accepted",
                                sheet=sheet)
    headers = _unique([_header_text(cell, i) for i, cell in enumerate(header_cells)])
    body = [(number, (list(cells) + [None] * len(headers))[: len(headers)]) for number, cells in grid.rows[start + 1:]
            if any(not _blank(c) for c in cells)]
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
            label, "no column of area codes or names found (looked for headers such as 'area_code', 'code', "
            f"'LAD23CD', 'name', 'area'; columns: {_listed(headers)})", sheet=sheet)
    key_values = [_text(cell) for cell in columns[key]]
    kind = "code" if _looks_like_codes(key_values) else "name"
    name_column = _name_column(headers, key, kind)
    period = _choose(label, "period", period_column, headers, _period_candidates(headers), sheet)
    used = {key, name_column, period} | ({c for c in candidates if c != key} if key_column is None else set())
    others = [c for c in candidates if c not in (key, name_column)]
    if key_column is None and others:
        notes.append(f"Areas are read from '{key}'; {_listed(others)} could hold them too (pick another above).")

    value_headers = [h for h in headers if h not in used]
    cells_by_column: dict[str, list[tuple[float, str] | None]] = {
        h: [_parse_number(cell) for cell in columns[h]] for h in value_headers
    }
    valued = [h for h in value_headers if any(p is not None and p[1] == "" for p in cells_by_column[h])]
    formula_gaps = _formula_gaps(grid, len(headers), numbers)
    for h in value_headers:
        if h not in valued:
            notes.append(f"Column '{h}' holds no numbers and is ignored.")
    if not valued:
        problem = f"no column of numbers found (columns: {_listed(headers)})"
        if formula_gaps:
            problem += (f"; {formula_gaps} formula cells have no saved value - formulas are never evaluated here: "
                        "open the file in Excel, save it and upload it again")
        raise SourceFormatError(label, problem, sheet=sheet)
    if formula_gaps:
        notes.append(f"{formula_gaps} formula cells have no saved value and are treated as missing "
                     "(formulas are never evaluated here).")
    elif grid.formula_cells:
        notes.append(f"{len(grid.formula_cells)} formula cells: the values Excel saved with the file are used "
                     "(formulas are never evaluated here).")

    periods: list[int | None] = [None] * len(body)
    if period is not None:
        periods = _parse_periods(label, period, columns[period], numbers, notes, sheet)
    wide = _year_headers(valued) if period is None else []
    if len(wide) >= 2:
        ignored = [h for h in valued if h not in wide]
        if ignored:
            notes.append(f"Year columns ({wide[0]}-{wide[-1]}) are read as periods; {_listed(ignored)} ignored.")
        notes.append(f"Columns {_listed(wide)} are read as years of one value.")
        valued, period = wide, "(year columns)"

    names = [_text(cell) for cell in columns[name_column]] if name_column else [""] * len(body)
    codes = [value.upper() for value in key_values] if kind == "code" else [""] * len(body)
    keys = codes if kind == "code" else key_values
    table = _long_table(label, columns, numbers, keys, codes, names, periods, valued, cells_by_column,
                        kind=kind, wide=len(wide) >= 2, notes=notes, sheet=sheet)
    return UploadedValues(
        source=label, table=table, key_kind=kind, key_column=key, name_column=name_column,
        period_column=period, value_columns=tuple(["value"] if len(wide) >= 2 else valued), columns=tuple(headers),
        key_candidates=tuple(candidates), sheets=grid.sheets, sheet=sheet, notes=tuple(notes),
    )


def _formula_gaps(grid: _Grid, width: int, numbers: list[int]) -> int:
    """Formula cells without a saved value inside the table (data rows, header's columns)."""
    rows = set(numbers)
    return sum(1 for number, column in grid.uncached_formulas if number in rows and column < width)


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def _norm(header: str) -> str:
    return _WORD.sub("", header.lower())


def _key_candidates(headers: list[str], columns: dict[str, list[Any]]) -> list[str]:
    """Columns that may hold the areas, best first: code headers, name headers, then any column
    whose values look like GSS/ITL codes."""
    ranked: list[tuple[int, int, str]] = []
    for index, header in enumerate(headers):
        norm = _norm(header)
        if _mostly_numbers(columns[header]):
            continue  # "area" in hectares or a numeric "cd" column holds values, not areas
        if norm in _CODE_HEADERS:
            ranked.append((0, _CODE_HEADERS.index(norm), header))
        elif _CD_FIELD.match(norm) or norm.endswith("code"):
            ranked.append((1, index, header))
        elif norm in _NAME_HEADERS:
            ranked.append((2, _NAME_HEADERS.index(norm), header))
        elif _NM_FIELD.match(norm) or norm.endswith("name"):
            ranked.append((3, index, header))
        elif _looks_like_codes([_text(c) for c in columns[header]]):
            ranked.append((4, index, header))
    return [header for *_, header in sorted(ranked)]


def _mostly_numbers(cells: list[Any]) -> bool:
    filled = [cell for cell in cells if not _blank(cell)]
    numeric = 0
    for cell in filled:
        parsed = _parse_number(cell)
        numeric += parsed is not None and parsed[1] == ""
    return bool(filled) and numeric * 2 > len(filled)


def _period_candidates(headers: list[str]) -> list[str]:
    return [h for h in headers if _norm(h) in _PERIOD_HEADERS]


def _choose(label: str, what: str, wanted: str | None, headers: list[str], candidates: list[str],
            sheet: str | None) -> str | None:
    if wanted is None:
        return candidates[0] if candidates else None
    if wanted not in headers:
        raise SourceFormatError(label, f"{what} column '{wanted}' not found (columns: {_listed(headers)})", sheet=sheet)
    return wanted


def _looks_like_codes(values: Iterable[str]) -> bool:
    """At least half of the non-blank values are GSS or ITL codes."""
    filled = [v for v in values if v]
    return bool(filled) and sum(bool(CODE_PATTERN.match(v.upper())) for v in filled) * 2 >= len(filled)


def _name_column(headers: list[str], key: str, kind: str) -> str | None:
    if kind == "name":
        return key
    names = [h for h in headers if h != key and (_norm(h) in _NAME_HEADERS or _NM_FIELD.match(_norm(h))
                                                 or _norm(h).endswith("name"))]
    return names[0] if names else None


def parse_number(cell: Any) -> tuple[float, str] | None:
    """(value, status) of one cell, or None when it is text that is not a number or a known marker.

    Accepts 1234, "1,234.5", "£41.87", "76%", "-0.5", "1e3"; the ONS markers ".." "[x]" "c" etc.
    give NaN with "unavailable"/"suppressed"; blanks are "unavailable". Never "nan", "inf" or
    "1_000", which Python's float() would take.
    """
    return _parse_number(cell)


def _parse_number(cell: Any) -> tuple[float, str] | None:
    if cell is None:
        return math.nan, "unavailable"
    if isinstance(cell, bool | datetime | date):
        return None
    if isinstance(cell, int | float):
        value = float(cell)
        if math.isnan(value):
            return math.nan, "unavailable"
        return (value, "") if math.isfinite(value) else None
    text = str(cell).strip()
    if text == "":
        return math.nan, "unavailable"
    lowered = text.lower()
    if lowered in SUPPRESSED_MARKERS:
        return math.nan, "suppressed"
    if lowered in UNAVAILABLE_MARKERS:
        return math.nan, "unavailable"
    text = text.replace("\u2212", "-").replace(" ", "")
    if text[:1] in _CURRENCY:
        text = text[1:]
    elif text[:2] in {f"-{c}" for c in _CURRENCY}:
        text = "-" + text[2:]
    if text.endswith("%"):
        text = text[:-1]
    if not _NUMBER.match(text):
        return None
    value = float(text.replace(",", ""))
    return (value, "") if math.isfinite(value) else None


def _parse_periods(label: str, header: str, cells: list[Any], numbers: list[int], notes: list[str],
                   sheet: str | None) -> list[int | None]:
    periods: list[int | None] = []
    bad: list[str] = []
    spans = 0
    for number, cell in zip(numbers, cells, strict=True):
        year, span = _parse_year(cell)
        spans += span
        if year is None and not _blank(cell):
            bad.append(f"row {number} ('{_text(cell)[:20]}')")
        periods.append(year)
    if bad:
        raise SourceFormatError(label, f"column '{header}' has values that are not years: {_listed(bad)}", sheet=sheet)
    if spans:
        notes.append("Periods such as '2021/22' are keyed by their first year (2021).")
    blanks = sum(p is None for p in periods)
    if blanks:
        notes.append(f"{blanks} rows have no {header}; they are kept without a period.")
    return periods


def _parse_year(cell: Any) -> tuple[int | None, bool]:
    if isinstance(cell, datetime | date):
        return cell.year, False
    if isinstance(cell, bool):
        return None, False
    if isinstance(cell, int | float) and math.isfinite(cell) and float(cell).is_integer() and 1900 <= cell <= 2099:
        return int(cell), False
    text = _text(cell)
    if match := _YEAR.match(text):
        return int(match.group(1)), False
    if match := _SPAN_YEAR.match(text):
        return int(match.group(1)), True
    return None, False


def _year_headers(headers: list[str]) -> list[str]:
    return [h for h in headers if _YEAR.match(h)]


def _long_table(label: str, columns: dict[str, list[Any]], numbers: list[int], keys: list[str], codes: list[str],
                names: list[str], periods: list[int | None], valued: list[str],
                cells_by_column: dict[str, list[tuple[float, str] | None]], *, kind: str, wide: bool,
                notes: list[str], sheet: str | None) -> pd.DataFrame:
    """One row per (area, period, column); blank keys dropped, duplicates refused, text cells reported."""
    blank_keys = [number for number, key in zip(numbers, keys, strict=True) if not key]
    if blank_keys:
        rows = _listed([str(n) for n in blank_keys])
        notes.append(f"{len(blank_keys)} rows have no area code or name and are ignored (rows {rows}).")
    records: list[tuple[int, str, str, str, int | None, str, float, str]] = []
    text_cells: list[str] = []
    for i, number in enumerate(numbers):
        if not keys[i]:
            continue
        for column in valued:
            parsed = cells_by_column[column][i]
            if parsed is None:
                text_cells.append(f"row {number}, column '{column}' ('{_text(columns[column][i])[:30]}')")
                parsed = (math.nan, "unavailable")
            period = int(column) if wide else periods[i]
            records.append((number, codes[i], names[i], keys[i], period, "value" if wide else column, *parsed))
    if text_cells:
        notes.append(f"{len(text_cells)} cells are not numbers and are treated as missing: {_listed(text_cells)}.")
    table = pd.DataFrame.from_records(
        records, columns=["row", "code", "name", "key", "period", "column", "value", "status"]
    )
    table["period"] = table["period"].astype("Int64")
    table["value"] = table["value"].astype(float)
    duplicated = table[table.duplicated(["key", "period", "column"], keep=False)]
    if len(duplicated):
        dupes = [f"'{key}' (rows {', '.join(str(r) for r in group['row'].unique()[:4])})"
                 for key, group in duplicated.groupby("key", sort=False)]
        what = "codes" if kind == "code" else "names"
        raise SourceFormatError(label, f"duplicate area {what}: {_listed(dupes)} - keep one row per area"
                                       + (" and period" if any(p is not None for p in periods) else ""), sheet=sheet)
    if not table["value"].notna().any():
        raise SourceFormatError(label, "no numeric values in any data row", sheet=sheet)
    return table


# --- boundaries ------------------------------------------------------------------------------------------------


def read_boundary_upload(name: str, data: bytes, *, code_field: str | None = None,
                         name_field: str | None = None) -> gpd.GeoDataFrame:
    """Boundaries as area_code, area_name, geometry in EPSG:4326, from a GeoJSON/TopoJSON (.geojson,
    .json), a zipped shapefile (.zip with .shp, .shx, .dbf and .prj) or a GeoPackage (.gpkg).

    Any stated CRS is reprojected; a file without one is refused unless it is GeoJSON in lon/lat.
    Invalid polygons are repaired with make_valid, empty ones dropped, features sharing a code
    merged; each is counted in `attrs["notes"]` (`attrs["repaired"]` holds the repair count).
    """
    label = _label(name)
    _check_size(label, data, MAX_BOUNDARY_BYTES)
    data = bytes(data)
    suffix = _suffix(label)
    notes: list[str] = []
    if suffix in (".geojson", ".json"):
        frame = _json_frame(label, data)
    elif suffix == ".zip":
        frame = _zip_frame(label, data, notes)
    elif suffix == ".gpkg":
        frame = _gpkg_frame(label, data, notes)
    elif suffix in (".shp", ".shx", ".dbf", ".prj"):
        raise SourceFormatError(label, "a shapefile is several files: zip the .shp, .shx, .dbf and .prj together "
                                       "and upload the .zip")
    else:
        raise SourceFormatError(label, f"file type '{suffix or 'none'}' is not accepted for boundaries; "
                                       "upload .geojson, .json, a zipped shapefile (.zip) or .gpkg")
    return _standardise(label, frame, code_field, name_field, notes)


def _json_frame(label: str, data: bytes) -> gpd.GeoDataFrame:
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise SourceFormatError(label, "is not UTF-8 text, so it cannot be GeoJSON") from exc
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise SourceFormatError(label, f"is not valid JSON ({exc.msg} at {where})") from exc
    except ValueError as exc:
        raise SourceFormatError(label, str(exc)) from exc
    except RecursionError as exc:
        raise SourceFormatError(label, "JSON is nested too deeply to be GeoJSON") from exc
    if not isinstance(doc, dict):
        raise SourceFormatError(label, "JSON is not a GeoJSON object (expected a FeatureCollection)")
    kind = doc.get("type")
    if kind == "Topology":
        try:
            features: Any = topology_to_features(doc)
        except Exception as exc:  # malformed TopoJSON fails in many ways (KeyError, TypeError, IndexError...)
            raise SourceFormatError(label, f"bad TopoJSON ({exc.__class__.__name__}: {exc})") from exc
        crs: Any = "EPSG:4326"
    elif kind == "FeatureCollection":
        features = doc.get("features")
        crs = _json_crs(label, doc.get("crs"))
    elif kind == "Feature":
        features, crs = [doc], _json_crs(label, doc.get("crs"))
    else:
        raise SourceFormatError(label, f"JSON type is {str(kind)[:40]!r}; expected a GeoJSON FeatureCollection")
    if not isinstance(features, list) or not features:
        raise SourceFormatError(label, "GeoJSON has no features")
    if len(features) > MAX_FEATURES:
        raise SourceFormatError(label, f"has {len(features):,} features; at most {MAX_FEATURES:,} are accepted")
    rows: list[dict[str, Any]] = []
    geoms: list[Any] = []
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
            raise SourceFormatError(label, f"feature {i + 1} has no geometry")
        try:
            geoms.append(shapely.geometry.shape(feature["geometry"]))
        except Exception as exc:  # shapely raises several types for malformed coordinates
            problem = f"feature {i + 1} has a malformed geometry ({exc.__class__.__name__})"
            raise SourceFormatError(label, problem) from exc
        properties = feature.get("properties")
        rows.append({str(k): v for k, v in properties.items()} if isinstance(properties, dict) else {})
    frame = pd.DataFrame.from_records(rows) if any(rows) else pd.DataFrame(index=range(len(rows)))
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=crs)


def _refuse_constant(token: str) -> float:
    raise ValueError(f"JSON contains {token}, which GeoJSON does not allow (NaN or infinite coordinates?)")


def _json_crs(label: str, member: Any) -> Any:
    """RFC 7946 GeoJSON is lon/lat; older files state another CRS in a legacy `crs` member."""
    if member is None:
        return "EPSG:4326"
    try:
        return CRS.from_user_input(member["properties"]["name"])
    except (KeyError, TypeError, CRSError) as exc:
        raise SourceFormatError(label, f"GeoJSON 'crs' member cannot be understood: {str(member)[:80]}") from exc


def _zip_frame(label: str, data: bytes, notes: list[str]) -> gpd.GeoDataFrame:
    with _open_zip(label, data, "zip archive") as archive:
        entries = check_zip(label, archive)
        files = [e for e in entries if not e.is_dir() and not _hidden(e.filename)]
        shps = [e for e in files if e.filename.lower().endswith(".shp")]
        if len(shps) > 1:
            raise SourceFormatError(label, f"zip holds several shapefiles ({_listed([e.filename for e in shps])}); "
                                           "upload one per archive")
        if not shps:
            inner = [e for e in files if e.filename.lower().endswith((".geojson", ".json", ".gpkg"))]
            if len(inner) != 1:
                raise SourceFormatError(label, "zip holds no shapefile (.shp) and no single .geojson or .gpkg")
            with tempfile.TemporaryDirectory(prefix="rpe-upload-") as tmp:
                target = Path(tmp) / f"upload{PurePosixPath(inner[0].filename).suffix.lower()}"
                _copy_member(label, archive, inner[0], target, min(MAX_BOUNDARY_BYTES, MAX_UNZIPPED_BYTES))
                payload = target.read_bytes()
            notes.append(f"Read {PurePosixPath(inner[0].filename).name} from the zip.")
            if target.suffix == ".gpkg":
                return _gpkg_frame(label, payload, notes)
            return _json_frame(label, payload)
        stem = shps[0].filename[:-4].lower()
        parts = {e.filename[len(stem):].lower(): e for e in files if e.filename.lower().startswith(stem)
                 and e.filename[len(stem):].lower() in {".shp", ".shx", ".dbf", ".prj", ".cpg"}}
        missing = [ext for ext in (".shx", ".dbf", ".prj") if ext not in parts]
        if missing:
            what = ", ".join(missing)
            why = " (without it the coordinate system, CRS, is unknown)" if missing == [".prj"] else ""
            raise SourceFormatError(label, f"shapefile {PurePosixPath(shps[0].filename).name} has no {what} "
                                           f"in the zip{why}")
        with tempfile.TemporaryDirectory(prefix="rpe-upload-") as tmp:
            budget = MAX_UNZIPPED_BYTES
            for ext, entry in parts.items():
                budget -= _copy_member(label, archive, entry, Path(tmp) / f"upload{ext}", budget)
            return _read_with_gdal(label, Path(tmp) / "upload.shp", tmp, None, notes)


def _hidden(name: str) -> bool:
    parts = re.split(r"[\\/]", name)
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _gpkg_frame(label: str, data: bytes, notes: list[str]) -> gpd.GeoDataFrame:
    if not data.startswith(b"SQLite format 3\x00"):
        raise SourceFormatError(label, "is not a GeoPackage (not an SQLite database)")
    with tempfile.TemporaryDirectory(prefix="rpe-upload-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                layers = pyogrio.list_layers(path)
        except Exception as exc:  # GDAL reports damaged databases with its own error types
            raise SourceFormatError(label, f"GeoPackage cannot be opened ({_clean(exc, tmp)})") from exc
        polygons = [str(layer) for layer, kind in layers if kind and "polygon" in str(kind).lower()]
        if not polygons:
            raise SourceFormatError(label, "GeoPackage has no polygon layer")
        if len(polygons) > 1:
            notes.append(f"Read layer '{polygons[0]}' of {len(polygons)} polygon layers.")
        return _read_with_gdal(label, path, tmp, polygons[0], notes)


def _read_with_gdal(label: str, path: Path, tmp: str, layer: str | None, notes: list[str]) -> gpd.GeoDataFrame:
    try:
        info = pyogrio.read_info(path, layer=layer)
        if int(info.get("features") or 0) > MAX_FEATURES:
            raise SourceFormatError(label, f"has {int(info['features']):,} features; at most {MAX_FEATURES:,} "
                                           "are accepted")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except SourceFormatError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise their own types for broken files
        raise SourceFormatError(label, f"cannot be read ({_clean(exc, tmp)})") from exc
    if frame.crs is None:
        raise SourceFormatError(label, "states no coordinate reference system (CRS); cannot place it on a map")
    return frame


def _clean(exc: Exception, tmp: str) -> str:
    """GDAL's message without the server's temporary path."""
    return str(exc).replace(f"{tmp}/", "").replace(tmp, "")[:200]


def _standardise(label: str, frame: gpd.GeoDataFrame, code_field: str | None, name_field: str | None,
                 notes: list[str]) -> gpd.GeoDataFrame:
    if len(frame) == 0:
        raise SourceFormatError(label, "has no features")
    if len(frame) > MAX_FEATURES:
        raise SourceFormatError(label, f"has {len(frame):,} features; at most {MAX_FEATURES:,} are accepted")
    fields = [str(c) for c in frame.columns if c != frame.geometry.name]
    code_field, name_field = _boundary_fields(label, frame, fields, code_field, name_field)
    geoms = np.asarray(frame.geometry.to_numpy(), dtype=object)
    missing = np.array([g is None for g in geoms])
    geoms[missing] = shapely.Polygon()
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    if vertices > MAX_VERTICES:
        raise SourceFormatError(label, f"has {vertices:,} vertices; at most {MAX_VERTICES:,} are accepted "
                                       "(upload a generalised version)")
    coords = shapely.get_coordinates(geoms)
    if len(coords) and not np.isfinite(coords).all():
        bad = [str(i + 1) for i, g in enumerate(geoms) if not np.isfinite(shapely.get_coordinates(g)).all()]
        raise SourceFormatError(label, f"features {_listed(bad)} have NaN or infinite coordinates")
    polygonal = np.array([isinstance(g, shapely.Polygon | shapely.MultiPolygon | shapely.GeometryCollection)
                          for g in geoms])
    if not polygonal.any():
        kinds = sorted({g.geom_type for g in geoms})
        raise SourceFormatError(label, f"has no polygons (found {', '.join(kinds)}); boundaries must be areas")
    if not polygonal.all():
        notes.append(f"{int((~polygonal).sum())} features are points or lines, not areas, and were dropped.")

    out = gpd.GeoDataFrame(
        {"area_code": [_text(v).upper() if _text(v) else "" for v in frame[code_field]],
         "area_name": [_text(v) for v in frame[name_field]] if name_field else None},
        geometry=list(geoms), crs=frame.crs,
    )[polygonal].reset_index(drop=True)
    if name_field is None:
        out["area_name"] = out["area_code"]
        notes.append(f"No name field; codes from '{code_field}' are used as names.")
    if out.crs is None:
        raise SourceFormatError(label, "states no coordinate reference system (CRS)")
    source_crs = out.crs
    if not source_crs.equals(CRS.from_user_input("EPSG:4326")):
        try:
            out = out.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj raises for CRSs it cannot transform
            raise SourceFormatError(label, f"cannot be reprojected from {source_crs.name} to lon/lat ({exc})") from exc
        notes.append(f"Reprojected from {source_crs.name} ({source_crs.to_string()}) to longitude/latitude.")
    _check_lonlat(label, out, source_crs)

    geoms, repaired = repair_polygons(out.geometry.to_numpy())
    if repaired:
        notes.append(f"{repaired} invalid geometries (e.g. self-intersecting rings) were repaired with make_valid.")
    out = out.set_geometry(list(geoms), crs="EPSG:4326")
    empty = shapely.is_empty(np.asarray(out.geometry.to_numpy(), dtype=object))
    if empty.any():
        notes.append(f"{int(empty.sum())} empty geometries were dropped ({_listed(list(out.area_code[empty]))}).")
        out = out[~empty].reset_index(drop=True)
    blank = out["area_code"] == ""
    if blank.any():
        notes.append(f"{int(blank.sum())} features have no code in '{code_field}' and were dropped.")
        out = out[~blank].reset_index(drop=True)
    if out.empty:
        raise SourceFormatError(label, "no usable polygon is left after dropping empty or uncoded features")
    if out["area_code"].duplicated().any():
        before = len(out)
        merged = out.dissolve(by="area_code", aggfunc="first", as_index=False)
        out = gpd.GeoDataFrame(merged[["area_code", "area_name"]], geometry=merged.geometry.to_numpy(), crs="EPSG:4326")
        notes.append(f"{before} features shared codes and were merged into {len(out)} areas.")
    out = out[["area_code", "area_name", "geometry"]].reset_index(drop=True)
    out.attrs.update({"source": label, "notes": notes, "repaired": repaired, "code_field": code_field,
                      "name_field": name_field, "fields": fields})
    return out


def _boundary_fields(label: str, frame: gpd.GeoDataFrame, fields: list[str], code_field: str | None,
                     name_field: str | None) -> tuple[str, str | None]:
    for given in (code_field, name_field):
        if given is not None and given not in fields:
            raise FieldChoiceError(label, f"field '{given}' not found (fields: {_listed(fields) or 'none'})", fields)
    auto_code, auto_name = detect_fields(fields)
    if code_field is None:
        code_field = auto_code or next((f for f in fields if _norm(f) in _CODE_HEADERS), None)
    if code_field is None:
        coded = [f for f in fields if _looks_like_codes([_text(v) for v in frame[f].head(200)])]
        code_field = coded[0] if len(coded) == 1 else None
    if code_field is None:
        raise FieldChoiceError(label, "no single area code field found (e.g. LAD23CD, area_code); fields: "
                                      f"{_listed(fields) or 'none'}", fields)
    if name_field is None:
        name_field = auto_name if auto_name and auto_name != code_field else next(
            (f for f in fields if f != code_field and _norm(f) in _NAME_HEADERS), None)
    return code_field, name_field


def _check_lonlat(label: str, frame: gpd.GeoDataFrame, source_crs: Any) -> None:
    coords = shapely.get_coordinates(np.asarray(frame.geometry.to_numpy(), dtype=object))
    if len(coords) == 0:
        return
    if not np.isfinite(coords).all():
        raise SourceFormatError(label, f"some coordinates fall outside {source_crs.name} and cannot be reprojected")
    minx, miny = coords.min(axis=0)
    maxx, maxy = coords.max(axis=0)
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        hint = " (GeoJSON without a 'crs' member must be in longitude/latitude, EPSG:4326)" \
            if source_crs.equals(CRS.from_user_input("EPSG:4326")) else ""
        raise SourceFormatError(label, f"coordinates are out of range for longitude/latitude (bounds {minx:.4g}, "
                                       f"{miny:.4g}, {maxx:.4g}, {maxy:.4g}){hint}")


def boundary_web_geojson(boundaries: gpd.GeoDataFrame, budget: int = MAX_WEB_BYTES) -> tuple[dict, list[str]]:
    """A compact FeatureCollection (area_code, area_name) for the browser: rounded to ~11 m and, when
    that is still over `budget` bytes, coverage-simplified (shared edges simplified once) with a
    growing tolerance. Returns the collection and notes on what was done."""
    notes: list[str] = []
    collection = _web_features(boundaries, notes)
    for tolerance in (100.0, 300.0, 1000.0, 3000.0, 10000.0):
        if _size(collection) <= budget:
            break
        try:
            simplified = simplify_coverage(boundaries, tolerance)
        except Exception:  # GEOS refuses some non-coverages; fall back to per-area simplification
            simplified = boundaries.copy()
            projected = boundaries.to_crs("EPSG:27700").geometry.simplify(tolerance, preserve_topology=True)
            simplified = simplified.set_geometry(projected.to_crs("EPSG:4326").to_numpy())
        collection = _web_features(simplified, [])
        notes = [f"Boundaries simplified for the map (tolerance {tolerance:,.0f} m) to keep the page fast."]
    if _size(collection) > budget:
        notes.append(f"The map of these boundaries is still {_size(collection) / 1000:,.0f} KB; it may be slow.")
    return collection, notes


def _size(collection: dict) -> int:
    return len(json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _web_features(frame: gpd.GeoDataFrame, notes: list[str]) -> dict:
    features = []
    dropped = []
    for code, name, geom in zip(frame["area_code"], frame["area_name"], frame.geometry, strict=True):
        web = (geometry_to_web(geom, 4) or geometry_to_web(geom, 6)) if geom is not None else None
        if web is None:
            dropped.append(str(code))
            continue
        features.append({"type": "Feature", "properties": {"area_code": str(code), "area_name": str(name)},
                         "geometry": web})
    if dropped:
        notes.append(f"{len(dropped)} areas are too small to draw and were left off the map ({_listed(dropped)}).")
    return {"type": "FeatureCollection", "features": features}
