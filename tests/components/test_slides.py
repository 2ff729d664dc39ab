"""The slide pack: opened with python-pptx and checked slide by slide."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu, Inches

from components.attribution import ATTRIBUTION
from components.exports import Figure
from components.slides import Slide, fit, page_slide_pack, png_size, slide_pack


def png_of(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (59, 82, 139)).save(out, format="PNG")
    return out.getvalue()


def chart(key: str, title: str, kind: str = "chart") -> Figure:
    spec = {"data": {"values": [{"a": "x", "b": 2}, {"a": "y", "b": 5}]}, "mark": "bar", "width": 400,
            "height": 150, "encoding": {"x": {"field": "b", "type": "quantitative"},
                                        "y": {"field": "a", "type": "nominal"}}}
    return Figure(key, title, "Indicator, 2023, against England", spec, pd.DataFrame({"a": ["x"]}), kind=kind,
                  sources=(f"Source of {key}",))


def texts(slide) -> str:
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_fit_keeps_the_aspect_ratio_inside_the_box() -> None:
    assert fit(2000, 1000, 1000, 1000) == (1000, 500)
    assert fit(1000, 2000, 1000, 1000) == (500, 1000)
    with pytest.raises(ValueError):
        fit(0, 10, 10, 10)


def test_png_size_reads_the_header_and_refuses_other_files() -> None:
    assert png_size(png_of(321, 123)) == (321, 123)
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + b"\0" * 30)


def test_pack_has_title_content_and_sources_slides() -> None:
    wide, tall = png_of(1800, 900), png_of(800, 1600)
    data = slide_pack([Slide("A wide chart", wide, "Source: A. Licensed under the OGL."),
                       Slide("A tall map", tall, "Source: B. Contains OS data.")],
                      title="Overview: North East LEP", subtitle="LEPs · 2023", date="22 November 2026",
                      sources=["Source A", "Source B", "Source A"], link="http://x/?level=lep")
    deck = Presentation(io.BytesIO(data))
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))  # 16:9
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.001
    slides = list(deck.slides)
    assert len(slides) == 4
    assert "Overview: North East LEP" in texts(slides[0]) and "22 November 2026" in texts(slides[0])
    assert "Source A; Source B" in texts(slides[0])
    for slide, (title, source, (w, h)) in zip(slides[1:3], [("A wide chart", "Source: A.", (1800, 900)),
                                                             ("A tall map", "Source: B.", (800, 1600))], strict=True):
        assert title in texts(slide) and source in texts(slide)
        [picture] = pictures(slide)
        assert abs(picture.width / picture.height - w / h) < 0.01  # not stretched
        assert picture.left >= 0 and picture.top >= 0
        assert picture.left + picture.width <= deck.slide_width and picture.top + picture.height <= deck.slide_height
        assert picture.width >= Inches(4) or picture.height >= Inches(5)  # uses the slide, not a thumbnail
    closing = texts(slides[3])
    assert "Sources and licence" in closing and ATTRIBUTION in closing and "http://x/?level=lep" in closing
    assert closing.count("Source A") == 1
    assert not pictures(slides[0]) and not pictures(slides[3])


def test_type_is_large_enough_to_read() -> None:
    deck = Presentation(io.BytesIO(slide_pack([Slide("T", png_of(100, 50), "Source: S.")], title="Title",
                                              subtitle="Sub", date="today", sources=["S"])))
    sizes = {run.text: run.font.size for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
             for paragraph in shape.text_frame.paragraphs for run in paragraph.runs}
    assert sizes["Title"] >= Emu(Inches(0.5)) and sizes["T"].pt >= 24 and sizes["Source: S."].pt >= 12


def test_page_pack_renders_each_figure_with_its_source_line() -> None:
    figures = [chart("first", "First chart"), chart("second", "A map", kind="map")]
    deck = Presentation(io.BytesIO(page_slide_pack(figures, page_title="Overview", where="Newcastle upon Tyne",
                                                   what="LADs · 2023", date="today", link="?level=lad")))
    slides = list(deck.slides)
    assert len(slides) == len(figures) + 2
    assert "Overview: Newcastle upon Tyne" in texts(slides[0])
    for slide, figure in zip(slides[1:-1], figures, strict=True):
        [picture] = pictures(slide)
        assert picture.image.content_type == "image/png"
        width, height = png_size(picture.image.blob)
        assert width >= 2 * 400 and height >= 2 * 150  # rendered at 2x
        assert figure.title in texts(slide)
        assert f"Source: {figure.sources[0]}." in texts(slide) and "Open Government Licence v3.0" in texts(slide)
    assert "Contains OS data" in texts(slides[2])  # the map's slide carries the OS line
    assert "Source of first" in texts(slides[-1]) and "Source of second" in texts(slides[-1])
