"""The app as the load test and the cold starts meet it: one warmed-up process (`python -m deploy.serve`) or
deploy/start.sh with app processes behind nginx, on free loopback ports."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.browser import REPO, StreamlitServer, free_port
from deploy.nginx_conf import backends_by_key


class NginxDeployment:
    """deploy/start.sh in the background (two app processes and nginx on free loopback ports)."""

    def __init__(self, processes: int = 2) -> None:
        self.processes = processes
        self.port = free_port()
        self.run_dir = Path(tempfile.mkdtemp(prefix="rpe-bench-nginx-"))
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[str] | None = None
        self.app_pids: dict[str, int] = {}
        self.output: list[str] = []

    def start(self, timeout_s: float = 120) -> NginxDeployment:
        first = free_port()
        while any(_port_taken(port) for port in range(first, first + self.processes)) or first == self.port:
            first = free_port()
        env = {**os.environ, "PYTHON": sys.executable}
        self.process = subprocess.Popen(
            [
                "bash",
                str(REPO / "deploy" / "start.sh"),
                "--processes",
                str(self.processes),
                "--port",
                str(self.port),
                "--first-app-port",
                str(first),
                "--run-dir",
                str(self.run_dir),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout_s
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.output.append(line.rstrip())
            if match := re.match(r"start\.sh: app process (\d+) on 127\.0\.0\.1:(\d+)", line):
                self.app_pids[f"app:{match.group(2)}"] = int(match.group(1))
            if "ready at" in line:
                threading.Thread(target=self._drain, daemon=True).start()
                return self
        self.stop()
        raise RuntimeError("deploy/start.sh did not become ready:\n" + "\n".join(self.output[-30:]))

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line.rstrip())

    def pids(self) -> dict[str, int]:
        pid_file = self.run_dir / "nginx.pid"
        nginx = {"nginx": int(pid_file.read_text().strip())} if pid_file.exists() else {}
        return {**self.app_pids, **nginx}

    def log_problems(self) -> list[str]:
        problems = []
        for log in sorted(self.run_dir.glob("app-*.log")):
            problems += [
                f"{log.name}: {line[:200]}"
                for line in log.read_text(errors="replace").splitlines()
                if "Traceback" in line or " ERROR " in line
            ]
        error_log = self.run_dir / "error.log"
        if error_log.exists():
            problems += [
                f"nginx: {line[:200]}"
                for line in error_log.read_text(errors="replace").splitlines()
                if "[error]" in line or "[crit]" in line or "[alert]" in line or "[emerg]" in line
            ]
        return problems

    def sessions_per_backend(self) -> dict[str, int]:
        """Browsers (rpe_backend cookie keys) per app process, from nginx's upstream log (nginx no longer
        tells browsers which process served them)."""
        log = self.run_dir / "upstream.log"
        served = backends_by_key(log.read_text(errors="replace") if log.exists() else "")
        counts: dict[str, int] = {}
        for backends in served.values():
            for backend in backends:
                counts[backend] = counts.get(backend, 0) + 1
        return counts

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # start.sh stops nginx and the app processes itself
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _port_taken(port: int) -> bool:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def deployment(via_nginx: bool) -> Iterator[tuple[str, dict[str, int], Any, Any]]:
    """The app as a single warmed-up process or behind nginx: (url, pids to watch, log reader, sessions
    per backend reader)."""
    if via_nginx:
        target = NginxDeployment().start()
        try:
            yield target.url, target.pids(), target.log_problems, target.sessions_per_backend
        finally:
            target.stop()
    else:
        server = StreamlitServer(launcher=["-m", "deploy.serve"]).start()
        try:
            server.wait_healthy()

            def problems() -> list[str]:
                return [
                    line[:200]
                    for line in server.log_tail(200_000).splitlines()
                    if "Traceback" in line or " ERROR " in line
                ]

            assert server.process is not None
            yield server.url, {"app": server.process.pid}, problems, dict
        finally:
            server.stop()
