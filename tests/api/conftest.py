"""The API's tests drive the Starlette routes in process (Starlette's TestClient) on the committed snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import pandas as pd
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import api_routes
from loaders.snapshot import DATA_DIR, Snapshot, read_snapshot


@lru_cache(maxsize=1)
def snapshot() -> Snapshot:
    return read_snapshot()


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(Starlette(routes=api_routes(snapshot))) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def table() -> pd.DataFrame:
    """indicators.parquet read here with pandas alone, to check the API's rows against."""
    return pd.read_parquet(DATA_DIR / "indicators.parquet")
