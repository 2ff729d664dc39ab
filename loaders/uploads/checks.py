"""Limits and checks shared by every upload reader: the size caps, the file name shown in messages,
and zip archives (shapefiles, and .xlsx workbooks, which are zips too) vetted for entry count, total
and per-entry expansion, absolute paths, ".." and symlinks before a byte is extracted.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from loaders.errors import SourceFormatError, shorten

MB = 1024 * 1024
MAX_VALUES_BYTES = 5 * MB
MAX_BOUNDARY_BYTES = 25 * MB  # the largest upload: .streamlit/config.toml and nginx allow exactly this
MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_SCANNED_ROWS = 200_000  # spreadsheet rows read, blank ones included (a sheet can declare a million)
MAX_ZIP_ENTRIES = 50
MAX_XLSX_ENTRIES = 2_000
MAX_UNZIPPED_BYTES = 100 * MB
MAX_ZIP_RATIO = 1_000  # deflate cannot legitimately expand much beyond ~1,030:1
RATIO_CHECK_FROM = 1 * MB
MAX_FEATURES = 20_000
MAX_FIELDS = 200  # attribute fields of a boundary file
MAX_VERTICES = 3_000_000
MAX_WEB_BYTES = 350_000  # the product brief's map payload budget (see bench/__main__.py)
MAX_LISTED = 5  # problems listed by name in one message before "and N more"

# What the Your data page's file pickers offer: .xlsm and .xls so that the values reader can say why it refuses
# them (macros; the old Excel format), .shp so that the boundary reader can say to zip it with its .shx, .dbf, .prj.
VALUE_TYPES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
BOUNDARY_TYPES = (".geojson", ".json", ".zip", ".gpkg", ".shp")
MACRO_TYPES = (".xlsm", ".xltm", ".xlsb", ".xlam")

# --- shared checks ------------------------------------------------------------------------------------


def label_of(name: str) -> str:
    """The file name shown in messages (never a path the browser sent)."""
    base = PurePosixPath(str(name).replace("\\", "/")).name.strip()
    return base or "uploaded file"


def suffix_of(name: str) -> str:
    return PurePosixPath(label_of(name)).suffix.lower()


def listed(items: Sequence[str], separator: str = ", ") -> str:
    """The first MAX_LISTED items, then "and N more": a message never lists thousands of problems."""
    shown = separator.join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def check_size(label: str, data: bytes, cap: int) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise SourceFormatError(label, "upload is not a file's bytes")
    if len(data) == 0:
        raise SourceFormatError(label, "file is empty")
    if len(data) > cap:
        raise SourceFormatError(
            label, f"file is {len(data) / MB:.1f} MB; the limit for this upload is {cap / MB:.0f} MB"
        )


def check_zip(
    label: str, archive: zipfile.ZipFile, max_entries: int = MAX_ZIP_ENTRIES, max_total: int = MAX_UNZIPPED_BYTES
) -> list[zipfile.ZipInfo]:
    """The archive's entries, after refusing anything that could escape a directory or blow up:
    too many entries, absolute paths, "..", symlinks, encryption, a total expanded size over the
    cap, or an entry that claims to expand more than deflate can. Nothing is extracted here."""
    entries = archive.infolist()
    if not entries:
        raise SourceFormatError(label, "zip archive is empty")
    if len(entries) > max_entries:
        raise SourceFormatError(label, f"zip archive has {len(entries)} entries; at most {max_entries} are accepted")
    total = 0
    for entry in entries:
        name = shorten(entry.filename)
        parts = re.split(r"[\\/]", entry.filename)
        if entry.filename.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", entry.filename):
            raise SourceFormatError(label, f"zip entry '{name}' has an absolute path; refused")
        if ".." in parts:
            raise SourceFormatError(label, f"zip entry '{name}' points outside the archive ('..'); refused")
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise SourceFormatError(label, f"zip entry '{name}' is a symbolic link; refused")
        if entry.flag_bits & 0x1:
            raise SourceFormatError(label, f"zip entry '{name}' is encrypted; upload an unencrypted archive")
        total += entry.file_size
        if entry.file_size > RATIO_CHECK_FROM and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
            raise SourceFormatError(
                label,
                f"zip entry '{name}' claims to expand {entry.file_size / max(entry.compress_size, 1):,.0f}"
                f" times (a zip bomb?); refused",
            )
    if total > max_total:
        raise SourceFormatError(
            label, f"zip archive would expand to {total / MB:,.0f} MB; at most {max_total / MB:.0f} MB is accepted"
        )
    return entries


def open_zip(label: str, data: bytes, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SourceFormatError(label, f"is not a valid {what}: it is damaged or not a zip archive at all") from exc


def copy_member(label: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Copy one member, counting the bytes really produced: a lying header cannot exceed `budget`."""
    written = 0
    try:
        with archive.open(entry) as source, target.open("wb") as sink:
            while chunk := source.read(1024 * 1024):
                written += len(chunk)
                if written > budget:
                    raise SourceFormatError(
                        label, f"zip entry '{shorten(entry.filename)}' expands beyond the size limit"
                    )
                sink.write(chunk)
    except SourceFormatError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SourceFormatError(
            label, f"zip entry '{shorten(entry.filename)}' cannot be extracted: {_zip_trouble(exc)}"
        ) from exc
    return written


def read_member(label: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """One member's bytes, already vetted by check_zip (its declared size is within the cap)."""
    try:
        return archive.read(entry)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SourceFormatError(
            label, f"zip entry '{shorten(entry.filename)}' cannot be read: {_zip_trouble(exc)}"
        ) from exc


def _zip_trouble(exc: Exception) -> str:
    """Why a member cannot be unpacked, in words (zlib's and zipfile's own name internals)."""
    if isinstance(exc, NotImplementedError):
        return "it uses a compression method this reader does not support (zip it again with ordinary compression)"
    return "the archive is damaged"
