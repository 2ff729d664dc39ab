"""The data files behind every download: a plain CSV (the header in row 1, one row per record, nothing
before it), the W3C CSV on the Web (CSVW) metadata file beside it (`<name>.csv-metadata.json`, as ONS
publishes), and the XLSX with its metadata sheet.

Title, subtitle, source, licence, units and what each column means go in the CSVW file and the XLSX
metadata sheet, never into the CSV itself, so that pandas.read_csv, the csv module and a spreadsheet's
import read the CSV as it is. Every text cell, headers included, passes `spreadsheet_safe` (one rule for
all writers).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from components.attribution import ATTRIBUTION
from components.cell_safety import spreadsheet_safe
from vocabulary.indicators import Indicator

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
MANIFEST_FILE = "regional_data/manifest.json"
TABLE_FILE = "regional_data/indicators.parquet"
STATUS_TEXT = (
    "'' = published; provisional; estimated; derived (computed here from published parts); "
    "suppressed (withheld by the source, not zero); unavailable (no figure)"
)

# What the columns that recur across the downloads mean (the CSVW file and the XLSX metadata sheet say so).
COLUMN_DESCRIPTIONS = {
    "indicator": "Indicator key (its label, unit, source and definition are in this file's indicator list)",
    "geography": "Geography level: uk, country, itl1, itl2, itl3, rgn, lep, cauth or lad",
    "area_code": "ONS GSS code of the area (or a code this app derives, such as ENG_EXCL_LONDON)",
    "area_name": "Name of the area",
    "period": "Year the figure refers to, as published",
    "year": "Year the figure refers to, as published",
    "value": "The figure, in the unit of the unit column (empty where there is none; never a zero)",
    "unit": "Unit of the value",
    "status": STATUS_TEXT,
    "lci": "Lower limit of the 95% confidence interval, where the source gives one",
    "uci": "Upper limit of the 95% confidence interval, where the source gives one",
    "benchmark_lci": "Lower limit of the benchmark's 95% confidence interval, where the source gives one",
    "benchmark_uci": "Upper limit of the benchmark's 95% confidence interval, where the source gives one",
    "verdict": "better, worse, not_significant (the 95% intervals overlap) or similar (within 1%, where a figure "
    "has no interval), by the indicator's polarity",
    "verdict_basis": "How the verdict was reached: the 95% interval test, or the gap alone and why no interval",
    "rank": "Rank among the areas shown (1 = highest value, or best where lower is better)",
    "gap_pct": "Gap to the benchmark, % of the benchmark's value",
    "drawn_as": "How the row is drawn in the chart",
    "source": "Source of the row",
}
_NAME_SAFE = re.compile(r"[^A-Za-z0-9_.]")
_UNIT_IN_NAME = re.compile(r"\(([^()]+)\)")  # a wide table's column names carry their unit in brackets


def safe_frame(data: pd.DataFrame) -> pd.DataFrame:
    """A copy whose header and text cells cannot run as spreadsheet formulas."""
    out = data.copy()
    out.columns = csv_header(data)
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            escaped = {value: spreadsheet_safe(value) for value in column.dropna().unique()}
            if any(escaped[value] != value for value in escaped):
                out.isetitem(position, column.map(escaped))
    return out


def csv_header(data: pd.DataFrame) -> list[str]:
    """The header row exactly as written to the CSV (escaped like every other cell)."""
    return [str(spreadsheet_safe(str(column))) for column in data.columns]


def csv_bytes(data: pd.DataFrame) -> bytes:
    """Plain UTF-8 CSV (RFC 4180: CRLF line ends, so a cell with a line break of either kind is quoted): the
    header in row 1, one row per record, missing values empty (never zero)."""
    return safe_frame(data).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def _datatype(column: pd.Series) -> str | dict:
    if pd.api.types.is_bool_dtype(column):
        return {"base": "boolean", "format": "True|False"}  # as pandas writes them
    if pd.api.types.is_integer_dtype(column):
        return "integer"
    if pd.api.types.is_numeric_dtype(column):
        return "number"
    return "string"


def _column_name(title: str, taken: set[str]) -> str:
    """A CSVW column name (a URI template variable: letters, digits, _ and ., percent-encoded otherwise)."""
    name = _NAME_SAFE.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group(0).encode("utf-8")), title)
    name = name if name and not name.startswith("_") else f"column{name}"
    unique, number = name, 2
    while unique in taken:
        unique, number = f"{name}.{number}", number + 1
    taken.add(unique)
    return unique


def _indicator_entries(indicator_keys: Iterable[str], metadata: Mapping[str, Indicator]) -> list[dict]:
    entries = []
    for key in dict.fromkeys(indicator_keys):
        meta = metadata.get(key)
        if meta is None:
            continue
        entries.append(
            {
                "schema:identifier": key,
                "schema:name": meta.label,
                "schema:unitText": meta.unit,
                "schema:description": " ".join(part for part in [meta.basis or "", *(meta.caveats or [])] if part)
                or meta.label,
                "dc:source": meta.source,
                "schema:url": meta.source_url,
                "dc:issued": meta.release,
                "dc:license": meta.licence,
            }
        )
    return entries


def csvw_metadata(
    data: pd.DataFrame,
    *,
    csv_name: str,
    title: str,
    description: str,
    source: Sequence[str],
    indicator_keys: Iterable[str] = (),
    metadata: Mapping[str, Indicator] | None = None,
    manifest: Mapping[str, Any] | None = None,
    column_notes: Mapping[str, str] | None = None,
) -> dict:
    """The CSVW table description of a CSV from `csv_bytes(data)`: its columns in order (titles = the CSV
    header), their datatypes and meanings, the unit where the data has one, and the title, source and licence."""
    notes = {**COLUMN_DESCRIPTIONS, **(column_notes or {})}
    units = sorted({str(u) for u in data["unit"].dropna()}) if "unit" in data.columns else []
    taken: set[str] = set()
    columns = []
    for original, title_text in zip(data.columns, csv_header(data), strict=True):
        column: dict[str, Any] = {
            "name": _column_name(str(original), taken),
            "titles": title_text,
            "datatype": _datatype(data[original]),
        }
        described = notes.get(str(original))
        column["dc:description"] = described or f"{original}, as shown in the app"
        if str(original) in ("value", "lci", "uci") and len(units) == 1:
            column["schema:unitText"] = units[0]
        elif column["datatype"] in ("number", "integer") and _UNIT_IN_NAME.search(str(original)):
            column["schema:unitText"] = _UNIT_IN_NAME.findall(str(original))[-1]  # "GVA per hour (£), 2023"
        columns.append(column)
    document: dict[str, Any] = {
        "@context": [CSVW_CONTEXT, {"@language": "en"}],
        "url": csv_name,
        "dc:title": title,
        "dc:description": description or title,
        "dc:source": " ".join(source),
        "dc:rights": ATTRIBUTION,
        "dc:license": {"@id": OGL_URL},
        "dialect": {"header": True, "headerRowCount": 1, "delimiter": ",", "encoding": "utf-8"},
        "tableSchema": {"columns": columns},
    }
    variables = _indicator_entries(indicator_keys, metadata or {})
    if variables:
        document["schema:variableMeasured"] = variables
    if manifest and manifest.get("snapshot_id"):
        document["schema:version"] = f"snapshot {manifest['snapshot_id']} ({MANIFEST_FILE})"
    return document


def csvw_bytes(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def metadata_rows(
    figure_title: str,
    figure_subtitle: str,
    source: list[str],
    indicator_keys: Iterable[str],
    metadata: Mapping[str, Indicator],
    manifest: Mapping[str, Any],
    columns: Iterable[str] = (),
) -> list[list[Any]]:
    """The rows of an XLSX "metadata" sheet: what the data is, its attribution and licence, what each
    column means, each indicator's definition, unit and source, and which build of the snapshot it came from."""
    rows: list[list[Any]] = [
        ["Title", figure_title],
        ["Subtitle", figure_subtitle],
        ["Source", " ".join(source)],
        ["Attribution", ATTRIBUTION],
        ["Licence", f"Open Government Licence v3.0 ({OGL_URL})"],
        ["Status values", STATUS_TEXT],
    ]
    described = [(name, COLUMN_DESCRIPTIONS.get(str(name))) for name in columns]
    if described:
        rows += [[], ["Column", "Meaning"]]
        rows += [[name, text or f"{name}, as shown in the app"] for name, text in described]
    rows += [
        [],
        [
            "Indicator",
            "Label",
            "Unit",
            "Decimals",
            "Polarity",
            "Category",
            "Basis",
            "Source",
            "Source URL",
            "Release",
            "Licence",
            "Caveats",
        ],
    ]
    for key in dict.fromkeys(indicator_keys):
        meta = metadata.get(key)
        if meta is None:
            continue
        rows.append(
            [
                key,
                meta.label,
                meta.unit,
                meta.decimals,
                meta.polarity,
                meta.category,
                meta.basis,
                meta.source,
                meta.source_url,
                meta.release,
                meta.licence,
                " ".join(meta.caveats or []),
            ]
        )
    table = (manifest.get("outputs") or {}).get(TABLE_FILE, {})
    rows += [
        [],
        ["Build manifest", MANIFEST_FILE],
        ["Snapshot id", manifest.get("snapshot_id")],
        ["Rows in the snapshot", manifest.get("rows")],
        [f"{TABLE_FILE} sha256", table.get("sha256")],
    ]
    return rows
