"""Run the app as `streamlit run app.py [options]` does, with the process warmed up while it starts.

    python -m deploy.serve [streamlit options]      e.g. --server.port 8501 --server.address 127.0.0.1

A fresh Streamlit process otherwise makes its first visitor wait while the first script run imports
pandas, pyarrow, altair, pydeck and the app's modules, reads the snapshot, parses the boundaries and pays
a few one-off costs inside Streamlit (2-4 s on this 2-core machine, measured with `python -m bench
--profile`). Here a background thread does that work as soon as the server listens, while the first
browser loads the page's JavaScript, and it fills the very st.cache_resource entries the pages read, so
the first run finds them ready (or waits for the rest of it rather than doing it twice). Started earlier,
alongside Streamlit's own boot, it would hold the GIL against it and delay the moment the server listens
by ~0.6 s.

Then it freezes the garbage collector's view of everything loaded so far (gc.freeze): Streamlit runs a
full collection after every script run (runner.postScriptGC), which otherwise walks the ~200,000
long-lived objects of pandas, altair and the snapshot each time (100-150 ms of CPU per rerun here). Only
what sessions create afterwards is still collected.

Memory: the process re-executes itself once with MALLOC_ARENA_MAX=2 (glibc reads it only at exec; each
thread that allocates otherwise gets an arena of its own, and Streamlit runs every session's script in a
thread of its own), and after the warm-up hands the heap pages it freed (parquet decoding, JSON parsing)
back to the system with malloc_trim. Together with Arrow on the C library's malloc (shell/snapshot_cache.py)
that is ~50-60 MB less RSS after 10 sessions (the figures are in issue #15).

The modules imported here form an acyclic import graph with the pages' own, so a script run importing
them at the same moment waits for the thread's import instead of deadlocking; a failure in the thread
is logged and left for the app to report on its first run.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import inspect
import logging
import os
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOG = logging.getLogger("rpe.warm_up")
ARENAS = "MALLOC_ARENA_MAX"
MAX_ARENAS = "2"
# What app.py and the default page (Overview) import; the page scripts themselves are run, not imported.
APP_MODULES = (
    "shell.state",
    "shell.plan",
    "shell.figures",
    "components.overview",
    "components.figures",
    "components.targets",
    "components.view_choices",
)


def warm_up() -> float:
    """Import the heavy libraries and the modules app.py and the Overview use, read the snapshot and every
    level's boundaries into the shared caches, and pay the one-off costs the profile of a first run shows
    (altair's schema validator, Streamlit's emoji regex and REPL check). Returns the seconds it took."""
    started = time.perf_counter()
    import altair as alt
    import numpy  # noqa: F401
    import pandas as pd
    import pyarrow.parquet  # noqa: F401
    import pydeck  # noqa: F401

    from loaders.snapshot import GEO_DIR
    from shell.snapshot_cache import cached_boundaries, cached_snapshot

    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "missing ScriptRunContext": expected outside a script run
    try:
        snapshot = cached_snapshot()
        _ = snapshot.by_indicator, snapshot.years_by_level  # cached properties every page uses
        for path in sorted(GEO_DIR.glob("*.geojson")):
            cached_boundaries(path.stem)
    finally:
        quiet.setLevel(level)
    alt.Chart(pd.DataFrame({"x": [1.0]})).mark_bar().encode(x="x:Q").to_dict()  # loads the schema validator
    for name in APP_MODULES:
        importlib.import_module(name)
    from streamlit import string_util

    string_util.is_emoji("📈")  # set_page_config's icon check compiles a regex of every emoji
    inspect.stack()  # Streamlit's one-off "is this a REPL?" check indexes every loaded module's file
    return time.perf_counter() - started


def wait_for_server(timeout_s: float = 10.0) -> None:
    """Until Streamlit's runtime has started (the server listens), or `timeout_s` has passed."""
    from streamlit.runtime import Runtime, RuntimeState

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            return
        time.sleep(0.02)


def start_warm_up(after_server_start: bool = True) -> threading.Thread:
    def run() -> None:
        if after_server_start:
            wait_for_server()
        try:
            seconds = warm_up()
        except Exception:  # the app reports a broken snapshot itself, in the page
            LOG.exception("warm-up failed; the first script run will do the work")
            return
        gc.collect()
        gc.freeze()
        release_free_memory()
        LOG.info(
            "warm-up done in %.2f s; %d long-lived objects left out of later collections",
            seconds,
            gc.get_freeze_count(),
        )

    thread = threading.Thread(target=run, name="rpe-warm-up", daemon=True)
    thread.start()
    return thread


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system (glibc's malloc_trim); False where there is no glibc."""
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


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
    start_warm_up()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(REPO / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
