"""`python -m loaders.build` and `python -m loaders.refresh` with no --out / --source write the repository's
own snapshot and read the official files beside it (../shared/data), wherever the CLI modules sit in loaders/."""

from __future__ import annotations

from pathlib import Path

from loaders.build import run as build
from loaders.refresh import run as refresh

REPO = Path(__file__).resolve().parents[2]


def test_the_build_defaults_to_this_repository_and_the_shared_data_beside_it() -> None:
    assert build.REPO == REPO and (build.REPO / "regional_data" / "manifest.json").is_file()
    assert REPO.parent / "shared" / "data" == build.DEFAULT_SOURCE


def test_the_refresh_defaults_to_this_repository() -> None:
    assert refresh.REPO == REPO
    assert refresh.parse_args([]).out == REPO
