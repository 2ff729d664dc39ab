"""Run the app as `streamlit run app.py [options]` does, with fewer malloc arenas and its log lines on stderr.

    python -m deploy.serve [streamlit options]      e.g. --server.port 8501 --server.address 127.0.0.1

deploy/start.sh runs each app process this way. The process warms itself up before it answers its first
request (shell/warm_up.py, called by app.py as the server imports it), as under plain `streamlit run`; here
logging is configured so that its "warm-up done" line (or a failure) reaches the process's log.

Memory: the process re-executes itself once with MALLOC_ARENA_MAX=2 (glibc reads it only at exec; each
thread that allocates otherwise gets an arena of its own, and Streamlit runs every session's script in a
thread of its own). With Arrow on the C library's malloc (shell/snapshot_cache.py) and the heap trimmed after
the warm-up, that is ~50-60 MB less RSS after 10 sessions (the figures are in issue #15).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARENAS = "MALLOC_ARENA_MAX"
MAX_ARENAS = "2"


def with_few_malloc_arenas() -> None:
    """Re-execute this command once with MALLOC_ARENA_MAX set (unless it is set already), as glibc reads it
    only when a process starts."""
    if ARENAS in os.environ:
        return
    os.environ[ARENAS] = MAX_ARENAS
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def main(argv: list[str] | None = None) -> None:
    with_few_malloc_arenas()
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(REPO / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
