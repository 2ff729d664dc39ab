"""One error type for every bad input, so callers can show a clear message instead of a traceback."""

from __future__ import annotations

from pathlib import Path


class SourceFormatError(ValueError):
    """A source file is missing, unreadable or not laid out as the parser expects.

    The message always names the file and, where known, the sheet, row or column at fault.
    """

    def __init__(self, path: str | Path, problem: str, *, sheet: str | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.sheet = sheet
        where = f"{self.path.name}" + (f", sheet '{sheet}'" if sheet else "")
        super().__init__(f"{where}: {problem}")
