"""Parser for ONS "Subregional productivity" workbooks (labour productivity by ITL, LAD, CA, city region).

One format, several editions: the June 2023 .xlsx (years in the row above a unit row), and the
June 2024/2025 .xls/.xlsx (`Pounds_2004`-style headers). Every table is identified by its title
(per hour / per filled job, smoothed / unsmoothed, £ / index, current price / chained volume),
not by its sheet name, so a relabelled sheet cannot slip a wrong series into the snapshot.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from loaders.errors import SourceFormatError
from loaders.sources.excel import read_all_grids, read_grid
from loaders.sources.markers import classify_cell

# Our name for each ONS table, keyed by the features of its title.
MEASURES: dict[tuple[str, str, str, str], str] = {
    ("hour", "current", "smoothed", "index"): "gva_per_hour_index",
    ("hour", "current", "unsmoothed", "index"): "gva_per_hour_index_unsmoothed",
    ("hour", "current", "smoothed", "pounds"): "gva_per_hour",
    ("hour", "current", "unsmoothed", "pounds"): "gva_per_hour_unsmoothed",
    ("hour", "volume", "unsmoothed", "index"): "gva_per_hour_cvm_index",
    ("job", "current", "smoothed", "index"): "gva_per_job_index",
    ("job", "current", "unsmoothed", "index"): "gva_per_job_index_unsmoothed",
    ("job", "current", "smoothed", "pounds"): "gva_per_job",
    ("job", "current", "unsmoothed", "pounds"): "gva_per_job_unsmoothed",
    ("job", "volume", "unsmoothed", "index"): "gva_per_job_cvm_index",
}
HOURS = "hours_weekly"
JOBS = "filled_jobs"

_YEAR_HEADER = re.compile(r"^(?:index|pounds|hours|jobs)_(\d{4})$", re.IGNORECASE)
_CODE_HEADERS = {"itl code", "itl_code", "lad_code", "area_code"}
_NAME_HEADERS = {"region name", "region_name", "lad_name", "area_name", "city_region"}
_LEVEL_HEADERS = {"itl level", "itl_level"}


def measure_from_title(title: str) -> str | None:
    """Our measure id for a sheet title such as 'Table A3: Current Price (smoothed) GVA (B) per hour
    worked (£); ...', or None if the title is not a productivity table."""
    lowered = title.lower()
    if lowered.startswith("productivity hours"):
        return HOURS
    if lowered.startswith("productivity jobs"):
        return JOBS
    if "per hour worked" in lowered:
        basis = "hour"
    elif "per filled job" in lowered:
        basis = "job"
    else:
        return None
    prices = "volume" if "chained volume" in lowered else "current"
    smoothing = "unsmoothed" if "(unsmoothed)" in lowered else "smoothed"
    unit = "pounds" if "(£)" in lowered else "index"
    return MEASURES.get((basis, prices, smoothing, unit))


def read_productivity_table(path: str | Path, sheet: str) -> pd.DataFrame:
    """One table as tidy rows: measure, area_code, area_name, itl_level, period, value, status.

    Codes are stripped (the June 2024 hours sheet writes ' UKX'). Unknown text in a value cell is an
    error naming the cell; a 0, which ONS uses as a placeholder for figures it does not have, becomes
    "unavailable" rather than a real zero.
    """
    path = Path(path)
    return _parse_table(read_grid(path, sheet), path, sheet)


def _parse_table(grid: pd.DataFrame, path: Path, sheet: str) -> pd.DataFrame:
    title = str(grid.iat[0, 0])
    measure = measure_from_title(title)
    if measure is None:
        raise SourceFormatError(path, f"title '{title[:80]}' is not a known productivity table", sheet=sheet)

    header_row = _find_header_row(grid, path, sheet)
    header = [str(cell).strip() if pd.notna(cell) else "" for cell in grid.iloc[header_row]]
    lowered = [cell.lower() for cell in header]
    code_col = _first_index(lowered, _CODE_HEADERS)
    name_col = _first_index(lowered, _NAME_HEADERS)
    level_col = _first_index(lowered, _LEVEL_HEADERS)
    if code_col is None or name_col is None:
        raise SourceFormatError(path, f"header row {header_row + 1} lacks a code or name column", sheet=sheet)
    year_cols = _year_columns(grid, header_row, header)
    if not year_cols:
        raise SourceFormatError(path, f"no year columns found in header row {header_row + 1}", sheet=sheet)

    records = []
    for row in range(header_row + 1, len(grid)):
        code = grid.iat[row, code_col]
        if pd.isna(code) or str(code).strip() == "":
            continue
        code = str(code).strip()
        name_cell = grid.iat[row, name_col]
        if pd.isna(name_cell) or str(name_cell).strip() == "":
            continue  # footnotes ("Note 1: ...", "Source: ...") sit in the code column with no name
        name = str(name_cell).strip()
        level = str(grid.iat[row, level_col]).strip() if level_col is not None else ""
        for col, year in year_cols:
            parsed = classify_cell(grid.iat[row, col])
            if parsed is None:
                raise SourceFormatError(
                    path,
                    f"row {row + 1}, column '{header[col] or year}': "
                    f"unexpected text {grid.iat[row, col]!r} where a number or marker belongs",
                    sheet=sheet,
                )
            value, status = parsed
            if value == 0:
                # ONS writes 0 where it has no figure (e.g. Northern Ireland 2023 jobs, footnoted as
                # "unavailable"); no area has zero hours, jobs or output per hour.
                value, status = float("nan"), "unavailable"
            records.append((measure, code, name, level, year, value, status))
    if not records:
        raise SourceFormatError(path, "table has a header but no data rows", sheet=sheet)
    return pd.DataFrame.from_records(
        records, columns=["measure", "area_code", "area_name", "itl_level", "period", "value", "status"]
    )


def read_productivity_workbook(path: str | Path, measures: set[str] | None = None) -> pd.DataFrame:
    """Every productivity table in a workbook (or just `measures`), stacked in one tidy frame."""
    path = Path(path)
    frames = []
    found: set[str] = set()
    for sheet, grid in read_all_grids(path).items():
        if grid.empty:
            continue
        measure = measure_from_title(str(grid.iat[0, 0]))
        if measure is None or (measures is not None and measure not in measures):
            continue
        if measure in found:
            raise SourceFormatError(path, f"two sheets hold the same table ({measure})", sheet=sheet)
        found.add(measure)
        frames.append(_parse_table(grid, path, sheet))
    if measures is not None and (missing := measures - found):
        raise SourceFormatError(path, f"tables not found: {', '.join(sorted(missing))}")
    if not frames:
        raise SourceFormatError(path, "no productivity tables found")
    return pd.concat(frames, ignore_index=True)


def _find_header_row(grid: pd.DataFrame, path: Path, sheet: str) -> int:
    for row in range(min(len(grid), 15)):
        cells = {str(cell).strip().lower() for cell in grid.iloc[row] if pd.notna(cell)}
        if cells & _CODE_HEADERS:
            return row
    raise SourceFormatError(path, "no header row with an area code column in the first 15 rows", sheet=sheet)


def _first_index(cells: list[str], wanted: set[str]) -> int | None:
    return next((i for i, cell in enumerate(cells) if cell in wanted), None)


def _year_columns(grid: pd.DataFrame, header_row: int, header: list[str]) -> list[tuple[int, int]]:
    """(column, year) pairs: from `Pounds_2004` headers, or from years in the row above (June 2023)."""
    columns = []
    for col, cell in enumerate(header):
        match = _YEAR_HEADER.match(cell)
        if match:
            columns.append((col, int(match.group(1))))
    if columns or header_row == 0:
        return columns
    for col, cell in enumerate(grid.iloc[header_row - 1]):
        text = str(cell).strip().removesuffix(".0") if pd.notna(cell) else ""
        if re.fullmatch(r"(19|20)\d{2}", text):
            columns.append((col, int(text)))
    return columns
