"""The loopback HTTP server serving the official files (tests/loaders/fault_server.py), one per test module,
its injected faults cleared after each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.loaders.fault_server import FaultServer


@pytest.fixture(scope="module")
def server(shared_data: Path):
    with FaultServer(shared_data) as running:
        yield running


@pytest.fixture(autouse=True)
def _clean_server(request: pytest.FixtureRequest):
    yield
    if "server" in request.fixturenames:
        request.getfixturevalue("server").clear()
