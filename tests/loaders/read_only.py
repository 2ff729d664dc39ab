"""Make a folder really read-only for a test, also when the tests run as root (CI containers do):
root ignores permission bits, so there the folder is marked immutable (`chattr +i`) instead."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """While inside, nothing can be created in, removed from or renamed out of `path`."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield
        finally:
            path.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode != 0:
        pytest.fail(f"cannot make {path} read-only as root (chattr +i failed; file system without attributes?)")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)
