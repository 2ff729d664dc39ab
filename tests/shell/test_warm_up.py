"""The server process warms up as Streamlit imports app.py to find its st.App, before any request: the
snapshot, the default level's boundaries and the libraries the first page needs are loaded and frozen out of
the garbage collector, under plain `streamlit run app.py` as under deploy.serve; RPE_WARM_UP=0 leaves it cold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from shell.state import DEFAULT_LEVEL

REPO = Path(__file__).parents[2]
PROBE = """
import gc, json, sys
import altair
import shell.snapshot_cache as cache
levels_read = []
read = cache.read_boundaries_json
def recorded(level, **kwargs):
    levels_read.append(level)
    return read(level, **kwargs)
cache.read_boundaries_json = recorded
import app  # as the server imports it: __name__ == "app"
from shell import warm_up
WATCHED = ("pandas", "pyarrow", "pydeck", "altair", "components.overview")
print(json.dumps({
    "warmed": warm_up._done,
    "frozen": gc.get_freeze_count(),
    "modules": sorted(name for name in WATCHED if name in sys.modules),
    "has_app": hasattr(app, "app"),
    "altair_debug_mode": altair.utils.schemapi.DEBUG_MODE,
    "boundaries_read": list(levels_read),
    "lad_areas": len(cache.cached_boundaries("lad")["features"]) if warm_up._done else None,
    "read_when_picked": levels_read[-1:],
}))
"""


def _probe(**env: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_app_as_the_server_does_warms_the_process_up_once() -> None:
    figures = _probe()
    assert figures["has_app"]
    assert len(figures["warmed"]) == 1 and figures["warmed"][0] > 0
    assert figures["frozen"] > 100_000  # pandas, altair and the snapshot: left out of every later collection
    assert figures["modules"] == ["altair", "components.overview", "pandas", "pyarrow", "pydeck"]
    assert figures["altair_debug_mode"] is False  # charts are not schema-validated object by object when built
    # Only the default level's boundaries (~8 MB of RSS for all seven levels); another's are read when first picked.
    assert figures["boundaries_read"] == [DEFAULT_LEVEL]
    assert figures["lad_areas"] > 300 and figures["read_when_picked"] == ["lad"]


def test_rpe_warm_up_0_leaves_the_process_cold() -> None:
    figures = _probe(RPE_WARM_UP="0")
    assert figures["has_app"]
    assert figures["warmed"] == [] and figures["frozen"] == 0
    assert "components.overview" not in figures["modules"]
    assert figures["altair_debug_mode"] is True
    assert figures["boundaries_read"] == []


FIRST_VISIT = """
import json
import app  # the warm-up, as the server imports it
import components.map_preview, components.overview, shell.overview_views
from streamlit.testing.v1 import AppTest
calls = {"build_overview": 0, "area_raster": 0}
def counted(name, function):
    def call(*args, **kwargs):
        calls[name] += 1
        return function(*args, **kwargs)
    return call
shell.overview_views.build_overview = counted("build_overview", components.overview.build_overview)
components.map_preview.area_raster = counted("area_raster", components.map_preview.area_raster)
at = AppTest.from_file("app.py", default_timeout=120).run()
print(json.dumps({**calls, "errors": [e.value for e in at.exception], "maps": len(at.get("deck_gl_json_chart"))}))
"""


def test_the_first_visitor_finds_the_default_overview_built() -> None:
    """The warm-up builds the Overview a visitor without a link sees (shell.overview_views), so the first
    run after start-up neither builds that view nor rasterises its map's preview."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_VISIT], cwd=REPO, capture_output=True, text=True, timeout=300, check=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == [] and figures["maps"] == 1
    assert figures["build_overview"] == 0 and figures["area_raster"] == 0, figures
