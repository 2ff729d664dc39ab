"""What the refresh tests share: the official files they break, the fast download options, and a mirror
refresh into a fresh copy of the committed snapshot with the checks that it failed cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

from loaders.build import run as build
from loaders.refresh.download import Downloader, FetchPolicy
from loaders.refresh.run import main, snapshot_hashes
from tests.loaders.fault_server import FaultServer

REPO = Path(__file__).resolve().parents[3]
LAD_PRODUCTIVITY = build.PRODUCTIVITY_LAD
GDP_LA = build.GDP_LA
GVA_NE = f"{build.GVA_LA_DIR}/regionalgrossvalueaddedbalancedbyindustrylocalauthoritiestlcnortheast.xlsx"
ELS_GIGABIT = f"{build.ELS_DIR}/gigabit-capable-broadband.csv"
ELS_CLAIMANT = f"{build.ELS_DIR}/claimant-count.csv"
FAST = ["--backoff", "0.01", "--timeout", "5", "--connect-timeout", "5", "--quiet"]
HTML_ERROR = b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head><body>Sorry</body></html>\n"


def target_copy(folder: Path) -> Path:
    """A target folder holding a copy of the committed snapshot."""
    folder.mkdir(parents=True)
    for name in ("regional_data", "geo"):
        shutil.copytree(REPO / name, folder / name)
    return folder


def mirror_refresh(server: FaultServer, tmp: Path, *extra: str) -> tuple[int, Path, dict[str, str], Path]:
    """A mirror refresh into a fresh copy of the committed snapshot; returns (status, target,
    hashes before, report)."""
    target = target_copy(tmp / "target")
    before = snapshot_hashes(target)
    report = tmp / "report.md"
    status = main(
        [
            "--mirror",
            server.url,
            "--out",
            str(target),
            "--cache-dir",
            str(tmp / "cache"),
            "--report",
            str(report),
            *FAST,
            *extra,
        ]
    )
    return status, target, before, report


def entries_of(target: Path) -> list[str]:
    return sorted(p.name for p in target.iterdir())


def assert_failed_cleanly(
    status: int, target: Path, before: dict[str, str], report: Path, err: str, *needles: str
) -> None:
    assert status == 1
    assert "refresh failed" in err and "snapshot unchanged" in err, err
    for needle in needles:
        assert needle in err, (needle, err)
    assert "Traceback" not in err
    assert snapshot_hashes(target) == before, "the previous snapshot changed"
    assert entries_of(target) == ["geo", "regional_data"], "staging left behind"
    text = report.read_text()
    assert "FAILED" in text and "current snapshot unchanged" in text


def downloader_into(tmp_path: Path, sleeps: list[float] | None = None, **policy) -> Downloader:
    """A downloader caching under `tmp_path`, its sleeps recorded instead of slept."""
    settings = {"read_timeout": 5.0, "connect_timeout": 5.0, "backoff_base": 0.5} | policy
    recorder = sleeps.append if sleeps is not None else (lambda seconds: None)
    return Downloader(FetchPolicy(**settings), tmp_path / "cache", sleep=recorder)
