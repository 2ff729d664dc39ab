"""A small, fast XLSX writer for the downloads: one header row and one row per record, then a metadata sheet.

openpyxl (53 s) and xlsxwriter (28 s) need tens of seconds for the 284,000-row tidy table on this machine
because they build every cell as a Python object; here each column becomes its cells' XML in one vectorised
pass, so the whole table takes a few seconds. Text goes in as inline strings (never a formula: a cell is
either a number, a boolean or text, and text has passed `spreadsheet_safe`), missing values as no cell at all.
The zip entries carry a fixed date, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from components.cell_safety import spreadsheet_safe

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_FIXED_DATE = (2000, 1, 1, 0, 0, 0)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = _REL + "/worksheet"


def _excel_escape(match: re.Match) -> str:
    """Characters XML 1.0 cannot hold, as Excel writes them (_xHHHH_); a literal "_x0041_" keeps its "_"."""
    return f"_x{ord(match.group(0)):04X}_"


def _text_xml(text: str) -> str:
    return escape(_ILLEGAL_XML.sub(_excel_escape, text))


def column_letters(index: int) -> str:
    """A, B, ..., Z, AA, ... for a zero-based column index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text_cells(values: pd.Series) -> pa.Array:
    """Inline-string cell bodies of a text column (null where missing); each distinct text escaped once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    dictionary = pa.array([_text_xml(str(spreadsheet_safe(str(text)))) for text in uniques], type=pa.string())
    indices = pa.array(codes, mask=codes < 0, type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, dictionary).dictionary_decode()


def _column_cells(values: pd.Series, refs: pa.Array) -> pa.Array:
    """The <c> elements of one column ('' where the value is missing)."""
    if pd.api.types.is_bool_dtype(values):
        text = pa.array(values.astype(int).astype(str).tolist(), type=pa.string())
        return pc.binary_join_element_wise(refs, '" t="b"><v>', text, "</v></c>", "")
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float).to_numpy()
        array = pa.array(values.to_numpy(), mask=~np.isfinite(numbers))
        text = pc.cast(array, pa.string())
        return pc.fill_null(pc.binary_join_element_wise(refs, '"><v>', text, "</v></c>", ""), "")
    body = _text_cells(values.astype(object).where(values.notna(), None))
    cells = pc.binary_join_element_wise(refs, '" t="inlineStr"><is><t xml:space="preserve">', body, "</t></is></c>", "")
    return pc.fill_null(cells, "")


# progress(steps done, steps in all, what comes next): a long build reports where it is.
Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, next_step: str) -> None:
    return None


def xlsx_steps(data: pd.DataFrame) -> int:
    """The steps an xlsx_bytes call of `data` reports: one per column, joining the rows, packing the file."""
    return data.shape[1] + 2


def _data_rows_xml(data: pd.DataFrame, progress: Progress = no_progress) -> str:
    """Every data row's XML, joined by Arrow in C++ (the string buffer of the joined array is the text)."""
    total = xlsx_steps(data)
    numbers = pc.cast(pa.array(np.arange(2, len(data) + 2, dtype=np.int64)), pa.string())
    columns = []
    for j in range(data.shape[1]):
        progress(j, total, f"column {data.columns[j]}")
        columns.append(
            _column_cells(
                data.iloc[:, j].reset_index(drop=True),
                pc.binary_join_element_wise(f'<c r="{column_letters(j)}', numbers, ""),
            )
        )
    progress(data.shape[1], total, "joining the rows")
    rows = pc.binary_join_element_wise('<row r="', numbers, '">', *columns, "</row>", "")
    rows = pa.concat_arrays([rows]) if isinstance(rows, pa.ChunkedArray) else rows
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset : rows.offset + len(rows) + 1]
    return rows.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]].decode("utf-8")


def _column_widths(
    header: Sequence[Any], data: pd.DataFrame | None, rows: Sequence[Sequence[Any]], sample: int = 2000
) -> list[int]:
    """Column widths (characters) that show the header and most values: the longest in a sample, 8 to 60."""
    texts: list[list[str]] = [[str(name)] for name in header]
    if data is not None:
        head = data.head(sample)
        texts = [[str(name), *head.iloc[:, j].dropna().astype(str).tolist()] for j, name in enumerate(data.columns)]
    for row in rows[:sample]:
        for j, value in enumerate(row):
            while len(texts) <= j:
                texts.append([])
            if value is not None and j < 2:  # a metadata sheet: its long text columns are left to wrap
                texts[j].append(str(value)[:60])
    return [min(60, max(8, max((len(text) for text in column), default=0) + 2)) for column in texts]


def _sheet_xml(
    header: Sequence[Any],
    data: pd.DataFrame | None,
    rows: Sequence[Sequence[Any]] = (),
    freeze_header: bool = True,
    progress: Progress = no_progress,
) -> str:
    """One worksheet: a bold header row, then `data` (vectorised) or `rows` (a few mixed rows)."""
    lines = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">']
    if freeze_header:
        lines.append(
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
        )
    widths = _column_widths(header, data, rows)
    if widths:
        lines.append(
            "<cols>"
            + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
            + "</cols>"
        )
    lines.append("<sheetData>")
    if header:
        lines.append(_row_xml(1, header, bold=True))
    if data is not None and len(data):
        lines.append(_data_rows_xml(data, progress))
    for number, row in enumerate(rows, start=2 if header else 1):
        lines.append(_row_xml(number, row))
    lines.append("</sheetData></worksheet>")
    return "".join(lines)


def _cell_xml(ref: str, value: Any, bold: bool) -> str:
    style = ' s="1"' if bold else ""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>' if math.isfinite(value) else ""
    text = _text_xml(str(spreadsheet_safe(str(value))))
    return f'<c r="{ref}" t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'


def _row_xml(number: int, values: Sequence[Any], bold: bool = False) -> str:
    cells = "".join(_cell_xml(f"{column_letters(j)}{number}", value, bold) for j, value in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _package(sheets: Sequence[tuple[str, str]]) -> bytes:
    names = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, (name, _) in enumerate(sheets, start=1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_REL}"><sheets>{names}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_SHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(sheets) + 1)
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
    }
    for i, (_, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(
                zipfile.ZipInfo(name, _FIXED_DATE),
                text.encode("utf-8"),
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=1,
            )
    return out.getvalue()


def xlsx_bytes(
    data: pd.DataFrame,
    metadata_sheet: Sequence[Sequence[Any]],
    sheet_name: str = "data",
    progress: Progress = no_progress,
) -> bytes:
    """An XLSX workbook: the data (header row, one row per record; missing values are empty cells, never
    zero) and a "metadata" sheet. Every text cell, the header included, has passed `spreadsheet_safe`.
    `progress` hears of each of the xlsx_steps(data) steps as it starts, then of the end."""
    data_sheet = _sheet_xml([str(column) for column in data.columns], data, progress=progress)
    meta_sheet = _sheet_xml([], None, metadata_sheet, freeze_header=False)
    total = xlsx_steps(data)
    progress(total - 1, total, "packing the file")
    packed = _package([(sheet_name[:31], data_sheet), ("metadata", meta_sheet)])
    progress(total, total, "done")
    return packed
