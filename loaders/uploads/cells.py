"""Cells and headers of an uploaded table: text, area codes, numbers with ONS markers, and years.

Pure functions on single cells, shared by the values reader (loaders/uploads/values.py) and the
boundary reader (field detection in loaders/uploads/boundaries.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from loaders.sources.markers import SUPPRESSED_MARKERS, UNAVAILABLE_MARKERS

CODE_PATTERN = re.compile(r"^(?:[EWSNKJLM]\d{8}|TL[A-Z0-9]{1,4}|UK[A-Z0-9]{1,4})$")
_NUMBER = re.compile(r"^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
YEAR = re.compile(r"^((?:19|20)\d{2})(?:\.0+)?$")
_SPAN_YEAR = re.compile(r"^((?:19|20)\d{2})\s*[/-]\s*(\d{2}|(?:19|20)\d{2})$")
_WORD = re.compile(r"[^a-z0-9]")
CD_FIELD = re.compile(r"^[a-z]*\d*cd$")
NM_FIELD = re.compile(r"^[a-z]*\d*nm$")
CODE_HEADERS = (
    "areacode",
    "code",
    "gsscode",
    "gss",
    "geographycode",
    "geocode",
    "itlcode",
    "ladcode",
    "lepcode",
    "onscode",
    "mnemonic",
)
NAME_HEADERS = (
    "areaname",
    "name",
    "area",
    "geographyname",
    "geography",
    "ladname",
    "lepname",
    "itlname",
    "localauthority",
    "place",
)
PERIOD_HEADERS = ("period", "year", "date", "yr", "time")
_CURRENCY = "£$€"
_NEGATIVE_CURRENCY = frozenset(f"-{c}" for c in _CURRENCY)


def blank(cell: Any) -> bool:
    """An empty cell: None, or text of spaces only."""
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def cell_text(cell: Any) -> str:
    """A cell as one line of text (whole floats without ".0", runs of spaces collapsed)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def normalised(header: str) -> str:
    """A header reduced to lower-case letters and digits ("Area Code" -> "areacode")."""
    return _WORD.sub("", header.lower())


def looks_like_codes(values: Iterable[str]) -> bool:
    """At least half of the non-blank values are GSS or ITL codes."""
    filled = [v for v in values if v]
    return bool(filled) and sum(bool(CODE_PATTERN.match(v.upper())) for v in filled) * 2 >= len(filled)


def parse_number(cell: Any) -> tuple[float, str] | None:
    """(value, status) of one cell, or None when it is text that is not a number or a known marker.

    Accepts 1234, "1,234.5", "£41.87", "76%", "-0.5", "1e3"; the ONS markers ".." "[x]" "c" etc.
    give NaN with "unavailable"/"suppressed"; blanks are "unavailable". Never "nan", "inf" or
    "1_000", which Python's float() would take.
    """
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
    elif text[:2] in _NEGATIVE_CURRENCY:
        text = "-" + text[2:]
    if text.endswith("%"):
        text = text[:-1]
    if not _NUMBER.match(text):
        return None
    value = float(text.replace(",", ""))
    return (value, "") if math.isfinite(value) else None


def parse_year(cell: Any) -> tuple[int | None, bool]:
    """(year, whether it was a span such as "2021/22") of a period cell; (None, False) if not a year."""
    if isinstance(cell, datetime | date):
        return cell.year, False
    if isinstance(cell, bool):
        return None, False
    if isinstance(cell, int | float) and math.isfinite(cell) and float(cell).is_integer() and 1900 <= cell <= 2099:
        return int(cell), False
    text = cell_text(cell)
    if match := YEAR.match(text):
        return int(match.group(1)), False
    if match := _SPAN_YEAR.match(text):
        return int(match.group(1)), True
    return None, False


def year_headers(headers: list[str]) -> list[str]:
    """Headers that are years ("2019", "2019.0"): one column per year of one value."""
    return [h for h in headers if YEAR.match(h)]
