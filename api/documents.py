"""What the API answers, as plain frames and JSON-ready dicts: the indicator catalogue, the areas of a level,
a page of data rows with their attribution, and the CSV on the Web description of a data.csv request."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from api.query import ApiError, DataQuery
from components.attribution import ATTRIBUTION
from components.data_files import OGL_URL, csvw_metadata
from loaders.snapshot import Snapshot
from vocabulary.geography import LEVELS
from vocabulary.indicators import OGL, Indicator

API_ROOT = "/api/v1"
# HTTP header values are ASCII: the attribution with (c) for the copyright sign.
ATTRIBUTION_HEADER = ATTRIBUTION.replace("©", "(c)")
LICENCE = {"name": OGL, "url": OGL_URL}
AREA_COLUMNS = [
    "area_code",
    "area_name",
    "geography",
    "vintage",
    "parent_itl1",
    "parent_rgn",
    "parent_leps",
    "parent_cauth",
]


def attribution(snapshot: Snapshot) -> dict[str, Any]:
    """The attribution, licence and snapshot every JSON answer carries."""
    return {"attribution": ATTRIBUTION, "licence": LICENCE, "snapshot_id": snapshot.manifest.get("snapshot_id")}


def indicator_entry(meta: Indicator) -> dict[str, Any]:
    entry = meta.as_dict()
    entry["years"] = entry.pop("periods")
    entry["polarity_text"] = meta.polarity_text
    return entry


def indicators_document(snapshot: Snapshot) -> dict[str, Any]:
    """Every indicator's metadata: id, labels, unit, polarity, geographies, years, source and licence."""
    return {**attribution(snapshot), "indicators": [indicator_entry(meta) for meta in snapshot.metadata.values()]}


def areas_frame(snapshot: Snapshot, level: str | None) -> pd.DataFrame:
    """The areas of one level (or all): codes, names, parents and the boundary vintage they are valid for."""
    if level is not None and level not in LEVELS:
        raise ApiError(400, "level", f"unknown level {level[:30]!r}; the levels are {', '.join(LEVELS)}")
    areas = snapshot.areas[AREA_COLUMNS]
    if level is not None:
        areas = areas[areas["geography"] == level]
    return areas.sort_values(["geography", "area_code"], ignore_index=True)


def areas_document(snapshot: Snapshot, level: str | None) -> dict[str, Any]:
    frame = areas_frame(snapshot, level)
    areas = [
        {
            "code": row.area_code,
            "name": row.area_name,
            "level": row.geography,
            "level_label": LEVELS[row.geography].label if row.geography in LEVELS else row.geography,
            "valid_for": row.vintage or None,  # the boundary set (and date) the code belongs to
            "parents": {
                "itl1": row.parent_itl1 or None,
                "rgn": row.parent_rgn or None,
                "lep": [code for code in row.parent_leps.split(";") if code],
                "cauth": row.parent_cauth or None,
            },
        }
        for row in frame.itertuples(index=False)
    ]
    return {**attribution(snapshot), "level": level, "count": len(areas), "areas": areas}


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts, missing numbers as null (JSON has no NaN)."""
    records = frame.to_dict(orient="records")
    for record in records:
        for key, value in record.items():
            if isinstance(value, float) and math.isnan(value):
                record[key] = None
    return records


def data_url(query: DataQuery, extension: str, **changes: int) -> str:
    params = query.params()
    params.update({name: str(value) for name, value in changes.items()})
    return f"{API_ROOT}/data.{extension}" + (f"?{urlencode(params, safe=',')}" if params else "")


def next_page_url(query: DataQuery, total: int, shown: int, extension: str) -> str | None:
    """The link to the rows after this page, if there are any."""
    if query.limit is None and query.offset == 0:
        return None
    following = query.offset + shown
    if following >= total:
        return None
    return data_url(query, extension, offset=following, limit=query.limit or shown)


def data_document(snapshot: Snapshot, query: DataQuery, page: pd.DataFrame, total: int) -> dict[str, Any]:
    """data.json: the rows with the filters, the total matched, the next page and every indicator's metadata."""
    keys = list(dict.fromkeys(page["indicator"])) if len(page) else list(query.indicators)
    return {
        **attribution(snapshot),
        "query": query.params(),
        "total": total,
        "offset": query.offset,
        "count": len(page),
        "next": next_page_url(query, total, len(page), "json"),
        "indicators": {key: indicator_entry(snapshot.metadata[key]) for key in keys if key in snapshot.metadata},
        "columns": list(page.columns),
        "rows": json_records(page),
    }


def data_csvw(snapshot: Snapshot, query: DataQuery, sample: pd.DataFrame, base_url: str) -> dict[str, Any]:
    """The CSVW description of the data.csv with the same filters (columns, units, source, licence)."""
    keys = list(dict.fromkeys(sample["indicator"])) if len(sample) else list(query.indicators)
    sources = list(dict.fromkeys(snapshot.metadata[key].source for key in keys if key in snapshot.metadata))
    title = "Regional Productivity Explorer data: " + (", ".join(query.indicators) or "every indicator")
    filters = "; ".join(f"{name}={value}" for name, value in query.params().items()) or "no filters"
    return csvw_metadata(
        sample,
        csv_name=base_url.rstrip("/") + data_url(query, "csv"),
        title=title,
        description=f"Tidy rows of the committed snapshot selected by {filters}.",
        source=sources or ["Office for National Statistics (and others as listed)"],
        indicator_keys=keys,
        metadata=snapshot.metadata,
        manifest=snapshot.manifest,
    )
