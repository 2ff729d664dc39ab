"""Content checks for downloaded or offered source files: the bytes must be what the name says (an
Excel workbook, a CSV, GeoJSON/TopoJSON, a zip), not an HTML error page, a truncated transfer or a
binary in disguise. Used by `python -m loaders.refresh` before anything parses a file."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from loaders.errors import file_problem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ContentError(ValueError):
    """The bytes of a file are not what its name says (HTML error page, truncated zip, ...)."""


def _markup(head: bytes) -> str:
    """'html' or 'xml' if the bytes are a web page or an XML document, else ''."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text[:1024]:
        return "html"
    return "xml" if text.startswith(b"<?xml") else ""


def _looks_like_html(head: bytes) -> bool:
    return bool(_markup(head))


def _describe(head: bytes) -> str:
    kind = _markup(head)
    if kind == "html":
        return "an HTML page (probably an error, login or landing page)"
    if kind == "xml":
        return "an XML document (probably an error response)"
    return f"something else (it starts with {head[:8]!r})"


def check_spreadsheet(path: Path) -> None:
    """An Excel workbook: xlsx (a complete zip holding xl/workbook.xml) or xls (OLE compound file of
    whole 512-byte sectors). The loaders read either under either name."""
    with path.open("rb") as handle:
        head = handle.read(2048)
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as book:
                names = set(book.namelist())
                bad = book.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ContentError(f"truncated or corrupt xlsx (zip) container ({exc})") from exc
        if bad is not None:
            raise ContentError(f"corrupt xlsx (zip) container: member {bad} fails its CRC check")
        if "xl/workbook.xml" not in names:
            raise ContentError("is a zip file but not an Excel workbook (no xl/workbook.xml)")
        return
    if head.startswith(OLE_MAGIC):
        size = path.stat().st_size
        if size < 1536 or size % 512:
            raise ContentError(f"truncated .xls (OLE) file: {size:,} bytes is not a whole number of 512-byte sectors")
        return
    raise ContentError(f"is not an Excel workbook but {_describe(head)}")


def check_csv(path: Path) -> None:
    """A text CSV with a header row of several columns, not HTML or binary."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if _looks_like_html(head):
        raise ContentError(f"is not a CSV file but {_describe(head)}")
    if b"\x00" in head or head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise ContentError("is a binary file, not a CSV")
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or "," not in lines[0]:
        raise ContentError("is not a CSV file (no comma-separated header row)")
    if len(lines) < 2:
        raise ContentError("CSV has a header but no data rows")


def _json_document(path: Path, expected: str) -> object:
    """The parsed JSON of a downloaded file; a web page (e.g. an error page) or a truncated file is refused."""
    data = path.read_bytes()
    if _looks_like_html(data[:2048]):
        raise ContentError(f"is not {expected} but {_describe(data[:2048])}")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentError(f"is not valid JSON, possibly truncated ({exc})") from exc


def check_boundary(path: Path) -> None:
    """A GeoJSON FeatureCollection or a TopoJSON Topology with at least one feature."""
    doc = _json_document(path, "GeoJSON/TopoJSON")
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Topology"):
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        if isinstance(doc, dict) and "error" in doc:
            raise ContentError(f"is an ArcGIS error response: {doc['error']}")
        raise ContentError(f"is JSON but not a GeoJSON FeatureCollection or TopoJSON Topology (type {kind!r})")
    if doc["type"] == "FeatureCollection" and not doc.get("features"):
        raise ContentError("GeoJSON has no features")
    if doc["type"] == "Topology" and not doc.get("objects"):
        raise ContentError("TopoJSON has no objects")


def check_zip(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(2048)
    if not head.startswith(ZIP_MAGIC):
        raise ContentError(f"is not a zip file but {_describe(head)}")
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ContentError(f"truncated or corrupt zip file ({exc})") from exc
    if bad is not None:
        raise ContentError(f"corrupt zip file: member {bad} fails its CRC check")


def check_text(path: Path) -> None:
    """Something a web page or API answer can be parsed from (not binary)."""
    if b"\x00" in path.read_bytes()[:65536]:
        raise ContentError("is a binary file, not a web page or JSON")


def check_metadata(path: Path) -> None:
    """A JSON object (Explore Local Statistics metadata), not a web page or a truncated file."""
    doc = _json_document(path, "JSON")
    if not isinstance(doc, dict):
        raise ContentError(f"is JSON but not an object ({type(doc).__name__})")


CHECKS: dict[str, Callable[[Path], None]] = {
    "spreadsheet": check_spreadsheet,
    "csv": check_csv,
    "boundary": check_boundary,
    "zip": check_zip,
    "metadata": check_metadata,
}


def check_content(path: Path, kind: str) -> None:
    problem = file_problem(path)
    if problem:
        raise ContentError(problem)
    if path.stat().st_size == 0:
        raise ContentError("file is empty")
    CHECKS[kind](path)
