"""The crash-safe swap of a new snapshot into place (issue 12.4).

A process is killed (SIGKILL, in a subprocess) after each step of the swap, in both swap modes
(renameat2 exchange and plain renames); then the snapshot reader and the next run
(`python -m loaders.build --recover`) must end with a complete, valid snapshot: the old one or the
new one, never a mix, and no leftover staging folder or journal. In-process failures (a folder
that cannot be moved) must put the old snapshot back and say so in one line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from loaders.build.run import file_sha256, snapshot_id
from loaders.snapshot import SnapshotError, read_snapshot
from loaders.snapshot_swap import (
    FAULT_ENV,
    JOURNAL,
    MODE_ENV,
    SwapError,
    interrupted_swap,
    recover,
    remove_staging,
    snapshot_lock,
    swap_in,
)
from tests.loaders.read_only import read_only

REPO = Path(__file__).resolve().parents[2]
STAGING = ".snapshot-test"
# Durable steps of one swap: staging ready, journal written, one exchange per folder, journal removed;
# with plain renames each folder takes two steps (old aside, new in).
STEPS = {"exchange": 5, "rename": 7}
DRIVER = f"""
import sys
from pathlib import Path
from loaders.snapshot_swap import remove_staging, snapshot_lock, swap_in
target = Path(sys.argv[1])
with snapshot_lock(target):
    try:
        swap_in(target / "{STAGING}", target)
    finally:
        remove_staging(target, target / "{STAGING}")
"""


def _copy_snapshot(folder: Path) -> None:
    for name in ("regional_data", "geo"):
        shutil.copytree(REPO / name, folder / name)


def _restamp(folder: Path) -> str:
    """Recompute the manifest's output checksums and snapshot id after files changed; returns the id."""
    manifest_path = folder / "regional_data" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["outputs"] = {
        name: {"bytes": (folder / name).stat().st_size, "sha256": file_sha256(folder / name)}
        for name in manifest["outputs"]
    }
    manifest["snapshot_id"] = snapshot_id(manifest["outputs"])
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest["snapshot_id"]


def _prepare(tmp_path: Path) -> tuple[Path, str, str]:
    """A target holding the committed snapshot (old) and a staging folder with a different valid one
    (new: the same data, files written differently in both folders). Returns (target, old id, new id)."""
    target = tmp_path / "target"
    target.mkdir(parents=True)
    _copy_snapshot(target)
    old_id = json.loads((target / "regional_data" / "manifest.json").read_text())["snapshot_id"]
    staging = target / STAGING
    _copy_snapshot(staging)
    for name in ("regional_data/indicators.json", "geo/lad.geojson"):
        path = staging / name
        path.write_text(json.dumps(json.loads(path.read_text()), indent=2))
    new_id = _restamp(staging)
    assert new_id != old_id
    return target, old_id, new_id


def _state(target: Path) -> str:
    """'old:<id>'/'new:<id>' style: the id of the snapshot in place, checked file by file against its manifest."""
    manifest = json.loads((target / "regional_data" / "manifest.json").read_text())
    for name, entry in manifest["outputs"].items():
        assert file_sha256(target / name) == entry["sha256"], f"{name} is not from snapshot {manifest['snapshot_id']}"
    return manifest["snapshot_id"]


def _leftovers(target: Path) -> list[str]:
    return sorted(p.name for p in target.iterdir() if p.name not in ("regional_data", "geo"))


def _swap_subprocess(target: Path, env: dict[str, str]) -> int:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(target)],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode


@pytest.mark.parametrize("mode", ["exchange", "rename"])
def test_kill_at_every_step_of_the_swap_leaves_old_or_new_never_a_mix(tmp_path: Path, mode: str) -> None:
    killed = []
    for step in range(1, STEPS[mode] + 2):
        target, old_id, new_id = _prepare(tmp_path / f"step{step}")
        status = _swap_subprocess(target, {FAULT_ENV: f"kill:{step}", MODE_ENV: mode})
        if status == 0:
            break
        assert status == -9, f"step {step}: exit status {status}"
        killed.append(step)
        # The reader, before any recovery: a whole snapshot, or a clear error saying what to run.
        try:
            read = read_snapshot(target / "regional_data")
        except SnapshotError as exc:
            assert "python -m loaders.build --recover" in str(exc), str(exc)
        else:
            assert read.manifest["snapshot_id"] in (old_id, new_id)
            assert _state(target) == read.manifest["snapshot_id"]
        # The next run finishes the job: the new snapshot once the journal was written (step 2 on).
        recovered = subprocess.run(
            [sys.executable, "-m", "loaders.build", "--recover", "--out", str(target)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert recovered.returncode == 0, recovered.stderr
        assert "Traceback" not in recovered.stderr
        assert _state(target) == (old_id if step == 1 else new_id), f"killed after step {step}"
        assert read_snapshot(target / "regional_data").manifest["snapshot_id"] == _state(target)
        assert _leftovers(target) == [], f"step {step}: {_leftovers(target)}"
    assert killed == list(range(1, STEPS[mode] + 1)), "the swap does not have the steps this test expects"


@pytest.mark.parametrize("mode", ["exchange", "rename"])
@pytest.mark.parametrize("step", [3, 4, 5, 6])
def test_an_error_mid_swap_puts_the_old_snapshot_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, step: int
) -> None:
    if step > STEPS[mode] - 1:
        return  # exchange mode has no steps 5-6 inside the swap itself (step 5 is the journal's removal)
    target, old_id, _ = _prepare(tmp_path)
    monkeypatch.setenv(FAULT_ENV, f"fail:{step}")
    monkeypatch.setenv(MODE_ENV, mode)
    with snapshot_lock(target), pytest.raises(SwapError, match="the previous snapshot was put back"):
        swap_in(target / STAGING, target)
    remove_staging(target, target / STAGING)
    assert _state(target) == old_id
    assert _leftovers(target) == []


def test_a_folder_that_cannot_be_moved_fails_before_anything_moves(tmp_path: Path) -> None:
    target, old_id, _ = _prepare(tmp_path)
    with read_only(target / "geo"), snapshot_lock(target), pytest.raises(SwapError) as failure:
        swap_in(target / STAGING, target)
    assert (
        str(failure.value) == f"{target / 'geo'} is not writable (permission denied), so a new snapshot "
        "cannot replace it"
    )
    assert _state(target) == old_id and not (target / JOURNAL).exists()


def test_a_second_build_cannot_swap_while_one_runs(tmp_path: Path) -> None:
    target, _, _ = _prepare(tmp_path)
    pattern = r"another build or refresh \(pid \d+\) is working on"
    with snapshot_lock(target), pytest.raises(SwapError, match=pattern), snapshot_lock(target):
        pass


def test_a_reader_waits_for_a_live_swap_and_reports_a_dead_one(tmp_path: Path) -> None:
    target, _, _ = _prepare(tmp_path)
    (target / JOURNAL).write_text("{}")
    message = interrupted_swap(target, wait_s=0.2)
    assert message is not None and "python -m loaders.build --recover" in message  # nobody holds the lock
    with snapshot_lock(target):  # a live build: its journal disappears within the wait
        threading.Timer(0.3, (target / JOURNAL).unlink).start()
        started = time.monotonic()
        assert interrupted_swap(target, wait_s=5.0) is None
        assert time.monotonic() - started < 5.0


def test_recover_removes_leftover_staging_folders(tmp_path: Path) -> None:
    target, old_id, _ = _prepare(tmp_path)
    (target / ".refresh-abc" / "out").mkdir(parents=True)
    with snapshot_lock(target):
        done = recover(target)
    assert done == [
        "removed the leftover staging folder .refresh-abc",
        "removed the leftover staging folder .snapshot-test",
    ]
    assert _state(target) == old_id and _leftovers(target) == []


def test_reader_refuses_folders_from_two_builds(tmp_path: Path) -> None:
    """geo/ of one build with regional_data/ of another (e.g. copied by hand) is not read as one snapshot."""
    target, _, _ = _prepare(tmp_path)
    shutil.rmtree(target / "geo")
    shutil.move(target / STAGING / "geo", target / "geo")
    with pytest.raises(
        SnapshotError,
        match=r"geo/lad\.geojson does not match manifest\.json, so regional_data/ and "
        r"geo/ are not from one build; run python -m loaders\.build --recover",
    ):
        read_snapshot(target / "regional_data")
