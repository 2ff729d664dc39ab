"""`python -m loaders.build` (and `loaders.refresh --from-dir`) on broken sources, unwritable targets and
sources that would lose data, run as the command line a person runs (a subprocess, so a hang on a
named pipe is a failure, not a stuck test): every failure is one line naming the file and the
problem, no traceback, the snapshot unchanged (issues 12.2, 12.4, 12.9)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from loaders.refresh.run import snapshot_hashes
from loaders.snapshot import SnapshotError, read_snapshot
from loaders.snapshot_swap import FAULT_ENV
from tests.loaders.bad_sources import ASHE_PAY_CSV, BadSource, corpus, every_other_row, mirror, replace, years_from
from tests.loaders.read_only import read_only

REPO = Path(__file__).resolve().parents[3]
TIMEOUT_S = 600  # far above the ~1 minute a whole build takes here: only a hang reaches it
MAX_RSS_MB = 3000  # far above the ~1 GB a whole build peaks at: only a runaway reaches it


def _target(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in ("regional_data", "geo"):
        shutil.copytree(REPO / name, folder / name)
    return folder


def _run(module: str, *args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *map(str, args), "--quiet"],
        cwd=REPO,
        text=True,
        capture_output=True,
        timeout=TIMEOUT_S,
        env={**os.environ, **(env or {})},
    )


def _measured(module: str, *args: str | Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """The command's result with its wall time (s) and peak resident memory (MB, from wait4)."""
    command = [sys.executable, "-m", module, *map(str, args), "--quiet"]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, text=True, stdout=out, stderr=err)
        timer = threading.Timer(TIMEOUT_S, process.kill)  # a hang ends as a failure, not a stuck test
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(command, process.returncode, out.read(), err.read())
    return done, time.perf_counter() - started, usage.ru_maxrss / 1024


def _one_line_failure(done: subprocess.CompletedProcess[str], prefix: str) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), done.stderr
    return lines[0]


def _unchanged(target: Path, before: dict[str, str]) -> None:
    assert snapshot_hashes(target) == before, "the snapshot changed"
    assert sorted(p.name for p in target.iterdir()) == ["geo", "regional_data"]  # no staging, journal or lock


@pytest.mark.parametrize("case", corpus(), ids=lambda case: case.name)
def test_broken_source_fails_in_one_line_naming_the_file(
    shared_data: Path, tmp_path: Path, case: BadSource, record_property
) -> None:
    source = mirror(shared_data, tmp_path / "source")
    case.damage(source, shared_data)
    target = _target(tmp_path / "target")
    before = snapshot_hashes(target)
    done, seconds, peak_mb = _measured("loaders.build", "--source", source, "--out", target)
    record_property("seconds", round(seconds, 1))
    record_property("peak_rss_mb", round(peak_mb))
    print(f"{case.name}: {seconds:.1f} s, peak RSS {peak_mb:.0f} MB")
    assert peak_mb < MAX_RSS_MB
    line = _one_line_failure(done, "build failed, snapshot unchanged: ")
    assert case.file in line and case.expect in line, line
    _unchanged(target, before)


@pytest.mark.parametrize(
    "case",
    [case for case in corpus() if case.name.endswith("in-place-of-csv") or case.name.startswith("folder-in-place")],
    ids=lambda case: case.name,
)
def test_refresh_from_dir_names_a_folder_or_pipe_in_place_of_a_file(
    shared_data: Path, tmp_path: Path, case: BadSource
) -> None:
    source = mirror(shared_data, tmp_path / "source")
    case.damage(source, shared_data)
    target = _target(tmp_path / "target")
    before = snapshot_hashes(target)
    done = _run("loaders.refresh", "--from-dir", source, "--out", target, "--report", tmp_path / "report.md")
    line = _one_line_failure(done, "refresh failed at content check, snapshot unchanged: ")
    assert f"{case.file}: {case.expect}" in line, line
    _unchanged(target, before)


@pytest.mark.parametrize("read_only_part", ["target folder", "geo"])
@pytest.mark.parametrize("module", ["loaders.build", "loaders.refresh"])
def test_read_only_target_fails_at_once_in_one_line(
    shared_data: Path, tmp_path: Path, read_only_part: str, module: str
) -> None:
    """Before: a PermissionError traceback once geo/ could not be moved, after a whole build."""
    target = _target(tmp_path / "target")
    before = snapshot_hashes(target)
    locked = target if read_only_part == "target folder" else target / "geo"
    where = (
        ["--source", shared_data]
        if module == "loaders.build"
        else ["--from-dir", shared_data, "--report", tmp_path / "report.md"]
    )
    started = time.perf_counter()
    with read_only(locked):
        done = _run(module, *where, "--out", target)
    line = _one_line_failure(done, "build failed" if module == "loaders.build" else "refresh failed")
    assert f"{locked} is not writable (permission denied), so a new snapshot cannot replace it" in line, line
    assert time.perf_counter() - started < TIMEOUT_S
    _unchanged(target, before)


def test_build_refuses_to_lose_years_and_names_the_file(shared_data: Path, tmp_path: Path) -> None:
    """The ASHE pay CSV cut to 2021 onwards: 6,695 -> 1,908 rows were swapped in without a word before."""
    source = mirror(shared_data, tmp_path / "source")
    replace(source, ASHE_PAY_CSV, years_from(2021)((shared_data / ASHE_PAY_CSV).read_bytes()))
    target = _target(tmp_path / "target")
    before = snapshot_hashes(target)
    line = _one_line_failure(
        _run("loaders.build", "--source", source, "--out", target),
        "build failed, snapshot unchanged: the new snapshot would lose data: ",
    )
    assert (
        f"median_weekly_pay (lad; source: ONS Explore Local Statistics (gross-median-weekly-pay); file: "
        f"{ASHE_PAY_CSV}): 4,493 of its 6,281 values are gone (72%, more than the 5% allowed" in line
    ), line
    assert "years 2008-2020 are gone (first year 2008, now 2021)" in line
    assert line.endswith("If these losses are expected, rerun with --accept-losses")
    _unchanged(target, before)


def test_accepted_losses_killed_mid_swap_recover_to_the_whole_new_snapshot(shared_data: Path, tmp_path: Path) -> None:
    """--accept-losses swaps in a smaller snapshot, and a SIGKILL between the two folders of that swap is
    finished by the next run: the reader refuses the half swap, --recover completes it."""
    source = mirror(shared_data, tmp_path / "source")
    replace(source, ASHE_PAY_CSV, every_other_row((shared_data / ASHE_PAY_CSV).read_bytes()))
    target = _target(tmp_path / "target")
    killed = _run("loaders.build", "--source", source, "--out", target, "--accept-losses", env={FAULT_ENV: "kill:3"})
    assert killed.returncode == -9, killed.stderr
    with pytest.raises(SnapshotError, match=r"interrupted while swapping .* run python -m loaders\.build --recover"):
        read_snapshot(target / "regional_data")
    recovered = _run("loaders.build", "--recover", "--out", target)
    assert recovered.returncode == 0 and "finished the swap interrupted at" in recovered.stdout, recovered.stderr
    snapshot = read_snapshot(target / "regional_data")  # whole: every file matches the new manifest
    pay = snapshot.indicators[snapshot.indicators["indicator"] == "median_weekly_pay"]
    committed = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
    assert len(pay) < 0.6 * (committed["indicator"] == "median_weekly_pay").sum()
    assert json.loads((target / "regional_data" / "manifest.json").read_text())["rows_by_indicator"][
        "median_weekly_pay"
    ] == len(pay)
    assert sorted(p.name for p in target.iterdir()) == ["geo", "regional_data"]  # no staging, journal or lock
