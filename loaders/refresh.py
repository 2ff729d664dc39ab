"""Refresh the snapshot (`regional_data/`, `geo/`) from the official sources without ever losing data.

    python -m loaders.refresh [--mirror URL | --from-dir DIR] [--out DIR] [--report PATH] [--cache-dir DIR]

1. Every file of the source catalogue (loaders/source_catalogue.py) is fetched into a staging
   source folder laid out like ../shared/data: from the official URLs (default), from
   `<mirror>/<path>` (--mirror), or checked in place (--from-dir, offline). Downloads have
   timeouts, bounded retries with exponential backoff, a size limit, a conditional-request cache
   (ETag / Last-Modified) and a sha256 per file; content is sniffed before anything parses it.
2. `loaders.build.build` builds a candidate snapshot into a temporary folder beside the target.
3. The candidate is validated and diffed against the current snapshot (loaders/snapshot_diff.py);
   the Markdown report is written whatever happens.
4. Only then are the new `regional_data/` and `geo/` swapped in (old moved aside, new moved in,
   rolled back on error). On any failure the current snapshot is left byte-for-byte unchanged,
   the message says what failed and where, and the exit status is 1.

The app never calls this module; the network is only used when this command is run.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import pandas as pd
import requests
from tqdm import tqdm

from loaders import build
from loaders.errors import SourceFormatError
from loaders.snapshot_diff import MIN_AREA_SHARE, Comparison, compare, render_report
from loaders.source_catalogue import CATALOGUE, SourceFile

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regional-productivity-explorer"
SNAPSHOT_DIRS = ("regional_data", "geo")
USER_AGENT = "regional-productivity-explorer-refresh/0.1 (+python-requests)"
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ARCGIS_PAGE = 1000
CHUNK = 1 << 16


class RefreshError(RuntimeError):
    """A refresh step failed; `stage` says which, the message names the file (and URL) and problem."""

    def __init__(self, stage: str, message: str, *, keep_workdir: bool = False) -> None:
        self.stage = stage
        self.keep_workdir = keep_workdir  # the staging folder holds the only copy of the previous snapshot
        super().__init__(message)


class ContentError(ValueError):
    """The bytes of a file are not what its name says (HTML error page, truncated zip, ...)."""


class _Retryable(Exception):
    """A transient failure (timeout, reset, 5xx, truncated body): worth another attempt."""


# ------------------------------------------------------------------------------------------ downloads

@dataclass(frozen=True)
class FetchPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    attempts: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    max_bytes: int = 50 * 1024 * 1024

    def delay(self, failed_attempts: int) -> float:
        """Seconds to wait after the n-th failed attempt: base * 2^(n-1), capped."""
        return min(self.backoff_cap, self.backoff_base * 2 ** (failed_attempts - 1))


@dataclass
class Fetched:
    url: str
    path: Path  # the body in the cache folder
    sha256: str
    bytes: int
    etag: str = ""
    last_modified: str = ""
    from_cache: bool = False  # the server answered 304 Not Modified
    attempts: int = 1


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests/urllib3 error, in words."""
    seen = exc
    while seen.__context__ is not None and seen.__context__ is not seen:
        seen = seen.__context__
    text = str(exc).lower() + " " + str(seen).lower()
    if isinstance(seen, ConnectionResetError) or "reset by peer" in text or "connectionreset" in text:
        return "connection reset by the server"
    if isinstance(seen, ConnectionRefusedError) or "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "host name could not be resolved (offline?)"
    if "remotedisconnected" in text or "closed connection without response" in text:
        return "the server closed the connection without a response"
    return f"{seen.__class__.__name__}: {seen}"


def _incomplete(exc: BaseException) -> str:
    """'received N of M bytes' from urllib3's IncompleteRead, else the reason in words."""
    found = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", str(exc))
    if found:
        got, more = int(found.group(1)), int(found.group(2))
        return f"the connection closed after {got:,} of {got + more:,} bytes"
    return f"the connection broke mid-transfer ({_reason(exc)})"


class Downloader:
    """HTTP GET with timeouts, bounded retries with backoff, a size limit and a conditional cache.

    The cache keeps one body per URL with its ETag / Last-Modified; a 304 answer reuses it. A body
    is only stored after the caller's content check passed, so the cache never holds a bad file.
    """

    def __init__(self, policy: FetchPolicy, cache_dir: Path, *, session: requests.Session | None = None,
                 show_progress: bool = False, sleep: Callable[[float], None] = time.sleep) -> None:
        self.policy = policy
        self.cache_dir = cache_dir
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT})
        self.show_progress = show_progress
        self.sleep = sleep
        self.objects = cache_dir / "objects"

    def _cache_paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:40]
        return self.objects / key, self.objects / f"{key}.json"

    def _cached(self, url: str) -> Fetched | None:
        body, meta_path = self._cache_paths(url)
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or not body.is_file() or body.stat().st_size != meta.get("bytes"):
            return None
        return Fetched(url, body, meta["sha256"], meta["bytes"], meta.get("etag", ""), meta.get("last_modified", ""))

    def fetch(self, url: str, label: str, check: Callable[[Path], None] | None = None) -> Fetched:
        """The body of `url` (a file in the cache). `label` names the file in messages; `check`
        raises ContentError if the bytes are not acceptable. Raises RefreshError."""
        cached = self._cached(url)
        if cached is not None and check is not None:
            try:
                check(cached.path)
            except ContentError:
                cached = None  # never trust a cached body that no longer passes
        headers = {"Accept-Encoding": "identity"}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        last = ""
        for attempt in range(1, self.policy.attempts + 1):
            try:
                result = self._attempt(url, label, headers, cached, check)
                result.attempts = attempt
                return result
            except _Retryable as exc:
                last = str(exc)
                if attempt < self.policy.attempts:
                    self.sleep(self.policy.delay(attempt))
        raise RefreshError("download", f"{label}: {last} (gave up after {self.policy.attempts} attempts; {url})")

    def _attempt(self, url: str, label: str, headers: dict[str, str], cached: Fetched | None,
                 check: Callable[[Path], None] | None) -> Fetched:
        policy = self.policy
        try:
            with self.session.get(url, headers=headers, stream=True, allow_redirects=True,
                                  timeout=(policy.connect_timeout, policy.read_timeout)) as response:
                if response.status_code == 304 and cached is not None:
                    cached.from_cache = True
                    return cached
                if response.status_code in RETRY_STATUS:
                    raise _Retryable(f"HTTP {response.status_code} {response.reason}")
                if response.status_code != 200:
                    raise RefreshError("download", f"{label}: HTTP {response.status_code} {response.reason} ({url})")
                return self._store(url, label, response, check)
        except requests.exceptions.ConnectTimeout as exc:
            raise _Retryable(f"could not connect within {policy.connect_timeout:g} s (connect timeout)") from exc
        except requests.exceptions.ReadTimeout as exc:
            raise _Retryable(f"no response within {policy.read_timeout:g} s (read timeout)") from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            raise _Retryable(f"truncated body: {_incomplete(exc)}") from exc
        except requests.exceptions.ConnectionError as exc:
            if "read timed out" in str(exc).lower():
                raise _Retryable(f"stalled: no data for {policy.read_timeout:g} s (read timeout)") from exc
            raise _Retryable(f"connection failed ({_reason(exc)})") from exc
        except requests.exceptions.RequestException as exc:
            raise RefreshError("download", f"{label}: request failed ({_reason(exc)}; {url})") from exc

    def _store(self, url: str, label: str, response: requests.Response, check: Callable[[Path], None] | None
               ) -> Fetched:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length")
        expected = int(declared) if declared and declared.isdigit() else None
        if expected is not None and expected > limit:
            raise RefreshError("download", f"{label}: {expected:,} bytes is over the size limit of {limit:,} bytes "
                                           f"(--max-bytes); not downloaded ({url})")
        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        self.objects.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=self.objects, prefix=".part-")
        part = Path(name)
        try:
            digest, received = hashlib.sha256(), 0
            name_shown = Path(urlsplit(url).path).name[-30:] or "download"
            bar = tqdm(total=expected, desc=name_shown, unit="B", unit_scale=True, leave=False,
                       disable=not self.show_progress, file=sys.stderr)
            with os.fdopen(descriptor, "wb") as handle, bar:
                for chunk in response.iter_content(CHUNK):
                    received += len(chunk)
                    if received > limit:
                        raise RefreshError("download", f"{label}: body exceeds the size limit of {limit:,} bytes "
                                                       f"(--max-bytes); download aborted ({url})")
                    handle.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
            if expected is not None and not encoded and received != expected:
                raise _Retryable(f"truncated body: received {received:,} of {expected:,} bytes")
            if received == 0:
                raise RefreshError("download", f"{label}: the server sent an empty body ({url})")
            if check is not None:
                try:
                    check(part)
                except ContentError as exc:
                    raise RefreshError("content check", f"{label}: {exc} ({url})") from exc
            body, meta_path = self._cache_paths(url)
            os.replace(part, body)
            fetched = Fetched(url, body, digest.hexdigest(), received, response.headers.get("ETag", ""),
                              response.headers.get("Last-Modified", ""))
            meta = {"url": url, "sha256": fetched.sha256, "bytes": received, "etag": fetched.etag,
                    "last_modified": fetched.last_modified,
                    "fetched_at": datetime.now(UTC).isoformat(timespec="seconds")}
            meta_path.write_text(json.dumps(meta, indent=1))
            return fetched
        finally:
            part.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------ content checks

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


def check_boundary(path: Path) -> None:
    """A GeoJSON FeatureCollection or a TopoJSON Topology with at least one feature."""
    data = path.read_bytes()
    if _looks_like_html(data[:2048]):
        raise ContentError(f"is not GeoJSON/TopoJSON but {_describe(data[:2048])}")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentError(f"is not valid JSON, possibly truncated ({exc})") from exc
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
    data = path.read_bytes()
    if _looks_like_html(data[:2048]):
        raise ContentError(f"is not JSON but {_describe(data[:2048])}")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentError(f"is not valid JSON, possibly truncated ({exc})") from exc
    if not isinstance(doc, dict):
        raise ContentError(f"is JSON but not an object ({type(doc).__name__})")


CHECKS: dict[str, Callable[[Path], None]] = {
    "spreadsheet": check_spreadsheet, "csv": check_csv, "boundary": check_boundary, "zip": check_zip,
    "metadata": check_metadata,
}


def check_content(path: Path, kind: str) -> None:
    if not path.is_file():
        raise ContentError("file not found")
    if path.stat().st_size == 0:
        raise ContentError("file is empty")
    CHECKS[kind](path)


# ---------------------------------------------------------------------------------- fetch strategies

@dataclass
class SourceRecord:
    """What the refresh did for one catalogue file (goes to the manifest and the report)."""
    path: str
    origin: str  # URL or folder it came from
    sha256: str = ""
    bytes: int = 0
    note: str = ""
    etag: str = ""
    last_modified: str = ""

    def as_dict(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if value not in ("", None)}


def mirror_url(base: str, relative: str) -> str:
    return base.rstrip("/") + "/" + quote(relative, safe="/")


def _checker(kind: str) -> Callable[[Path], None]:
    return lambda path: check_content(path, kind)


def scrape_file_links(page: bytes, page_url: str) -> list[str]:
    """Absolute URLs of the `/file?uri=...` download links of an ONS landing page, in page order."""
    text = page.decode("utf-8", errors="replace")
    links = []
    for href in re.findall(r"""href\s*=\s*["']([^"']*file\?uri=[^"']+)["']""", text, flags=re.IGNORECASE):
        absolute = urljoin(page_url, html.unescape(href))
        if absolute not in links:
            links.append(absolute)
    return links


def _link_file_name(link: str) -> str:
    query = urlsplit(link).query
    uri = next((unquote(part[4:]) for part in query.split("&") if part.startswith("uri=")), urlsplit(link).path)
    return uri.rstrip("/").rsplit("/", 1)[-1]


def resolve_landing_link(entry: SourceFile, downloader: Downloader, notes: list[str]) -> str:
    """The download URL for a scraped entry: the first landing-page link whose file name matches,
    else the known fallback URL (noted)."""
    problem = ""
    try:
        page = downloader.fetch(entry.url, f"{entry.path} (landing page)", check=check_text)
        links = scrape_file_links(page.path.read_bytes(), entry.url)
        pattern = re.compile(entry.link_pattern, re.IGNORECASE)
        matches = [link for link in links if pattern.search(_link_file_name(link))]
        if matches:
            return matches[0]
        problem = f"no download link matching {entry.link_pattern} among {len(links)} links on {entry.url}"
    except RefreshError as exc:
        problem = f"landing page unavailable ({exc})"
    if entry.fallback_url:
        notes.append(f"{problem}; used the last known file URL")
        return entry.fallback_url
    raise RefreshError("download", f"{entry.path}: {problem}, and no direct URL is known")


def _arcgis_query(service: str, layer: int, fmt: str, offset: int, geometry: bool) -> str:
    params = {"where": "1=1", "outFields": "*", "outSR": "4326", "f": fmt, "resultOffset": str(offset),
              "resultRecordCount": str(ARCGIS_PAGE), "returnGeometry": str(geometry).lower()}
    return f"{service.rstrip('/')}/{layer}/query?{urlencode(params)}"


def _json_body(fetched: Fetched, label: str) -> dict:
    try:
        doc = json.loads(fetched.path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RefreshError("download", f"{label}: the service did not answer JSON ({exc}; {fetched.url})") from exc
    if not isinstance(doc, dict):
        raise RefreshError("download", f"{label}: unexpected JSON answer ({fetched.url})")
    if "error" in doc:
        raise RefreshError("download", f"{label}: the service answered an error: {doc['error']} ({fetched.url})")
    return doc


def arcgis_features(entry: SourceFile, downloader: Downloader, fmt: str) -> tuple[list[dict], dict]:
    """All features of the FeatureServer's first layer, paged. Returns (features, last page)."""
    label = entry.path
    service = _json_body(downloader.fetch(f"{entry.url}?f=json", f"{label} (service description)",
                                          check=check_text), label)
    layers = service.get("layers") or service.get("tables") or []
    if not layers:
        raise RefreshError("download", f"{label}: the FeatureServer lists no layers or tables ({entry.url})")
    layer = int(layers[0].get("id", 0))
    features: list[dict] = []
    page: dict = {}
    for number in range(10_000):
        url = _arcgis_query(entry.url, layer, fmt, number * ARCGIS_PAGE, geometry=fmt == "geojson")
        page = _json_body(downloader.fetch(url, f"{label} (page {number + 1})", check=check_text), label)
        batch = page.get("features") or []
        features += batch
        exceeded = page.get("exceededTransferLimit") or (page.get("properties") or {}).get("exceededTransferLimit")
        if not exceeded or not batch:
            break
    if not features:
        raise RefreshError("download", f"{label}: the FeatureServer query returned no features ({entry.url})")
    return features, page


def fetch_arcgis_geojson(entry: SourceFile, downloader: Downloader, dest: Path) -> None:
    features, _ = arcgis_features(entry, downloader, "geojson")
    dest.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")))


def fetch_arcgis_csv(entry: SourceFile, downloader: Downloader, dest: Path) -> None:
    features, page = arcgis_features(entry, downloader, "json")
    columns = [f["name"] for f in page.get("fields", []) if isinstance(f, dict) and "name" in f]
    frame = pd.DataFrame([feature.get("attributes", {}) for feature in features])
    if columns and set(columns) <= set(frame.columns):
        frame = frame[columns]
    frame.to_csv(dest, index=False, encoding="utf-8-sig")


def extract_member(archive: Path, pattern: str, dest: Path, label: str, max_bytes: int) -> str:
    """Write the one zip member whose name matches `pattern` to `dest` (at most `max_bytes` once
    uncompressed, so a zip bomb cannot fill the disk); returns its name."""
    regex = re.compile(pattern, re.IGNORECASE)
    with zipfile.ZipFile(archive) as bundle:
        members = [info for info in bundle.infolist() if regex.search(info.filename.rsplit("/", 1)[-1])]
        if len(members) != 1:
            found = ", ".join(info.filename for info in members) or "none"
            raise RefreshError("content check",
                               f"{label}: expected one zip member matching {pattern}, found {found}")
        if members[0].file_size > max_bytes:
            raise RefreshError("content check", f"{label}: zip member {members[0].filename} is "
                                                f"{members[0].file_size:,} bytes uncompressed, over the size limit "
                                                f"of {max_bytes:,} bytes (--max-bytes)")
        with bundle.open(members[0]) as member, dest.open("wb") as out:
            shutil.copyfileobj(member, out)
    return members[0].filename


def fetch_entry(entry: SourceFile, dest: Path, downloader: Downloader, *, mirror: str | None,
                fallback_dir: Path | None) -> SourceRecord:
    """Put one catalogue file at `dest` (checked); returns where it came from."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    record = SourceRecord(entry.path, "")
    checked_bytes: Fetched | None = None
    if mirror:
        url = mirror_url(mirror, entry.path)
        checked_bytes = downloader.fetch(url, entry.path, check=_checker(entry.kind))
        shutil.copyfile(checked_bytes.path, dest)
        record.origin, record.etag, record.last_modified = url, checked_bytes.etag, checked_bytes.last_modified
        record.note = "not modified (cache)" if checked_bytes.from_cache else ""
    elif entry.method == "manual":
        source = (fallback_dir / entry.path) if fallback_dir else None
        if source is None or not source.is_file():
            raise RefreshError("download", f"{entry.path}: has no machine-readable URL ({entry.url}); put the "
                                           f"file in the fallback folder (--fallback-dir, now {fallback_dir})")
        shutil.copyfile(source, dest)
        record.origin, record.note = str(source), "carried over, not refreshed (no machine-readable URL)"
    elif entry.method in ("direct", "ons_landing"):
        url = entry.url if entry.method == "direct" else resolve_landing_link(entry, downloader, notes)
        checked_bytes = downloader.fetch(url, entry.path, check=_checker(entry.kind))
        shutil.copyfile(checked_bytes.path, dest)
        record.origin, record.etag = url, checked_bytes.etag
        record.last_modified = checked_bytes.last_modified
        record.note = "not modified (cache)" if checked_bytes.from_cache else ""
    elif entry.method == "ons_zip_member":
        url = resolve_landing_link(entry, downloader, notes)
        fetched = downloader.fetch(url, f"{entry.path} (zip)", check=check_zip)
        member = extract_member(fetched.path, entry.member_pattern, dest, entry.path, downloader.policy.max_bytes)
        record.origin = f"{url} :: {member}"
    elif entry.method == "arcgis_geojson":
        fetch_arcgis_geojson(entry, downloader, dest)
        record.origin = entry.url
    elif entry.method == "arcgis_csv":
        fetch_arcgis_csv(entry, downloader, dest)
        record.origin = entry.url
    else:
        raise RefreshError("download", f"{entry.path}: unknown fetch method {entry.method!r}")
    if checked_bytes is None:  # bytes assembled or copied here (not checked by the downloader): check them now
        try:
            check_content(dest, entry.kind)
        except ContentError as exc:
            raise RefreshError("content check", f"{entry.path}: {exc} (from {record.origin})") from exc
    record.sha256, record.bytes = build.file_sha256(dest), dest.stat().st_size
    record.note = "; ".join(filter(None, [record.note, *notes]))
    return record


def fetch_all(entries: Iterable[SourceFile], staging: Path, downloader: Downloader, *, mirror: str | None,
              fallback_dir: Path | None, show_progress: bool) -> list[SourceRecord]:
    entries = list(entries)
    records = []
    with tqdm(entries, desc="download", unit="file", disable=not show_progress, file=sys.stderr) as bar:
        for entry in bar:
            bar.set_postfix_str(Path(entry.path).name[-40:])
            records.append(fetch_entry(entry, staging / entry.path, downloader, mirror=mirror,
                                       fallback_dir=fallback_dir))
    return records


def check_folder(entries: Iterable[SourceFile], folder: Path, show_progress: bool) -> list[SourceRecord]:
    """--from-dir: every catalogue file present and of the right kind."""
    entries = list(entries)
    records = []
    with tqdm(entries, desc="check files", unit="file", disable=not show_progress, file=sys.stderr) as bar:
        for entry in bar:
            path = folder / entry.path
            try:
                check_content(path, entry.kind)
            except ContentError as exc:
                raise RefreshError("content check", f"{entry.path}: {exc} (in {folder})") from exc
            records.append(SourceRecord(entry.path, str(path), build.file_sha256(path), path.stat().st_size))
    return records


# ---------------------------------------------------------------------------------------------- swap

def snapshot_hashes(target: Path) -> dict[str, str]:
    """sha256 of every file of the snapshot folders (used to prove a failed refresh changed nothing)."""
    return {str(p.relative_to(target)): build.file_sha256(p) for name in SNAPSHOT_DIRS if (target / name).is_dir()
            for p in sorted((target / name).rglob("*")) if p.is_file()}


def swap_in(staged: Path, target: Path, names: tuple[str, ...] = SNAPSHOT_DIRS) -> None:
    """Move the current folders aside (into `staged`/previous), move the new ones in; on any error
    put everything back as it was. `staged` must be on the same file system as `target`."""
    for name in names:
        if not (staged / name).is_dir():
            raise RefreshError("swap", f"staged snapshot has no {name}/ folder ({staged})")
    aside = staged / "previous"
    aside.mkdir()
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for name in names:
            if (target / name).exists():
                os.replace(target / name, aside / name)
                moved_aside.append(name)
        for name in names:
            os.replace(staged / name, target / name)
            moved_in.append(name)
    except OSError as exc:
        try:
            for name in moved_in:
                os.replace(target / name, staged / name)
            for name in moved_aside:
                os.replace(aside / name, target / name)
        except OSError as again:
            raise RefreshError("swap", f"swap into {target} failed ({exc}) and so did the rollback ({again}); "
                                       f"the previous snapshot is in {aside}: move it back by hand",
                               keep_workdir=True) from again
        raise RefreshError("swap", f"could not move the new snapshot into {target} ({exc}); "
                                   "the previous snapshot was restored") from exc


# ------------------------------------------------------------------------------------------- refresh

@dataclass
class Options:
    out: Path = REPO
    mirror: str | None = None
    from_dir: Path | None = None
    fallback_dir: Path | None = build.DEFAULT_SOURCE
    cache_dir: Path = DEFAULT_CACHE
    report: Path | None = None
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    min_area_share: float = MIN_AREA_SHARE
    accept_coverage_loss: bool = False
    dry_run: bool = False
    show_progress: bool = True
    entries: tuple[SourceFile, ...] = CATALOGUE


@dataclass
class Outcome:
    ok: bool
    message: str
    stage: str = ""
    report_path: Path | None = None
    comparison: Comparison | None = None
    records: list[SourceRecord] = field(default_factory=list)
    manifest: dict | None = None


def _read_snapshot(target: Path) -> tuple[pd.DataFrame | None, dict]:
    data = target / "regional_data"
    table_path, meta_path = data / "indicators.parquet", data / "indicators.json"
    if not table_path.is_file():
        return None, {}
    try:
        table = pd.read_parquet(table_path)
        metadata = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    except Exception as exc:  # a damaged current snapshot must not block a refresh that replaces it
        raise RefreshError("validation", f"the current snapshot {table_path} cannot be read ({exc}); "
                                         "move it away to refresh from scratch") from exc
    return table, metadata


def _where(exc: SourceFormatError, source: Path) -> str:
    """The parser's message with the file's path inside the source folder (not just its name)."""
    try:
        where = exc.path.absolute().relative_to(source.absolute()).as_posix()
    except ValueError:
        return str(exc)
    return where + (f", sheet '{exc.sheet}'" if exc.sheet else "") + f": {exc.problem}"


def _mode(options: Options) -> str:
    if options.from_dir:
        return f"offline, from folder {options.from_dir}"
    if options.mirror:
        return f"mirror {options.mirror}"
    return "official URLs (source catalogue)"


def run_refresh(options: Options) -> Outcome:
    """The whole refresh; never raises for expected failures (see Outcome.message)."""
    target = options.out.resolve()
    started = datetime.now(UTC)
    context = {"started": started.isoformat(timespec="seconds"), "mode": _mode(options), "target": str(target)}
    outcome = Outcome(False, "")
    workdir: Path | None = None
    keep_workdir = False
    try:
        if not target.is_dir():
            raise RefreshError("setup", f"target folder {target} does not exist")
        if options.mirror and options.from_dir:
            raise RefreshError("setup", "use either --mirror or --from-dir, not both")
        old, old_metadata = _read_snapshot(target)
        workdir = Path(tempfile.mkdtemp(prefix=".refresh-", dir=target))
        if options.from_dir:
            source = options.from_dir.resolve()
            if not source.is_dir():
                raise RefreshError("setup", f"--from-dir folder {source} does not exist")
            outcome.records = check_folder(options.entries, source, options.show_progress)
        else:
            source = workdir / "source"
            downloader = Downloader(options.policy, options.cache_dir, show_progress=options.show_progress)
            outcome.records = fetch_all(options.entries, source, downloader, mirror=options.mirror,
                                        fallback_dir=options.fallback_dir, show_progress=options.show_progress)
        staged = workdir / "out"
        staged.mkdir()
        try:
            manifest = build.build(source, staged, show_progress=options.show_progress)
        except SourceFormatError as exc:
            raise RefreshError("build", _where(exc, source)) from exc
        except build.BuildError as exc:
            raise RefreshError("build", f"{exc}") from exc
        except Exception as exc:  # a parser meeting a layout it does not know; say where, no traceback
            raise RefreshError("build", f"{exc.__class__.__name__}: {exc}") from exc
        new = pd.read_parquet(staged / "regional_data" / "indicators.parquet")
        metadata = json.loads((staged / "regional_data" / "indicators.json").read_text())
        outcome.comparison = compare(old, new, {**old_metadata, **metadata}, min_share=options.min_area_share,
                                     accept_coverage_loss=options.accept_coverage_loss)
        if not outcome.comparison.passed:
            raise RefreshError("validation", "the new snapshot failed validation: "
                                             + "; ".join(outcome.comparison.problems[:5])
                                             + (" ..." if len(outcome.comparison.problems) > 5 else ""))
        manifest["source_folder"] = _mode(options)
        manifest["refresh"] = {"refreshed_at": datetime.now(UTC).isoformat(timespec="seconds"),
                               "mode": _mode(options), "files": [r.as_dict() for r in outcome.records]}
        (staged / "regional_data" / "manifest.json").write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False, default=str))
        outcome.manifest = manifest
        if options.dry_run:
            outcome.ok, outcome.message = True, "dry run: the new snapshot passed validation; nothing was swapped in"
        else:
            swap_in(staged, target)
            outcome.ok = True
            outcome.message = f"refreshed {manifest['rows']:,} rows into {target}"
    except RefreshError as exc:
        outcome.stage, outcome.message = exc.stage, str(exc)
        keep_workdir = exc.keep_workdir
    except OSError as exc:  # disk full, permissions: still no traceback, still no damage
        outcome.stage, outcome.message = "file system", f"{exc.__class__.__name__}: {exc}"
    finally:
        if workdir is not None and not keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    outcome.report_path = _write_report(options, outcome, context)
    return outcome


def _write_report(options: Options, outcome: Outcome, context: dict[str, str]) -> Path | None:
    if outcome.ok:
        result = "passed; " + ("dry run, not swapped in" if options.dry_run else "new snapshot swapped in")
    else:
        result = f"FAILED at {outcome.stage}; current snapshot unchanged"
    text = render_report(outcome.comparison, outcome=result, context=context,
                         failure=None if outcome.ok else outcome.message,
                         sources=[r.as_dict() for r in outcome.records])
    path = options.report or options.cache_dir / "last-refresh-report.md"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"warning: could not write the report to {path} ({exc})", file=sys.stderr)
        return None
    return path


def _list_sources() -> str:
    lines = []
    for entry in CATALOGUE:
        scrape = " (landing page scraped)" if entry.needs_scraping else ""
        lines.append(f"{entry.path}\n    {entry.method}{scrape}, confidence {entry.confidence}: {entry.url}")
        if entry.fallback_url:
            lines.append(f"    fallback: {entry.fallback_url}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m loaders.refresh", description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--mirror", metavar="URL", help="fetch every catalogue file from URL/<relative path>")
    where.add_argument("--from-dir", type=Path, metavar="DIR",
                       help="offline: build from a folder of official files laid out like ../shared/data")
    parser.add_argument("--out", type=Path, default=REPO, help="folder holding regional_data/ and geo/ (repo root)")
    parser.add_argument("--report", type=Path,
                        help="Markdown diff report (default: <cache-dir>/last-refresh-report.md)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE,
                        help=f"download cache (default {DEFAULT_CACHE})")
    parser.add_argument("--fallback-dir", type=Path, default=build.DEFAULT_SOURCE,
                        help="where files without a machine-readable URL (Nomis extracts) are taken from online")
    parser.add_argument("--max-bytes", type=int, default=FetchPolicy.max_bytes, help="size limit per file")
    parser.add_argument("--connect-timeout", type=float, default=FetchPolicy.connect_timeout, metavar="SECONDS")
    parser.add_argument("--timeout", type=float, default=FetchPolicy.read_timeout, metavar="SECONDS",
                        help="read timeout: longest wait for the server between bytes")
    parser.add_argument("--retries", type=int, default=FetchPolicy.attempts, help="attempts per request")
    parser.add_argument("--backoff", type=float, default=FetchPolicy.backoff_base, metavar="SECONDS",
                        help="first retry delay, doubled each time (capped at 8 s)")
    parser.add_argument("--min-area-share", type=float, default=MIN_AREA_SHARE,
                        help="fail if an indicator/level keeps less than this share of its areas")
    parser.add_argument("--accept-coverage-loss", action="store_true",
                        help="report lost areas/years as warnings instead of failing (e.g. boundary changes)")
    parser.add_argument("--dry-run", action="store_true", help="fetch, build, validate and report; do not swap")
    parser.add_argument("--list-sources", action="store_true", help="print the source catalogue and exit")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    if args.retries < 1 or args.max_bytes < 1 or args.backoff < 0:
        parser.error("--retries and --max-bytes must be positive and --backoff not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list_sources:
        print(_list_sources())
        return 0
    options = Options(
        out=args.out, mirror=args.mirror, from_dir=args.from_dir, fallback_dir=args.fallback_dir,
        cache_dir=args.cache_dir, report=args.report,
        policy=FetchPolicy(connect_timeout=args.connect_timeout, read_timeout=args.timeout, attempts=args.retries,
                           backoff_base=args.backoff, max_bytes=args.max_bytes),
        min_area_share=args.min_area_share, accept_coverage_loss=args.accept_coverage_loss, dry_run=args.dry_run,
        show_progress=not args.quiet,
    )
    outcome = run_refresh(options)
    report = f" Report: {outcome.report_path}" if outcome.report_path else ""
    if outcome.ok:
        print(f"{outcome.message}.{report}")
        return 0
    print(f"refresh failed at {outcome.stage}, snapshot unchanged: {outcome.message}.{report}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
