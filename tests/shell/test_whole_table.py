"""The whole-table XLSX: built once in the background with its progress recorded, the page saying how far it
has got and then that it is ready, and a failed build said in words (the CSV still offered)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from components.methods import tidy_table_xlsx
from components.xlsx_writer import xlsx_bytes, xlsx_steps
from loaders.snapshot import read_snapshot
from shell.whole_table import WholeTableBuild, _build, build_status

APP = str(Path(__file__).parents[2] / "app.py")


def test_the_writer_reports_every_step_in_order_and_writes_the_same_bytes() -> None:
    data = pd.DataFrame({"area": ["A", "B", None], "value": [1.5, None, 3.0], "flag": [True, False, True]})
    heard: list[tuple[int, int, str]] = []
    with_progress = xlsx_bytes(data, [["title", "t"]], progress=lambda *step: heard.append(step))
    assert with_progress == xlsx_bytes(data, [["title", "t"]])
    total = xlsx_steps(data)
    assert total == 5
    assert [done for done, _, _ in heard] == [0, 1, 2, 3, 4, 5]
    assert {of for _, of, _ in heard} == {total}
    assert [step for _, _, step in heard] == [
        "column area",
        "column value",
        "column flag",
        "joining the rows",
        "packing the file",
        "done",
    ]


def test_a_build_of_the_snapshot_records_its_progress_and_gives_the_whole_table() -> None:
    snapshot = read_snapshot()
    build = WholeTableBuild()
    _build(build, snapshot)  # what the background thread runs
    assert build.finished.is_set() and build.error is None
    assert (build.done, build.total) == (snapshot.indicators.shape[1] + 2,) * 2
    assert build.wait() == tidy_table_xlsx(snapshot.indicators, snapshot.metadata, snapshot.manifest)
    assert build_status(build).startswith(f"The XLSX is ready: {len(build.wait()) / 1e6:.1f} MB, prepared in ")


def test_status_while_building_and_after_a_failure() -> None:
    build = WholeTableBuild()
    build.record(3, 12, "column area_name")
    assert build_status(build).startswith("Preparing the XLSX: step 4 of 12 (column area_name), ")

    class Broken:
        indicators = pd.DataFrame({"x": [1]})
        metadata = None  # not a mapping: the writer fails
        manifest: dict = {}

    failed = WholeTableBuild()
    _build(failed, Broken())  # type: ignore[arg-type]
    assert failed.finished.is_set() and failed.result is None
    text = build_status(failed)
    assert text.startswith("The XLSX could not be built (") and "the CSV above holds the same table" in text
    try:
        failed.wait()
    except RuntimeError as exc:
        assert "could not be built" in str(exc)
    else:
        raise AssertionError("wait() returned without a workbook")


def test_data_and_methods_says_when_the_xlsx_is_ready() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("app_pages/data_and_methods.py")
    at.run()
    assert not at.exception
    from shell.whole_table import whole_table_build

    snapshot = read_snapshot()
    build = whole_table_build(snapshot, snapshot.manifest.get("snapshot_id", ""))
    build.wait()
    at.run()
    captions = [caption.value for caption in at.caption]
    assert any(text.startswith("The XLSX is ready: ") for text in captions), captions
