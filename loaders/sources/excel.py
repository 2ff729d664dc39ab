"""Shared access to official workbooks (.xls and .xlsx) as raw cell grids.

Every workbook parser reads sheets through here, so a missing file, a corrupt workbook or a
missing sheet always becomes a SourceFormatError naming the file and sheet.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.errors import SourceFormatError, require_file


def sheet_names(path: str | Path) -> list[str]:
    """The sheet names of a workbook, or a SourceFormatError if it cannot be opened."""
    path = Path(path)
    _require_file(path)
    try:
        with pd.ExcelFile(path, engine="calamine") as book:
            return [str(name) for name in book.sheet_names]
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise SourceFormatError(path, f"cannot be read as a spreadsheet ({exc.__class__.__name__}: {exc})") from exc


def read_grid(path: str | Path, sheet: str) -> pd.DataFrame:
    """One sheet as a grid of raw cells (no header inference). Sheet names match ignoring
    surrounding whitespace, because ONS sometimes ships names with trailing spaces."""
    path = Path(path)
    names = sheet_names(path)
    matches = [name for name in names if name.strip() == sheet.strip()]
    if not matches:
        raise SourceFormatError(path, f"sheet '{sheet}' not found (sheets: {', '.join(names)})")
    try:
        grid = pd.read_excel(
            path, sheet_name=matches[0], header=None, engine="calamine", keep_default_na=False, na_values=[""]
        )
    except Exception as exc:
        raise SourceFormatError(path, f"cannot read sheet ({exc})", sheet=sheet) from exc
    if grid.empty:
        raise SourceFormatError(path, "sheet is empty", sheet=sheet)
    return grid


def read_all_grids(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every sheet as a raw cell grid, read in one pass (much faster than sheet by sheet)."""
    path = Path(path)
    _require_file(path)
    try:
        grids = pd.read_excel(
            path, sheet_name=None, header=None, engine="calamine", keep_default_na=False, na_values=[""]
        )
    except Exception as exc:
        raise SourceFormatError(path, f"cannot be read as a spreadsheet ({exc.__class__.__name__}: {exc})") from exc
    return {str(name): grid for name, grid in grids.items()}


def find_header_row(grid: pd.DataFrame, first_cell: str, path: str | Path, sheet: str) -> int:
    """Index of the first row whose first cell equals `first_cell` (case and space insensitive)."""
    wanted = first_cell.strip().lower()
    column = grid.iloc[:, 0].astype("string").str.strip().str.lower()
    hits = column.index[column == wanted]
    if len(hits) == 0:
        raise SourceFormatError(path, f"no header row starting with '{first_cell}'", sheet=sheet)
    return int(hits[0])


def _require_file(path: Path) -> None:
    require_file(path)
    if path.stat().st_size == 0:
        raise SourceFormatError(path, "file is empty")
