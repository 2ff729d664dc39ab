"""The app's snapshot readers: one read-only copy of the snapshot, of each level's boundaries and of the
GVA-by-industry table per server process (st.cache_resource), shared by every session. The reading itself
is loaders.snapshot's.

Arrow allocates through the C library's malloc here rather than its bundled mimalloc: mimalloc keeps the
pages that decoding the parquet files used (per reading thread) for reuse, ~50 MB that this process never
needs again once the tables are read (measured with /proc/<pid>/status; see deploy/serve.py).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

from components.similar_areas import level_features
from loaders.snapshot import Snapshot, read_boundaries_json, read_industry_gva, read_snapshot
from metrics.similar_areas import AreaFeatures

pa.set_memory_pool(pa.system_memory_pool())


@st.cache_resource(show_spinner=False)
def cached_snapshot() -> Snapshot:
    return read_snapshot()


@st.cache_resource(show_spinner=False)
def cached_boundaries(level: str) -> dict:
    outputs = cached_snapshot().manifest.get("outputs") or {}
    return read_boundaries_json(level, sha256=outputs.get(f"geo/{level}.geojson", {}).get("sha256"))


@st.cache_resource(show_spinner=False)
def cached_industry_gva() -> pd.DataFrame:
    """industry_gva.parquet, read once per process (callers must not modify it)."""
    return read_industry_gva()


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
