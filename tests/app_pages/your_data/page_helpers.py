"""What the Your data page tests share: the committed snapshot read with pandas / json (and its state before
any test ran), the page's upload types and download labels, and readers of what AppTest shows: the uploaders,
the deck's features, the charts' rows, the figures and their download menus."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from tests.app_pages.deferred_downloads import Deferred
from tests.export_checks import check_csvw, read_plain_csv
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[3]
APP = str(REPO / "app.py")
PAGE = "app_pages/your_data.py"
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
METADATA = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
LEVELS = ["lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn"]
XSS = "<img src=x onerror=alert(1)>"
VALUES_TYPES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls")
BOUNDARY_TYPES = (".geojson", ".json", ".zip", ".gpkg", ".shp")
MENU_LABELS = [
    "Image (PNG, 2x)",
    "Image (SVG)",
    "Vega-Lite JSON",
    "Data (CSV)",
    "Data description (CSVW, JSON)",
    "Data (XLSX)",
]
FIGURE_KEYS = ["your_data_map", "your_data_ranked", "your_data_scatter"]
DEFERRED: dict[str, Deferred] = {}


def snapshot_state() -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in [*(REPO / "regional_data").iterdir(), *(REPO / "geo").iterdir()]}


BEFORE = snapshot_state()


def uploader(at: AppTest, index: int):  # 0: values, 1: boundaries
    return at.get("file_uploader")[index]


def reset(at: AppTest, level: str = "lep") -> None:
    uploader(at, 0).set_value(None)
    uploader(at, 1).set_value(None)
    at.run()
    at.toggle(key="your_data_example").set_value(False)
    at.sidebar.selectbox(key="level").set_value(level)
    at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def deck_features(at: AppTest) -> list[dict]:
    (chart,) = at.get("deck_gl_json_chart")
    (layer,) = json.loads(chart.proto.json)["layers"]
    return layer["data"]["features"]


def geo_codes(level: str) -> set[str]:
    doc = json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["area_code"] for f in doc["features"]}


def chart_datasets(at: AppTest, index: int) -> tuple[dict, dict[str, list[dict]]]:
    """A chart's spec and its named datasets (inline in the spec, or Streamlit's Arrow datasets beside it)."""
    proto = at.get("vega_lite_chart")[index].proto
    spec = json.loads(proto.spec)
    named = dict(spec.get("datasets") or {})
    for dataset in proto.datasets:
        named[dataset.name] = (
            pa.ipc.open_stream(pa.py_buffer(dataset.data.data)).read_all().to_pandas().to_dict("records")
        )
    return spec, named


def chart_rows(at: AppTest, index: int, layer: int = 0) -> list[dict]:
    """The rows one layer of a chart draws (the first: the bars or points)."""
    spec, named = chart_datasets(at, index)
    return named[spec["layer"][layer]["data"]["name"]]


def marked_rows(at: AppTest, index: int) -> list[dict]:
    """The rows of a chart's text layer: the words beside the selected area."""
    spec, named = chart_datasets(at, index)
    (words,) = [unit for unit in spec["layer"] if unit["mark"]["type"] == "text"]
    return named[words["data"]["name"]]


def download_labels(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def figures(at: AppTest) -> list:
    return [item.figure for item in at.session_state["_figures_this_run"]]


def menus(at: AppTest) -> list:
    return [block for block in at.get("popover") if block.proto.popover.label.startswith("Download this")]


def download(button) -> bytes:
    """Run the button's deferred callable, as Streamlit does when it is clicked."""
    assert button.proto.deferred_file_id and not button.proto.url  # nothing was built during the rerun
    data = DEFERRED[button.proto.deferred_file_id].build()
    return data.encode("utf-8") if isinstance(data, str) else data


def menu_csv(menu) -> tuple[dict, pd.DataFrame]:
    """A figure's "Data (CSV)" download, read with no options, and its CSVW description (checked against it)."""
    buttons = {b.proto.label: b for b in menu.get("download_button")}
    data, description = download(buttons["Data (CSV)"]), download(buttons["Data description (CSVW, JSON)"])
    document = check_csvw(data, description, json.loads(description)["url"])
    return document, read_plain_csv(data)


def nearest(available: list[int], wanted: int) -> int:
    earlier = [y for y in available if y <= wanted]
    return max(earlier) if earlier else min(available)
