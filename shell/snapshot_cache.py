"""The app's snapshot readers: one read-only copy of the snapshot, of each level's boundaries and of the
GVA-by-industry table per server process (st.cache_resource), shared by every session. The reading itself
is loaders.snapshot's; the indicator table's labels are categoricals there (~26 MB less per process).

Arrow allocates through the C library's malloc here rather than its bundled mimalloc: mimalloc keeps the
pages that decoding the parquet files used (per reading thread) for reuse, ~50 MB that this process never
needs again once the tables are read (measured with /proc/<pid>/status; see deploy/serve.py).
"""

from __future__ import annotations

import threading

import pandas as pd
import pyarrow as pa
import streamlit as st

from components.similar_areas import level_features
from loaders.snapshot import Snapshot, read_boundaries_json, read_industry_gva, read_snapshot
from metrics.sectors import TablesByArea, with_groups
from metrics.similar_areas import AreaFeatures

pa.set_memory_pool(pa.system_memory_pool())


@st.cache_resource(show_spinner=False)
def cached_snapshot() -> Snapshot:
    return read_snapshot()


@st.cache_resource(show_spinner=False)
def cached_boundaries(level: str) -> dict:
    outputs = cached_snapshot().manifest.get("outputs") or {}
    return read_boundaries_json(level, sha256=outputs.get(f"geo/{level}.geojson", {}).get("sha256"))


# ~43 MB of strings in the table with groupings, ~4 MB as categoricals. Not status: the sector views fill in and
# replace statuses (a categorical takes no new value).
INDUSTRY_LABELS = ("area_code", "geography", "industry")


def _with_categorical_labels(table: pd.DataFrame) -> pd.DataFrame:
    """The industry table's repeated labels as categoricals in lexical order (as the indicator table's)."""
    return table.astype({column: "category" for column in INDUSTRY_LABELS if column in table})


class IndustryTables:
    """The GVA-by-industry table held once per process. It is read as it is (`as_read`: similar areas) until
    Sector strengths first asks for it with the groupings appended (`with_groupings`); from then on the table as
    read is the leading rows of that one (with_groups puts the groupings after it), a slice rather than a second
    copy, and the first copy is let go: ~49 MB less in a process that has shown both pages."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._as_read: pd.DataFrame | None = None
        self._grouped: TablesByArea | None = None
        self._rows_read = 0

    def as_read(self) -> pd.DataFrame:
        with self._lock:
            if self._grouped is not None:
                return self._grouped["all"].iloc[: self._rows_read]
            if self._as_read is None:
                self._as_read = _with_categorical_labels(read_industry_gva())
            return self._as_read

    def with_groupings(self) -> TablesByArea:
        with self._lock:
            if self._grouped is None:
                from components.sector_strengths import BUILT_GROUPS  # here: a cold process imports no view

                table = self._as_read if self._as_read is not None else read_industry_gva()
                grouped = _with_categorical_labels(with_groups(table, BUILT_GROUPS))
                self._grouped, self._rows_read = TablesByArea(grouped), len(table)
                self._as_read = None
            return self._grouped


@st.cache_resource(show_spinner=False)
def industry_tables() -> IndustryTables:
    return IndustryTables()


def cached_industry_gva() -> pd.DataFrame:
    """industry_gva.parquet, read once per process (callers must not modify it)."""
    return industry_tables().as_read()


def cached_sector_tables() -> TablesByArea:
    """The industry table with the groupings added, and each area's rows (read-only, shared by every session)."""
    return industry_tables().with_groupings()


@st.cache_resource(show_spinner=False, max_entries=20)
def cached_similarity_features(level: str) -> AreaFeatures:
    """Every area of one level with the similar-areas measures (Compare areas, Sector strengths)."""
    snapshot = cached_snapshot()
    return level_features(snapshot.by_indicator, snapshot.areas, level, cached_industry_gva())


@st.cache_resource(show_spinner=False)
def cached_area_levels() -> tuple[dict[str, str], dict[str, int]]:
    """Each area code's level, and the number of areas per level (the data API links of figures)."""
    areas = cached_snapshot().areas
    return dict(zip(areas["area_code"], areas["geography"], strict=True)), areas["geography"].value_counts().to_dict()
