"""One error type for every bad input, so callers can show a clear message instead of a traceback."""

from __future__ import annotations

import stat
from pathlib import Path

NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}

ECHO_LIMIT = 80  # characters of a value from a file or a link quoted in a message


def shorten(value: object, limit: int = ECHO_LIMIT) -> str:
    """A value from a file or a link as a message quotes it: on one line, at most `limit` characters
    (cut with an ellipsis), so a 10 KB cell or link parameter is never echoed in full."""
    raw = str(value)
    text = " ".join(raw[: 4 * limit].split())  # only the start is looked at: bounded work for any value
    if len(text) <= limit and len(raw) <= 4 * limit:
        return text
    return text[: limit - 1].rstrip() + "\u2026"


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


def file_problem(path: Path) -> str | None:
    """Why `path` cannot be read as a source file, or None. Checked before opening: a named pipe in
    place of a file would make a reader wait forever."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "is a symbolic link to a missing file" if path.is_symlink() else "file not found"
    except OSError as exc:
        return f"cannot be opened ({exc.strerror or exc})"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return f"is {NOT_REGULAR.get(stat.S_IFMT(info.st_mode), 'not a regular file')}, not a regular file"
    return None


def require_file(path: Path) -> None:
    """SourceFormatError naming the file unless it is a regular file that exists."""
    problem = file_problem(path)
    if problem:
        raise SourceFormatError(path, problem)


def read_csv_text(path: Path) -> str:
    """The text of a CSV source, or a SourceFormatError for the ways official downloads go wrong: missing,
    empty, not UTF-8 (a saved-as-Excel file), or binary content (an .xlsx renamed .csv)."""
    require_file(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise SourceFormatError(path, "file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"not a UTF-8 CSV (bad byte at offset {exc.start})") from exc
    if "\x00" in text:
        raise SourceFormatError(path, "not a text CSV (contains NUL bytes)")
    return text
