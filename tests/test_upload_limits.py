"""One upload limit: the largest a page's uploader accepts (the boundary files, MAX_BOUNDARY_BYTES) is the
limit of the Streamlit server (server.maxUploadSize) and, with room for the multipart framing, of nginx.
A server limit below the uploader's turned a valid 23 MB GeoJSON into "AxiosError ... 413" (the uploader
said 25 MB, the server took 20, nginx 21). The uploader itself refuses a larger file with "File must be
25.0MB or smaller." before sending it (counting a MB as 1,000,000 bytes in most browsers, 1,048,576 on
some): the server and nginx limits, in 1,048,576-byte MB, are never the first to say no."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from loaders.uploads.checks import MAX_BOUNDARY_BYTES, MAX_VALUES_BYTES, MB

REPO = Path(__file__).resolve().parents[1]


def uploader_limits() -> dict[str, int]:
    """max_upload_size (MB) of every st.file_uploader in the pages, as written there."""
    limits = {}
    for page in (REPO / "app_pages").glob("*.py"):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "file_uploader":
                given = {kw.arg: kw.value for kw in node.keywords}
                assert "max_upload_size" in given, f"{page.name}: an uploader without its own max_upload_size"
                label = ast.literal_eval(node.args[0]) if node.args else ast.unparse(given.get("label"))
                limits[f"{page.name}: {label}"] = ast.unparse(given["max_upload_size"])
    return limits


def test_the_server_and_nginx_allow_exactly_the_largest_upload() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * MB == MAX_BOUNDARY_BYTES
    template = (REPO / "deploy" / "nginx.conf.template").read_text(encoding="utf-8")
    (nginx_mb,) = re.findall(r"client_max_body_size (\d+)m;", template)
    assert int(nginx_mb) == MAX_BOUNDARY_BYTES // MB + 1  # 1 MB for the multipart framing
    assert f"uploads of up to {MAX_BOUNDARY_BYTES // MB} MB" in template


def test_every_uploader_states_a_limit_within_the_server_limit() -> None:
    limits = uploader_limits()
    assert limits == {
        "your_data.py: Values: CSV or Excel (.xlsx)": "uploads.MAX_VALUES_BYTES // uploads.MB",
        "your_data.py: Boundaries (optional): GeoJSON, zipped shapefile or GeoPackage": (
            "uploads.MAX_BOUNDARY_BYTES // uploads.MB"
        ),
        "targets.py: Load groups and targets from a JSON file": "1",
    }
    assert MAX_VALUES_BYTES < MAX_BOUNDARY_BYTES and 1 * MB < MAX_BOUNDARY_BYTES
