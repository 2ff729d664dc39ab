"""Deferred downloads (st.download_button given a callable) as a test sees them: each button's callable is
kept by its file id, so a test runs exactly what a click runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager


@dataclass(frozen=True)
class Deferred:
    build: Callable[[], bytes | str]
    file_name: str | None


@contextmanager
def recording_deferred_downloads(store: dict[str, Deferred]) -> Iterator[None]:
    """While open, every deferred download registered is also put in `store` by its file id."""
    original = MediaFileManager.add_deferred

    def recording(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, element_id=element_id)
        store[file_id] = Deferred(data_callable, file_name)
        return file_id

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MediaFileManager, "add_deferred", recording)
        yield
