"""The code base stays ruff clean and ruff formatted (configuration in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_import_rules import PACKAGES

REPO = Path(__file__).resolve().parents[1]


def test_ruff_reports_nothing() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


MAX_LINES = 400
CODE_FOLDERS = (*PACKAGES, "tests")


def test_no_code_file_is_over_400_lines() -> None:
    """A file a newcomer can read in one sitting: split by topic before it grows past MAX_LINES."""
    paths = [REPO / "app.py", *(path for folder in CODE_FOLDERS for path in (REPO / folder).rglob("*.py"))]
    long = {
        str(path.relative_to(REPO)): count
        for path in paths
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, long
