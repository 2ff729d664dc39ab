"""The slide pack: opened with python-pptx and checked slide by slide, and the pieces it is laid out with
(text measured with the DejaVu font files, not with the code's own estimate)."""

from __future__ import annotations

import io
import string

import pandas as pd
import pytest
from PIL import Image, ImageFont
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches

import components.slides
from components.attribution import ATTRIBUTION
from components.exports import svg
from components.figures import Figure
from components.slide_labels import kept_apart, spread
from components.slide_pictures import SlidePicture, slide_pictures, split_rows, untitled_spec
from components.slides import (
    NO_LINK,
    Slide,
    page_slide_pack,
    slide_pack,
    text_width_pt,
)
from components.view_links import is_public_address, public_view_link
from tests.slide_checks import FONT_DIR, check_slide_pack

LONG_TITLES = [
    "Manufacturing enterprises by size band, Greater Cambridge and Greater Peterborough LEP, 2018-2022",
    "Manufacturing share of GVA, Cheshire and Warrington LEP and benchmarks, 1998-2023",
    "WWW MMM %%% @@@ Greater Manchester Combined Authority: gap to benchmarks, 2004–2023 (£ per hour)",
]


def png_of(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (59, 82, 139)).save(out, format="PNG")
    return out.getvalue()


def picture(width: int, height: int) -> SlidePicture:
    return SlidePicture({}, png_of(2 * width, 2 * height), width, height, 14.6)


def chart(key: str, title: str, kind: str = "chart", rows: int = 2) -> Figure:
    values = [{"a": f"Area {i}", "b": i + 1} for i in range(rows)]
    spec = {
        "data": {"values": values},
        "mark": "bar",
        "width": 400,
        "height": 16 * rows,
        "encoding": {
            "x": {"field": "b", "type": "quantitative"},
            "y": {"field": "a", "type": "nominal", "sort": [v["a"] for v in values]},
        },
        "title": {"text": title, "subtitle": ["own subtitle"]},
    }
    return Figure(
        key,
        title,
        "Indicator, 2023, against England",
        spec,
        pd.DataFrame({"a": ["x"]}),
        kind=kind,
        sources=(f"Source of {key}",),
        description=f"Bars of {key}, one per area.",
    )


def texts(slide) -> str:
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


@pytest.mark.parametrize("text", [*LONG_TITLES, string.printable[:95], "£–—€’“”·•"])
def test_the_width_estimate_is_never_narrower_than_dejavu_sans_bold(text: str) -> None:
    face = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 1000)
    for word in [text, *text.split(), *text]:
        assert text_width_pt(word, 28) >= face.getlength(word) / 1000 * 28, word


def test_pack_has_title_content_and_sources_slides_laid_out_apart() -> None:
    slides = [
        Slide(LONG_TITLES[0], "Subtitle", picture(900, 450), "Source: A. Licensed under the OGL.", "Alt A"),
        Slide("A tall map", "", picture(400, 800), "Source: B. Contains OS data.", "Alt B"),
    ]
    data = slide_pack(
        slides,
        title="Overview: Greater Cambridge and Greater Peterborough",
        subtitle="LEPs · 2023",
        date="22 November 2026",
        sources=["Source A", "Source B", "Source A"],
        link="https://example.org/?level=lep",
    )
    deck = Presentation(io.BytesIO(data))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))  # 16:9
    made = list(deck.slides)
    assert len(made) == 4
    assert "Greater Cambridge" in texts(made[0]) and "Source A; Source B" in texts(made[0])
    for slide, item in zip(made[1:3], slides, strict=True):
        [shape] = pictures(slide)
        assert shape.element.nvPicPr.cNvPr.get("descr") == item.alt
        width, height = Image.open(io.BytesIO(shape.image.blob)).size
        assert abs(shape.width / shape.height - width / height) < 0.01  # not stretched
        assert shape.width >= Inches(4) or shape.height >= Inches(4)  # uses the slide, not a thumbnail
    closing = texts(made[3])
    assert ATTRIBUTION in closing and "https://example.org/?level=lep" in closing and closing.count("Source A") == 1
    links = [
        run.hyperlink.address
        for shape in made[3].shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    ]
    assert "https://example.org/?level=lep" in links


def test_a_loopback_link_is_replaced_by_where_to_find_one() -> None:
    data = slide_pack(
        [], title="T", subtitle="S", date="today", sources=["S"], link="http://127.0.0.1:8501/manufacturing?level=lep"
    )
    closing = texts(list(Presentation(io.BytesIO(data)).slides)[-1])
    assert "127.0.0.1" not in closing and NO_LINK in closing


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://productivity.example.gov.uk/x", True),
        ("http://81.2.69.160/", True),
        ("http://127.0.0.1:8501/", False),
        ("http://localhost:8501/", False),
        ("http://[::1]/", False),
        ("http://10.1.2.3/", False),
        ("http://192.168.0.4/", False),
        ("http://0.0.0.0/", False),
        ("http://app.local/", False),
        ("ftp://example.org/", False),
        ("", False),
        (None, False),
        ("http://intranet/", False),
    ],
)
def test_which_addresses_are_public(url: str | None, public: bool) -> None:
    assert is_public_address(url) is public


def test_the_view_link_uses_the_public_address_and_the_page() -> None:
    params = {"level": "lep", "area": "E37000003"}
    assert (
        public_view_link("http://127.0.0.1:8501/manufacturing", params, "https://rpe.example.org/app/")
        == "https://rpe.example.org/app/manufacturing?level=lep&area=E37000003"
    )
    assert public_view_link("http://127.0.0.1:8501/manufacturing", params, None) is None
    assert public_view_link("http://127.0.0.1:8501/", params, "http://localhost") is None
    assert public_view_link("https://rpe.example.org/gaps", {}, None) == "https://rpe.example.org/gaps"


def test_a_chart_is_drawn_without_its_title_and_with_fixed_width() -> None:
    spec = untitled_spec(chart("c", "Title"), width_px=700)
    assert "title" not in spec and spec["width"] == 400 and spec["background"] == "white"
    assert spec["config"]["axis"]["labelFontSize"] == 10  # every size written out, so it can be scaled
    long_axis = {
        "mark": "line",
        "width": "container",
        "encoding": {
            "y": {"field": "v", "type": "quantitative", "title": "gap to England excluding London (percentage points)"},
            "color": {
                "field": "s",
                "type": "nominal",
                "scale": {"domain": ["Greater Cambridge and Greater Peterborough LEP", "England"]},
                "legend": {"orient": "bottom"},
            },
        },
    }
    spec = untitled_spec(Figure("k", "T", "", long_axis, pd.DataFrame()), width_px=700)
    assert spec["width"] == 700
    assert spec["encoding"]["y"]["title"] == ["gap to England excluding", "London (percentage points)"]
    assert spec["encoding"]["color"]["legend"]["columns"] == 1  # a long name gets its own line


def test_a_long_ranked_chart_is_split_on_one_value_axis() -> None:
    spec = untitled_spec(chart("c", "Title", rows=38), width_px=700)
    parts = split_rows(spec, 3)
    assert [len(part["encoding"]["y"]["sort"]) for part in parts] == [13, 13, 12]
    assert all(part["encoding"]["x"]["scale"]["domain"] == [0.0, 38] for part in parts)
    names = [name for part in parts for name in part["encoding"]["y"]["sort"]]
    assert names == spec["encoding"]["y"]["sort"]  # every area once, in rank order


def test_a_split_ranked_chart_keeps_every_error_bar_on_its_value_axis() -> None:
    """Hartlepool's Overview, 2023 unemployment: the parts of the ranked chart share one axis that reaches the
    highest upper limit of any 95% interval drawn (Pendle's 11.5%, beyond every bar), so no error bar is cut."""
    from components.charts import rows_for_ranked_chart
    from components.overview import build_overview
    from loaders.snapshot import read_boundaries_json
    from tests.snapshot_rows import METADATA, rows_of

    view = build_overview(
        rows_of("unemployment_rate"),
        METADATA["unemployment_rate"],
        read_boundaries_json("lad"),
        "lad",
        2023,
        "E92000001",
        "E06000001",
    )
    figure = Figure("overview_ranked", "T", "S", view.chart, pd.DataFrame())
    parts = split_rows(untitled_spec(figure, width_px=700), 3)
    drawn = rows_for_ranked_chart(view.table, "E06000001")
    highest_limit, highest_value = float(drawn["uci"].max()), float(drawn["value"].max())
    assert highest_limit > highest_value  # an error bar reaches past every bar
    assert len(parts) == 3
    for part in parts:
        (bars,) = [layer for layer in part["layer"] if layer["mark"]["type"] == "bar"]
        assert bars["encoding"]["x"]["scale"]["domain"][1] >= highest_limit


def test_page_pack_of_small_and_long_charts_passes_the_geometry_checks(monkeypatch) -> None:
    figures = [
        chart("first", LONG_TITLES[0]),
        chart("ranked", "Ranked LEPs", rows=38),
        chart("map", "A map", kind="map"),
    ]
    made: list[SlidePicture] = []

    def record(figure, box_w, box_h):
        pictures_made = slide_pictures(figure, box_w, box_h)
        made.extend(pictures_made)
        return pictures_made

    monkeypatch.setattr(components.slides, "slide_pictures", record)
    data = page_slide_pack(
        figures, page_title="Overview", where="Newcastle upon Tyne", what="LADs · 2023", date="today", link=None
    )
    report = check_slide_pack(data, figures, made)
    assert report.pictures > len(figures)  # the 38 rows went over more than one slide
    assert report.smallest_pt >= 14
    deck = list(Presentation(io.BytesIO(data)).slides)
    assert "(part 1 of" in texts(deck[2]) and "Contains OS data" in texts(deck[-2])


def test_crowded_end_labels_are_spread_and_mapped_back() -> None:
    assert spread([10, 12, 50, 51, 52, 100], 10) == [6.0, 16.0, 41.0, 51.0, 61.0, 100.0]
    spec = {
        "layer": [
            {
                "mark": "line",
                "data": {"values": [{"t": 0, "v": 10}, {"t": 1, "v": 10.2}]},
                "encoding": {"x": {"field": "t", "type": "quantitative"}, "y": {"field": "v", "type": "quantitative"}},
            },
            {
                "mark": {"type": "text", "fontSize": 30},
                "data": {
                    "values": [
                        {"t": 1, "y": 10.0, "s": "First"},
                        {"t": 1, "y": 10.2, "s": "Second"},
                        {"t": 1, "y": 20.0, "s": "Far"},
                    ]
                },
                "encoding": {
                    "x": {"field": "t", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                    "text": {"field": "s"},
                },
            },
        ],
        "width": 300,
        "height": 200,
    }
    moved = kept_apart(spec, svg(spec))
    rows = moved["layer"][1]["data"]["values"]
    first, second = rows[0]["y"], rows[1]["y"]
    assert second - first > 0.2 and abs((first + second) / 2 - 10.1) < 1e-6  # apart, centred where they were
    assert rows[2]["y"] == 20.0  # a label with room keeps its place
    assert kept_apart(moved, svg(moved)) is None  # nothing left to move


def test_type_sizes_are_checked_at_the_placed_size() -> None:
    figure = chart("c", "Title")
    [made] = slide_pictures(figure, 900, 380)
    assert made.smallest_font_px * made.placed_scale(900, 380) >= 14
