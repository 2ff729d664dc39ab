"""The committed snapshot read straight from its parquet files, for tests that compute expected values with
pandas rather than taking them from the code under test."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

from loaders.snapshot import Snapshot, read_snapshot
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[1]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))


@cache
def snapshot() -> Snapshot:
    """The snapshot as the app reads it (read once per test session)."""
    return read_snapshot()


def values(indicator: str, code: str) -> pd.Series:
    """period -> value of one area, straight from the parquet."""
    picked = PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["area_code"] == code)].dropna(subset=["value"])
    return picked.set_index("period")["value"].sort_index()


def level_values(indicator: str, level: str) -> pd.DataFrame:
    """Every row of one indicator at one level, straight from the parquet."""
    return PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level)]


def rows_of(indicator: str) -> pd.DataFrame:
    """Every row of one indicator, straight from the parquet."""
    return PARQUET[PARQUET["indicator"] == indicator]


def parquet_value(indicator: str, geography: str, code: str, year: int) -> float:
    """The one value of an area in a year, straight from the parquet."""
    rows = rows_of(indicator)
    rows = rows[(rows["geography"] == geography) & (rows["area_code"] == code) & (rows["period"] == year)]
    assert len(rows) == 1
    return float(rows["value"].iloc[0])
