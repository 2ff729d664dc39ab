"""Parser for the JSON metadata ONS ships beside each Explore Local Statistics CSV (``ess-beta-metadata``):
titles, sources and their dates, caveats and per-indicator labels and decimals. The CSVs themselves are read
in loaders/sources/explore_local_statistics.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from loaders.errors import SourceFormatError, require_file


def read_els_metadata(json_path: str | Path) -> dict[str, Any]:
    """The useful parts of ONS's ELS metadata JSON, flattened.

    ONS ships two layouts under ``ess-beta-metadata``: flat (one indicator) or a ``shared`` block
    plus one block per indicator, keyed by the CSV's indicator label. gdp-per-head.json also has
    CSV-W fields (title, description, license) at top level. Returns keys ``title``,
    ``source_name``, ``source_url``, ``source_date`` (ISO, first of any "|"-joined dates),
    ``source_date_label`` (as in the file), ``in_development`` (ONS "experimental" flag),
    ``caveats``, ``description``, ``last_modified_note``, ``license`` and ``indicators``:
    {key: {label, subtitle, description, caveats, decimal_places, prefix, suffix}}. For flat
    files the single key is the JSON label, which may differ from the CSV label (GDHI).
    """
    path = Path(json_path)
    document = _load_json(path)
    block = document.get("ess-beta-metadata")
    if not isinstance(block, dict) or not block:
        raise SourceFormatError(path, "no 'ess-beta-metadata' object")
    if "shared" in block:
        shared = block["shared"]
        per_indicator = {key: value for key, value in block.items() if key != "shared" and isinstance(value, dict)}
    else:
        shared = block
        per_indicator = {str(block.get("label", path.stem)): block}
    if not per_indicator:
        raise SourceFormatError(path, "metadata lists no indicator")
    source_url = shared.get("sourceURL")
    source_name = shared.get("sourceOrg")
    if not source_url or not source_name:
        raise SourceFormatError(path, "metadata lacks sourceURL or sourceOrg")
    indicators = {key: _indicator_meta(key, {**shared, **value}) for key, value in per_indicator.items()}
    labels = [meta["label"] for meta in indicators.values()]
    date_label = str(shared.get("sourceDate") or "")
    return {
        "title": document.get("title") or (labels[0] if len(labels) == 1 else "; ".join(labels)),
        "source_name": "; ".join(dict.fromkeys(part.strip() for part in str(source_name).split("|"))),
        "source_url": str(source_url).split("|")[0].strip(),
        "source_date": _iso_date(date_label, path),
        "source_date_label": date_label,
        "in_development": str(shared.get("experimentalStatistic", "")).upper() == "T",
        "caveats": shared.get("caveats"),
        "description": document.get("description")
        or (next(iter(indicators.values()))["description"] if len(indicators) == 1 else None),
        "last_modified_note": document.get("_note"),
        "license": document.get("license"),
        "indicators": indicators,
    }


def _load_json(path: Path) -> dict[str, Any]:
    require_file(path)
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceFormatError(path, f"not valid UTF-8 JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise SourceFormatError(path, "top level is not a JSON object")
    return document


def _indicator_meta(key: str, merged: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": merged.get("label") or key,
        "subtitle": merged.get("subtitle"),
        "description": merged.get("longDescription"),
        "caveats": merged.get("caveats"),
        "decimal_places": merged.get("decimalPlaces"),
        "prefix": "£" if merged.get("prefix") == "GBPSign" else merged.get("prefix"),
        "suffix": merged.get("suffix"),
    }


def _iso_date(label: str, path: Path) -> str | None:
    """First date of ONS's "dd/mm/yyyy" or "dd/mm/yyyy|dd/mm/yyyy" as yyyy-mm-dd."""
    first = label.split("|")[0].strip()
    if not first:
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", first)
    if not match:
        raise SourceFormatError(path, f"sourceDate '{label}' is not dd/mm/yyyy")
    day, month, year = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"
