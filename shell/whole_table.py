"""The whole-table XLSX download: built once per snapshot and process in a background thread, started when
Data and methods is opened, with its progress on the page until it is ready.

The build takes about 3 s for ~320,000 rows on this machine (components/xlsx_writer.py); a click on the
button before then waits for the same build (never a second one), and the line under the buttons says how
far it has got, redrawn by a fragment every half second while the build runs.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from components.methods import tidy_table_xlsx
from components.plain_text import plain
from loaders.snapshot import Snapshot

REFRESH_S = 0.5


@dataclass
class WholeTableBuild:
    """Where one build is: steps done of all, the step under way, and its bytes or error once over."""

    started: float = field(default_factory=time.perf_counter)
    done: int = 0
    total: int = 1
    step: str = "starting"
    result: bytes | None = None
    error: str | None = None
    seconds: float | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    def record(self, done: int, total: int, step: str) -> None:
        self.done, self.total, self.step = done, total, step

    def wait(self) -> bytes:
        """The workbook's bytes, once the build is over (a click before then waits here)."""
        self.finished.wait()
        if self.result is None:
            raise RuntimeError(f"the XLSX could not be built: {self.error}")
        return self.result


def _build(build: WholeTableBuild, snapshot: Snapshot) -> None:
    try:
        build.result = tidy_table_xlsx(snapshot.indicators, snapshot.metadata, snapshot.manifest, build.record)
    except Exception as exc:  # shown on the page; the CSV stays available
        build.error = f"{type(exc).__name__}: {exc}"
    finally:
        build.seconds = time.perf_counter() - build.started
        build.finished.set()


@st.cache_resource(show_spinner=False, max_entries=1)
def whole_table_build(_snapshot: Snapshot, snapshot_id: str) -> WholeTableBuild:
    """Once per snapshot and process: start the build in the background."""
    build = WholeTableBuild()
    threading.Thread(target=_build, args=(build, _snapshot), daemon=True, name="whole-table-xlsx").start()
    return build


def build_status(build: WholeTableBuild) -> str:
    """The line under the download buttons: how far the build has got, or that the file is ready."""
    if build.error is not None:
        return f"The XLSX could not be built ({plain(build.error, 200)}); the CSV above holds the same table."
    if build.result is not None:
        return f"The XLSX is ready: {len(build.result) / 1e6:.1f} MB, prepared in {build.seconds:.1f} s."
    elapsed = time.perf_counter() - build.started
    return f"Preparing the XLSX: step {build.done + 1} of {build.total} ({build.step}), {elapsed:.1f} s so far."


@st.fragment(run_every=REFRESH_S)
def _live_status(build: WholeTableBuild) -> None:
    if build.finished.is_set():
        st.rerun()  # the whole page once: the fragment stops refreshing and the final line is drawn
    st.progress(min(1.0, build.done / build.total), text=build_status(build))


def show_build_status(build: WholeTableBuild) -> None:
    """A progress bar redrawn while the build runs, then one line saying it is ready (or what failed)."""
    if build.finished.is_set():
        (st.error if build.error else st.caption)(build_status(build))
    else:
        _live_status(build)
