"""The Your data page under AppTest, one app per test module, with its deferred downloads recorded so the
tests can build them as a click would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_pages.deferred_downloads import recording_deferred_downloads
from tests.app_pages.your_data.page_helpers import APP, DEFERRED, PAGE


@pytest.fixture(scope="module", autouse=True)
def record_deferred_downloads() -> Iterator[None]:
    with recording_deferred_downloads(DEFERRED):
        yield


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(PAGE)
    app.run()
    return app
