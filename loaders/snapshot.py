"""Read the committed snapshot (regional_data/, geo/). The only loader that knows about Streamlit:
the `cached_*` wrappers keep one read-only copy per server process, shared by every session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import streamlit as st

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "regional_data"
GEO_DIR = REPO / "geo"


class SnapshotError(RuntimeError):
    """The snapshot is missing or unreadable; the message says which file."""


@dataclass(frozen=True)
class Snapshot:
    """The tidy indicator table with its metadata, area table and build manifest."""

    indicators: pd.DataFrame
    metadata: dict
    areas: pd.DataFrame
    manifest: dict

    @cached_property
    def by_indicator(self) -> dict[str, pd.DataFrame]:
        """Rows per indicator, split once so pages never filter the whole table."""
        return {key: rows for key, rows in self.indicators.groupby("indicator", sort=False)}

    @cached_property
    def years_by_level(self) -> dict[str, list[int]]:
        """Every year with at least one value, per geography level, newest first."""
        valued = self.indicators[self.indicators["value"].notna()]
        return {
            level: sorted((int(year) for year in years), reverse=True)
            for level, years in valued.groupby("geography")["period"].unique().items()
        }

    def rows(self, indicator: str, geography: str | None = None, period: int | None = None) -> pd.DataFrame:
        frame = self.by_indicator.get(indicator, self.indicators.iloc[0:0])
        if geography is not None:
            frame = frame[frame["geography"] == geography]
        if period is not None:
            frame = frame[frame["period"] == period]
        return frame


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SnapshotError(f"{path.name} is missing from {path.parent}; run python -m loaders.build") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path.name} cannot be read ({exc})") from exc


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except FileNotFoundError as exc:
        raise SnapshotError(f"{path.name} is missing from {path.parent}; run python -m loaders.build") from exc
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise SnapshotError(f"{path.name} cannot be read ({exc})") from exc


def read_snapshot(data_dir: Path = DATA_DIR) -> Snapshot:
    indicators = _read_parquet(data_dir / "indicators.parquet")
    indicators["period"] = indicators["period"].astype(int)
    return Snapshot(
        indicators=indicators,
        metadata=_read_json(data_dir / "indicators.json"),
        areas=_read_parquet(data_dir / "areas.parquet"),
        manifest=_read_json(data_dir / "manifest.json"),
    )


def read_boundaries_json(level: str, geo_dir: Path = GEO_DIR) -> dict:
    """The web-ready GeoJSON FeatureCollection of one level (parsed)."""
    return _read_json(geo_dir / f"{level}.geojson")


@st.cache_resource(show_spinner=False)
def cached_snapshot() -> Snapshot:
    return read_snapshot()


@st.cache_resource(show_spinner=False)
def cached_boundaries(level: str) -> dict:
    return read_boundaries_json(level)
