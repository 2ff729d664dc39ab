"""The refresh's content checks (loaders/refresh/checks.py): spreadsheets, CSVs and boundaries that are not
what they claim are refused before anything parses them."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from loaders.refresh.checks import ContentError, check_boundary, check_csv, check_spreadsheet
from tests.loaders.refresh.refresh_runs import (
    GDP_LA,
    HTML_ERROR,
    LAD_PRODUCTIVITY,
)

# ----------------------------------------------------------------------------- content checks


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_spreadsheet_checks(tmp_path: Path, shared_data: Path) -> None:
    check_spreadsheet(shared_data / LAD_PRODUCTIVITY)  # OLE .xls
    check_spreadsheet(shared_data / GDP_LA)  # xlsx
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    cases = {
        "page.xlsx": (HTML_ERROR, "HTML page"),
        "bom.xlsx": (b"\xef\xbb\xbf  <html><body>x</body></html>", "HTML page"),
        "plain.xlsx": (plain_zip.getvalue(), "not an Excel workbook (no xl/workbook.xml)"),
        "short.xlsx": ((shared_data / GDP_LA).read_bytes()[:5000], "truncated or corrupt xlsx"),
        "text.xls": (b"area,value\n", "starts with b'area,val'"),
        "s3.xlsx": (b'<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>', "an XML document"),
    }
    for name, (data, message) in cases.items():
        with pytest.raises(ContentError, match=re.escape(message)):
            check_spreadsheet(_write(tmp_path, name, data))


def test_csv_and_boundary_checks(tmp_path: Path) -> None:
    check_csv(_write(tmp_path, "ok.csv", "\ufeffa,b\n1,2\n".encode()))
    for data, message in (
        (HTML_ERROR, "HTML page"),
        (b"PK\x03\x04rest", "binary"),
        (b"just text\nmore\n", "comma"),
        (b"a,b\n", "no data rows"),
    ):
        with pytest.raises(ContentError, match=message):
            check_csv(_write(tmp_path, "bad.csv", data))
    check_boundary(_write(tmp_path, "ok.geojson", b'{"type":"FeatureCollection","features":[{"type":"Feature"}]}'))
    for data, message in (
        (b'{"error":{"code":400,"message":"Invalid query"}}', "ArcGIS error response"),
        (b'{"type":"FeatureCollection","features":[]}', "no features"),
        (b'{"type":"Feature"', "not valid JSON"),
    ):
        with pytest.raises(ContentError, match=message):
            check_boundary(_write(tmp_path, "bad.geojson", data))
