"""What a server process loads before anyone exports anything: the warm-up and the first page's run import
no library that only an export uses (python-pptx, openpyxl, vl-convert) nor the build's geopandas. Each
costs resident memory in every app process (6-15 MB apiece), so they are imported when a file is built.

Run in a fresh interpreter: this test process has imported them all already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPORT_ONLY = ("pptx", "openpyxl", "vl_convert", "geopandas")
FIRST_RUN = """
import json, sys
from streamlit.testing.v1 import AppTest
from shell.warm_up import warm_up
loaded = lambda: sorted(name for name in {export_only!r} if name in sys.modules)
warm_up()
after_warm_up = loaded()
app = AppTest.from_file({app!r}, default_timeout=120).run()
exceptions, title = [item.message for item in app.exception], [item.value for item in app.title]
print(json.dumps({{"warm_up": after_warm_up, "first_run": loaded(), "exceptions": exceptions, "title": title}}))
"""


def test_warm_up_and_the_first_page_import_no_export_only_library() -> None:
    script = FIRST_RUN.format(export_only=EXPORT_ONLY, app=str(REPO / "app.py"))
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["exceptions"] == [] and result["title"], result  # the Overview ran and drew its page
    assert result["warm_up"] == [], f"the warm-up imports {result['warm_up']}"
    assert result["first_run"] == [], f"the first page run imports {result['first_run']}"
