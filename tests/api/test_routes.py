"""The /api/v1 routes in process (Starlette's TestClient): every endpoint answers with CORS open, the
attribution and the licence link; bad parameters are JSON 4xx naming the parameter; rows match the snapshot."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from starlette.testclient import TestClient

from api.query import MAX_ROWS
from components.attribution import ATTRIBUTION
from loaders.snapshot import GEO_DIR
from tests.api.conftest import snapshot
from tests.export_checks import check_csvw
from vocabulary.geography import AREA_LEVEL_KEYS

OGL_LINK = '<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>; rel="license"'
GOOD = [
    "/api/v1/indicators",
    "/api/v1/areas?level=lep",
    "/api/v1/areas",
    "/api/v1/data.json?indicator=gva_per_hour&geography=lep&from=2020&to=2023",
    "/api/v1/data.csv?indicator=gva_per_hour&geography=lep&year=2023",
    "/api/v1/data.csv-metadata.json?indicator=gva_per_hour&geography=lep",
    "/api/v1/boundaries/lep.geojson",
    "/api/v1/openapi.json",
]
BAD = [
    ("/api/v1/data.json?indicator=gva_per_hours", 400, "indicator"),
    ("/api/v1/data.csv?indicator=gva_per_hour&geography=leps", 400, "geography"),
    ("/api/v1/data.json?indicator=gva_per_hour&area=E37000025,%3Cscript%3E", 400, "area"),
    ("/api/v1/data.json?indicator=gva_per_hour&from=1066AD", 400, "from"),
    ("/api/v1/data.json?indicator=gva_per_hour&colour=red", 400, "colour"),
    ("/api/v1/data.json?indicator=gva_per_hour", 413, "limit"),
    ("/api/v1/data.csv", 413, "limit"),
    ("/api/v1/areas?level=parish", 400, "level"),
    ("/api/v1/boundaries/uk.geojson", 404, "level"),
    ("/api/v1/nothing", 404, None),
]


def assert_api_headers(headers: dict) -> None:
    assert headers["access-control-allow-origin"] == "*"
    assert headers["x-attribution"] == ATTRIBUTION.replace("©", "(c)")
    assert OGL_LINK in headers["link"]


@pytest.mark.parametrize("path", GOOD)
def test_every_endpoint_answers_with_cors_and_attribution(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert_api_headers(response.headers)
    if "json" in response.headers["content-type"] and "geojson" not in path:
        document = response.json()
        assert document.get("attribution", document.get("dc:rights")) == ATTRIBUTION or "openapi" in document


@pytest.mark.parametrize(("path", "status", "parameter"), BAD)
def test_bad_requests_are_json_errors_naming_the_parameter(
    client: TestClient, path: str, status: int, parameter: str | None
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert_api_headers(response.headers)
    body = response.json()
    assert body["parameter"] == parameter and body["status"] == status and body["attribution"] == ATTRIBUTION
    if parameter:
        assert parameter in body["error"] or status == 413
    if status == 413:
        assert f"{MAX_ROWS:,}" in body["error"] and "limit and offset" in body["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_the_api_is_read_only(client: TestClient, method: str) -> None:
    response = client.request(method, "/api/v1/data.csv?indicator=gva_per_hour&geography=lep")
    assert response.status_code == 405 and "read-only" in response.json()["error"]
    assert "GET" in response.headers["allow"]
    preflight = client.options(
        "/api/v1/indicators", headers={"Origin": "https://council.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert preflight.headers["access-control-allow-methods"] == "GET, HEAD"


def test_csv_rows_equal_the_snapshot(client: TestClient, table: pd.DataFrame) -> None:
    response = client.get("/api/v1/data.csv?indicator=unemployment_rate&geography=lad&from=2020&to=2021")
    rows = pd.read_csv(io.StringIO(response.text), keep_default_na=False, na_values=[""])
    expected = table[
        (table["indicator"] == "unemployment_rate")
        & (table["geography"] == "lad")
        & table["period"].between(2020, 2021)
    ]
    assert int(response.headers["x-total-count"]) == len(rows) == len(expected) > 0
    assert list(rows.columns) == [
        "indicator",
        "geography",
        "area_code",
        "area_name",
        "period",
        "value",
        "unit",
        "status",
        "lci",
        "uci",
    ]
    merged = rows.merge(expected, on=["area_code", "period"], suffixes=("", "_parquet"))
    assert len(merged) == len(expected)
    pd.testing.assert_series_equal(merged["value"], merged["value_parquet"], check_names=False)
    pd.testing.assert_series_equal(merged["lci"], merged["lci_parquet"], check_names=False)
    assert merged["lci"].notna().sum() > 100  # intervals reach the CSV
    assert set(rows["unit"]) == {"%"}


def test_json_pages_follow_the_next_link(client: TestClient) -> None:
    url, seen, total = "/api/v1/data.json?indicator=gva_per_hour&limit=5000", [], None
    while url:
        response = client.get(url)
        document = response.json()
        total = document["total"]
        seen += document["rows"]
        assert int(response.headers["x-total-count"]) == total
        if document["next"]:
            assert f'<http://testserver{document["next"]}>; rel="next"' in response.headers["link"]
        url = document["next"]
    assert total is not None and total > MAX_ROWS
    assert len(seen) == total == len({(r["geography"], r["area_code"], r["period"]) for r in seen})
    assert all(row["value"] is None or isinstance(row["value"], float) for row in seen)


def test_the_csvw_description_reads_the_csv(client: TestClient) -> None:
    """The csvw library validates the description against the CSV it names (downloaded here)."""
    query = "indicator=employment_rate_16_64&geography=rgn&year=2022"
    description = client.get(f"/api/v1/data.csv-metadata.json?{query}")
    assert description.headers["content-type"].startswith("application/csvm+json")
    document = description.json()
    assert document["url"] == f"http://testserver/api/v1/data.csv?{query.replace('year=2022', 'from=2022&to=2022')}"
    assert document["dc:license"]["@id"].startswith("https://www.nationalarchives.gov.uk/")
    columns = {column["titles"]: column for column in document["tableSchema"]["columns"]}
    assert columns["value"]["schema:unitText"] == "%" and columns["lci"]["schema:unitText"] == "%"
    csv_data = client.get(document["url"]).content
    document["url"] = "data.csv"
    checked = check_csvw(csv_data, json.dumps(document).encode(), "data.csv")
    assert checked["schema:variableMeasured"][0]["schema:identifier"] == "employment_rate_16_64"
    assert len(pd.read_csv(io.BytesIO(csv_data))) == 9  # the nine English regions


def test_indicators_and_areas_describe_the_snapshot(client: TestClient) -> None:
    indicators = {entry["id"]: entry for entry in client.get("/api/v1/indicators").json()["indicators"]}
    assert set(indicators) == set(snapshot().metadata)
    entry = indicators["gva_per_hour"]
    assert entry["unit"] == "£" and entry["polarity"] == "higher_better" and "lep" in entry["geographies"]
    assert 2023 in entry["years"] and entry["licence"] == "Open Government Licence v3.0"
    areas = client.get("/api/v1/areas?level=lad").json()["areas"]
    assert len(areas) == (snapshot().areas["geography"] == "lad").sum() == 361
    hartlepool = next(area for area in areas if area["code"] == "E06000001")
    assert hartlepool["name"] == "Hartlepool" and hartlepool["valid_for"] == "LAD Dec 2023"
    assert hartlepool["parents"]["lep"] == ["E37000034"] and hartlepool["parents"]["itl1"] == "TLC"
    two_leps = [area for area in areas if len(area["parents"]["lep"]) == 2]
    assert len(two_leps) == 7  # the seven LADs that sat in two LEPs


@pytest.mark.parametrize("level", AREA_LEVEL_KEYS)
def test_boundaries_are_the_committed_files(client: TestClient, level: str) -> None:
    response = client.get(f"/api/v1/boundaries/{level}.geojson")
    assert response.headers["content-type"] == "application/geo+json"
    assert response.content == (GEO_DIR / f"{level}.geojson").read_bytes()


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    for path in (
        "/indicators",
        "/areas",
        "/data.json",
        "/data.csv",
        "/data.csv-metadata.json",
        "/boundaries/{level}.geojson",
    ):
        assert "get" in document["paths"][path]
        assert (
            client.get(
                "/api/v1" + path.replace("{level}", "lep"),
                params={"indicator": "gva_per_hour", "year": 2023} if "data" in path else None,
            ).status_code
            == 200
        )
