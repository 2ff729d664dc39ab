"""The data API from a running `streamlit run app.py` (the e2e session's server), called with urllib as a
script or notebook would: the routes are served beside the app, with CORS, the attribution and the
security headers, and the app itself still loads."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request

import pandas as pd
import pytest

from bench.browser import StreamlitServer
from deploy.security import security_headers

pytestmark = pytest.mark.e2e


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Origin": "https://council.example"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def test_the_api_is_served_beside_the_app(app_server: StreamlitServer) -> None:
    base = app_server.url + "api/v1/"
    status, headers, body = fetch(base + "indicators")
    assert status == 200 and headers["access-control-allow-origin"] == "*"
    assert "gva_per_hour" in {entry["id"] for entry in json.loads(body)["indicators"]}
    for name, value in security_headers().items():  # the app's middleware covers the API too
        assert headers[name.lower()] == value, name
    status, headers, body = fetch(base + "data.csv?indicator=employment_rate_16_64&geography=rgn&year=2022")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.BytesIO(body))
    assert len(frame) == 9 and frame["lci"].notna().all() and set(frame["unit"]) == {"%"}
    status, _, body = fetch(base + "data.json?indicator=gva_per_hour&area=E37000025,%3Cb%3E")
    assert status == 400 and json.loads(body)["parameter"] == "area"
    status, _, body = fetch(base + "data.json?indicator=gva_per_hour")
    assert status == 413 and "10,000" in json.loads(body)["error"]
    status, headers, body = fetch(base + "boundaries/lep.geojson")
    assert status == 200 and headers["content-type"] == "application/geo+json"
    assert len(json.loads(body)["features"]) == 38
    status, _, body = fetch(app_server.url)  # the app's page is still Streamlit's
    assert status == 200 and b'<div id="root">' in body
