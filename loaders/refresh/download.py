"""HTTP downloads for `python -m loaders.refresh`: timeouts, bounded retries with exponential backoff, a
size limit and a conditional-request cache (ETag / Last-Modified), each body checked before it is kept."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tqdm import tqdm

from loaders.refresh.checks import ContentError

USER_AGENT = "regional-productivity-explorer-refresh/0.1 (+python-requests)"
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
CHUNK = 1 << 16


class RefreshError(RuntimeError):
    """A refresh step failed; `stage` says which, the message names the file (and URL) and problem."""

    def __init__(self, stage: str, message: str) -> None:
        self.stage = stage
        super().__init__(message)


class _Retryable(Exception):
    """A transient failure (timeout, reset, 5xx, truncated body): worth another attempt."""


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

    def __init__(
        self,
        policy: FetchPolicy,
        cache_dir: Path,
        *,
        session: requests.Session | None = None,
        show_progress: bool = False,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
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

    def _attempt(
        self,
        url: str,
        label: str,
        headers: dict[str, str],
        cached: Fetched | None,
        check: Callable[[Path], None] | None,
    ) -> Fetched:
        policy = self.policy
        try:
            with self.session.get(
                url,
                headers=headers,
                stream=True,
                allow_redirects=True,
                timeout=(policy.connect_timeout, policy.read_timeout),
            ) as response:
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

    def _store(
        self, url: str, label: str, response: requests.Response, check: Callable[[Path], None] | None
    ) -> Fetched:
        limit = self.policy.max_bytes
        declared = response.headers.get("Content-Length")
        expected = int(declared) if declared and declared.isdigit() else None
        if expected is not None and expected > limit:
            raise RefreshError(
                "download",
                f"{label}: {expected:,} bytes is over the size limit of {limit:,} bytes "
                f"(--max-bytes); not downloaded ({url})",
            )
        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        self.objects.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=self.objects, prefix=".part-")
        part = Path(name)
        try:
            digest, received = hashlib.sha256(), 0
            name_shown = Path(urlsplit(url).path).name[-30:] or "download"
            bar = tqdm(
                total=expected,
                desc=name_shown,
                unit="B",
                unit_scale=True,
                leave=False,
                disable=not self.show_progress,
                file=sys.stderr,
            )
            with os.fdopen(descriptor, "wb") as handle, bar:
                for chunk in response.iter_content(CHUNK):
                    received += len(chunk)
                    if received > limit:
                        raise RefreshError(
                            "download",
                            f"{label}: body exceeds the size limit of {limit:,} bytes "
                            f"(--max-bytes); download aborted ({url})",
                        )
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
            fetched = Fetched(
                url,
                body,
                digest.hexdigest(),
                received,
                response.headers.get("ETag", ""),
                response.headers.get("Last-Modified", ""),
            )
            meta = {
                "url": url,
                "sha256": fetched.sha256,
                "bytes": received,
                "etag": fetched.etag,
                "last_modified": fetched.last_modified,
                "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            meta_path.write_text(json.dumps(meta, indent=1))
            return fetched
        finally:
            part.unlink(missing_ok=True)
