"""Parsers for Nomis xlsx "block" extracts (APS T01, T19, T13a; UK Business Counts by size band); the
indicators made from the blocks are in loaders/sources/nomis_tables.py.

A Nomis download stacks one block per date (and per industry / legal status). Each block is:

    <title>, <copyright>            (single cells)
    date        | Jan 2018-Dec 2018
    confidence  | 95% confidence interval (+/-)     (APS)  or  industry | ... / legal status | ...
    Area        | <variable 1> |       |      | <variable 2> ...
                | number       | Flags | conf | number ...     (absent in UK Business Counts)
    country:England | 26169200 |       | 164900 ...
    ...
    <blank row>, then footnotes

Area labels carry no GSS codes ("lep:North East"); see loaders.sources.area_names for matching.

Flag / marker mapping (Nomis never means zero by a marker, so none becomes 0):

* ``!`` "estimate and confidence interval not available since the group sample size is zero or
  disclosive" -> value NaN, status ``suppressed``.
* ``~`` "estimate is less than 500" -> value NaN, status ``suppressed`` (a number exists but is hidden).
* ``#``, ``c``, ``[c]`` (other Nomis/ONS confidentiality markers) -> NaN, ``suppressed``.
* ``-`` "these figures are missing", ``..``, ``:``, ``x``, ``[x]``, ``[z]``, an empty cell -> NaN,
  status ``unavailable``.
* ``*`` "estimate and confidence interval unreliable since the group sample size is small (3-9)".
  In these files it sits in the *conf* (or Flags) column next to a real number, so the value is kept
  with status ``unreliable`` and conf NaN. A ``*`` in place of the number itself becomes NaN,
  ``suppressed``. Callers that want only robust figures drop ``unreliable`` rows.
* Any other text in a number cell raises SourceFormatError: an unknown marker must be looked at,
  not guessed.

UK Business Counts note that counts are rounded (to 5) and "all zeros are not necessarily true
zeros": a published 0 is kept as 0 with status "" because that is the published value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import SourceFormatError
from loaders.sources.excel import read_grid

BLOCK_COLUMNS = [
    "period",
    "date_label",
    "block_label",
    "area_type",
    "area_name",
    "variable",
    "value",
    "status",
    "conf",
]

VALUE_MARKERS: dict[str, str] = {
    "!": "suppressed",
    "~": "suppressed",
    "#": "suppressed",
    "*": "suppressed",
    "c": "suppressed",
    "[c]": "suppressed",
    "-": "unavailable",
    "..": "unavailable",
    ":": "unavailable",
    "x": "unavailable",
    "[x]": "unavailable",
    "[z]": "unavailable",
}
# Markers that qualify a published number rather than replace it.
APS_ANNOTATIONS: dict[str, str] = {"*": "unreliable"}
# Worst first: when two inputs of a ratio disagree, the ratio takes the worst status.
STATUS_ORDER = ["unavailable", "suppressed", "partial", "unreliable", ""]

_AREA_LABEL = re.compile(r"^\s*([^:]+?)\s*:\s*(.+?)\s*$")
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_META_SKIP = {"date", "confidence"}


@dataclass(frozen=True)
class _Column:
    """Where one variable's number / Flags / conf cells sit in the grid."""

    variable: str
    number: int
    flags: int | None
    conf: int | None


def period_from_label(label: str) -> int | None:
    """The year a Nomis date label refers to: the last year named ("Jan 2018-Dec 2018" -> 2018,
    "Apr 2021-Mar 2022" -> 2022, "March 2022" -> 2022), so a 12-month period is dated by its end."""
    years = [m.group(0) for m in _YEAR.finditer(label)]
    return int(years[-1]) if years else None


def parse_cells(
    numbers: np.ndarray,
    annotations: list[np.ndarray],
    annotation_status: dict[str, str],
    path: Path,
    where: Callable[[int], str],
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised (value, status) for flat arrays of Nomis number cells and their Flags/conf cells.

    `annotation_status` says what a marker next to a real number means for this source (APS "*" is
    "unreliable", BRES "*" is "partial"); any other known marker there hides the number.
    `where(i)` describes cell i for error messages.
    """
    booleans = np.fromiter((isinstance(cell, bool) for cell in numbers), dtype=bool, count=len(numbers))
    if booleans.any():
        raise SourceFormatError(path, f"{where(int(np.argmax(booleans)))}: TRUE/FALSE where a number belongs")
    value = pd.to_numeric(pd.Series(numbers, dtype=object), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan, copy=True
    )
    status = np.full(len(value), "", dtype=object)
    for i in np.flatnonzero(np.isnan(value)):
        cell = numbers[i]
        text = "" if cell is None or (isinstance(cell, float) and np.isnan(cell)) else str(cell).strip()
        if text == "":
            status[i] = "unavailable"
        elif text.lower() in VALUE_MARKERS:
            status[i] = VALUE_MARKERS[text.lower()]
        else:
            try:
                value[i] = float(text.replace(",", ""))
            except ValueError:
                raise SourceFormatError(
                    path, f"{where(i)}: unrecognised value '{text}' (not a number or a Nomis flag)"
                ) from None
    for notes in annotations:
        _apply_annotations(notes, value, status, annotation_status, path, where)
    return value, status


def _apply_annotations(
    notes: np.ndarray,
    value: np.ndarray,
    status: np.ndarray,
    annotation_status: dict[str, str],
    path: Path,
    where: Callable[[int], str],
) -> None:
    """Apply flag/conf markers in place: qualifying markers keep the number, hiding markers drop it.
    Numbers in a conf column and markers next to an already-missing number change nothing."""
    text = pd.Series(notes, dtype=object)
    is_text = text.map(lambda cell: isinstance(cell, str)).to_numpy(dtype=bool) & ~np.isnan(value)
    for i in np.flatnonzero(is_text):
        flag = str(notes[i]).strip().lower()
        if flag == "":
            continue
        if flag in annotation_status:
            status[i] = annotation_status[flag]
        elif flag in VALUE_MARKERS:
            value[i] = np.nan
            status[i] = VALUE_MARKERS[flag]
        else:
            try:
                float(flag.replace(",", ""))
            except ValueError:
                raise SourceFormatError(path, f"{where(i)}: unrecognised flag '{notes[i]}'") from None


def _as_text(column: pd.Series) -> pd.Series:
    """Cells as stripped strings (<NA> for empty), so numbers and markers can be told apart."""
    text = column.astype("string").str.strip()
    return text.mask(text == "")


def read_nomis_blocks(path: str | Path, sheet: str = "Data") -> pd.DataFrame:
    """Every block of a Nomis xlsx extract as one tidy frame with BLOCK_COLUMNS.

    `block_label` joins the per-block header values other than date/confidence that are not
    "Total" (e.g. the UBC industry "3 : Manufacturing (C)"), else "".
    """
    path = Path(path)
    grid = read_grid(path, sheet)
    first = _as_text(grid.iloc[:, 0])
    area_rows = first.index[first.str.lower() == "area"].tolist()
    if not area_rows:
        raise SourceFormatError(path, "no 'Area' header row, so no Nomis data block found", sheet=sheet)
    frames = []
    previous_end = 0
    for header in [*area_rows, len(grid)]:
        _reject_stray_rows(grid, first, previous_end, header, path, sheet)
        if header == len(grid):
            break
        meta = _block_meta(grid, first, previous_end, header)
        frame, previous_end = _read_block(grid, first, header, meta, path, sheet)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    duplicated = out.duplicated(["period", "block_label", "area_type", "area_name", "variable"])
    if duplicated.any():
        row = out[duplicated].iloc[0]
        raise SourceFormatError(
            path,
            f"area '{row.area_type}:{row.area_name}' appears twice for {row.variable}, {row.date_label}",
            sheet=sheet,
        )
    return out


def _reject_stray_rows(grid: pd.DataFrame, first: pd.Series, start: int, stop: int, path: Path, sheet: str) -> None:
    """Data-like rows between blocks ("type:name" with a value beside it) mean a blank row split a
    block; reading on would silently drop those areas, so fail instead. Footnotes have no value."""
    if grid.shape[1] < 2:
        return
    labels = first.iloc[start:stop]
    looks_like_area = labels.str.match(_AREA_LABEL.pattern, na=False) & ~labels.str.contains("http", na=False)
    has_value = grid.iloc[start:stop, 1:].notna().any(axis=1)
    stray = labels[looks_like_area & has_value]
    if not stray.empty:
        raise SourceFormatError(
            path,
            f"row {stray.index[0] + 1} ('{stray.iloc[0]}') holds data outside any block (a blank row inside a block?)",
            sheet=sheet,
        )


def _block_meta(grid: pd.DataFrame, first: pd.Series, start: int, header: int) -> dict[str, str]:
    """The `key | value` rows above a block's Area header (date, confidence, industry, ...)."""
    meta: dict[str, str] = {}
    for row in range(start, header):
        key = first.iloc[row]
        cell = grid.iat[row, 1] if grid.shape[1] > 1 else None
        if pd.isna(key) or cell is None or pd.isna(cell):
            continue
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        meta[str(key).strip().lower()] = str(cell).strip()
    return meta


def _read_block(
    grid: pd.DataFrame, first: pd.Series, header: int, meta: dict[str, str], path: Path, sheet: str
) -> tuple[pd.DataFrame, int]:
    """One block's rows in tidy form, and the grid row after its last area row."""
    where = f"block at row {header + 1}"
    if "date" not in meta:
        raise SourceFormatError(path, f"{where}: no 'date' row above the 'Area' header", sheet=sheet)
    date_label = meta["date"]
    period = period_from_label(date_label)
    if period is None:
        raise SourceFormatError(path, f"{where}: cannot read a year from date '{date_label}'", sheet=sheet)
    columns, first_data = _block_columns(grid, header, path, sheet)
    filled = first.iloc[first_data:].notna().to_numpy()
    end = first_data + (int(np.argmin(filled)) if not filled.all() else len(filled))
    labels = first.iloc[first_data:end]
    if labels.empty:
        raise SourceFormatError(path, f"{where}: the block has no area rows", sheet=sheet)
    parts = labels.str.extract(_AREA_LABEL)
    bad = parts[0].isna()
    if bad.any():
        raise SourceFormatError(
            path,
            f"{where}: area label '{labels[bad].iloc[0]}' (row {labels[bad].index[0] + 1}) is not 'type:name'",
            sheet=sheet,
        )
    block_label = " | ".join(value for key, value in meta.items() if key not in _META_SKIP and value.lower() != "total")
    rows = grid.iloc[first_data:end].to_numpy(dtype=object)
    n = len(rows)
    empty = np.full(n, None, dtype=object)

    def stacked(attribute: str) -> np.ndarray | None:
        if all(getattr(c, attribute) is None for c in columns):
            return None
        cells = [rows[:, getattr(c, attribute)] if getattr(c, attribute) is not None else empty for c in columns]
        return np.concatenate(cells)

    def locate(i: int) -> str:
        return f"{where}, {columns[i // n].variable}, row {first_data + i % n + 1}"

    numbers = np.concatenate([rows[:, c.number] for c in columns])
    notes = [a for a in (stacked("flags"), stacked("conf")) if a is not None]
    value, status = parse_cells(numbers, notes, APS_ANNOTATIONS, path, locate)
    conf_cells = stacked("conf")
    conf = (
        pd.to_numeric(pd.Series(conf_cells, dtype=object), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan, copy=True
        )
        if conf_cells is not None
        else np.full(len(value), np.nan)
    )
    conf[np.isnan(value)] = np.nan
    frame = pd.DataFrame(
        {
            "period": period,
            "date_label": date_label,
            "block_label": block_label,
            "area_type": np.tile(parts[0].to_numpy(dtype=object), len(columns)),
            "area_name": np.tile(parts[1].to_numpy(dtype=object), len(columns)),
            "variable": np.repeat(np.array([c.variable for c in columns], dtype=object), n),
            "value": value,
            "status": status,
            "conf": conf,
        }
    )
    return frame[BLOCK_COLUMNS], end


def _block_columns(grid: pd.DataFrame, header: int, path: Path, sheet: str) -> tuple[list[_Column], int]:
    """The variables of a block and where their cells are; also the first data row.

    APS blocks have a `number | Flags | conf` row under the variable names; UBC blocks do not.
    """
    names = _as_text(grid.iloc[header])
    starts = [c for c in range(1, grid.shape[1]) if pd.notna(names.iloc[c])]
    if not starts:
        raise SourceFormatError(path, f"'Area' header at row {header + 1} names no variables", sheet=sheet)
    variables = [str(names.iloc[c]) for c in starts]
    if len(set(variables)) != len(variables):
        raise SourceFormatError(path, f"'Area' header at row {header + 1} repeats a variable name", sheet=sheet)
    sub = _as_text(grid.iloc[header + 1]) if header + 1 < len(grid) else pd.Series(dtype="string")
    has_sub = header + 1 < len(grid) and pd.isna(sub.iloc[0]) and sub.iloc[1:].notna().any()
    if not has_sub:
        return [_Column(v, c, None, None) for v, c in zip(variables, starts, strict=True)], header + 1
    columns = []
    bounds = [*starts, grid.shape[1]]
    for variable, start, stop in zip(variables, bounds[:-1], bounds[1:], strict=True):
        kinds = {str(sub.iloc[c]).lower(): c for c in range(start, stop) if pd.notna(sub.iloc[c])}
        unknown = set(kinds) - {"number", "flags", "conf"}
        if "number" not in kinds or unknown:
            raise SourceFormatError(
                path,
                f"row {header + 2}: sub-headers under '{variable}' are {sorted(kinds)}, expected number / Flags / conf",
                sheet=sheet,
            )
        columns.append(_Column(variable, kinds["number"], kinds.get("flags"), kinds.get("conf")))
    return columns, header + 2
