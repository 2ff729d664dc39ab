"""`python -m loaders.refresh` against a real HTTP server on loopback serving the official files.

One full refresh (through a transient HTTP 500) must reproduce the committed snapshot; every injected
fault must fail with exit status 1, a message naming the file and the problem, a report, and the
previous snapshot byte-for-byte unchanged. Unit tests cover the downloader, content checks, the
catalogue resolvers (landing-page scraping, ArcGIS paging, zip members) and the swap's rollback.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pandas as pd
import pytest

from loaders.build import run as build
from loaders.build.source_catalogue import BY_PATH, CATALOGUE, catalogue_problems
from loaders.refresh.run import main, snapshot_hashes
from tests.loaders.bad_sources import mirror
from tests.loaders.fault_server import FaultServer, Status
from tests.loaders.refresh.refresh_runs import (
    ELS_CLAIMANT,
    ELS_GIGABIT,
    FAST,
    GDP_LA,
    HTML_ERROR,
    LAD_PRODUCTIVITY,
    REPO,
    assert_failed_cleanly,
    entries_of,
    mirror_refresh,
    target_copy,
)

# ------------------------------------------------------------------------------ the catalogue


def test_catalogue_covers_exactly_what_the_build_reads(shared_data: Path) -> None:
    assert catalogue_problems(shared_data) == []


def test_catalogue_entries_have_official_urls_and_confidence() -> None:
    hosts = {"www.ons.gov.uk", "services1.arcgis.com", "raw.githubusercontent.com", "www.nomisweb.co.uk"}
    for entry in CATALOGUE:
        assert entry.url.split("/")[2] in hosts, entry.url
        assert entry.confidence in ("H", "M", "L", "inferred")
    assert BY_PATH[LAD_PRODUCTIVITY].needs_scraping and BY_PATH[LAD_PRODUCTIVITY].confidence == "inferred"
    assert BY_PATH[ELS_GIGABIT].url.endswith("/main/gigabit-capable-broadband/gigabit-capable-broadband.csv")
    assert BY_PATH["geo/boundaries/lad/LAD_DEC_2023_UK_BUC.geojson"].url.endswith(
        "/Local_Authority_Districts_December_2023_Boundaries_UK_BUC/FeatureServer"
    )


def test_list_sources_needs_no_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-sources"]) == 0
    out = capsys.readouterr().out
    assert all(entry.path in out for entry in CATALOGUE)
    assert "landing page scraped" in out


def test_app_code_never_imports_the_network_code() -> None:
    files = [
        REPO / "app.py",
        *(REPO / "app_pages").rglob("*.py"),
        *(REPO / "shell").rglob("*.py"),
        *(REPO / "components").rglob("*.py"),
        *(REPO / "metrics").rglob("*.py"),
        REPO / "loaders" / "snapshot.py",
        *(REPO / "loaders" / "uploads").rglob("*.py"),  # the upload readers and matching the app runs
    ]
    for path in files:
        text = path.read_text()
        for forbidden in ("import requests", "loaders.refresh", "source_catalogue", "urllib.request"):
            assert forbidden not in text, f"{path.relative_to(REPO)} uses {forbidden}"


# ----------------------------------------------------------------- a full refresh that succeeds


@pytest.fixture(scope="module")
def refreshed(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One full refresh through the mirror; the first request for one file gets an HTTP 500."""
    tmp = tmp_path_factory.mktemp("refresh-ok")
    server.clear()
    server.fault(ELS_CLAIMANT, Status(500, times=1))
    started = time.perf_counter()
    status, target, before, report = mirror_refresh(server, tmp)
    result = {
        "status": status,
        "target": target,
        "before": before,
        "report": report,
        "hits": dict(server.hits),
        "seconds": time.perf_counter() - started,
    }
    server.clear()
    return result


@pytest.fixture(scope="module")
def plain_build(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plain-build")
    build.build(shared_data, out, show_progress=False)
    return out


def test_refresh_succeeds_and_equals_a_plain_build(refreshed: dict, plain_build: Path) -> None:
    assert refreshed["status"] == 0
    target = refreshed["target"]
    pd.testing.assert_frame_equal(
        pd.read_parquet(target / "regional_data" / "indicators.parquet"),
        pd.read_parquet(plain_build / "regional_data" / "indicators.parquet"),
    )
    after, plain = snapshot_hashes(target), snapshot_hashes(plain_build)
    assert set(after) == set(plain)
    for name, digest in plain.items():
        if name != "regional_data/manifest.json":  # build time, source folder and the refresh section differ
            assert after[name] == digest, name
    assert entries_of(target) == ["geo", "regional_data"]


def test_http_500_is_retried(refreshed: dict) -> None:
    assert refreshed["status"] == 0
    assert refreshed["hits"][ELS_CLAIMANT] == 2


def test_manifest_records_every_file_with_its_url_and_sha256(refreshed: dict, shared_data: Path) -> None:
    manifest = json.loads((refreshed["target"] / "regional_data" / "manifest.json").read_text())
    files = {item["path"]: item for item in manifest["refresh"]["files"]}
    assert set(files) == set(BY_PATH)
    for path, item in files.items():
        assert item["sha256"] == hashlib.sha256((shared_data / path).read_bytes()).hexdigest(), path
        assert item["origin"].endswith(path.replace("(", "%28").replace(")", "%29")), item["origin"]
    assert manifest["source_folder"].startswith("mirror http://127.0.0.1:")
    names_only = "geo/boundaries/lad/LAD_DEC_2021_UK_BUC.geojson"  # read by the build, not in its manifest
    assert {item["path"] for item in manifest["sources"]} == set(BY_PATH) - {names_only}


def test_report_of_a_successful_refresh(refreshed: dict) -> None:
    text = refreshed["report"].read_text()
    assert "**Result: passed; new snapshot swapped in**" in text
    assert "| schema (snapshot contract) | pass |" in text and "| areas, values and years kept | pass |" in text
    assert "## Rows by indicator" in text and "## Largest value changes" in text
    assert "| stats/levelling_up/explore_local_statistics/claimant-count.csv | http://127.0.0.1:" in text


def test_a_second_refresh_of_the_same_sources_changes_no_byte(
    server: FaultServer, refreshed: dict, tmp_path: Path
) -> None:
    """Issue 12.11 for refresh: the same sources give the same files, manifest included."""
    target = refreshed["target"]
    before = snapshot_hashes(target)
    assert (
        main(
            [
                "--mirror",
                server.url,
                "--out",
                str(target),
                "--cache-dir",
                str(tmp_path / "cache"),
                "--report",
                str(tmp_path / "report.md"),
                *FAST,
            ]
        )
        == 0
    )
    assert snapshot_hashes(target) == before


# ---------------------------------------------------------------------------------- --from-dir


@pytest.mark.parametrize("damage", ["missing", "html"])
def test_from_dir_checks_files_before_building(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    folder = mirror(shared_data, tmp_path / "official")
    victim = folder / GDP_LA
    victim.unlink()
    if damage == "html":
        victim.write_bytes(HTML_ERROR)
    target = target_copy(tmp_path / "target")
    before = snapshot_hashes(target)
    report = tmp_path / "report.md"
    status = main(["--from-dir", str(folder), "--out", str(target), "--report", str(report), "--quiet"])
    needle = "file not found" if damage == "missing" else "is not an Excel workbook but an HTML page"
    assert_failed_cleanly(status, target, before, report, capsys.readouterr().err, GDP_LA, needle)


def test_mirror_and_from_dir_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--mirror", "http://127.0.0.1:9", "--from-dir", "x"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_missing_target_is_a_clear_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "--mirror",
            "http://127.0.0.1:9",
            "--out",
            str(tmp_path / "nope"),
            "--report",
            str(tmp_path / "r.md"),
            "--quiet",
        ]
    )
    assert status == 1
    assert "target folder" in capsys.readouterr().err
