"""The refresh's downloader (loaders/refresh/download.py): backoff, retries, the conditional-request cache,
size limits and refused connections, against the loopback server."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from loaders.refresh.checks import check_csv, check_spreadsheet
from loaders.refresh.download import FetchPolicy, RefreshError
from tests.loaders.fault_server import Body, FaultServer, Status
from tests.loaders.refresh.refresh_runs import (
    ELS_CLAIMANT,
    GDP_LA,
    HTML_ERROR,
    downloader_into,
)

# ------------------------------------------------------------------------------- the downloader


def test_backoff_is_exponential_and_capped() -> None:
    policy = FetchPolicy(backoff_base=0.5, backoff_cap=3.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retries_back_off_then_succeed(server: FaultServer, tmp_path: Path, shared_data: Path) -> None:
    sleeps: list[float] = []
    server.fault(ELS_CLAIMANT, Status(502, times=2))
    fetched = downloader_into(tmp_path, sleeps).fetch(f"{server.url}/{ELS_CLAIMANT}", ELS_CLAIMANT, check_csv)
    assert fetched.attempts == 3 and sleeps == [0.5, 1.0]
    assert fetched.sha256 == hashlib.sha256((shared_data / ELS_CLAIMANT).read_bytes()).hexdigest()


def test_conditional_request_reuses_the_cache(server: FaultServer, tmp_path: Path) -> None:
    downloader = downloader_into(tmp_path)
    url = f"{server.url}/{ELS_CLAIMANT}"
    first = downloader.fetch(url, ELS_CLAIMANT, check_csv)
    second = downloader.fetch(url, ELS_CLAIMANT, check_csv)
    assert not first.from_cache and second.from_cache
    assert first.etag and second.sha256 == first.sha256
    assert server.hits[ELS_CLAIMANT] == 2 and server.not_modified[ELS_CLAIMANT] == 1


def test_a_bad_body_never_enters_the_cache(server: FaultServer, tmp_path: Path) -> None:
    downloader = downloader_into(tmp_path)
    server.fault(GDP_LA, Body(HTML_ERROR, "text/html"))
    with pytest.raises(RefreshError, match="HTML page"):
        downloader.fetch(f"{server.url}/{GDP_LA}", GDP_LA, check_spreadsheet)
    assert not any((tmp_path / "cache" / "objects").iterdir())


def test_size_limit_aborts_a_stream_without_content_length(server: FaultServer, tmp_path: Path) -> None:
    server.fault(ELS_CLAIMANT, Body(b"a,b\n" + b"1,2\n" * 100_000, "text/csv", send_length=False))
    with pytest.raises(
        RefreshError,
        match=r"body exceeds the size limit of 10,000 bytes \(--max-bytes\); "
        "download aborted",
    ):
        downloader_into(tmp_path, max_bytes=10_000).fetch(f"{server.url}/{ELS_CLAIMANT}", ELS_CLAIMANT, check_csv)


def test_connection_refused_is_retried_then_named(tmp_path: Path) -> None:
    sleeps: list[float] = []
    with pytest.raises(RefreshError, match=r"x\.csv: connection failed \(connection refused\) \(gave up after 3"):
        downloader_into(tmp_path, sleeps).fetch("http://127.0.0.1:9/x.csv", "x.csv")
    assert sleeps == [0.5, 1.0]
