"""The Regional Productivity Explorer's data for notebooks, read from the committed snapshot (no network):

    from regional_productivity_explorer import data
    frame = data("gva_per_hour", geography="lep", years=(2015, 2023))
    frame.attrs["unit"], frame.attrs["licence"]

The filters are the HTTP API's (/api/v1/data.csv), checked by the same code (api/query.py), so a bad
value raises the same message the API returns (a ValueError naming the parameter)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from api.documents import LICENCE, areas_frame, indicator_entry
from api.query import ApiError, parse_data_query, query_items, select_rows
from components.attribution import ATTRIBUTION
from loaders.snapshot import Snapshot, read_snapshot

__all__ = ["ApiError", "areas", "data", "indicators"]


@lru_cache(maxsize=1)
def _snapshot() -> Snapshot:
    return read_snapshot()


def _one_or_many(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def data(
    indicator: str | Iterable[str],
    geography: str | Iterable[str] | None = None,
    areas: str | Iterable[str] | None = None,
    years: int | tuple[int, int] | None = None,
) -> pd.DataFrame:
    """Tidy rows (indicator, geography, area_code, area_name, period, value, unit, status, lci, uci) of one or
    more indicators, optionally for some levels, area codes and a year or (first, last) years. Missing and
    suppressed values are NaN with their status, never zero. `frame.attrs` holds each indicator's metadata
    (label, unit, source, licence...), the attribution and the snapshot id."""
    first, last = (years, years) if isinstance(years, int) else (years or (None, None))
    snapshot = _snapshot()
    query = parse_data_query(
        query_items(
            indicator=_one_or_many(indicator),
            geography=_one_or_many(geography),
            area=_one_or_many(areas),
            from_=first,
            to=last,
        ),
        snapshot.metadata,
        set(snapshot.areas["area_code"]),
    )
    frame = select_rows(snapshot, query)
    labels = [column for column in frame.columns if isinstance(frame[column].dtype, pd.CategoricalDtype)]
    frame = frame.astype(dict.fromkeys(labels, "str"))  # plain strings, not the snapshot's categoricals
    described = {key: indicator_entry(snapshot.metadata[key]) for key in query.indicators}
    units = sorted({entry["unit"] for entry in described.values()})
    frame.attrs = {
        "indicators": described,
        "unit": units[0] if len(units) == 1 else units,
        "source": "; ".join(dict.fromkeys(entry["source"] for entry in described.values())),
        "licence": LICENCE["name"],
        "licence_url": LICENCE["url"],
        "attribution": ATTRIBUTION,
        "snapshot_id": snapshot.manifest.get("snapshot_id"),
        "query": query.params(),
    }
    return frame


def indicators() -> pd.DataFrame:
    """One row per indicator: id, labels, unit, polarity, geographies, years, source and licence."""
    return pd.DataFrame([indicator_entry(meta) for meta in _snapshot().metadata.values()])


def areas(level: str | None = None) -> pd.DataFrame:
    """The areas of one level (or every level): code, name, parents and the boundary vintage."""
    return areas_frame(_snapshot(), level)
