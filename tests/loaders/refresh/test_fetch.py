"""The refresh's official-URL resolvers (loaders/refresh/fetch.py) against loopback stand-ins: landing-page
scraping, ArcGIS paging, zip members and the fallback folder for manual files."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from loaders.build import run as build
from loaders.build.source_catalogue import BY_PATH, CATALOGUE, SourceFile
from loaders.refresh import fetch as fetch_module
from loaders.refresh.download import RefreshError
from loaders.refresh.fetch import fetch_entry, scrape_file_links
from tests.loaders.fault_server import FaultServer
from tests.loaders.refresh.refresh_runs import (
    GDP_LA,
    downloader_into,
)

# ---------------------------------------------------- official-URL resolvers (against loopback stand-ins)

LANDING = """<html><body>
<a href="/file?uri=/datasets/prod/current/labourproductivitylad2.xlsx">Latest (xlsx, 600 kB)</a>
<a href='/file?uri=/datasets/prod/current/previous/v12/labourproductivitylad1.xls'>Previous</a>
<a href="/file?uri=/datasets/prod/current/notes.pdf">Notes</a>
</body></html>"""


def test_scrape_file_links_in_page_order() -> None:
    links = scrape_file_links(LANDING.encode(), "https://www.ons.gov.uk/x/datasets/prod")
    assert links[0] == "https://www.ons.gov.uk/file?uri=/datasets/prod/current/labourproductivitylad2.xlsx"
    assert len(links) == 3


def test_landing_page_scrape_takes_the_latest_matching_file(
    server: FaultServer, tmp_path: Path, shared_data: Path
) -> None:
    workbook = (shared_data / GDP_LA).read_bytes()
    server.routes["datasets/prod"] = lambda query: (200, "text/html", LANDING.encode())
    latest = ["/datasets/prod/current/labourproductivitylad2.xlsx"]
    server.routes["file"] = lambda query: (
        (200, "application/octet-stream", workbook)
        if query["uri"] == latest
        else (404, "text/html", b"<html>missing</html>")
    )
    entry = SourceFile(
        "stats/x.xls",
        "ons_landing",
        f"{server.url}/datasets/prod",
        "inferred",
        "ONS",
        link_pattern=r"^labourproductivitylad\d*\.xlsx?$",
        fallback_url=f"{server.url}/old.xls",
    )
    record = fetch_entry(entry, tmp_path / "out" / "x.xls", downloader_into(tmp_path), mirror=None, fallback_dir=None)
    assert record.origin.endswith("file?uri=/datasets/prod/current/labourproductivitylad2.xlsx")
    assert record.sha256 == hashlib.sha256(workbook).hexdigest() and not record.note
    server.routes.clear()


def test_landing_page_without_a_match_falls_back_and_says_so(
    server: FaultServer, tmp_path: Path, shared_data: Path
) -> None:
    server.routes["datasets/prod"] = lambda query: (200, "text/html", b"<html><a href='/about'>x</a></html>")
    entry = SourceFile(
        GDP_LA,
        "ons_landing",
        f"{server.url}/datasets/prod",
        "H",
        "ONS",
        link_pattern=r"^gdp\.xlsx$",
        fallback_url=f"{server.url}/{GDP_LA}",
    )
    record = fetch_entry(entry, tmp_path / "out.xlsx", downloader_into(tmp_path), mirror=None, fallback_dir=None)
    assert "no download link matching" in record.note and "used the last known file URL" in record.note
    without = SourceFile(GDP_LA, "ons_landing", f"{server.url}/datasets/prod", "H", "ONS", link_pattern=r"^gdp$")
    with pytest.raises(RefreshError, match="no direct URL is known"):
        fetch_entry(without, tmp_path / "out2.xlsx", downloader_into(tmp_path), mirror=None, fallback_dir=None)
    server.routes.clear()


def test_arcgis_layers_are_paged_into_one_file(server: FaultServer, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(fetch_module, "ARCGIS_PAGE", 2)
    features = [
        {
            "type": "Feature",
            "properties": {"LAD23CD": f"E0{i}", "LAD23NM": f"Area {i}"},
            "geometry": {"type": "Point", "coordinates": [0, i]},
        }
        for i in range(5)
    ]
    service = "arcgis/rest/services/LAD_TEST/FeatureServer"
    server.routes[service] = lambda query: (200, "application/json", json.dumps({"layers": [{"id": 2}]}).encode())

    def query(params: dict[str, list[str]]) -> tuple[int, str, bytes]:
        offset, count = int(params["resultOffset"][0]), int(params["resultRecordCount"][0])
        page = features[offset : offset + count]
        more = offset + count < len(features)
        if params["f"] == ["geojson"]:
            body = {"type": "FeatureCollection", "features": page, "properties": {"exceededTransferLimit": more}}
        else:
            body = {
                "fields": [{"name": "LAD23NM"}, {"name": "LAD23CD"}],
                "exceededTransferLimit": more,
                "features": [{"attributes": f["properties"]} for f in page],
            }
        return 200, "application/json", json.dumps(body).encode()

    server.routes[f"{service}/2/query"] = query
    geo = SourceFile("geo/x.geojson", "arcgis_geojson", f"{server.url}/{service}", "H", "ONS")
    fetch_entry(geo, tmp_path / "x.geojson", downloader_into(tmp_path), mirror=None, fallback_dir=None)
    assert json.loads((tmp_path / "x.geojson").read_text())["features"] == features
    table = SourceFile("geo/x.csv", "arcgis_csv", f"{server.url}/{service}", "H", "ONS")
    fetch_entry(table, tmp_path / "x.csv", downloader_into(tmp_path), mirror=None, fallback_dir=None)
    frame = pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig")
    assert list(frame.columns) == ["LAD23NM", "LAD23CD"] and len(frame) == 5
    assert server.hits[f"{service}/2/query"] == 6  # three pages each
    server.routes.clear()


def test_zip_member_is_extracted(server: FaultServer, tmp_path: Path, shared_data: Path) -> None:
    workbook = (shared_data / build.ASHE_T7_WEEKLY).read_bytes()
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("PROV - Work Geography Table 7.1a   Weekly pay - Gross 2025.xlsx", workbook)
        archive.writestr("PROV - Work Geography Table 7.1b   Weekly pay - Gross 2025 CV.xlsx", b"other")
    page = b'<a href="/file?uri=/ashe7/2025provisional/ashetable72025provisional.zip">z</a>'
    server.routes["ashe7"] = lambda query: (200, "text/html", page)
    server.routes["file"] = lambda query: (200, "application/zip", bundle.getvalue())
    entry = BY_PATH[build.ASHE_T7_WEEKLY]
    local = SourceFile(
        entry.path,
        entry.method,
        f"{server.url}/ashe7",
        entry.confidence,
        entry.publisher,
        link_pattern=entry.link_pattern,
        member_pattern=entry.member_pattern,
    )
    record = fetch_entry(local, tmp_path / "t7.xlsx", downloader_into(tmp_path), mirror=None, fallback_dir=None)
    assert record.origin.endswith(":: PROV - Work Geography Table 7.1a   Weekly pay - Gross 2025.xlsx")
    assert (tmp_path / "t7.xlsx").read_bytes() == workbook
    server.routes.clear()


def test_zip_member_over_the_size_limit_is_not_extracted(server: FaultServer, tmp_path: Path) -> None:
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Work Geography Table 7.1a Weekly pay - Gross 2025.xlsx", b"0" * 2_000_000)
    server.routes["ashe7"] = lambda query: (200, "text/html", b'<a href="/file?uri=/a/ashetable72025provisional.zip">')
    server.routes["file"] = lambda query: (200, "application/zip", bundle.getvalue())
    entry = BY_PATH[build.ASHE_T7_WEEKLY]
    local = SourceFile(
        entry.path,
        entry.method,
        f"{server.url}/ashe7",
        entry.confidence,
        entry.publisher,
        link_pattern=entry.link_pattern,
        member_pattern=entry.member_pattern,
    )
    with pytest.raises(RefreshError, match=r"2,000,000 bytes uncompressed, over the size limit of 1,000,000 bytes"):
        fetch_entry(
            local, tmp_path / "t7.xlsx", downloader_into(tmp_path, max_bytes=1_000_000), mirror=None, fallback_dir=None
        )
    assert not (tmp_path / "t7.xlsx").exists()
    server.routes.clear()


def test_manual_files_come_from_the_fallback_folder(tmp_path: Path, shared_data: Path) -> None:
    entry = next(e for e in CATALOGUE if e.method == "manual")
    record = fetch_entry(entry, tmp_path / "n.xlsx", downloader_into(tmp_path), mirror=None, fallback_dir=shared_data)
    assert "carried over, not refreshed" in record.note
    with pytest.raises(RefreshError, match="has no machine-readable URL"):
        fetch_entry(entry, tmp_path / "m.xlsx", downloader_into(tmp_path), mirror=None, fallback_dir=tmp_path / "none")
