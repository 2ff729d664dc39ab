"""Scale-out deployment: the nginx config renders and passes `nginx -t`, and deploy/start.sh runs two app
processes behind nginx on loopback with sticky sessions and WebSocket proxying, then stops everything.

Needs Debian's nginx (apt-get install nginx): missing nginx fails in CI and skips elsewhere."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.nginx_conf import FRAMING_HEADERS, backends_by_key, config, deck_chunk, render, streamlit_static_dir
from deploy.security import security_headers

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("nginx is missing (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    return found


def test_render_fills_every_placeholder_and_refuses_gaps() -> None:
    assert render("a {{X}} b $host", {"X": "1"}) == "a 1 b $host"  # nginx's own variables are left alone
    with pytest.raises(ValueError, match="Y"):
        render("{{X}} {{Y}}", {"X": "1"})


def test_config_is_loopback_only_sticky_and_proxies_websockets(tmp_path: Path) -> None:
    text = config(tmp_path, "127.0.0.1:8500", ["127.0.0.1:8501", "127.0.0.1:8502"])
    assert "{{" not in text
    assert "listen 127.0.0.1:8500;" in text
    assert re.findall(r"^\s*server (\S+) max_fails=0;", text, re.MULTILINE) == ["127.0.0.1:8501", "127.0.0.1:8502"]
    assert "hash $rpe_backend_key consistent;" in text  # a cookie pins a browser to one process
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert re.search(r"proxy_read_timeout 1d;", text)
    assert f"pid {tmp_path}/nginx.pid;" in text
    assert f"alias {streamlit_static_dir()}/static/;" in text
    chunk = deck_chunk(streamlit_static_dir())
    assert chunk and (streamlit_static_dir() / "static" / "js" / chunk).exists()
    assert f'href="./static/js/{chunk}"' in text
    for address in ("0.0.0.0:8500", "192.168.1.5:8500"):
        with pytest.raises(ValueError, match="loopback"):
            config(tmp_path, address, ["127.0.0.1:8501"])
    with pytest.raises(ValueError, match="loopback"):
        config(tmp_path, "127.0.0.1:8500", ["10.0.0.2:8501"])


def test_config_sends_the_security_headers_and_hides_internals(tmp_path: Path) -> None:
    text = config(tmp_path, "127.0.0.1:8500", ["127.0.0.1:8501"], hosts=["Explorer.Example.org"])
    for name, value in security_headers().items():
        assert f"proxy_hide_header {name};" in text  # the app's own copy is not sent twice
        if name in FRAMING_HEADERS:  # chosen per request: the figure view may be framed by other sites
            assert text.count(f'add_header {name} "{value}" always;') == 1, name  # /static/
            assert f"add_header {name} {FRAMING_HEADERS[name]} always;" in text
        else:
            assert text.count(f'add_header {name} "{value}" always;') == 2, name  # server and /static/
    csp, embed_csp = (
        security_headers()["Content-Security-Policy"],
        security_headers(embed=True)["Content-Security-Policy"],
    )
    assert re.search(
        r"map \$arg_figure \$rpe_content_security_policy \{\s*\"\"\s+\""
        + re.escape(csp)
        + r"\";\s*default\s+\""
        + re.escape(embed_csp)
        + r"\";\s*\}",
        text,
    )
    assert re.search(r'map \$arg_figure \$rpe_frame_options \{\s*""\s+"SAMEORIGIN";\s*default\s+"";\s*\}', text)
    assert "X-RPE-Backend" not in text and "$upstream_addr always" not in text
    assert re.search(r"location = /_stcore/metrics \{\s*return 404;", text)
    assert "server_name localhost 127.0.0.1 explorer.example.org;" in text
    assert re.search(r"listen 127\.0\.0\.1:8500 default_server;\s*server_name _;\s*return 421;", text)
    with pytest.raises(ValueError, match="not a host name"):
        config(tmp_path, "127.0.0.1:8500", ["127.0.0.1:8501"], hosts=["evil.example; include /etc/passwd"])


def test_backends_by_key_reads_the_upstream_log() -> None:
    log = (
        'k1 127.0.0.1:8501 200 "GET /"\nk2 127.0.0.1:8502 200 "GET /"\nk1 127.0.0.1:8501 200 "GET /x"\n'
        'k3 - 404 "GET /_stcore/metrics"\n'
    )
    assert backends_by_key(log) == {"k1": {"127.0.0.1:8501"}, "k2": {"127.0.0.1:8502"}}


def test_nginx_accepts_the_rendered_config(tmp_path: Path, nginx: str) -> None:
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / sub).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(config(tmp_path, f"127.0.0.1:{free_port()}", ["127.0.0.1:8501", "127.0.0.1:8502"]))
    done = subprocess.run(
        [nginx, "-t", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr


# --- deploy/start.sh end to end ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deployment(nginx: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    port, first = free_port(), free_port()
    while first == port or any(_listening(candidate) for candidate in (first, first + 1)):
        first = free_port()
    run_dir = tmp_path_factory.mktemp("deploy")
    process = subprocess.Popen(
        [
            "bash",
            str(REPO / "deploy" / "start.sh"),
            "--processes",
            "2",
            "--port",
            str(port),
            "--first-app-port",
            str(first),
            "--run-dir",
            str(run_dir),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
        stdin=subprocess.DEVNULL,
    )
    lines: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if "ready at" in line:
            break
    info = {
        "process": process,
        "port": port,
        "ports": (first, first + 1),
        "run_dir": run_dir,
        "lines": lines,
        "pids": [int(pid) for pid in re.findall(r"app process (\d+) on", "\n".join(lines))],
    }
    try:
        assert any("ready at" in line for line in lines), "start.sh did not get ready:\n" + "\n".join(lines)
        yield info
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _get(url: str, cookie: str | None = None, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    headers = {"Cookie": f"rpe_backend={cookie}"} if cookie else {}
    if host:
        headers["Host"] = host
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20) as response:
            return response.status, {key.lower(): value for key, value in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {key.lower(): value for key, value in error.headers.items()}, error.read()


def _served(deployment: dict, keys: set[str]) -> dict[str, set[str]]:
    """The backends nginx's upstream log says served each key (the log is flushed within a second)."""
    log = deployment["run_dir"] / "upstream.log"
    deadline = time.monotonic() + 10
    while True:
        served = backends_by_key(log.read_text() if log.exists() else "")
        if keys <= set(served) or time.monotonic() > deadline:
            return {key: served.get(key, set()) for key in keys}
        time.sleep(0.2)


def test_start_sh_serves_the_app_with_sticky_sessions(deployment: dict) -> None:
    base = f"http://127.0.0.1:{deployment['port']}"
    status, headers, body = _get(f"{base}/")
    assert status == 200 and b"<html" in body
    assert b'rel="modulepreload" crossorigin href="./static/js/DeckGlJsonChart' in body
    cookie = re.match(r"rpe_backend=([0-9a-f]+);", headers["set-cookie"]).group(1)
    for _ in range(5):  # with its cookie, a browser stays on the process that served it first
        status, headers, _ = _get(f"{base}/", cookie)
        assert status == 200 and "set-cookie" not in headers
    backends = {f"127.0.0.1:{port}" for port in deployment["ports"]}
    first = _served(deployment, {cookie})[cookie]
    assert len(first) == 1 and first <= backends, first
    keys = {f"{n:032x}" for n in range(1, 25)}
    for key in keys:
        _get(f"{base}/_stcore/health", key)
    served = _served(deployment, keys)
    assert all(len(found) == 1 for found in served.values()), served
    assert set().union(*served.values()) == backends, f"24 different browsers all went to {served}"
    status, _, body = _get(f"{base}/healthz")
    assert (status, body.strip()) == (200, b"ok")
    status, headers, body = _get(f"{base}/static/js/{deck_chunk(streamlit_static_dir())}")
    assert status == 200 and len(body) > 1_000_000 and "immutable" in headers["cache-control"]


@pytest.mark.parametrize("path", ["/", "/healthz", "/_stcore/health", "/static/js/DECK", "/_stcore/metrics"])
def test_every_response_behind_nginx_carries_the_security_headers_once(deployment: dict, path: str) -> None:
    path = path.replace("DECK", deck_chunk(streamlit_static_dir()) or "")
    status, headers, _ = _get(f"http://127.0.0.1:{deployment['port']}{path}")
    assert status == (404 if path == "/_stcore/metrics" else 200)
    for name, value in security_headers().items():
        assert headers.get(name.lower()) == value, (path, name)  # urllib joins repeated headers with ", "
    assert "x-rpe-backend" not in headers and not any("127.0.0.1:" in value for value in headers.values())


def test_nginx_refuses_other_host_names_and_keeps_metrics_private(deployment: dict) -> None:
    base = f"http://127.0.0.1:{deployment['port']}"
    assert _get(f"{base}/", host="rebound.example.net")[0] == 421
    assert _get(f"{base}/", host=f"localhost:{deployment['port']}")[0] == 200
    status, _, body = _get(f"{base}/_stcore/metrics")
    assert status == 404 and b"session" not in body
    app_port = deployment["ports"][0]  # on loopback, the operator still reads the counters from a process
    assert _get(f"http://127.0.0.1:{app_port}/_stcore/metrics")[0] == 200


def test_the_data_api_and_the_figure_view_behind_nginx(deployment: dict) -> None:
    """The API passes through nginx with its own headers (CORS, attribution) and nginx's security headers
    once; the figure view's document may be framed by other sites, any other page only by the app."""
    base = f"http://127.0.0.1:{deployment['port']}"
    status, headers, body = _get(f"{base}/api/v1/data.json?indicator=gva_per_hour&geography=lep&year=2023")
    assert status == 200 and headers["content-type"].startswith("application/json")
    assert headers["access-control-allow-origin"] == "*" and "Open Government Licence" in headers["x-attribution"]
    assert json.loads(body)["total"] == 38
    for name, value in security_headers().items():
        assert headers.get(name.lower()) == value, name  # once (urllib joins repeated headers with ", ")
    status, headers, body = _get(f"{base}/api/v1/data.csv?indicator=gva_per_hour&geography=leps")
    assert status == 400 and json.loads(body)["parameter"] == "geography"
    assert headers["access-control-allow-origin"] == "*"
    status, headers, _ = _get(f"{base}/productivity_gaps?level=lep&figure=gaps_levels&embed=true")
    assert status == 200 and "x-frame-options" not in headers
    assert headers["content-security-policy"] == security_headers(embed=True)["Content-Security-Policy"]
    status, headers, _ = _get(f"{base}/productivity_gaps?level=lep&embed=true")
    assert status == 200 and headers["x-frame-options"] == "SAMEORIGIN"
    assert headers["content-security-policy"] == security_headers()["Content-Security-Policy"]


def _websocket_reply(port: int, host: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            (
                f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Protocol: streamlit\r\n"
                f"Origin: http://{host}\r\n\r\n"
            ).encode()
        )
        return sock.recv(4096).decode("latin-1")


def test_start_sh_proxies_the_websocket(deployment: dict) -> None:
    reply = _websocket_reply(deployment["port"], f"127.0.0.1:{deployment['port']}")
    assert reply.startswith("HTTP/1.1 101"), reply
    assert "upgrade: websocket" in reply.lower()


def test_app_processes_refuse_websockets_for_other_host_names(deployment: dict) -> None:
    """server.allowedHosts, set by start.sh: a DNS-rebinding page reaching a process directly gets no session."""
    app_port = deployment["ports"][0]
    assert _websocket_reply(app_port, f"127.0.0.1:{app_port}").startswith("HTTP/1.1 101")
    assert not _websocket_reply(app_port, f"rebound.example.net:{app_port}").startswith("HTTP/1.1 101")


def test_each_app_process_warms_up_before_it_answers(deployment: dict) -> None:
    """shell/warm_up.py runs in every process (app.py calls it as the server imports it) and completes; start.sh
    has waited for every process's health check, so it was done before the first request."""
    logs = [deployment["run_dir"] / f"app-{port}.log" for port in deployment["ports"]]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not all("warm-up done" in log.read_text() for log in logs):
        time.sleep(0.5)
    for log in logs:
        text = log.read_text()
        assert "warm-up done in" in text and "warm-up failed" not in text, text[-2000:]


def test_start_sh_stops_everything_on_sigterm(deployment: dict) -> None:
    process = deployment["process"]
    pids = deployment["pids"]
    nginx_pid = int((deployment["run_dir"] / "nginx.pid").read_text().strip())
    assert len(pids) == 2
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    for pid in (*pids, nginx_pid):
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    assert not _listening(deployment["port"])
    assert not any(_listening(port) for port in deployment["ports"])
