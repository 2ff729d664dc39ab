"""The layers in ARCHITECTURE.md hold: import contracts ([tool.importlinter] in pyproject.toml) checked with
import-linter, plus the one rule it cannot express (app.py is a script, not a package)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = (
    "app_pages",
    "shell",
    "api",
    "components",
    "metrics",
    "loaders",
    "vocabulary",
    "bench",
    "deploy",
    "regional_productivity_explorer",
)


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the packages under `root`, run by this interpreter (the console script may not be
    on PATH), without a cache folder."""
    command = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-c", command, "--no-cache", "--no-logo"], cwd=root, capture_output=True, text=True
    )


def test_import_contracts_are_kept() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden_import", "broken_contract"),
    [
        ("metrics/gaps.py", "import streamlit", "metrics is pure computation"),
        ("vocabulary/geography.py", "import loaders.snapshot_schema", "vocabulary is the bottom"),
        ("vocabulary/indicators.py", "import pandas", "vocabulary is the bottom"),
        (
            "metrics/groups.py",
            "import loaders.snapshot_schema",
            "Layers: app_pages > shell > api > components > loaders > metrics",
        ),
        ("api/query.py", "import streamlit", "The data API and the notebook interface"),
        ("api/routes.py", "import shell.snapshot_cache", "The data API and the notebook interface"),
        ("regional_productivity_explorer/__init__.py", "import streamlit", "The data API and the notebook interface"),
        ("components/formatting.py", "import api.query", "Layers: app_pages > shell > api > components"),
        ("components/formatting.py", "import shell.state", "components are pure view builders"),
        ("loaders/errors.py", "import components.formatting", "loaders know nothing of views"),
        ("loaders/snapshot.py", "import streamlit", "loaders import no Streamlit"),
        ("loaders/snapshot.py", "import streamlit", "Streamlit only in the shell and the pages"),
        ("deploy/security.py", "import app_pages.overview", "Only app.py imports the pages"),
        ("shell/state.py", "import app_pages.overview", "Only app.py imports the pages"),
        ("shell/state.py", "import app_pages.overview", "Layers: app_pages > shell"),
        ("loaders/sources/ashe.py", "import loaders.build.run", "Loaders by role"),
        ("loaders/uploads/cells.py", "import loaders.build.geography", "Loaders by role"),
        ("components/formatting.py", "import loaders.refresh.run", "The app reads the snapshot"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(
    tmp_path: Path, module: str, forbidden_import: str, broken_contract: str
) -> None:
    """The contracts bite: a copy of the code with one forbidden import added fails, naming the contract."""
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / module).open("a", encoding="utf-8") as source:
        source.write(f"\n{forbidden_import}  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0, result.stdout
    broken_section = result.stdout.split("Broken contracts", 1)[-1]
    assert broken_contract in broken_section, result.stdout


def test_no_package_imports_the_app_script() -> None:
    """app.py is the top of the stack: nothing in the packages imports it (import-linter only sees packages)."""
    importers = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                if "app" in (name.split(".")[0] for name in names):
                    importers.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not importers, f"app.py imported by {importers}"
