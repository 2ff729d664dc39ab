"""No visible text on any page, at any geography level, for a few selections (tests/page_walk.py), shows
`None`, `nan`, a negative zero such as `-0.00`, or a raw indicator key such as `manufacturing_gva_share`
where its label belongs: markdown, captions, headings, alerts, metrics, table headers and cells (a missing
value as the grid shows it), widget labels and options, tabs, expanders, buttons, toasts and chart titles."""

from __future__ import annotations

import json

import pytest
from PIL import ImageFont
from streamlit.testing.v1 import AppTest

from tests.page_walk import APP, PAGES, TextFault, View, seen, text_faults, views
from tests.svg_text import FONT_DIRS

VIEWS = views(PAGES)


def faults_of(view: View) -> list[TextFault]:
    runs = seen(view)
    for run in runs:
        assert not run.exceptions, run.exceptions
    return text_faults(view, runs)


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
def test_no_text_shows_none_nan_negative_zero_or_a_raw_key(view: View) -> None:
    faults = faults_of(view)
    assert not faults, "\n".join(f"{found.fault} in {found.where}: {found.text[:200]!r}" for found in faults)


def test_the_walk_reads_text_on_every_page() -> None:
    """The check has something to read: every page at every level shows its title and some prose."""
    for view in VIEWS:
        texts = [text for run in seen(view) for _, text in run.texts]
        assert len(texts) > 10 and any(len(text) > 60 for text in texts), view.name


def test_empty_table_cells_read_no_data() -> None:
    """A table cell without a value reads "no data", not Streamlit's "None" (Targets: the years after the
    latest data have no actual value yet)."""
    (view,) = [view for view in VIEWS if (view.page, view.level, view.selection) == ("targets", "lep", "no area")]
    cells = [text for run in seen(view) for where, text in run.texts if "dataframe[actual]" in where]
    assert "no data" in cells and "None" not in cells


def test_scorecard_names_fit_their_column() -> None:
    """Issue 11: the Levelling up scorecard cut indicator names short. Its Indicator column is at least as
    wide as its longest name set in 14 px Liberation Sans (wider than the grid's Source Sans) plus the cell's
    8 px padding each side."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["level"], at.query_params["area"] = "lad", "E06000001"
    at.switch_page("app_pages/levelling_up.py")
    at.run()
    assert not at.exception
    (card,) = [frame for frame in at.dataframe if "label" in frame.value.columns]
    width = json.loads(card.proto.columns)["label"]["width"]
    font = ImageFont.truetype(
        str(
            next(
                folder / "LiberationSans-Regular.ttf"
                for folder in FONT_DIRS
                if (folder / "LiberationSans-Regular.ttf").exists()
            )
        ),
        size=14,
    )
    longest = max(font.getlength(name) for name in card.value["label"])
    assert isinstance(width, int) and width >= longest + 16, (width, longest)
