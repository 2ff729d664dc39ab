"""Charts are built from channel objects, never from shorthand strings or condition dicts: altair turns each of
those into an object with SchemaBase.from_dict, which rebuilds a hash of every schema class on each call (about
40 ms apiece on this machine; a Manufacturing page made nine such calls on its first build). The specs are the
same either way; these tests count the calls (not times) over the pages of issue 15's click walk and the Your data
charts, which a page only builds after an upload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from altair.utils import schemapi
from streamlit.testing.v1 import AppTest

from components import your_data as yd
from components import your_data_charts as yd_charts
from tests.components.your_data_data import XSS, lep_values, official_rows

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
PAGES = ("overview", "manufacturing", "sector_strengths", "compare_areas", "targets")
CHESHIRE_AND_WARRINGTON = "E37000003"


@pytest.fixture
def from_dict_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The classes altair built from a dict while the test ran."""
    calls: list[str] = []
    original = schemapi.SchemaBase.from_dict.__func__

    def counted(cls: type, dct: dict, validate: bool = True) -> object:
        calls.append(f"{cls.__name__} from {dct!r:.80}")
        return original(cls, dct, validate)

    monkeypatch.setattr(schemapi.SchemaBase, "from_dict", classmethod(counted))
    yield calls


@pytest.mark.parametrize("level", ["lep", "lad"])
def test_the_click_walk_pages_build_their_charts_without_from_dict(level: str, from_dict_calls: list[str]) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"level": level, "cmp_areas": "E92000001,K02000001"})
    if level == "lep":
        at.query_params["area"] = CHESHIRE_AND_WARRINGTON
    at.run()
    charts = 0
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
        assert not at.exception, f"{page}: {at.exception[0].message}"
        charts += len(at.get("vega_lite_chart"))
    assert charts >= 7  # the pages drew their charts: ranked bars, trends, sub-sectors, bubbles, over time
    assert from_dict_calls == []


def test_your_data_charts_build_without_from_dict(from_dict_calls: list[str]) -> None:
    values = lep_values()
    selected = values["area_code"][3]
    bars = yd_charts.uploaded_bar_chart(values, "Score", "Score", "sub", 0, selected, source=yd.upload_source("a.csv"))
    table = yd_charts.comparison_table(values, official_rows("gva_per_hour", "lep", 2022))
    scatter = yd_charts.comparison_chart(
        table,
        uploaded_label="Score",
        official_label="GVA per hour (£)",
        official_format="$,.2f",
        uploaded_decimals=0,
        title="t",
        subtitle="s",
        source=yd.upload_source(XSS),
        selected_code=selected,
    )
    assert from_dict_calls == []
    # the conditions keep the spec they had as alt.condition(...) dicts
    bar_layer = bars.to_dict()["layer"][0]["encoding"]
    assert bar_layer["color"]["condition"] == {"test": "datum.selected", "value": yd_charts.SELECTED_COLOUR}
    assert bar_layer["color"]["value"] == yd_charts.BAR_COLOUR
    point_layer = scatter.to_dict()["layer"][0]["encoding"]
    assert point_layer["shape"] == {"condition": {"test": "datum.selected", "value": "diamond"}, "value": "circle"}
    assert point_layer["size"] == {"condition": {"test": "datum.selected", "value": 160}, "value": 60}
