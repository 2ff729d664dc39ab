"""`python -m loaders.refresh` with faults injected while fetching (HTTP errors, truncated, reset, slow or
rewritten bodies) and while parsing (changed layouts, lost areas and rows): each fails with exit status 1, a
message naming the file and the problem, a report, and the previous snapshot byte-for-byte unchanged."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.loaders.bad_sources import ASHE_PAY_CSV, every_other_row
from tests.loaders.fault_server import Body, Delay, FaultServer, Reset, Rewrite, Status, Truncate
from tests.loaders.refresh.refresh_runs import (
    ELS_GIGABIT,
    GDP_LA,
    GVA_NE,
    HTML_ERROR,
    LAD_PRODUCTIVITY,
    assert_failed_cleanly,
    mirror_refresh,
)

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
    status, target, before, report = mirror_refresh(server, tmp_path, *extra)
    err = capsys.readouterr().err
    assert_failed_cleanly(status, target, before, report, err, path, *needles)
    assert server.hits[path] == max_hits
    assert path in report.read_text()


def test_truncated_workbook_without_length_is_caught_by_the_zip_check(
    server: FaultServer, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (shared_data / GVA_NE).read_bytes()
    server.fault(GVA_NE, Body(data[: len(data) // 2], send_length=False))
    status, target, before, report = mirror_refresh(server, tmp_path)
    assert_failed_cleanly(
        status, target, before, report, capsys.readouterr().err, GVA_NE, "truncated or corrupt xlsx (zip) container"
    )


def test_truncated_xls_is_caught_by_the_sector_check(
    server: FaultServer, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (shared_data / LAD_PRODUCTIVITY).read_bytes()
    server.fault(LAD_PRODUCTIVITY, Body(data[:300_000], send_length=False))
    status, target, before, report = mirror_refresh(server, tmp_path)
    assert_failed_cleanly(
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
    status, target, before, report = mirror_refresh(server, tmp_path)
    err = capsys.readouterr().err
    assert_failed_cleanly(
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
    status, target, before, report = mirror_refresh(server, tmp_path)
    err = capsys.readouterr().err
    assert_failed_cleanly(
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
    status, target, before, report = mirror_refresh(server, tmp_path)
    err = capsys.readouterr().err
    assert_failed_cleanly(
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
