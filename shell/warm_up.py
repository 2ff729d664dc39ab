"""Warm the server process up while it starts, before it answers its first request.

A fresh Streamlit process otherwise makes its first visitor wait while the first script run imports
pandas, pyarrow, altair, pydeck and the app's modules, reads the snapshot, parses the default level's
boundaries and pays a few one-off costs inside Streamlit (2-4 s on this 2-core machine, measured with
`python -m bench --profile`). app.py calls `warm_up_process` when the server imports it to find its
st.App, which Streamlit does before the health check answers; so `streamlit run app.py` and `python -m
deploy.serve` alike take their first page request warm, and a load balancer's health check waits for a
ready process. The work fills the very st.cache_resource entries the pages read.

Then it freezes the garbage collector's view of everything loaded so far (gc.freeze): Streamlit runs a
full collection after every script run (runner.postScriptGC), which otherwise walks the ~200,000
long-lived objects of pandas, altair and the snapshot each time (100-150 ms of CPU per rerun here). Only
what sessions create afterwards is still collected. Last, the heap pages the warm-up freed go back to the
system (malloc_trim).

It also turns altair's debug mode off: in debug mode every schema object altair creates validates itself
against the Vega-Lite schema, and components.chart_layout.chart_dict validates a whole spec; that was most
of the time a click spent building a chart it had not built before (e.g. 0.2-0.3 s of a Manufacturing
page). The charts are the same either way; tests, which never warm up, keep validating every chart they build.

RPE_WARM_UP=0 in the environment leaves the process cold (`python -m bench --profile` measures what a
cold first run costs).
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import inspect
import logging
import os
import time

LOG = logging.getLogger("rpe.warm_up")
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
_done: list[float] = []  # the seconds the warm-up took, once it has run in this process


def warm_up() -> float:
    """Import the heavy libraries and the modules app.py and the Overview use, read the snapshot and the
    default level's boundaries into the shared caches, and pay the one-off costs the profile of a first run
    shows (altair's schema validator, Streamlit's emoji regex and REPL check). Returns the seconds it took.

    Only the default level's boundaries: every level's, held parsed from the start, were ~8 MB of RSS per
    process that most sessions never use, and a level's first pick parses its file in 1-9 ms (LAD the most)."""
    started = time.perf_counter()
    import altair as alt
    import pandas as pd
    import pyarrow.parquet  # noqa: F401
    import pydeck  # noqa: F401
    from streamlit import string_util

    from shell.group_values import warm_group_values
    from shell.overview_views import build_first_overview
    from shell.snapshot_cache import cached_boundaries, cached_snapshot
    from shell.state import DEFAULT_LEVEL

    alt.utils.schemapi.disable_debug_mode()  # see the module's docstring
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "missing ScriptRunContext": expected outside a script run
    try:
        snapshot = cached_snapshot()
        _ = snapshot.by_indicator, snapshot.years_by_level  # cached properties every page uses
        cached_boundaries(DEFAULT_LEVEL)  # the other levels' when first picked (see above)
        build_first_overview()  # the view, chart spec and map preview a visitor without a link sees first
        warm_group_values()  # the preset groups' values on the Targets page (shell/group_values.py)
    finally:
        quiet.setLevel(level)
    alt.Chart(pd.DataFrame({"x": [1.0]})).mark_bar().encode(x="x:Q").to_dict()  # loads the schema validator
    for name in APP_MODULES:
        importlib.import_module(name)
    string_util.is_emoji("📈")  # set_page_config's icon check compiles a regex of every emoji
    inspect.stack()  # Streamlit's one-off "is this a REPL?" check indexes every loaded module's file
    return time.perf_counter() - started


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system (glibc's malloc_trim): the warm-up's parquet decoding
    and JSON parsing leave tens of MB free but held. False where there is no glibc."""
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False


def warm_up_process() -> float | None:
    """Once per process: warm_up, then gc.freeze. Returns its seconds, or None when RPE_WARM_UP=0 or it
    failed (the app then reports a broken snapshot itself, in the page, and the first run does the work)."""
    if os.environ.get("RPE_WARM_UP", "1") == "0":
        return None
    if _done:
        return _done[0]
    try:
        seconds = warm_up()
    except Exception:
        LOG.exception("warm-up failed; the first script run will do the work")
        return None
    gc.collect()
    gc.freeze()
    release_free_memory()
    _done.append(seconds)
    LOG.info(
        "warm-up done in %.2f s; %d long-lived objects left out of later collections", seconds, gc.get_freeze_count()
    )
    return seconds
