"""A slide pack (PPTX) of the current view for presenters: a title slide (what, where, when, sources),
one slide per chart or map with its title and source line, and a closing sources-and-licence slide.
16:9, large type, pictures scaled to fit without being stretched."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from components.attribution import ATTRIBUTION
from components.exports import Figure, export_spec, png, source_lines

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)
TITLE_HEIGHT = Inches(0.85)
SOURCE_HEIGHT = Inches(0.55)
DARK = RGBColor(0x1F, 0x1F, 0x1F)
GREY = RGBColor(0x44, 0x44, 0x44)


@dataclass(frozen=True)
class Slide:
    """One content slide: a heading, a PNG and the source line printed under it."""

    title: str
    png: bytes
    source: str


def png_size(data: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's IHDR chunk (no image library needed)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def fit(image_w: int, image_h: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The largest size with the image's aspect ratio inside the box (never stretched)."""
    if image_w <= 0 or image_h <= 0:
        raise ValueError("an image needs a positive size")
    scale = min(box_w / image_w, box_h / image_h)
    return int(image_w * scale), int(image_h * scale)


def _text(slide, left: int, top: int, width: int, height: int, lines: Sequence[str], size: int,
          bold: bool = False, colour: RGBColor = DARK) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour


def slide_pack(slides: Sequence[Slide], *, title: str, subtitle: str, date: str, sources: Sequence[str],
               link: str | None = None) -> bytes:
    """The PPTX as bytes: title slide, one slide per figure, closing sources slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = deck.slide_layouts[6]
    inner_w = SLIDE_WIDTH - 2 * MARGIN

    first = deck.slides.add_slide(blank)
    _text(first, MARGIN, Inches(2.0), inner_w, Inches(1.4), [title], 40, bold=True)
    _text(first, MARGIN, Inches(3.5), inner_w, Inches(1.0), [subtitle], 24, colour=GREY)
    _text(first, MARGIN, Inches(4.6), inner_w, Inches(0.5), [date], 18, colour=GREY)
    _text(first, MARGIN, Inches(5.3), inner_w, Inches(1.8),
          ["Sources: " + "; ".join(dict.fromkeys(sources)) if sources else "Sources: see the last slide", ATTRIBUTION],
          14, colour=GREY)

    for item in slides:
        slide = deck.slides.add_slide(blank)
        _text(slide, MARGIN, Inches(0.2), inner_w, TITLE_HEIGHT, [item.title], 28, bold=True)
        box_top = Inches(0.2) + TITLE_HEIGHT
        box_h = SLIDE_HEIGHT - box_top - SOURCE_HEIGHT - Inches(0.2)
        width_px, height_px = png_size(item.png)
        pic_w, pic_h = fit(width_px, height_px, int(inner_w), int(box_h))
        left = int(MARGIN + (inner_w - pic_w) / 2)
        slide.shapes.add_picture(io.BytesIO(item.png), Emu(left), Emu(int(box_top)), Emu(pic_w), Emu(pic_h))
        _text(slide, MARGIN, SLIDE_HEIGHT - SOURCE_HEIGHT - Inches(0.1), inner_w, SOURCE_HEIGHT, [item.source], 12,
              colour=GREY)

    last = deck.slides.add_slide(blank)
    _text(last, MARGIN, Inches(0.4), inner_w, TITLE_HEIGHT, ["Sources and licence"], 32, bold=True)
    lines = [f"• {source}" for source in dict.fromkeys(sources)] + ["", ATTRIBUTION]
    if link:
        lines += ["", f"This view: {link}"]
    _text(last, MARGIN, Inches(1.5), inner_w, Inches(5.5), lines, 18)

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def figure_slides(figures: Sequence[Figure]) -> list[Slide]:
    """Render each figure (PNG, 2x) with its title and source line for the slide pack."""
    return [Slide(figure.title, png(export_spec(figure)), " ".join(source_lines(figure))) for figure in figures]


def figure_sources(figures: Sequence[Figure]) -> list[str]:
    """The distinct sources named by the figures, in order of appearance."""
    return list(dict.fromkeys(source for figure in figures for source in figure.sources if source))


def page_slide_pack(figures: Sequence[Figure], *, page_title: str, where: str, what: str, date: str,
                    link: str | None = None) -> bytes:
    """The slide pack of one page's view: '<page>: <area or level>' on the title slide, then its figures."""
    return slide_pack(figure_slides(figures), title=f"{page_title}: {where}", subtitle=what, date=date,
                      sources=figure_sources(figures), link=link)
