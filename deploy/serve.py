"""Run the app as `streamlit run app.py [options]` does, with fewer malloc arenas and its log lines on stderr.

    python -m deploy.serve [streamlit options]      e.g. --server.port 8501 --server.address 127.0.0.1

deploy/start.sh runs each app process this way. The process warms itself up before it answers its first
request (shell/warm_up.py, called by app.py as the server imports it), as under plain `streamlit run`; here
logging is configured so that its "warm-up done" line (or a failure) reaches the process's log.

Memory: the process re-executes itself once with MALLOC_ARENA_MAX=2 (glibc reads it only at exec; each
thread that allocates otherwise gets an arena of its own, and Streamlit runs every session's script in a
thread of its own). With Arrow on the C library's malloc (shell/snapshot_cache.py) and the heap trimmed after
the warm-up, that is ~50-60 MB less RSS after 10 sessions (the figures are in issue #15).

Arrow (`lean_arrow`, before anything imports pyarrow; ~12 MB less RSS after the warm-up):
- its C++ code (the parquet reader's decoding buffers) allocates from Arrow's default pool, which
  pyarrow.set_memory_pool does not change and which Arrow picks once, from ARROW_DEFAULT_MEMORY_POOL, as
  pyarrow loads: "system" here, as bundled mimalloc kept ~6 MB of the snapshot's decoding;
- pyarrow.dataset and the cloud filesystems (S3 with the AWS SDK, GCS, Azure, HDFS) are not loaded, ~6 MB of
  libraries mapped and initialised for a process that reads a few local parquet files: pyarrow.fs does without
  the filesystems it cannot import, and pyarrow.parquet.read_table reads a single file with ParquetFile when
  pyarrow.dataset cannot be imported (the same table; tests/test_process_memory.py compares the frames).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARENAS = "MALLOC_ARENA_MAX"
MAX_ARENAS = "2"
ARROW_POOL = "ARROW_DEFAULT_MEMORY_POOL"
# Optional to the modules that import them (an ImportError is caught there); the app reads only local files.
UNUSED_ARROW_MODULES = ("pyarrow.dataset", "pyarrow._s3fs", "pyarrow._gcsfs", "pyarrow._azurefs", "pyarrow._hdfs")


def with_few_malloc_arenas() -> None:
    """Re-execute this command once with MALLOC_ARENA_MAX set (unless it is set already), as glibc reads it
    only when a process starts."""
    if ARENAS in os.environ:
        return
    os.environ[ARENAS] = MAX_ARENAS
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def lean_arrow() -> None:
    """Arrow's own allocations on the C library's malloc (unless the environment chooses a pool), and its
    unused optional modules left out: a None in sys.modules makes importing them fail as if they were not
    installed. Call before anything imports pyarrow."""
    os.environ.setdefault(ARROW_POOL, "system")
    for name in UNUSED_ARROW_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> None:
    with_few_malloc_arenas()
    lean_arrow()
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(REPO / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
