"""The slide pack of every page that has one, at several levels and selections (a long-named LEP, a LAD,
the Targets page's area group, the Your data example), built by the very callable the download button runs
and checked as geometry by tests/slide_checks.py. Each run prints its slide count and smallest chart text."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

import components.slides
from components.slides import NO_LINK
from components.view_links import PUBLIC_URL_ENV
from tests.app_pages.deferred_downloads import Deferred, recording_deferred_downloads
from tests.slide_checks import LOOPBACK, check_slide_pack

APP = str(Path(__file__).parents[2] / "app.py")
LONG_NAME = "E37000059"  # Greater Cambridge and Greater Peterborough
CHESHIRE = "E37000003"  # Cheshire and Warrington (the presenter's walk in issue 11)
NEWCASTLE = "E08000021"
VIEWS = [
    ("manufacturing", {"level": "lep", "area": CHESHIRE}),
    ("manufacturing", {"level": "lep", "area": LONG_NAME}),
    ("overview", {"level": "lep", "area": LONG_NAME}),
    ("overview", {"level": "lad", "area": NEWCASTLE}),
    ("productivity_gaps", {"level": "lep", "area": LONG_NAME}),
    ("productivity_gaps", {"level": "lad", "area": NEWCASTLE}),
    ("levelling_up", {"level": "lep", "area": LONG_NAME}),
    ("compare_areas", {"level": "lep", "area": LONG_NAME}),
    # charts with 95% intervals: error bars on a split ranking, bands over time
    ("overview", {"level": "lad", "area": "E06000001", "indicator": "unemployment_rate", "benchmark": "E92000001"}),
    (
        "compare_areas",
        {"level": "lep", "area": "E37000025", "cmp_areas": "E37000034", "cmp_indicator": "employment_16_64"},
    ),
    ("targets", {}),  # the six North East targets and the North West pilot group
    ("your_data", {"level": "lep"}),  # the example file
]
DEFERRED: dict[str, Deferred] = {}


@pytest.fixture(scope="module", autouse=True)
def record_deferred_downloads() -> Iterator[None]:
    with recording_deferred_downloads(DEFERRED):
        yield


def open_view(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    if page == "your_data":
        at.toggle(key="your_data_example").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def build_pack(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, list, list]:
    """The pack as a click builds it, with the pictures it was made of (recorded on the way)."""
    made = []
    real = components.slides.slide_pictures

    def recording(figure, box_w, box_h):
        pictures = real(figure, box_w, box_h)
        made.extend(pictures)
        return pictures

    monkeypatch.setattr(components.slides, "slide_pictures", recording)
    (button,) = [b for b in at.get("download_button") if b.proto.label.startswith("Slide pack")]
    data = DEFERRED[button.proto.deferred_file_id].build()
    figures = [item.figure for item in at.session_state["_figures_this_run"]]
    return data, figures, made


@pytest.mark.parametrize(
    ("page", "params"), VIEWS, ids=[f"{p}-{v.get('level', 'default')}-{v.get('area', '')}" for p, v in VIEWS]
)
def test_every_slide_pack_is_laid_out_for_projection(
    page: str, params: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_view(page, params)
    data, figures, made = build_pack(at, monkeypatch)
    report = check_slide_pack(data, figures, made)
    print(
        f"{page} {params}: {report.slides} slides, {report.pictures} pictures for {len(figures)} figures, "
        f"smallest chart text {report.smallest_pt:.1f} pt"
    )
    closing = " ".join(
        shape.text_frame.text for shape in Presentation(io.BytesIO(data)).slides[-1].shapes if shape.has_text_frame
    )
    assert NO_LINK in closing  # AppTest has no public address: the slide says where to get the link


def test_the_link_is_a_real_hyperlink_to_the_public_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://productivity.example.org/explorer")
    at = open_view("compare_areas", {"level": "lep", "area": CHESHIRE})
    data, _, _ = build_pack(at, monkeypatch)
    closing = Presentation(io.BytesIO(data)).slides[-1]
    links = [
        run.hyperlink.address
        for shape in closing.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.hyperlink.address
    ]
    assert len(links) == 1 and links[0].startswith("https://productivity.example.org/explorer/")
    assert "level=lep" in links[0] and f"area={CHESHIRE}" in links[0] and not LOOPBACK.search(links[0])


def test_a_loopback_public_address_is_never_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PUBLIC_URL_ENV, "http://127.0.0.1:8501")
    at = open_view("compare_areas", {"level": "lep", "area": CHESHIRE})
    data, _, _ = build_pack(at, monkeypatch)
    texts = [
        run.text
        for slide in Presentation(io.BytesIO(data)).slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    ]
    assert not [text for text in texts if LOOPBACK.search(text)] and NO_LINK in texts
