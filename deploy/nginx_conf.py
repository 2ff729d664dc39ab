"""Render deploy/nginx.conf.template for a set of app processes (used by deploy/start.sh and the tests).

    python -m deploy.nginx_conf --out RUN/nginx.conf --run-dir RUN --listen 127.0.0.1:8500 \
        --backend 127.0.0.1:8501 --backend 127.0.0.1:8502 [--host explorer.example.org] [--gzip off] [--user nobody]

Placeholders are upper-case names in double braces (nginx's own $variables are left alone); a missing
value, or a placeholder left over, is an error rather than a broken config.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from deploy.security import SECURITY_HEADER_NAMES, security_headers

TEMPLATE = Path(__file__).with_name("nginx.conf.template")
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
LOOPBACK = ("127.0.0.1:", "[::1]:", "localhost:")
DEFAULT_HOSTS = ("localhost", "127.0.0.1")
HOST_NAME = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def streamlit_static_dir() -> Path:
    """The installed Streamlit's front-end bundle (index.html and static/)."""
    import streamlit

    return Path(streamlit.__file__).parent / "static"


def deck_chunk(static_dir: Path) -> str | None:
    """The file name of the deck.gl chunk the map loads (its name carries a content hash)."""
    found = sorted((static_dir / "static" / "js").glob("DeckGlJsonChart.*.js"))
    return found[0].name if found else None


def render(template: str, values: dict[str, str]) -> str:
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


FRAMING_HEADERS = {"Content-Security-Policy": "$rpe_content_security_policy", "X-Frame-Options": "$rpe_frame_options"}


def header_lines(indent: str) -> str:
    """nginx add_header lines for the security headers of deploy/security.py."""
    return "\n".join(f'{indent}add_header {name} "{value}" always;' for name, value in security_headers().items())


def page_header_lines(indent: str) -> str:
    """The same headers for the app's responses, the two that depend on framing taken from the maps on
    $arg_figure (the figure-only view may be framed by any site; see deploy/security.py)."""
    return "\n".join(
        f"{indent}add_header {name} {FRAMING_HEADERS[name]} always;"
        if name in FRAMING_HEADERS
        else f'{indent}add_header {name} "{value}" always;'
        for name, value in security_headers().items()
    )


def allowed_hosts(hosts: list[str] | None) -> list[str]:
    """The host names served: localhost and 127.0.0.1 plus those given (lower case, checked)."""
    names = [*DEFAULT_HOSTS, *(host.strip().lower().rstrip(".") for host in hosts or [])]
    for name in names:
        if not HOST_NAME.match(name):
            raise ValueError(f"{name!r} is not a host name")
    return list(dict.fromkeys(names))


def config(
    run_dir: Path,
    listen: str,
    backends: list[str],
    *,
    gzip: bool = True,
    user: str | None = None,
    workers: int = 1,
    static_dir: Path | None = None,
    template: str | None = None,
    hosts: list[str] | None = None,
) -> str:
    """The nginx.conf text. Only loopback addresses are accepted for `listen` and the backends."""
    for address in (listen, *backends):
        if not address.startswith(LOOPBACK):
            raise ValueError(f"{address} is not a loopback address")
    if not backends:
        raise ValueError("at least one backend is needed")
    static_dir = static_dir or streamlit_static_dir()
    chunk = deck_chunk(static_dir)
    preload = f'<link rel="modulepreload" crossorigin href="./static/js/{chunk}">' if chunk else ""
    values = {
        "USER_LINE": f"user {user};" if user else "",
        "WORKERS": str(workers),
        "RUN_DIR": str(run_dir),
        "GZIP": "on" if gzip else "off",
        # max_fails=0: one failed request must not mark a process down and move every new browser to the
        # others for fail_timeout; the request itself is still retried on the next process.
        "BACKENDS": "\n".join(f"        server {address} max_fails=0;" for address in backends),
        "LISTEN": listen,
        "STREAMLIT_STATIC": str(static_dir),
        "PRELOAD": preload,
        "SERVER_NAMES": " ".join(allowed_hosts(hosts)),
        "CSP": security_headers()["Content-Security-Policy"],
        "EMBED_CSP": security_headers(embed=True)["Content-Security-Policy"],
        "FRAME_OPTIONS": security_headers()["X-Frame-Options"],
        "PAGE_SECURITY_HEADERS": page_header_lines(" " * 8),
        "SECURITY_HEADERS_INDENTED": header_lines(" " * 12),
        "HIDE_APP_HEADERS": "\n".join(f"        proxy_hide_header {name};" for name in SECURITY_HEADER_NAMES),
    }
    return render(template if template is not None else TEMPLATE.read_text(encoding="utf-8"), values)


def backends_by_key(log_text: str) -> dict[str, set[str]]:
    """From upstream.log: the backends (host:port) that served each browser key (rpe_backend cookie)."""
    served: dict[str, set[str]] = {}
    for line in log_text.splitlines():
        key, _, rest = line.partition(" ")
        upstream = rest.split(" ", 1)[0]
        if key and upstream and upstream != "-":
            served.setdefault(key, set()).add(upstream)
    return served


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.nginx_conf", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--run-dir", type=Path, required=True)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--backend", action="append", required=True)
    parser.add_argument("--gzip", choices=("on", "off"), default="on")
    parser.add_argument("--user", default=None, help="worker user (only when nginx is started as root)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--host",
        action="append",
        default=[],
        help="a public host name to serve besides localhost and 127.0.0.1 (repeatable)",
    )
    args = parser.parse_args(argv)
    text = config(
        args.run_dir.resolve(),
        args.listen,
        args.backend,
        gzip=args.gzip == "on",
        user=args.user,
        workers=args.workers,
        hosts=args.host,
    )
    args.out.write_text(text, encoding="utf-8")
    os.chmod(args.out, 0o644)


if __name__ == "__main__":
    main()
