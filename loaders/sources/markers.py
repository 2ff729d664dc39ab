"""Official "no number here" markers, shared by the ONS workbook parsers.

ONS and Nomis write a marker instead of a number when a value is confidential, unreliable or not
available. Such a cell must become a missing value with a status, never a zero.
"""

from __future__ import annotations

import math

SUPPRESSED_MARKERS = frozenset({"[c]", "c", "*", "!", "#"})
UNAVAILABLE_MARKERS = frozenset({"[x]", "x", "..", ":", "-", "[z]", "z", "[low]", "~", "n/a", "na"})


def classify_cell(cell: object) -> tuple[float, str] | None:
    """(value, status) for one spreadsheet cell, or None when the text is not a known marker.

    Numbers pass through with status "". Empty cells are "unavailable".
    """
    if cell is None:
        return math.nan, "unavailable"
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        if isinstance(cell, float) and math.isnan(cell):
            return math.nan, "unavailable"
        return float(cell), ""
    text = str(cell).strip()
    if text == "":
        return math.nan, "unavailable"
    try:
        return float(text.replace(",", "")), ""
    except ValueError:
        pass
    lowered = text.lower()
    if lowered in SUPPRESSED_MARKERS:
        return math.nan, "suppressed"
    if lowered in UNAVAILABLE_MARKERS:
        return math.nan, "unavailable"
    return None
