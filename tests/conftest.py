"""Shared fixtures. Tests that need the official raw files fail (never skip) when CI=true."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("RPE_SOURCE_DIR", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of official raw files (../shared/data). Missing in CI is a failure, not a skip."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"official data folder {SHARED_DATA} is missing; CI must have ../shared beside the repo")
        pytest.skip(f"official data folder {SHARED_DATA} not present (outside CI)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def stats_dir(shared_data: Path) -> Path:
    return shared_data / "stats"


@pytest.fixture(scope="session")
def geo_dir(shared_data: Path) -> Path:
    return shared_data / "geo"
