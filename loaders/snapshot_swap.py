"""Swap a new snapshot (`regional_data/`, `geo/`) into the repository so that a crash at any moment
leaves either the old or the new snapshot, and never a mix or nothing.

Two folders cannot be replaced in one atomic step, so the swap is journalled:

1. the new folders are complete in a staging folder beside them (`.snapshot-*` or `.refresh-*`);
2. a journal (`.swap-journal.json`, written atomically) records which folder (device, inode) is the
   old and which the new one for each name;
3. each name is swapped: one `renameat2(RENAME_EXCHANGE)` on Linux, else two renames (old aside
   into the staging folder, new in);
4. the journal is removed, then the staging folder (now holding the old snapshot).

The next build or refresh (and `python -m loaders.build --recover`) finds a journal left by a crash
and rolls the swap forward (the new snapshot was complete and validated before the journal was
written), then removes leftover staging folders. The app's snapshot reader sees the journal and says
what to run. A lock file (`.swap.lock`, flock) keeps two builds from swapping at once and tells a
reader whether a journal belongs to a live swap or to a crash.

Test hooks (environment): RPE_SWAP_FAULT=kill:N sends SIGKILL to this process after step N of the
swap, fail:N raises PermissionError at step N; RPE_SWAP_MODE=rename disables RENAME_EXCHANGE.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; the swap is then not guarded against a second build at once
    fcntl = None

SNAPSHOT_DIRS = ("regional_data", "geo")
JOURNAL = ".swap-journal.json"
LOCK = ".swap.lock"
STAGING_PREFIXES = (".snapshot-", ".refresh-")
FAULT_ENV = "RPE_SWAP_FAULT"
MODE_ENV = "RPE_SWAP_MODE"
RECOVER_COMMAND = "python -m loaders.build --recover"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2

Ident = tuple[int, int]  # (st_dev, st_ino) of a folder: kept by rename, so it follows the folder around


class SwapError(RuntimeError):
    """The swap (or its recovery) could not be done; the message says what to run or fix."""


# ------------------------------------------------------------------------------------------ primitives


def _ident(path: Path) -> Ident | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def fsync_dir(path: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # Windows cannot open a folder to flush it
        return
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    return libc if hasattr(libc, "renameat2") else None


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE). False where the system or file
    system cannot (then the caller falls back to two renames)."""
    libc = _libc() if os.environ.get(MODE_ENV) != "rename" else None
    if libc is None:
        return False
    result = libc.renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


class _Steps:
    """Counts the durable steps of a swap; the test hook kills or fails the process at step N."""

    def __init__(self, hooked: bool = True) -> None:
        self.done = 0
        action, _, number = os.environ.get(FAULT_ENV, "").partition(":") if hooked else ("", "", "")
        self.action, self.at = action, int(number) if number.isdigit() else -1

    def __call__(self) -> None:
        self.done += 1
        if self.done == self.at and self.action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.done == self.at and self.action == "fail":
            raise PermissionError(errno.EACCES, "Permission denied (injected by RPE_SWAP_FAULT)")


def _place(target: Path, slots: tuple[Path, Path], want: Ident | None, step: _Steps) -> None:
    """Make `target` hold the folder identified by `want` (None: nothing), moving whatever is there
    into the free one of `slots`; `want` is looked for in `slots`. Idempotent."""
    here = _ident(target)
    if here == want:
        return
    parent = target.parent
    if want is None:
        free = next(slot for slot in slots if _ident(slot) is None)
        os.rename(target, free)
        fsync_dir(parent)
        step()
        return
    source = next((slot for slot in slots if _ident(slot) == want), None)
    if source is None:
        raise SwapError(f"{target.name}/: the folder to move in is neither in {target.parent} nor in {slots[0].parent}")
    if here is None:
        os.rename(source, target)
    elif not _exchange(target, source):
        free = next(slot for slot in slots if slot != source)
        if _ident(free) is not None:
            raise SwapError(f"{free} is in the way of the swap")
        os.rename(target, free)
        fsync_dir(parent)
        step()
        os.rename(source, target)
    fsync_dir(parent)
    fsync_dir(source.parent)
    step()


# ---------------------------------------------------------------------------------------------- journal


def _journal_path(target: Path) -> Path:
    return target / JOURNAL


def _write_journal(target: Path, entry: dict) -> None:
    path = _journal_path(target)
    part = path.with_name(path.name + ".tmp")
    with part.open("w", encoding="utf-8") as handle:
        json.dump(entry, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, path)
    fsync_dir(target)


def _read_journal(target: Path) -> dict | None:
    try:
        entry = json.loads(_journal_path(target).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise SwapError(
            f"the swap journal {_journal_path(target)} cannot be read ({exc}); check regional_data/ "
            "and geo/ by hand and delete the journal"
        ) from exc
    return entry


def _drop_journal(target: Path) -> None:
    _journal_path(target).unlink(missing_ok=True)
    fsync_dir(target)


def _slots(staging: Path, name: str) -> tuple[Path, Path]:
    return staging / name, staging / f"{name}.old"


def _settle(target: Path, entry: dict, side: str, step: _Steps) -> None:
    """Put every folder of `side` ("new" or "old") of a journalled swap in place."""
    staging = target / entry["staging"]
    for name in entry["names"]:
        want = entry[side][name]
        _place(target / name, _slots(staging, name), tuple(want) if want else None, step)


# ------------------------------------------------------------------------------------------------ swap


def require_writable(target: Path, names: tuple[str, ...] = SNAPSHOT_DIRS) -> None:
    """SwapError unless the target folder and its snapshot folders can be replaced (checked before a
    build starts, so that a read-only checkout fails at once and not after the build)."""
    for path in (target, *(target / name for name in names if (target / name).exists())):
        if not os.access(path, os.W_OK):
            raise SwapError(f"{path} is not writable (permission denied), so a new snapshot cannot replace it")


def swap_in(staging: Path, target: Path, names: tuple[str, ...] = SNAPSHOT_DIRS) -> None:
    """Swap `staging`/<name> into `target`/<name> for every name, crash-safely (see the module notes).
    The caller holds `snapshot_lock(target)`; `staging` is a folder inside `target`. On an error the
    old snapshot is put back and SwapError says so; the staging folder is left to the caller."""
    step = _Steps()
    for name in names:
        if not (staging / name).is_dir():
            raise SwapError(f"the new snapshot has no {name}/ folder ({staging})")
    require_writable(target, names)
    entry = {
        "staging": staging.relative_to(target).as_posix(),
        "names": list(names),
        "new": {name: list(_ident(staging / name)) for name in names},
        "old": {name: list(ident) if (ident := _ident(target / name)) else None for name in names},
        "pid": os.getpid(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    step()  # 1: staging complete, nothing changed yet
    _write_journal(target, entry)
    step()
    try:
        _settle(target, entry, "new", step)
    except OSError as exc:
        try:
            _settle(target, entry, "old", _Steps(hooked=False))
            _drop_journal(target)
        except (OSError, SwapError) as again:
            raise SwapError(
                f"moving the new snapshot into {target} failed ({exc}) and so did putting the old one "
                f"back ({again}); run {RECOVER_COMMAND} to finish the swap"
            ) from again
        raise SwapError(
            f"could not move the new snapshot into {target} ({_os_reason(exc)}); the previous snapshot was put back"
        ) from exc
    _drop_journal(target)
    step()


def _os_reason(exc: OSError) -> str:
    where = f": {exc.filename}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


# ------------------------------------------------------------------------------------- lock and recovery


@contextlib.contextmanager
def snapshot_lock(target: Path) -> Iterator[None]:
    """Hold the target's swap lock for a whole build or refresh (fails at once if another holds it).
    The lock file exists only while it is held, so a finished build leaves nothing behind."""
    if fcntl is None:
        yield
        return
    path = target / LOCK
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise SwapError(f"cannot create the lock file {path} ({_os_reason(exc)}); is {target} writable?") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SwapError(
                f"another build or refresh ({holder}) is working on {target}; wait for it to finish"
            ) from exc
        if _ident(path) != (os.fstat(handle.fileno()).st_dev, os.fstat(handle.fileno()).st_ino):
            raise SwapError(f"another build or refresh just finished or started on {target}; run again")
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            path.unlink(missing_ok=True)  # before unlocking: whoever opens the path next makes a new lock
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(target: Path) -> list[str]:
    """Finish a swap a crash interrupted and remove leftover staging folders; returns what was done.
    The caller holds `snapshot_lock(target)`."""
    done = []
    entry = _read_journal(target)
    if entry is not None:
        try:
            _settle(target, entry, "new", _Steps(hooked=False))
        except (OSError, SwapError) as exc:
            raise SwapError(
                f"an interrupted swap ({_journal_path(target)}) could not be finished ({exc}); "
                "regional_data/ and geo/ may be from different snapshots"
            ) from exc
        _drop_journal(target)
        done.append(f"finished the swap interrupted at {entry.get('started', '?')} (new snapshot now in place)")
    for path in sorted(target.iterdir()):
        if path.name.startswith(STAGING_PREFIXES) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
            done.append(f"removed the leftover staging folder {path.name}")
    _journal_path(target).with_name(JOURNAL + ".tmp").unlink(missing_ok=True)
    return done


def remove_staging(target: Path, staging: Path) -> None:
    """Delete a staging folder, unless a journal still needs it (a swap that could not be undone)."""
    entry = _read_journal(target) if _journal_path(target).exists() else None
    if entry is not None and (target / entry["staging"]).resolve().is_relative_to(staging.resolve()):
        return
    shutil.rmtree(staging, ignore_errors=True)


def interrupted_swap(target: Path, wait_s: float = 5.0) -> str | None:
    """For a reader: None if no swap is half done, else what happened and what to run. A journal whose
    lock a live build holds is waited for (up to `wait_s`): that swap takes milliseconds."""
    deadline = time.monotonic() + wait_s
    while _journal_path(target).exists():
        if not _locked_by_other(target) or time.monotonic() > deadline:
            return (
                f"a build or refresh was interrupted while swapping in a new snapshot ({_journal_path(target)} "
                f"is left), so regional_data/ and geo/ may not match; run {RECOVER_COMMAND}"
            )
        time.sleep(0.05)
    return None


def _locked_by_other(target: Path) -> bool:
    if fcntl is None:
        return False
    try:
        handle = (target / LOCK).open("r", encoding="utf-8")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
