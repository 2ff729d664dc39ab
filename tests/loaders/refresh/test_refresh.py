"""`python -m loaders.refresh` against a real HTTP server on loopback serving the official files.

One full refresh (through a transient HTTP 500) must reproduce the committed snapshot; every injected
fault must fail with exit status 1, a message naming the file and the problem, a report, and the
previous snapshot byte-for-byte unchanged. Unit tests cover the downloader, content checks, the
catalogue resolvers (landing-page scraping, ArcGIS paging, zip members) and the swap's rollback.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from loaders.build import run as build
from loaders.build.source_catalogue import BY_PATH, CATALOGUE, SourceFile, catalogue_problems
from loaders.refresh import fetch as fetch_module
from loaders.refresh.checks import ContentError, check_boundary, check_csv, check_spreadsheet
from loaders.refresh.download import Downloader, FetchPolicy, RefreshError
from loaders.refresh.fetch import fetch_entry, scrape_file_links
from loaders.refresh.run import main, snapshot_hashes
from tests.loaders.bad_sources import ASHE_PAY_CSV, every_other_row, mirror
from tests.loaders.fault_server import Body, Delay, FaultServer, Reset, Rewrite, Status, Truncate

REPO = Path(__file__).resolve().parents[3]
LAD_PRODUCTIVITY = build.PRODUCTIVITY_LAD
GDP_LA = build.GDP_LA
GVA_NE = f"{build.GVA_LA_DIR}/regionalgrossvalueaddedbalancedbyindustrylocalauthoritiestlcnortheast.xlsx"
ELS_GIGABIT = f"{build.ELS_DIR}/gigabit-capable-broadband.csv"
ELS_CLAIMANT = f"{build.ELS_DIR}/claimant-count.csv"
FAST = ["--backoff", "0.01", "--timeout", "5", "--connect-timeout", "5", "--quiet"]
HTML_ERROR = b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head><body>Sorry</body></html>\n"


@pytest.fixture(scope="module")
def server(shared_data: Path):
    with FaultServer(shared_data) as running:
        yield running


@pytest.fixture(autouse=True)
def _clean_server(request: pytest.FixtureRequest):
    yield
    if "server" in request.fixturenames:
        request.getfixturevalue("server").clear()


def _target(folder: Path) -> Path:
    """A target folder holding a copy of the committed snapshot."""
    folder.mkdir(parents=True)
    for name in ("regional_data", "geo"):
        shutil.copytree(REPO / name, folder / name)
    return folder


def _run(server: FaultServer, tmp: Path, *extra: str) -> tuple[int, Path, dict[str, str], Path]:
    """A mirror refresh into a fresh copy of the committed snapshot; returns (status, target,
    hashes before, report)."""
    target = _target(tmp / "target")
    before = snapshot_hashes(target)
    report = tmp / "report.md"
    status = main(
        [
            "--mirror",
            server.url,
            "--out",
            str(target),
            "--cache-dir",
            str(tmp / "cache"),
            "--report",
            str(report),
            *FAST,
            *extra,
        ]
    )
    return status, target, before, report


def _entries(target: Path) -> list[str]:
    return sorted(p.name for p in target.iterdir())


def _assert_failed_cleanly(
    status: int, target: Path, before: dict[str, str], report: Path, err: str, *needles: str
) -> None:
    assert status == 1
    assert "refresh failed" in err and "snapshot unchanged" in err, err
    for needle in needles:
        assert needle in err, (needle, err)
    assert "Traceback" not in err
    assert snapshot_hashes(target) == before, "the previous snapshot changed"
    assert _entries(target) == ["geo", "regional_data"], "staging left behind"
    text = report.read_text()
    assert "FAILED" in text and "current snapshot unchanged" in text


# ------------------------------------------------------------------------------ the catalogue


def test_catalogue_covers_exactly_what_the_build_reads(shared_data: Path) -> None:
    assert catalogue_problems(shared_data) == []


def test_catalogue_entries_have_official_urls_and_confidence() -> None:
    hosts = {"www.ons.gov.uk", "services1.arcgis.com", "raw.githubusercontent.com", "www.nomisweb.co.uk"}
    for entry in CATALOGUE:
        assert entry.url.split("/")[2] in hosts, entry.url
        assert entry.confidence in ("H", "M", "L", "inferred")
    assert BY_PATH[LAD_PRODUCTIVITY].needs_scraping and BY_PATH[LAD_PRODUCTIVITY].confidence == "inferred"
    assert BY_PATH[ELS_GIGABIT].url.endswith("/main/gigabit-capable-broadband/gigabit-capable-broadband.csv")
    assert BY_PATH["geo/boundaries/lad/LAD_DEC_2023_UK_BUC.geojson"].url.endswith(
        "/Local_Authority_Districts_December_2023_Boundaries_UK_BUC/FeatureServer"
    )


def test_list_sources_needs_no_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-sources"]) == 0
    out = capsys.readouterr().out
    assert all(entry.path in out for entry in CATALOGUE)
    assert "landing page scraped" in out


def test_app_code_never_imports_the_network_code() -> None:
    files = [
        REPO / "app.py",
        *(REPO / "app_pages").rglob("*.py"),
        *(REPO / "components").rglob("*.py"),
        *(REPO / "metrics").rglob("*.py"),
        REPO / "loaders" / "snapshot.py",
    ]
    for path in files:
        text = path.read_text()
        for forbidden in ("import requests", "loaders.refresh", "source_catalogue", "urllib.request"):
            assert forbidden not in text, f"{path.relative_to(REPO)} uses {forbidden}"


# ----------------------------------------------------------------- a full refresh that succeeds


@pytest.fixture(scope="module")
def refreshed(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One full refresh through the mirror; the first request for one file gets an HTTP 500."""
    tmp = tmp_path_factory.mktemp("refresh-ok")
    server.clear()
    server.fault(ELS_CLAIMANT, Status(500, times=1))
    started = time.perf_counter()
    status, target, before, report = _run(server, tmp)
    result = {
        "status": status,
        "target": target,
        "before": before,
        "report": report,
        "hits": dict(server.hits),
        "seconds": time.perf_counter() - started,
    }
    server.clear()
    return result


@pytest.fixture(scope="module")
def plain_build(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plain-build")
    build.build(shared_data, out, show_progress=False)
    return out


def test_refresh_succeeds_and_equals_a_plain_build(refreshed: dict, plain_build: Path) -> None:
    assert refreshed["status"] == 0
    target = refreshed["target"]
    pd.testing.assert_frame_equal(
        pd.read_parquet(target / "regional_data" / "indicators.parquet"),
        pd.read_parquet(plain_build / "regional_data" / "indicators.parquet"),
    )
    after, plain = snapshot_hashes(target), snapshot_hashes(plain_build)
    assert set(after) == set(plain)
    for name, digest in plain.items():
        if name != "regional_data/manifest.json":  # build time, source folder and the refresh section differ
            assert after[name] == digest, name
    assert _entries(target) == ["geo", "regional_data"]


def test_http_500_is_retried(refreshed: dict) -> None:
    assert refreshed["status"] == 0
    assert refreshed["hits"][ELS_CLAIMANT] == 2


def test_manifest_records_every_file_with_its_url_and_sha256(refreshed: dict, shared_data: Path) -> None:
    manifest = json.loads((refreshed["target"] / "regional_data" / "manifest.json").read_text())
    files = {item["path"]: item for item in manifest["refresh"]["files"]}
    assert set(files) == set(BY_PATH)
    for path, item in files.items():
        assert item["sha256"] == hashlib.sha256((shared_data / path).read_bytes()).hexdigest(), path
        assert item["origin"].endswith(path.replace("(", "%28").replace(")", "%29")), item["origin"]
    assert manifest["source_folder"].startswith("mirror http://127.0.0.1:")
    names_only = "geo/boundaries/lad/LAD_DEC_2021_UK_BUC.geojson"  # read by the build, not in its manifest
    assert {item["path"] for item in manifest["sources"]} == set(BY_PATH) - {names_only}


def test_report_of_a_successful_refresh(refreshed: dict) -> None:
    text = refreshed["report"].read_text()
    assert "**Result: passed; new snapshot swapped in**" in text
    assert "| schema (snapshot contract) | pass |" in text and "| areas, values and years kept | pass |" in text
    assert "## Rows by indicator" in text and "## Largest value changes" in text
    assert "| stats/levelling_up/explore_local_statistics/claimant-count.csv | http://127.0.0.1:" in text


# ------------------------------------------------------------------------ faults while fetching


@pytest.mark.parametrize(
    ("path", "fault", "extra", "needles", "max_hits"),
    [
        pytest.param(
            GDP_LA,
            Delay(3.0),
            ["--timeout", "0.4"],
            ["no response within 0.4 s (read timeout)", "gave up after 3 attempts"],
            3,
            id="timeout",
        ),
        pytest.param(
            LAD_PRODUCTIVITY,
            Reset(),
            [],
            ["connection failed (connection reset by the server)", "gave up after 3 attempts"],
            3,
            id="connection-reset",
        ),
        pytest.param(
            LAD_PRODUCTIVITY,
            Status(503),
            [],
            ["HTTP 503 Service Unavailable", "gave up after 3 attempts"],
            3,
            id="http-503-persistent",
        ),
        pytest.param(GDP_LA, Status(404), [], ["HTTP 404 Not Found"], 1, id="http-404-not-retried"),
        pytest.param(
            GVA_NE,
            Truncate(0.5),
            [],
            ["truncated body: the connection closed after 226,295 of 452,591 bytes"],
            3,
            id="truncated-body",
        ),
        pytest.param(
            GDP_LA,
            Body(HTML_ERROR, "text/html"),
            [],
            ["is not an Excel workbook but an HTML page"],
            1,
            id="html-page-as-xlsx",
        ),
        pytest.param(
            LAD_PRODUCTIVITY,
            Body(HTML_ERROR, "text/html"),
            [],
            ["is not an Excel workbook but an HTML page"],
            1,
            id="html-page-as-xls",
        ),
        pytest.param(
            ELS_GIGABIT,
            Body(HTML_ERROR, "text/html"),
            [],
            ["is not a CSV file but an HTML page"],
            1,
            id="html-page-as-csv",
        ),
        pytest.param(
            "geo/boundaries/lad/LAD_DEC_2023_UK_BUC.geojson",
            Body(b'{"type":"FeatureCollection","feat'),
            [],
            ["is not valid JSON, possibly truncated"],
            1,
            id="truncated-geojson-no-length",
        ),
        pytest.param(
            LAD_PRODUCTIVITY,
            None,
            ["--max-bytes", "500000"],
            ["605,184 bytes is over the size limit of 500,000 bytes (--max-bytes)"],
            1,
            id="size-limit",
        ),
    ],
)
def test_fetch_fault_leaves_snapshot_untouched(
    server: FaultServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    fault,
    extra: list[str],
    needles: list[str],
    max_hits: int,
) -> None:
    if fault is not None:
        server.fault(path, fault)
    status, target, before, report = _run(server, tmp_path, *extra)
    err = capsys.readouterr().err
    _assert_failed_cleanly(status, target, before, report, err, path, *needles)
    assert server.hits[path] == max_hits
    assert path in report.read_text()


def test_truncated_workbook_without_length_is_caught_by_the_zip_check(
    server: FaultServer, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (shared_data / GVA_NE).read_bytes()
    server.fault(GVA_NE, Body(data[: len(data) // 2], send_length=False))
    status, target, before, report = _run(server, tmp_path)
    _assert_failed_cleanly(
        status, target, before, report, capsys.readouterr().err, GVA_NE, "truncated or corrupt xlsx (zip) container"
    )


def test_truncated_xls_is_caught_by_the_sector_check(
    server: FaultServer, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (shared_data / LAD_PRODUCTIVITY).read_bytes()
    server.fault(LAD_PRODUCTIVITY, Body(data[:300_000], send_length=False))
    status, target, before, report = _run(server, tmp_path)
    _assert_failed_cleanly(
        status,
        target,
        before,
        report,
        capsys.readouterr().err,
        LAD_PRODUCTIVITY,
        "truncated .xls (OLE) file: 300,000 bytes",
    )


# ------------------------------------------------------------------------ faults while parsing


def _edited_workbook(source: Path, edit) -> bytes:
    book = openpyxl.load_workbook(source)
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rename_sheet(book: openpyxl.Workbook) -> None:
    book["Table 3"].title = "Table 3 (current prices)"


def _rename_column(book: openpyxl.Workbook) -> None:
    sheet = book["Table 3"]
    for cell in sheet[2]:
        if cell.value == "LA code":
            cell.value = "Local authority code"


@pytest.mark.parametrize(
    ("edit", "needle"),
    [
        pytest.param(
            _rename_sheet,
            "sheet 'Table 3' not found (sheets: Information, Contents, Notes, Table 1, "
            "Table 2, Table 3 (current prices), Table 4)",
            id="renamed-sheet",
        ),
        pytest.param(_rename_column, ", sheet 'Table 3': missing column(s) LA code", id="renamed-column"),
    ],
)
def test_changed_workbook_layout_fails_the_build(
    server: FaultServer, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], edit, needle: str
) -> None:
    server.fault(GVA_NE, Body(_edited_workbook(shared_data / GVA_NE, edit)))
    status, target, before, report = _run(server, tmp_path)
    err = capsys.readouterr().err
    _assert_failed_cleanly(
        status, target, before, report, err, f"refresh failed at build, snapshot unchanged: {GVA_NE}", needle
    )


def test_a_third_of_the_areas_missing_fails_validation(
    server: FaultServer, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = pd.read_csv(shared_data / ELS_GIGABIT, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    lads = sorted(
        code for code in csv["areacd"].unique() if code[:3] in ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
    )
    dropped = set(lads[::3])
    broken = csv[~csv["areacd"].isin(dropped)].to_csv(index=False).encode("utf-8-sig")
    server.fault(ELS_GIGABIT, Body(broken, "text/csv"))
    status, target, before, report = _run(server, tmp_path)
    err = capsys.readouterr().err
    _assert_failed_cleanly(
        status,
        target,
        before,
        report,
        err,
        "refresh failed at validation",
        "gigabit_coverage (lad; source: ONS Explore Local Statistics (gigabit-capable-broadband); "
        f"file: {ELS_GIGABIT})",
        "below the 90% minimum); lost E06000001, ",
    )
    text = report.read_text()
    assert "| areas, values and years kept | FAIL |" in text
    assert "## Rows by indicator" in text and "## Largest value changes" in text
    gigabit = next(line for line in text.splitlines() if line.startswith("| gigabit_coverage | lad |"))
    assert sorted(dropped)[0] in gigabit


def test_every_other_row_of_the_ashe_pay_csv_gone_fails_validation(
    server: FaultServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12.2: this refresh exited 0 and swapped in 6,695 -> 3,348 rows of median_weekly_pay."""
    server.fault(ASHE_PAY_CSV, Rewrite(every_other_row))
    status, target, before, report = _run(server, tmp_path)
    err = capsys.readouterr().err
    _assert_failed_cleanly(
        status,
        target,
        before,
        report,
        err,
        "refresh failed at validation",
        "loss: median_weekly_pay (lad; source: ONS Explore Local Statistics "
        f"(gross-median-weekly-pay); file: {ASHE_PAY_CSV}): ",
        "values are gone (50%, more than the 5% allowed",
        "If these losses are expected, rerun with --accept-losses",
    )
    assert "| median_weekly_pay | 6695 | 3348 | 0 | 3347 | 0 |" in report.read_text()


def test_a_second_refresh_of_the_same_sources_changes_no_byte(
    server: FaultServer, refreshed: dict, tmp_path: Path
) -> None:
    """Issue 12.11 for refresh: the same sources give the same files, manifest included."""
    target = refreshed["target"]
    before = snapshot_hashes(target)
    assert (
        main(
            [
                "--mirror",
                server.url,
                "--out",
                str(target),
                "--cache-dir",
                str(tmp_path / "cache"),
                "--report",
                str(tmp_path / "report.md"),
                *FAST,
            ]
        )
        == 0
    )
    assert snapshot_hashes(target) == before


# ---------------------------------------------------------------------------------- --from-dir


@pytest.mark.parametrize("damage", ["missing", "html"])
def test_from_dir_checks_files_before_building(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    folder = mirror(shared_data, tmp_path / "official")
    victim = folder / GDP_LA
    victim.unlink()
    if damage == "html":
        victim.write_bytes(HTML_ERROR)
    target = _target(tmp_path / "target")
    before = snapshot_hashes(target)
    report = tmp_path / "report.md"
    status = main(["--from-dir", str(folder), "--out", str(target), "--report", str(report), "--quiet"])
    needle = "file not found" if damage == "missing" else "is not an Excel workbook but an HTML page"
    _assert_failed_cleanly(status, target, before, report, capsys.readouterr().err, GDP_LA, needle)


def test_mirror_and_from_dir_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--mirror", "http://127.0.0.1:9", "--from-dir", "x"])
    assert exit_info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_missing_target_is_a_clear_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "--mirror",
            "http://127.0.0.1:9",
            "--out",
            str(tmp_path / "nope"),
            "--report",
            str(tmp_path / "r.md"),
            "--quiet",
        ]
    )
    assert status == 1
    assert "target folder" in capsys.readouterr().err


# ------------------------------------------------------------------------------- the downloader


def _downloader(tmp_path: Path, sleeps: list[float] | None = None, **policy) -> Downloader:
    settings = {"read_timeout": 5.0, "connect_timeout": 5.0, "backoff_base": 0.5} | policy
    recorder = sleeps.append if sleeps is not None else (lambda seconds: None)
    return Downloader(FetchPolicy(**settings), tmp_path / "cache", sleep=recorder)


def test_backoff_is_exponential_and_capped() -> None:
    policy = FetchPolicy(backoff_base=0.5, backoff_cap=3.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retries_back_off_then_succeed(server: FaultServer, tmp_path: Path, shared_data: Path) -> None:
    sleeps: list[float] = []
    server.fault(ELS_CLAIMANT, Status(502, times=2))
    fetched = _downloader(tmp_path, sleeps).fetch(f"{server.url}/{ELS_CLAIMANT}", ELS_CLAIMANT, check_csv)
    assert fetched.attempts == 3 and sleeps == [0.5, 1.0]
    assert fetched.sha256 == hashlib.sha256((shared_data / ELS_CLAIMANT).read_bytes()).hexdigest()


def test_conditional_request_reuses_the_cache(server: FaultServer, tmp_path: Path) -> None:
    downloader = _downloader(tmp_path)
    url = f"{server.url}/{ELS_CLAIMANT}"
    first = downloader.fetch(url, ELS_CLAIMANT, check_csv)
    second = downloader.fetch(url, ELS_CLAIMANT, check_csv)
    assert not first.from_cache and second.from_cache
    assert first.etag and second.sha256 == first.sha256
    assert server.hits[ELS_CLAIMANT] == 2 and server.not_modified[ELS_CLAIMANT] == 1


def test_a_bad_body_never_enters_the_cache(server: FaultServer, tmp_path: Path) -> None:
    downloader = _downloader(tmp_path)
    server.fault(GDP_LA, Body(HTML_ERROR, "text/html"))
    with pytest.raises(RefreshError, match="HTML page"):
        downloader.fetch(f"{server.url}/{GDP_LA}", GDP_LA, check_spreadsheet)
    assert not any((tmp_path / "cache" / "objects").iterdir())


def test_size_limit_aborts_a_stream_without_content_length(server: FaultServer, tmp_path: Path) -> None:
    server.fault(ELS_CLAIMANT, Body(b"a,b\n" + b"1,2\n" * 100_000, "text/csv", send_length=False))
    with pytest.raises(
        RefreshError,
        match=r"body exceeds the size limit of 10,000 bytes \(--max-bytes\); "
        "download aborted",
    ):
        _downloader(tmp_path, max_bytes=10_000).fetch(f"{server.url}/{ELS_CLAIMANT}", ELS_CLAIMANT, check_csv)


def test_connection_refused_is_retried_then_named(tmp_path: Path) -> None:
    sleeps: list[float] = []
    with pytest.raises(RefreshError, match=r"x\.csv: connection failed \(connection refused\) \(gave up after 3"):
        _downloader(tmp_path, sleeps).fetch("http://127.0.0.1:9/x.csv", "x.csv")
    assert sleeps == [0.5, 1.0]


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
    record = fetch_entry(entry, tmp_path / "out" / "x.xls", _downloader(tmp_path), mirror=None, fallback_dir=None)
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
    record = fetch_entry(entry, tmp_path / "out.xlsx", _downloader(tmp_path), mirror=None, fallback_dir=None)
    assert "no download link matching" in record.note and "used the last known file URL" in record.note
    without = SourceFile(GDP_LA, "ons_landing", f"{server.url}/datasets/prod", "H", "ONS", link_pattern=r"^gdp$")
    with pytest.raises(RefreshError, match="no direct URL is known"):
        fetch_entry(without, tmp_path / "out2.xlsx", _downloader(tmp_path), mirror=None, fallback_dir=None)
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
    fetch_entry(geo, tmp_path / "x.geojson", _downloader(tmp_path), mirror=None, fallback_dir=None)
    assert json.loads((tmp_path / "x.geojson").read_text())["features"] == features
    table = SourceFile("geo/x.csv", "arcgis_csv", f"{server.url}/{service}", "H", "ONS")
    fetch_entry(table, tmp_path / "x.csv", _downloader(tmp_path), mirror=None, fallback_dir=None)
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
    record = fetch_entry(local, tmp_path / "t7.xlsx", _downloader(tmp_path), mirror=None, fallback_dir=None)
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
            local, tmp_path / "t7.xlsx", _downloader(tmp_path, max_bytes=1_000_000), mirror=None, fallback_dir=None
        )
    assert not (tmp_path / "t7.xlsx").exists()
    server.routes.clear()


def test_manual_files_come_from_the_fallback_folder(tmp_path: Path, shared_data: Path) -> None:
    entry = next(e for e in CATALOGUE if e.method == "manual")
    record = fetch_entry(entry, tmp_path / "n.xlsx", _downloader(tmp_path), mirror=None, fallback_dir=shared_data)
    assert "carried over, not refreshed" in record.note
    with pytest.raises(RefreshError, match="has no machine-readable URL"):
        fetch_entry(entry, tmp_path / "m.xlsx", _downloader(tmp_path), mirror=None, fallback_dir=tmp_path / "none")
