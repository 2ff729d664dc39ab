"""A loopback HTTP server for refresh tests: serves a folder of files (with ETag / Last-Modified and
304 answers) and injects faults per path: delays, connection resets, error statuses, truncated
bodies, substituted bodies and rewritten files (rows or years removed). Extra routes (callables)
stand in for landing pages and APIs.

    with FaultServer(root) as server:
        server.fault("stats/x.xlsx", Status(500, times=1))
        requests.get(server.url + "/stats/x.xlsx")
"""

from __future__ import annotations

import email.utils
import hashlib
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass
class Delay:
    """Sleep before answering (longer than the client's read timeout = a timeout)."""

    seconds: float


@dataclass
class Reset:
    """Abort the connection with a TCP reset before answering."""


@dataclass
class Status:
    """Answer `code` for the first `times` requests (None: always), then serve normally."""

    code: int
    times: int | None = None


@dataclass
class Truncate:
    """Announce the full Content-Length, send only `fraction` of the body, close."""

    fraction: float = 0.5


@dataclass
class Body:
    """Serve these bytes instead of the file (status 200)."""

    data: bytes
    content_type: str = "application/octet-stream"
    send_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass
class Rewrite:
    """Serve the file as `change` rewrites it (e.g. an official CSV with rows or years missing)."""

    change: Callable[[bytes], bytes]


Fault = Delay | Reset | Status | Truncate | Body | Rewrite
Route = Callable[[dict[str, list[str]]], tuple[int, str, bytes]]  # query -> (status, content type, body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (timeouts, size limits) is expected here, not an error to print."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class FaultServer:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self.faults: dict[str, Fault] = {}
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fault-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def fault(self, path: str, fault: Fault) -> None:
        self.faults[path.lstrip("/")] = fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.hits.clear()
            self.not_modified.clear()

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            self.hits[path] += 1
            fault = self.faults.get(path)
            if isinstance(fault, Status) and fault.times is not None:
                if fault.times <= 0:
                    return None
                fault.times -= 1
            return fault

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                path = unquote(parts.path).lstrip("/")
                fault = server._take_fault(path)
                if isinstance(fault, Delay):
                    time.sleep(fault.seconds)
                if isinstance(fault, Reset):
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                if isinstance(fault, Status):
                    self._send(fault.code, "text/html", f"<html><body>Error {fault.code}</body></html>".encode())
                    return
                if path in server.routes:
                    status, content_type, body = server.routes[path](parse_qs(parts.query))
                    self._send(status, content_type, body)
                    return
                if isinstance(fault, Body):
                    if fault.send_length:
                        self._send(200, fault.content_type, fault.data)
                    else:
                        self.send_response(200)
                        self.send_header("Content-Type", fault.content_type)
                        self.send_header("Connection", "close")
                        self.end_headers()
                        self._write(fault.data)
                        self.close_connection = True
                    return
                file = (server.root / path) if server.root else None
                if file is None or not file.is_file() or ".." in Path(path).parts:
                    self._send(404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>")
                    return
                data = file.read_bytes()
                if isinstance(fault, Rewrite):
                    data = fault.change(data)
                etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
                modified = email.utils.formatdate(file.stat().st_mtime, usegmt=True)
                if fault is None and self.headers.get("If-None-Match") == etag:
                    server.not_modified[path] += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if isinstance(fault, Truncate):
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self._write(data[: int(len(data) * fault.fraction)])
                    self.close_connection = True
                    return
                self._send(200, "application/octet-stream", data, {"ETag": etag, "Last-Modified": modified})

            def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self._write(body)

            def _write(self, body: bytes) -> None:
                try:
                    self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, size limit)
                    self.close_connection = True

        return Handler
