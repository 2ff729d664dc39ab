"""A slide pack (PPTX) of the current view for presenters: a title slide (what, where, when, sources),
one slide per chart or map (or per part of a chart too tall for one slide), and a closing sources-and-licence
slide with a link to the view.

Each figure slide says its title, subtitle and source once, as slide text, above and below a picture of the
chart drawn without them (components.slide_pictures sizes its type to at least 14 pt as placed). The text
boxes are sized from a conservative estimate of the text's width (wider than DejaVu Sans Bold, the widest
common fallback font), so a long title wraps inside its own box and never runs into the picture. The picture's
alt text is the figure's title and description. 16:9, pictures fitted without being stretched.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Pt

from components.attribution import ATTRIBUTION
from components.exports import source_lines
from components.figures import Figure
from components.slide_pictures import SlidePicture, slide_pictures
from components.view_links import is_public_address

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)
TOP = Inches(0.25)
BOTTOM = Inches(0.2)
GAP = Inches(0.1)
INSET = Inches(0.05)  # python-pptx's default top and bottom inset of a text box
SIDE_INSET = Inches(0.1)  # and its left and right inset
LINE_SPACING = 1.2  # line height as a multiple of the font size
TITLE_SIZES = (28, 26, 24, 22, 20)  # the largest that fits the title in two lines is used
SUBTITLE_SIZE, SOURCE_SIZE = 16, 12
DARK = RGBColor(0x1F, 0x1F, 0x1F)
GREY = RGBColor(0x44, 0x44, 0x44)
NO_LINK = "Link to this view: copy it from the app's “Copy link to this view” button (no public address is set)."

# Advance widths (in ems) at or above DejaVu Sans Bold's for each kind of character, so an estimate of a line's
# width errs on the wide side in any font PowerPoint or LibreOffice may use (Calibri, Arial, DejaVu Sans).
_WIDE = {"m": 1.05, "w": 0.93, "M": 1.0, "W": 1.11, "%": 1.01, "&": 0.88, "@": 1.0, "£": 0.72, "—": 1.0}
_NARROW = {
    " ": 0.35,
    ".": 0.38,
    ",": 0.38,
    ":": 0.4,
    ";": 0.4,
    "'": 0.31,
    "(": 0.46,
    ")": 0.46,
    "-": 0.42,
    "i": 0.35,
    "l": 0.35,
    "j": 0.35,
    "f": 0.44,
    "t": 0.48,
    "r": 0.5,
    "I": 0.38,
}


def text_width_pt(text: str, size: float) -> float:
    """A line's width in points at `size` (bold), estimated on the wide side."""

    def em(ch: str) -> float:
        if ch in _WIDE or ch in _NARROW:
            return _WIDE.get(ch) or _NARROW[ch]
        if ch.isupper():
            return 0.86
        return 0.72 if ch.isalnum() else 0.84

    return size * sum(em(ch) for ch in text)


def wrapped_lines(text: str, size: float, width_pt: float) -> int:
    """How many lines the text takes in a box `width_pt` wide, wrapping at spaces (a word longer than
    the line counts as as many lines as it fills)."""
    lines, current = 0, 0.0
    space = text_width_pt(" ", size)
    for paragraph in text.split("\n"):
        lines, current = lines + 1, 0.0
        for word in paragraph.split():
            width = text_width_pt(word, size)
            if current and current + space + width > width_pt:
                lines, current = lines + 1, 0.0
            if width > width_pt:
                lines += math.ceil(width / width_pt) - 1
                width = width % width_pt
            current += (space if current else 0.0) + width
    return lines


def text_box_height(text: str, size: float, width: int) -> int:
    """The height (EMU) of a box that holds the wrapped text with its insets."""
    lines = wrapped_lines(text, size, Emu(width - 2 * SIDE_INSET).pt)
    return int(Pt(lines * size * LINE_SPACING) + 2 * INSET)


def title_size(text: str, width: int, max_lines: int = 2) -> int:
    """The largest title size at which the text fits in `max_lines` lines (the smallest size otherwise)."""
    usable = Emu(width - 2 * SIDE_INSET).pt
    return next((size for size in TITLE_SIZES if wrapped_lines(text, size, usable) <= max_lines), TITLE_SIZES[-1])


@dataclass(frozen=True)
class Slide:
    """One figure slide: title, subtitle, the picture (2x PNG with its CSS size) and the source line."""

    title: str
    subtitle: str
    picture: SlidePicture
    source: str
    alt: str


def _text(
    slide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: Sequence[str],
    size: int,
    bold: bool = False,
    colour: RGBColor = DARK,
    link: str | None = None,
) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE  # sized here, from the text; never grown over the picture
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour
        if link and line.endswith(link):
            run.hyperlink.address = link


INNER_W = SLIDE_WIDTH - 2 * MARGIN


def figure_slide_layout(title: str, subtitle: str, source: str) -> dict[str, tuple[int, int, int, int]]:
    """Boxes (left, top, width, height in EMU) of a figure slide: title, subtitle, picture box, source."""
    size = title_size(title, INNER_W)
    title_h = text_box_height(title, size, INNER_W)
    sub_h = text_box_height(subtitle, SUBTITLE_SIZE, INNER_W) if subtitle else 0
    source_h = text_box_height(source, SOURCE_SIZE, INNER_W)
    sub_top = TOP + title_h
    picture_top = sub_top + sub_h + GAP
    source_top = SLIDE_HEIGHT - BOTTOM - source_h
    return {
        "title": (MARGIN, TOP, INNER_W, title_h),
        "subtitle": (MARGIN, sub_top, INNER_W, sub_h),
        "picture": (MARGIN, picture_top, INNER_W, source_top - GAP - picture_top),
        "source": (MARGIN, source_top, INNER_W, source_h),
        "title_size": (size, 0, 0, 0),
    }


def picture_box_pt(title: str, subtitle: str, source: str) -> tuple[float, float]:
    """The picture box of a figure slide in points (what the picture's type is sized for)."""
    _, _, width, height = figure_slide_layout(title, subtitle, source)["picture"]
    return Emu(width).pt, Emu(height).pt


def _figure_slide(deck, item: Slide) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    boxes = figure_slide_layout(item.title, item.subtitle, item.source)
    _text(slide, *boxes["title"], [item.title], boxes["title_size"][0], bold=True)
    if item.subtitle:
        _text(slide, *boxes["subtitle"], [item.subtitle], SUBTITLE_SIZE, colour=GREY)
    left, top, box_w, box_h = boxes["picture"]
    scale = item.picture.placed_scale(Emu(box_w).pt, Emu(box_h).pt)
    pic_w, pic_h = int(Pt(item.picture.width_px * scale)), int(Pt(item.picture.height_px * scale))
    pic_w, pic_h = min(pic_w, box_w), min(pic_h, box_h)
    picture = slide.shapes.add_picture(
        io.BytesIO(item.picture.png), Emu(int(left + (box_w - pic_w) / 2)), Emu(top), Emu(pic_w), Emu(pic_h)
    )
    properties = picture._element.nvPicPr.cNvPr  # python-pptx has no API for alt text
    properties.set("descr", item.alt)
    properties.set("name", item.title[:250])
    _text(slide, *boxes["source"], [item.source], SOURCE_SIZE, colour=GREY)


def slide_pack(
    slides: Sequence[Slide], *, title: str, subtitle: str, date: str, sources: Sequence[str], link: str | None = None
) -> bytes:
    """The PPTX as bytes: title slide, one slide per figure (part), closing sources slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = deck.slide_layouts[6]

    first = deck.slides.add_slide(blank)
    top = Inches(1.4)
    size = 40 if wrapped_lines(title, 40, Emu(INNER_W - 2 * SIDE_INSET).pt) <= 2 else 32
    for lines, text_size, bold, colour in (
        ([title], size, True, DARK),
        ([subtitle], 24, False, GREY),
        ([date], 18, False, GREY),
    ):
        height = text_box_height(lines[0], text_size, INNER_W)
        _text(first, MARGIN, top, INNER_W, height, lines, text_size, bold=bold, colour=colour)
        top += height + GAP
    credits = [
        "Sources: " + "; ".join(dict.fromkeys(sources)) if sources else "Sources: see the last slide",
        ATTRIBUTION,
    ]
    _text(first, MARGIN, top + GAP, INNER_W, text_box_height("\n".join(credits), 14, INNER_W), credits, 14, colour=GREY)

    for item in slides:
        _figure_slide(deck, item)

    last = deck.slides.add_slide(blank)
    _text(last, MARGIN, Inches(0.4), INNER_W, Inches(0.85), ["Sources and licence"], 32, bold=True)
    lines = [f"• {source}" for source in dict.fromkeys(sources)] + ["", ATTRIBUTION, ""]
    lines.append(f"This view: {link}" if link and is_public_address(link) else NO_LINK)
    _text(last, MARGIN, Inches(1.5), INNER_W, Inches(5.6), lines, 18, link=link if is_public_address(link) else None)

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def figure_slides(figures: Sequence[Figure]) -> list[Slide]:
    """Render each figure's picture(s) for its slide(s), with its title, subtitle, source line and alt text."""
    slides = []
    for figure in figures:
        source = " ".join(source_lines(figure))
        box = picture_box_pt(figure.title, figure.subtitle + " (part 9 of 9)", source)
        alt = f"{figure.title}. {figure.description or figure.subtitle}".strip()
        for picture in slide_pictures(figure, *box):
            part = f" (part {picture.part} of {picture.parts})" if picture.parts > 1 else ""
            slides.append(Slide(figure.title, figure.subtitle + part, picture, source, alt + part))
    return slides


def figure_sources(figures: Sequence[Figure]) -> list[str]:
    """The distinct sources named by the figures, in order of appearance."""
    return list(dict.fromkeys(source for figure in figures for source in figure.sources if source))


def page_slide_pack(
    figures: Sequence[Figure], *, page_title: str, where: str, what: str, date: str, link: str | None = None
) -> bytes:
    """The slide pack of one page's view: '<page>: <area or level>' on the title slide, then its figures."""
    return slide_pack(
        figure_slides(figures),
        title=f"{page_title}: {where}",
        subtitle=what,
        date=date,
        sources=figure_sources(figures),
        link=link,
    )
