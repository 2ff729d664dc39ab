"""What a presenter gets in a slide pack, checked as geometry (issue 11, defect 2): every shape inside the
slide; on a figure slide no text box overlapping the picture, and the title's text fitting its own box when
set in DejaVu Sans Bold (measured with the font file, wider than Calibri or Arial, so a title that fits here
fits in PowerPoint too); chart text at least 14 pt at the size the picture is placed (the rendering's font
sizes, read from its SVG, times the placed scale); alt text = the figure's title and description; no
loopback address anywhere."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from components.exports import svg

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core (installed by .ci/run)
MIN_POINTS = 14.0
LOOPBACK = re.compile(r"127\.\d+\.\d+\.\d+|localhost|\[::1\]|0\.0\.0\.0", re.IGNORECASE)
LINE_SPACING = 1.2  # PowerPoint's single line spacing is about 1.2 times the font size


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )


def box(shape) -> Box:
    return Box(int(shape.left), int(shape.top), int(shape.width), int(shape.height))


def font(bold: bool) -> Path:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    assert path.exists(), f"{path} is needed to measure slide text (apt-get install fonts-dejavu-core)"
    return path


def lines_needed(text: str, size_pt: float, width_pt: float, bold: bool) -> int:
    """Lines the text takes when wrapped at spaces in DejaVu Sans (Bold) at size_pt in a width_pt column."""
    face = ImageFont.truetype(str(font(bold)), 1000)
    width_of = lambda words: face.getlength(words) / 1000 * size_pt  # noqa: E731
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if current and width_of(candidate) > width_pt:
                lines += 1
                candidate = word
            current = candidate
    return lines


def check_text_fits(shape) -> None:
    """The wrapped text of a text box is no taller than the box (insets included)."""
    frame = shape.text_frame
    inner_w = Emu(shape.width - frame.margin_left - frame.margin_right).pt
    inner_h = Emu(shape.height - frame.margin_top - frame.margin_bottom).pt
    needed = 0.0
    for paragraph in frame.paragraphs:
        runs = paragraph.runs
        size = max((run.font.size.pt for run in runs if run.font.size), default=18.0)
        bold = any(run.font.bold for run in runs)
        needed += lines_needed(paragraph.text or " ", size, inner_w, bold) * size * LINE_SPACING
    assert needed <= inner_h + 0.5, (frame.text[:80], needed, inner_h)


def svg_fonts(document: str) -> tuple[float, float, list[float]]:
    """Width, height (CSS px) and every visible text's font size (CSS px) of a Vega SVG."""
    root = ET.fromstring(document)
    sizes = [
        float(node.get("font-size")[:-2])
        for node in root.iter()
        if node.tag.endswith("text")
        and "".join(node.itertext()).strip()
        and node.get("font-size", "").endswith("px")
        and node.get("opacity") != "0"
    ]
    return float(root.get("width")), float(root.get("height")), sizes


def png_dimensions(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


@dataclass
class PackReport:
    slides: int
    pictures: int
    smallest_pt: float


def check_slide_pack(data: bytes, figures: list, rendered: list) -> PackReport:
    """The whole check. `figures`: the page's Figures in order; `rendered`: the SlidePicture objects the pack
    was built from (recorded), whose specs are drawn to SVG here to read the font sizes."""
    deck = Presentation(io.BytesIO(data))
    slide_box = Box(0, 0, int(deck.slide_width), int(deck.slide_height))
    slides = list(deck.slides)
    figure_slides = slides[1:-1]
    assert len(figure_slides) == len(rendered) >= len(figures), (len(figure_slides), len(rendered), len(figures))
    smallest = float("inf")
    owners = []  # the figure each figure slide shows (a figure too tall for one slide has several parts)
    for figure in figures:
        first = rendered[len(owners)]
        owners += [figure] * first.parts
    assert len(owners) == len(rendered)
    for slide in slides:
        for shape in slide.shapes:
            shape_box = box(shape)
            assert shape_box.left >= 0 and shape_box.top >= 0, (shape.name, shape_box)
            assert shape_box.right <= slide_box.right and shape_box.bottom <= slide_box.bottom, (shape.name, shape_box)
            if shape.has_text_frame:
                check_text_fits(shape)
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert not LOOPBACK.search(run.text), run.text
                        assert not (run.hyperlink.address and LOOPBACK.search(run.hyperlink.address))
    for slide, picture_made, figure in zip(figure_slides, rendered, owners, strict=True):
        pictures = [shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        texts = [shape for shape in slide.shapes if shape.has_text_frame]
        assert len(pictures) == 1 and len(texts) >= 2
        picture = pictures[0]
        for text in texts:
            assert not box(text).overlaps(box(picture)), (text.text_frame.text[:60], box(text), box(picture))
        title = texts[0].text_frame.text
        assert title == figure.title
        drawing = svg(picture_made.spec)
        # the title once: on the slide, not again in the picture's own drawing
        assert figure.title not in " ".join(ET.fromstring(drawing).itertext()), title
        description = picture.element.nvPicPr.cNvPr.get("descr")
        assert description.startswith(f"{figure.title}. ") and description != "image.png"
        assert (figure.description or figure.subtitle) in description
        # chart text at least 14 pt where the picture is placed
        assert picture.image.blob == picture_made.png  # the rendering measured below is the one placed
        width_px, height_px, sizes = svg_fonts(drawing)
        png_w, png_h = png_dimensions(picture_made.png)
        assert abs(png_w - 2 * width_px) <= 2 and abs(png_h - 2 * height_px) <= 2
        points_per_px = Emu(picture.width).pt / width_px
        assert abs(Emu(picture.height).pt / height_px - points_per_px) < 0.02 * points_per_px  # not stretched
        assert sizes, title
        smallest = min(smallest, min(sizes) * points_per_px)
        assert min(sizes) * points_per_px >= MIN_POINTS, (title, min(sizes), points_per_px)
    return PackReport(len(slides), len(figure_slides), smallest)
