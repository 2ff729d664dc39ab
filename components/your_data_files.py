"""Your data downloads: the matched data as plain CSV with its CSVW description, the blank template of a
level and the example file made from snapshot rows."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from components.attribution import ATTRIBUTION
from components.data_files import csv_bytes, csvw_bytes, csvw_metadata
from components.view_choices import area_names
from components.your_data import UPLOAD_SOURCE
from vocabulary.geography import LEVELS
from vocabulary.indicators import Indicator


def matched_table(
    values: pd.DataFrame,
    *,
    level: str,
    column: str,
    period: int | None,
    comparison: pd.DataFrame | None = None,
    official_label: str | None = None,
) -> pd.DataFrame:
    """The matched data as plotted (plus the official indicator where compared), one row per area."""
    out = values[["area_code", "area_name", "uploaded", "name_in_file", "value", "status"]].copy()
    out.insert(2, "level", level)
    out.insert(3, "period", period if period is not None else "")
    if comparison is not None and official_label:
        official = comparison.set_index("area_code")["official"]
        out[official_label] = out["area_code"].map(official)
    return out.rename(columns={"value": column, "uploaded": "key_in_file"})


def matched_csv(
    values: pd.DataFrame,
    *,
    level: str,
    column: str,
    period: int | None,
    comparison: pd.DataFrame | None = None,
    official_label: str | None = None,
) -> bytes:
    """The matched data as a plain CSV (header first); every cell, the user's column name included, is
    made safe for spreadsheets. What it is goes in `matched_csvw`."""
    return csv_bytes(
        matched_table(
            values, level=level, column=column, period=period, comparison=comparison, official_label=official_label
        )
    )


def matched_csvw(
    values: pd.DataFrame,
    *,
    source: str,
    level: str,
    column: str,
    period: int | None,
    comparison: pd.DataFrame | None = None,
    official_label: str | None = None,
    csv_name: str = "your_data.csv",
) -> bytes:
    """The CSVW description of `matched_csv`: which file, which areas, what is yours and what is official."""
    table = matched_table(
        values, level=level, column=column, period=period, comparison=comparison, official_label=official_label
    )
    notes = {
        "level": "Geography level the rows were matched to",
        "key_in_file": "The area key as written in the file",
        "name_in_file": "The area name as written in the file",
        column: f"{column}: from the uploaded file",
    }
    if official_label:
        notes[official_label] = f"{official_label}: the official figure for the area"
    return csvw_bytes(
        csvw_metadata(
            table,
            csv_name=csv_name,
            title=f"Matched data: {column}",
            description=f"{UPLOAD_SOURCE.format(file=source)}; areas: {LEVELS[level].label}",
            source=[UPLOAD_SOURCE.format(file=source), f"Official figures: {ATTRIBUTION}"],
            column_notes=notes,
        )
    )


def template_csv(areas: pd.DataFrame, level: str) -> bytes:
    """A blank file to fill in: the level's codes and official names, an empty value column."""
    names = area_names(areas, level)
    frame = pd.DataFrame({"area_code": list(names), "area_name": list(names.values()), "value": ""})
    return frame.to_csv(index=False).encode("utf-8")


def example_csv(rows: pd.DataFrame, meta: Indicator, names: Mapping[str, str]) -> bytes:
    """An example upload made from real snapshot rows (one indicator, level and year), keyed by
    the areas' official names (`names`: code -> name; the rows keep their source's own names, e.g.
    "Hartlepool UA") with ONS markers for missing values, as a person's own spreadsheet might be."""
    out = io.StringIO()
    frame = pd.DataFrame(
        {
            "Area": [names.get(code, name) for code, name in zip(rows["area_code"], rows["area_name"], strict=True)],
            meta.short_label: [
                (f"{v:.{int(meta.decimals)}f}" if pd.notna(v) else ("[c]" if s == "suppressed" else ".."))
                for v, s in zip(rows["value"], rows["status"], strict=True)
            ],
        }
    )
    frame.to_csv(out, index=False)
    return out.getvalue().encode("utf-8")
