"""What a session holds of its uploads, and that it goes with the session: the Your data page keeps its
results in session state only, none made from a file that was removed or replaced, at most a fixed
number, and no full-resolution boundaries; the janitor frees the uploaded files of sessions Streamlit no
longer has (Streamlit 1.67 drops an expired session without shutting it down, so they stayed for the
life of the process). Server RSS over whole sessions is measured in the report of issue 12, not here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.uploads.safe_reading import MapBoundaries
from shell import session_memory
from tests.loaders.hostile_builders import csv_bytes, many_circles_geojson

APP = str(Path(__file__).parents[2] / "app.py")
PAGE = "app_pages/your_data.py"


def test_results_of_a_replaced_or_removed_file_are_dropped_and_boundaries_kept_light() -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(PAGE)
    app.run()
    values, boundaries = app.get("file_uploader")
    values.set_value(("first.csv", csv_bytes([["area_code", "v"], ["E37000025", 1], ["E37000001", 2]]), "text/csv"))
    boundaries.set_value(("circles.geojson", many_circles_geojson(2_000_000), "application/geo+json"))
    app.run()
    assert not app.exception
    memo = app.session_state["your_data_memo"]
    first_ids = set(app.session_state["your_data_memo_files"])
    assert len(first_ids) == 2
    (kept,) = [value for key, value in memo.items() if key[0] == "bounds"]
    assert isinstance(kept[0], MapBoundaries) and len(kept[0].areas) > 50  # the areas and the map copy only
    assert {key[0] for key in memo} >= {"values", "bounds", "match", "map"}

    app.get("file_uploader")[0].set_value(("second.csv", csv_bytes([["area_code", "v"], ["E37000025", 3]]), "text/csv"))
    app.run()
    assert not app.exception
    now = set(app.session_state["your_data_memo_files"])
    assert len(now) == 2 and len(now & first_ids) == 1  # the boundaries stayed, the first values went
    gone = first_ids - now
    assert not [key for key in app.session_state["your_data_memo"] if gone & set(key)]

    app.get("file_uploader")[0].set_value(None)
    app.get("file_uploader")[1].set_value(None)
    app.run()
    assert not app.session_state["your_data_memo_files"]
    assert not [key for key in app.session_state["your_data_memo"] if key[0] in ("values", "bounds", "match", "map")]


def test_the_memo_holds_at_most_its_bound() -> None:
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page(PAGE)
    app.run()
    app.get("file_uploader")[0].set_value(("v.csv", csv_bytes([["area_code", "v"], ["E37000025", 1]]), "text/csv"))
    app.run()
    for level in ("lad", "itl1", "itl2", "itl3", "rgn", "cauth", "lep", "lad", "itl1", "itl2", "itl3", "rgn"):
        app.sidebar.selectbox(key="level").set_value(level)
        app.run()
        assert not app.exception
        assert len(app.session_state["your_data_memo"]) <= 16


@dataclass
class FakeSession:
    id: str


@dataclass
class FakeInfo:
    session: FakeSession


@dataclass
class FakeSessions:
    ids: list[str]

    def list_sessions(self) -> list[FakeInfo]:
        return [FakeInfo(FakeSession(session_id)) for session_id in self.ids]


@dataclass
class FakeUploads:
    file_storage: dict[str, dict[str, bytes]] = field(default_factory=dict)

    def remove_session_files(self, session_id: str) -> None:
        self.file_storage.pop(session_id, None)


@dataclass
class FakeRuntime:
    _session_mgr: FakeSessions
    uploaded_file_mgr: FakeUploads


def test_the_janitor_frees_the_files_of_ended_sessions_only(monkeypatch: pytest.MonkeyPatch) -> None:
    uploads = FakeUploads({"live": {"f1": b"x"}, "ended": {"f2": b"y" * 1000}, "never listed": {"f3": b"z"}})
    runtime = FakeRuntime(FakeSessions(["live", "ended"]), uploads)
    monkeypatch.setattr(session_memory.Runtime, "exists", classmethod(lambda cls: True))
    monkeypatch.setattr(session_memory.Runtime, "instance", classmethod(lambda cls: runtime))
    known: set[str] = set()
    assert session_memory.free_ended_sessions(known) == 0
    assert set(uploads.file_storage) == {"live", "ended"} and known == {"live", "ended"}
    runtime._session_mgr.ids.remove("ended")
    assert session_memory.free_ended_sessions(known) == 1
    assert set(uploads.file_storage) == {"live"} and known == {"live"}
