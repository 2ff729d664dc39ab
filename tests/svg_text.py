"""Text and plot areas read back from an SVG that Vega drew: every text node with its box (the ink of its
glyphs, and its line box), the plot cell of each view, and the positions of line and point marks. Boxes are in
the SVG's own pixels, after every transform of the text and of the groups around it.

Text is measured in Liberation Sans, the font vl_convert lays out sans-serif text in on this machine (the
browser's Source Sans is not installed). Liberation Sans is the wider of the two, so a label that fits here
also fits in the browser; line boxes are made as tall as Chromium reports for Source Sans.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import ImageFont

SVG_NS = "{http://www.w3.org/2000/svg}"
FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/truetype/liberation2"))
BROWSER_LINE = 1.33  # em: the height Chromium reports for a line of Source Sans (measured: 16 px at 12 px)


@cache
def _font(bold: bool, size: float) -> ImageFont.FreeTypeFont:
    name = "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size=size)
    raise FileNotFoundError(f"{name} is missing (apt-get install fonts-liberation2); vl_convert lays text out in it")


Matrix = tuple[float, float, float, float, float, float]  # SVG matrix(a b c d e f)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + c * b2,
        b * a2 + d * b2,
        a * c2 + c * d2,
        b * c2 + d * d2,
        a * e2 + c * f2 + e,
        b * e2 + d * f2 + f,
    )


def _transform(text: str | None) -> Matrix:
    """translate / rotate / scale / matrix, the operations Vega's SVG renderer writes."""
    out = IDENTITY
    for op, raw in re.findall(r"(\w+)\(([^)]*)\)", text or ""):
        values = [float(v) for v in re.split(r"[\s,]+", raw.strip()) if v]
        if op == "translate":
            step = (1.0, 0.0, 0.0, 1.0, values[0], values[1] if len(values) > 1 else 0.0)
        elif op == "rotate":
            angle = math.radians(values[0])
            step = (math.cos(angle), math.sin(angle), -math.sin(angle), math.cos(angle), 0.0, 0.0)
            if len(values) == 3:
                step = _times(_times((1, 0, 0, 1, values[1], values[2]), step), (1, 0, 0, 1, -values[1], -values[2]))
        elif op == "scale":
            step = (values[0], 0.0, 0.0, values[1] if len(values) > 1 else values[0], 0.0, 0.0)
        elif op == "matrix":
            step = tuple(values)  # type: ignore[assignment]
        else:
            raise ValueError(f"unexpected SVG transform {op}")
        out = _times(out, step)
    return out


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, slack: float = 0.5) -> bool:
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > slack
            and min(self.y1, other.y1) - max(self.y0, other.y0) > slack
        )

    def inside(self, width: float, height: float, slack: float = 3.0) -> bool:
        return self.x0 >= -slack and self.y0 >= -slack and self.x1 <= width + slack and self.y1 <= height + slack


@dataclass(frozen=True)
class Text:
    text: str
    role: str  # Vega's role of the mark: axis-label, axis-title, title-text, title-subtitle, legend-label, mark...
    axis: str  # for axis text: Vega's aria label of the axis ("X-axis titled ... for a discrete scale ..."), else ""
    box: Box  # the ink of the glyphs (what can be cut off at an edge)
    line: Box  # the line box, ascent to descent (what the browser reports, and where a neighbour would collide)
    bold: bool
    in_view: bool  # inside one view of a composition (a panel's own title, not the chart's)


@dataclass
class Drawing:
    """A chart compiled to SVG: its size, its text nodes with boxes, its plot cells and mark positions."""

    svg: str
    width: float
    height: float
    texts: list[Text] = field(default_factory=list)
    cells: list[Box] = field(default_factory=list)  # the plot area of each view (the frame's background)
    mark_points: list[tuple[float, float]] = field(default_factory=list)  # symbol and line vertices

    def role(self, role: str) -> list[Text]:
        return [text for text in self.texts if text.role == role]


def _aabb(matrix: Matrix, xs: tuple[float, float], ys: tuple[float, float]) -> Box:
    corners = [_apply(matrix, x, y) for x in xs for y in ys]
    return Box(
        min(c[0] for c in corners), min(c[1] for c in corners), max(c[0] for c in corners), max(c[1] for c in corners)
    )


def _line_boxes(node: ET.Element, matrix: Matrix) -> Iterator[tuple[str, Box, Box]]:
    size = float(str(node.get("font-size", "11")).removesuffix("px"))
    bold = str(node.get("font-weight", "")) in {"bold", "700", "800", "900"}
    anchor = {"start": 0.0, "middle": 0.5, "end": 1.0}[node.get("text-anchor", "start")]
    font = _font(bold, size)
    spans = node.findall(f"{SVG_NS}tspan")
    lines = [(span.text or "", float(span.get("dy", "0") or 0)) for span in spans] if spans else [(node.text or "", 0)]
    y = 0.0
    for content, dy in lines:
        y += dy
        width = font.getlength(content)
        shift = -anchor * width
        # the ink of the glyphs around the baseline (SVG text sits on its baseline at the origin)
        left, top, right, bottom = font.getbbox(content or " ", anchor="ls")
        ascent, descent = font.getmetrics()
        spare = max(0.0, BROWSER_LINE * size - ascent - descent) / 2  # the browser's Source Sans line is taller
        ascent, descent = ascent + spare, descent + spare
        yield (
            content,
            _aabb(matrix, (shift + left, shift + right), (y + top, y + bottom)),
            _aabb(matrix, (shift, shift + width), (y - ascent, y + descent)),
        )


def _rect_of_path(d: str, matrix: Matrix) -> Box | None:
    """The rectangle of a Vega background path "M0.5,0.5h861v156h-861Z"."""
    found = re.fullmatch(r"M([-\d.]+),([-\d.]+)h([-\d.]+)v([-\d.]+)h[-\d.]+Z", d.strip())
    if not found:
        return None
    x, y, w, h = (float(v) for v in found.groups())
    (x0, y0), (x1, y1) = _apply(matrix, x, y), _apply(matrix, x + w, y + h)
    return Box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _path_points(d: str, matrix: Matrix) -> list[tuple[float, float]]:
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]
    if not d.lstrip().startswith("M") or re.search(r"[a-z]", d.replace("e", "")):
        return []  # only absolute M/L polylines (Vega's line marks); symbols are located by their transform
    return [_apply(matrix, numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]


def _hidden(node: ET.Element) -> bool:
    """Not visible: display none, hidden, or fully transparent."""
    return (
        node.get("display") == "none" or node.get("visibility") == "hidden" or float(node.get("opacity", "1") or 1) == 0
    )


def parse_svg(svg: str) -> Drawing:
    root = ET.fromstring(svg)
    drawing = Drawing(svg, float(root.get("width", "0")), float(root.get("height", "0")))

    def walk(node: ET.Element, matrix: Matrix, role: str, axis: str, in_view: bool = False) -> None:
        if _hidden(node):
            return  # e.g. an axis label Vega's overlap strategy removed: it is drawn with opacity 0
        matrix = _times(matrix, _transform(node.get("transform")))
        classes = node.get("class", "")
        found = re.search(r"role-([\w-]+)", classes)
        role = found.group(1) if found else role
        in_view = in_view or role == "scope" or role.endswith(("-header", "-footer"))  # panels, facet headers
        if node.get("aria-roledescription") == "axis":
            axis = node.get("aria-label", "")
        tag = node.tag.removeprefix(SVG_NS)
        if tag == "text":
            bold = str(node.get("font-weight", "")) in {"bold", "700", "800", "900"}
            for content, box, line in _line_boxes(node, matrix):
                drawing.texts.append(Text(content, role, axis, box, line, bold, in_view))
            return
        if tag == "path" and "background" in classes and role in {"frame", "scope"}:
            rect = _rect_of_path(node.get("d", ""), matrix)
            if rect is not None:
                drawing.cells.append(rect)
        if role == "mark" and tag in {"path", "line"}:
            if tag == "path" and node.get("transform"):
                drawing.mark_points.append(_apply(matrix, 0.0, 0.0))
            elif tag == "path":
                drawing.mark_points.extend(_path_points(node.get("d", ""), matrix))
        for child in node:
            walk(child, matrix, role, axis, in_view)

    walk(root, IDENTITY, "", "")
    return drawing
