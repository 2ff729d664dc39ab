"""The notebook interface (regional_productivity_explorer.data) reads the committed snapshot with the API's
filters: same rows as the HTTP API, metadata in frame.attrs, the same errors."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest
from starlette.testclient import TestClient

from components.attribution import ATTRIBUTION
from regional_productivity_explorer import ApiError, areas, data, indicators
from tests.api.conftest import snapshot


def test_data_returns_the_tidy_frame_with_its_metadata(table: pd.DataFrame) -> None:
    frame = data("gva_per_hour", geography="lep")
    expected = table[(table["indicator"] == "gva_per_hour") & (table["geography"] == "lep")]
    assert len(frame) == len(expected) == 38 * len(snapshot().metadata["gva_per_hour"].periods)
    assert frame.attrs["unit"] == "£"
    assert frame.attrs["licence"] == "Open Government Licence v3.0" and frame.attrs["attribution"] == ATTRIBUTION
    assert frame.attrs["source"] == snapshot().metadata["gva_per_hour"].source
    assert frame.attrs["indicators"]["gva_per_hour"]["polarity"] == "higher_better"
    assert frame.attrs["snapshot_id"] == snapshot().manifest["snapshot_id"]


def test_data_and_the_http_api_give_the_same_rows(client: TestClient) -> None:
    frame = data(["employment_rate_16_64", "unemployment_rate"], geography=["rgn"], years=(2019, 2021))
    served = client.get(
        "/api/v1/data.csv?indicator=employment_rate_16_64,unemployment_rate&geography=rgn&from=2019&to=2021"
    )
    from_api = pd.read_csv(io.StringIO(served.text), keep_default_na=False, na_values=[""])
    assert len(frame) == len(from_api) > 0
    assert list(frame["area_code"]) == list(from_api["area_code"])
    pd.testing.assert_series_equal(frame["value"], from_api["value"], check_names=False)
    assert frame.attrs["unit"] == "%"


def test_bad_filters_raise_the_apis_message() -> None:
    with pytest.raises(ValueError, match="unknown geography 'leps'") as raised:
        data("gva_per_hour", geography="leps")
    assert isinstance(raised.value, ApiError) and raised.value.parameter == "geography"
    with pytest.raises(ValueError, match="from=2023 is after to=2010"):
        data("gva_per_hour", years=(2023, 2010))


def test_indicators_and_areas_frames() -> None:
    assert set(indicators()["id"]) == set(snapshot().metadata)
    assert sorted(areas("rgn")["area_code"]) == sorted(snapshot().areas.query("geography == 'rgn'")["area_code"])


def test_importable_from_anywhere_without_streamlit(tmp_path) -> None:
    """The installed package works outside the repo folder and never imports Streamlit."""
    script = (
        "import sys\nfrom regional_productivity_explorer import data\n"
        "frame = data('gva_per_hour', geography='lep', years=2023)\n"
        "print(len(frame), 'streamlit' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["38", "False"]
