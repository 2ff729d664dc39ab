"""Checks that every CSV, CSVW description and XLSX a download builds is usable as it is: read by
pandas.read_csv and the csv module with no options (the header in row 1), by openpyxl and calamine, and the
CSVW loaded by a CSVW processor (the `csvw` package) with its columns matching the CSV header in order."""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import warnings
from pathlib import Path

import csvw
import openpyxl
import pandas as pd
from python_calamine import CalamineWorkbook

# What a spreadsheet treats as the start of a formula (an independent statement of the rule, for tests).
FORMULA_FIRST = set("=+-@\t\r\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")
PLAIN_NUMBER = re.compile(r"[+-]?[\d,]*\.?\d+([eE][+-]?\d+)?%?")


def could_run_as_formula(cell: object) -> bool:
    """True for text a spreadsheet would evaluate: a trigger first (after spaces or invisible characters),
    or a trigger right after a separator another locale's import would split on."""
    if not isinstance(cell, str) or not cell or PLAIN_NUMBER.fullmatch(cell):
        return False
    stripped = cell.lstrip(' \n\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"')
    if cell[0] in "\t\r" or (stripped and stripped[0] in FORMULA_FIRST):
        return True
    pieces = re.split(r"[,;|\t\r\n\uff0c\uff1b\uff5c]", cell)[1:]
    return any(piece.lstrip(' "')[:1] in FORMULA_FIRST for piece in pieces if piece.lstrip(' "'))


def read_plain_csv(data: bytes) -> pd.DataFrame:
    """The CSV read with no options at all; the csv module must see the same header in row 1."""
    text = data.decode("utf-8")
    assert not text.startswith(("#", "\ufeff")), text[:80]
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    rows = list(csv.reader(io.StringIO(text)))

    def lines(name: object) -> str:  # pandas reads a CR inside a quoted cell as LF
        return str(name).replace("\r\n", "\n").replace("\r", "\n")

    assert [lines(c) for c in rows[0]] == [lines(c) for c in frame.columns], (rows[0], list(frame.columns))
    assert all(len(row) == len(rows[0]) for row in rows), "every row has as many cells as the header"
    assert len(rows) - 1 == len(frame)
    return frame


def csv_cells(data: bytes) -> list[str]:
    """Every cell of a CSV, header included, as the csv module reads it."""
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8"))) for cell in row]


def check_csvw(csv_data: bytes, csvw_data: bytes, csv_name: str) -> dict:
    """The CSVW description names the CSV, its tableSchema columns are the CSV header in order, and a CSVW
    processor loads both files without a warning and reads every row (datatypes included)."""
    document = json.loads(csvw_data)
    context = document["@context"]
    assert (context if isinstance(context, str) else context[0]) == "http://www.w3.org/ns/csvw"
    assert document["url"] == csv_name
    header = next(csv.reader(io.StringIO(csv_data.decode("utf-8"))))
    columns = document["tableSchema"]["columns"]
    assert [column["titles"] for column in columns] == header
    names = [column["name"] for column in columns]
    assert len(set(names)) == len(names) and all(re.fullmatch(r"[A-Za-z0-9.%]+[A-Za-z0-9_.%]*", n) for n in names)
    assert all(column.get("dc:description") for column in columns)
    for key in ("dc:title", "dc:source", "dc:license"):
        assert document.get(key), key
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, csv_name).write_bytes(csv_data)
        meta = Path(folder, f"{csv_name}-metadata.json")
        meta.write_bytes(csvw_data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            processed = csvw.CSVW(str(meta), validate=True)
            rows = list(processed.tables[0].iterdicts(strict=True))
        assert processed.is_valid and not caught, [str(w.message) for w in caught]
    assert len(rows) == len(pd.read_csv(io.BytesIO(csv_data)))
    return document


def excel_text(value: object) -> str:
    """Text as Excel shows it: its _xHHHH_ escapes of control characters decoded (the readers leave them)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), str(value))


def read_xlsx(data: bytes) -> tuple[pd.DataFrame, list[tuple]]:
    """The data sheet (openpyxl; calamine must read the same header and row count) and the metadata rows."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    first, meta_name = book.sheetnames
    assert meta_name == "metadata"
    rows = list(book[first].iter_rows(values_only=True))
    frame = pd.DataFrame(rows[1:], columns=rows[0]) if len(rows) > 1 else pd.DataFrame(columns=rows[0])
    metadata = list(book["metadata"].iter_rows(values_only=True))
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(first).to_python()
    assert [excel_text(c) for c in calamine[0]] == [excel_text(c) for c in rows[0]] and len(calamine) == len(rows)
    return frame, metadata
