"""Read ONS lookup CSVs (LAD->region, LAD->combined authority, ITL 2021->2025, ...) into our column
names, failing loudly on the layout problems that would otherwise silently drop areas from a join."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from loaders.errors import SourceFormatError, require_file


def read_lookup(path: str | Path, columns: Mapping[str, str], unique: Sequence[str] = ()) -> pd.DataFrame:
    """The `columns` (source name -> our name) of a lookup CSV, as stripped strings (codes such as
    E06000001 must never become numbers; blank cells become <NA>).

    ONS CSVs sometimes start with a UTF-8 BOM, which would otherwise glue itself to the first
    header; `utf-8-sig` removes it. `unique` lists our column names that must identify a row
    (e.g. ["lad_code"] for a one-to-one lookup); duplicates raise, naming examples.
    """
    path = Path(path)
    require_file(path)
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError as exc:
        raise SourceFormatError(path, "file is empty") from exc
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SourceFormatError(path, f"cannot be read as a UTF-8 CSV ({exc})") from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceFormatError(path, f"missing column(s) {', '.join(missing)} (columns: {', '.join(frame.columns)})")
    out = frame[list(columns)].rename(columns=dict(columns))
    out = out.apply(lambda col: col.str.strip()).replace("", pd.NA).dropna(how="all")
    if out.empty:
        raise SourceFormatError(path, "has a header but no rows")
    _check_unique(path, out, list(unique))
    return out.reset_index(drop=True).astype("string")


def _check_unique(path: Path, frame: pd.DataFrame, key: list[str]) -> None:
    if not key:
        return
    unknown = [c for c in key if c not in frame.columns]
    if unknown:
        raise ValueError(f"unique key {unknown} is not among the output columns {list(frame.columns)}")
    if frame[key].isna().any().any():
        raise SourceFormatError(path, f"blank values in key column(s) {', '.join(key)}")
    dup = frame[frame.duplicated(key, keep=False)]
    if not dup.empty:
        examples = ", ".join("/".join(map(str, row)) for row in dup[key].drop_duplicates().head(5).to_numpy())
        raise SourceFormatError(path, f"duplicate key {', '.join(key)}: {examples}")
