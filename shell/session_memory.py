"""Give the memory of uploads back when they are no longer needed.

A session keeps its uploads' results in st.session_state only (app_pages/your_data.py), so they go with
the session. Two things keep memory beyond that in Streamlit 1.67, and this module handles both:

- A closed tab's session is kept for server.disconnectedSessionTTL (for a reconnect) and then merely
  dropped from Streamlit's session storage, lazily (when the storage is next written) and without being
  shut down, so the files uploaded in it stay in the uploaded-file manager for the life of the process.
  A janitor thread (one per process) expires such sessions and frees the uploaded files of every session
  Streamlit no longer has, every JANITOR_INTERVAL_S seconds.
- Parsing a large upload leaves the heaps at their peak size: after memory is freed, release_memory()
  returns the free pages of Arrow's allocator and of glibc's heap to the system.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import logging
import threading
import time

import pyarrow
import streamlit as st
from streamlit.runtime import Runtime

LOG = logging.getLogger(__name__)
JANITOR_INTERVAL_S = 10.0


def release_memory() -> None:
    """Collect garbage, then return free memory to the system: Arrow's own allocator (tables sent to the
    browser are Arrow) and the C heap (glibc's malloc_trim; elsewhere a no-op)."""
    gc.collect()
    pyarrow.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def free_ended_sessions(known: set[str]) -> int:
    """Free what sessions Streamlit no longer has (active or kept for a reconnect) left behind: their
    uploaded files, and the heap their session state used. `known` holds the session ids seen last time
    (updated in place); returns how many sessions ended since. Uses Streamlit internals, each looked up
    defensively: if a later release changes them, nothing is freed and nothing breaks."""
    if not Runtime.exists():
        return 0
    runtime = Runtime.instance()
    sessions = getattr(runtime, "_session_mgr", None)
    if sessions is None:
        return 0
    cache = getattr(getattr(sessions, "_session_storage", None), "_cache", None)
    if callable(getattr(cache, "expire", None)):
        cache.expire()  # drop expired sessions now (their session state with them), not at the next reconnect
    live = {info.session.id for info in sessions.list_sessions()}
    uploads = runtime.uploaded_file_mgr
    stored = getattr(uploads, "file_storage", None)
    for session_id in list(stored) if isinstance(stored, dict) else []:
        if session_id not in live:
            uploads.remove_session_files(session_id)
    ended = len(known - live)
    known.clear()
    known.update(live)
    if ended:
        release_memory()
    return ended


def _janitor() -> None:
    known: set[str] = set()
    while True:
        time.sleep(JANITOR_INTERVAL_S)
        try:
            free_ended_sessions(known)
        except Exception:  # never let the janitor die; say why in the log
            LOG.warning("freeing what ended sessions left behind failed", exc_info=True)


@st.cache_resource(show_spinner=False)
def start_janitor() -> threading.Thread:
    """The process's one janitor thread (started by the first session that opens the Your data page)."""
    thread = threading.Thread(target=_janitor, name="upload-janitor", daemon=True)
    thread.start()
    return thread
