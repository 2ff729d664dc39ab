"""The Data and methods page under Streamlit's AppTest, reached through app.py's navigation."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
MANIFEST = json.loads((REPO / "regional_data" / "manifest.json").read_text(encoding="utf-8"))
METADATA = json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8"))
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
MAX_ABS = "max abs difference (%)"


def english_itl1() -> dict[str, str]:
    """ITL1 code -> name for the regions that contain English (E-coded) LADs."""
    lads = AREAS[(AREAS["geography"] == "lad") & AREAS["area_code"].str.startswith("E")]
    itl1 = AREAS[AREAS["geography"] == "itl1"].set_index("area_code")["area_name"]
    return {code: itl1[code] for code in sorted(set(lads["parent_itl1"]))}


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    app.switch_page("app_pages/data_and_methods.py")
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe]


def test_page_renders(at: AppTest) -> None:
    assert [t.value for t in at.title] == ["Data and methods"]
    headers = [h.value for h in at.header]
    assert "Measured aggregation error" in headers
    assert not at.get("deck_gl_json_chart")  # the overview's map is gone


def test_validation_lists_the_nine_english_itl1_regions_within_a_tenth_of_a_percent(at: AppTest) -> None:
    english = english_itl1()
    assert len(english) == 9
    validation = next(f for f in frames(at) if MAX_ABS in f.columns)
    per_hour = validation[validation["check"].str.contains("ITL1") & validation["check"].str.contains("per hour")]
    rows = per_hour[per_hour["area_code"].isin(english)]
    assert sorted(rows["area_code"]) == sorted(english)
    assert (rows[MAX_ABS].abs() < 0.1).all(), rows[["area_code", MAX_ABS]].to_string()


def test_indicator_catalogue_and_sources(at: AppTest) -> None:
    catalogue = next(f for f in frames(at) if "id" in f.columns and "indicator" in f.columns)
    assert sorted(catalogue["id"]) == sorted(METADATA)
    sources = next(f for f in frames(at) if "sha256" in f.columns)
    assert len(sources) == len(MANIFEST["sources"])


def test_method_text_states_the_lep_lookup(at: AppTest) -> None:
    text = "\n".join(m.value for m in at.markdown)
    lookup = MANIFEST["lad_lep_lookup"]
    assert f"{lookup['leps']}" in text
    for lad in lookup["lads_in_two_leps"]:
        assert lad in text
    assert "England excluding London" in text
    assert f"{MANIFEST['rows']:,}" in text


def test_attribution_footer(at: AppTest) -> None:
    captions = [c.value for c in at.caption]
    assert any("Open Government Licence v3.0" in c and "Crown copyright" in c for c in captions), captions


def test_whole_table_download_is_offered(at: AppTest) -> None:
    buttons = at.get("download_button")
    assert len(buttons) == 1
    assert "CSV" in buttons[0].proto.label
