"""Put every file of the source catalogue in a staging source folder for `python -m loaders.refresh`:
from its official URL (ONS landing pages scraped, ArcGIS FeatureServers paged, zip members extracted),
from a mirror, from the fallback folder (files without a machine-readable URL), or checked in place
(--from-dir). Each file is content-checked and recorded with where it came from and its checksum."""

from __future__ import annotations

import html
import json
import re
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import pandas as pd
from tqdm import tqdm

from loaders.build.source_catalogue import SourceFile
from loaders.build.source_files import file_sha256
from loaders.refresh.checks import ContentError, check_content, check_text, check_zip
from loaders.refresh.download import Downloader, Fetched, RefreshError

ARCGIS_PAGE = 1000


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
    params = {
        "where": "1=1",
        "outFields": "*",
        "outSR": "4326",
        "f": fmt,
        "resultOffset": str(offset),
        "resultRecordCount": str(ARCGIS_PAGE),
        "returnGeometry": str(geometry).lower(),
    }
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
    service = _json_body(
        downloader.fetch(f"{entry.url}?f=json", f"{label} (service description)", check=check_text), label
    )
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
            raise RefreshError("content check", f"{label}: expected one zip member matching {pattern}, found {found}")
        if members[0].file_size > max_bytes:
            raise RefreshError(
                "content check",
                f"{label}: zip member {members[0].filename} is "
                f"{members[0].file_size:,} bytes uncompressed, over the size limit "
                f"of {max_bytes:,} bytes (--max-bytes)",
            )
        with bundle.open(members[0]) as member, dest.open("wb") as out:
            shutil.copyfileobj(member, out)
    return members[0].filename


def fetch_entry(
    entry: SourceFile, dest: Path, downloader: Downloader, *, mirror: str | None, fallback_dir: Path | None
) -> SourceRecord:
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
            raise RefreshError(
                "download",
                f"{entry.path}: has no machine-readable URL ({entry.url}); put the "
                f"file in the fallback folder (--fallback-dir, now {fallback_dir})",
            )
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
    record.sha256, record.bytes = file_sha256(dest), dest.stat().st_size
    record.note = "; ".join(filter(None, [record.note, *notes]))
    return record


def fetch_all(
    entries: Iterable[SourceFile],
    staging: Path,
    downloader: Downloader,
    *,
    mirror: str | None,
    fallback_dir: Path | None,
    show_progress: bool,
) -> list[SourceRecord]:
    entries = list(entries)
    records = []
    with tqdm(entries, desc="download", unit="file", disable=not show_progress, file=sys.stderr) as bar:
        for entry in bar:
            bar.set_postfix_str(Path(entry.path).name[-40:])
            records.append(
                fetch_entry(entry, staging / entry.path, downloader, mirror=mirror, fallback_dir=fallback_dir)
            )
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
            records.append(SourceRecord(entry.path, str(path), file_sha256(path), path.stat().st_size))
    return records
