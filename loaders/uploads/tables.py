"""The raw cells of an uploaded table: CSV text in any common encoding and delimiter, or one
worksheet of an .xlsx workbook read without evaluating a formula (the values Excel saved are used).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

import openpyxl

from loaders.errors import SourceFormatError, shorten
from loaders.uploads.checks import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SCANNED_ROWS,
    MAX_XLSX_ENTRIES,
    check_zip,
    listed,
    open_zip,
    read_member,
)

_FORMULA_TYPE = "f"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


@dataclass
class Grid:
    """Raw cells of a table: (row number, cells) pairs plus what reading them taught us."""

    rows: list[tuple[int, list[Any]]]
    notes: list[str]
    sheets: tuple[str, ...] = ()
    sheet: str | None = None
    formula_cells: frozenset[tuple[int, int]] = frozenset()
    uncached_formulas: frozenset[tuple[int, int]] = frozenset()


def _decode(label: str, data: bytes) -> tuple[str, list[str]]:
    """Text of a CSV: UTF-16 with a byte-order mark, UTF-8 (with or without BOM), else Windows-1252,
    else Latin-1, with a note whenever it was not plain UTF-8. Binary data is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ["Read as UTF-16 text (Excel's 'Unicode text' format)."]
        except UnicodeDecodeError as exc:
            raise SourceFormatError(
                label, "starts like UTF-16 text but is not valid UTF-16 (a damaged or cut-off file)"
            ) from exc
    if b"\x00" in data:
        raise SourceFormatError(
            label, "contains NUL bytes: this is a binary file (or UTF-16 text without a byte-order mark), not CSV text"
        )
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


def csv_grid(label: str, data: bytes) -> Grid:
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
        why = (
            f"a cell is longer than {csv.field_size_limit():,} characters"
            if "field limit" in str(exc)
            else "a quoted cell is not closed properly"
        )
        raise SourceFormatError(label, f"row {number + 1} cannot be read as CSV: {why}") from exc
    return Grid(rows, notes)


def xlsx_grid(label: str, data: bytes, sheet: str | None) -> Grid:
    """Cells of one worksheet as Excel saved them. The workbook is opened twice, read-only: once to
    see which cells hold formulas, once for the values Excel cached; nothing is ever evaluated."""
    with open_zip(label, data, "Excel .xlsx workbook (it is not a zip-based Office file)") as archive:
        entries = check_zip(label, archive, max_entries=MAX_XLSX_ENTRIES)
        names = {entry.filename.lower() for entry in entries}
        has_formulas = any(
            _FORMULA_TAG.search(read_member(label, archive, entry))
            for entry in entries
            if entry.filename.lower().startswith("xl/worksheets/") and entry.filename.endswith(".xml")
        )
    if "[content_types].xml" not in names:
        raise SourceFormatError(label, "is not an Excel .xlsx workbook (no [Content_Types].xml)")
    if any(name.endswith("vbaproject.bin") for name in names):
        raise SourceFormatError(label, "contains macros (vbaProject.bin); save it as a plain .xlsx without macros")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            formulas_book = (
                openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False) if has_formulas else None
            )
            try:
                return _worksheet_grid(label, formulas_book, values_book, sheet)
            finally:
                values_book.close()
                if formulas_book is not None:
                    formulas_book.close()
    except SourceFormatError:
        raise
    except Exception as exc:  # openpyxl raises many unrelated types for damaged workbooks
        problem = "cannot be read as an .xlsx workbook: the files inside it are damaged or not what Excel writes"
        raise SourceFormatError(label, problem) from exc


def _worksheet_grid(label: str, formulas_book: Any, values_book: Any, sheet: str | None) -> Grid:
    sheets = tuple(str(ws.title) for ws in values_book.worksheets)
    if not sheets:
        raise SourceFormatError(label, "workbook has no worksheets")
    chosen = sheet if sheet in sheets else sheets[0]
    if sheet is not None and sheet not in sheets:
        raise SourceFormatError(
            label, f"sheet '{shorten(sheet)}' not found (sheets: {listed([shorten(name) for name in sheets])})"
        )
    notes = [f"Read sheet '{shorten(chosen)}' (the workbook has {len(sheets)} sheets)."] if len(sheets) > 1 else []
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
    return Grid(rows, notes, sheets, chosen, frozenset(formulas), frozenset(uncached))
