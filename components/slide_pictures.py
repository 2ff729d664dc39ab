"""A figure's picture for a slide: the chart or map drawn without its own title, subtitle and source lines
(the slide carries those once, as text), with its type sized so that, at the size the picture is placed on
the slide, every piece of text in it is at least 14 pt (readable when projected).

The type is sized by measuring, not guessing: the spec is drawn to SVG, its smallest font size (CSS px) is
multiplied by the scale at which the picture will be placed (slide points per CSS px), and every font size in
the spec is scaled up until that product reaches the minimum. A chart whose rows of names cannot all be that
large on one slide (a ranked chart of 38 LEPs, the sub-sector mix) is split over several slides, each part
drawn on the same value axis.
"""

from __future__ import annotations

import copy
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from components.exports import png, spec_dict, svg
from components.figures import Figure
from components.slide_labels import kept_apart, label_layers

MIN_POINTS = 14.0  # the smallest text on a projected slide
TARGET_POINTS = 14.6  # aimed at, so that rounding in the renderer never lands under the minimum
FONT_KEYS = {"fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize"}
LENGTH_KEYS = {"labelLimit", "limit", "dx", "dy", "titlePadding", "labelPadding", "labelOffset"}
DEFAULT_FONTS = {  # Vega-Lite's defaults, written out so that scaling reaches every piece of text
    "axis": {"labelFontSize": 10, "titleFontSize": 11},
    "legend": {"labelFontSize": 10, "titleFontSize": 11},
    "header": {"labelFontSize": 10, "titleFontSize": 11},
    "text": {"fontSize": 11},
    "title": {"fontSize": 13, "subtitleFontSize": 12},
}
MAX_PARTS = 6
SHAPE_ROUNDS, TYPE_ROUNDS = 3, 4
# Rows of names grow with the square root of the type's growth: a row 1.6 to 2 times its label's size on the
# page keeps its labels apart up to type about 2.5 times larger, and the chart needs fewer slides.
ROW_GROWTH = 0.5
LONG_NAME = 28  # characters: a legend entry longer than this gets a line of its own
_PX = re.compile(r"([\d.]+)px")


@dataclass(frozen=True)
class SlidePicture:
    """One picture for one slide: the PNG (2x) of `spec`, its size in CSS px, and the smallest font in it
    (CSS px)."""

    spec: dict
    png: bytes
    width_px: float
    height_px: float
    smallest_font_px: float
    part: int = 1
    parts: int = 1

    def placed_scale(self, box_w_pt: float, box_h_pt: float) -> float:
        """Slide points per CSS px when the picture is fitted into the box (never stretched)."""
        return min(box_w_pt / self.width_px, box_h_pt / self.height_px)


def rendered_text_sizes(svg_text: str) -> tuple[float, float, list[float]]:
    """Width and height (CSS px) of an SVG drawing and the font size of every visible text in it."""
    root = ET.fromstring(svg_text)
    sizes = []
    for node in root.iter():
        if not node.tag.endswith("text") or not "".join(node.itertext()).strip():
            continue
        if node.get("opacity") in ("0", "0.0") or node.get("fill-opacity") == "0":
            continue
        match = _PX.fullmatch(node.get("font-size", "").strip())
        if match:
            sizes.append(float(match.group(1)))
    return float(root.get("width")), float(root.get("height")), sizes


def _scale_lengths(node: Any, factor: float, skip: tuple[str, ...] = ("data", "datasets")) -> None:
    """Every font size (and the lengths that go with type: label limits, text offsets) times `factor`."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in skip:
                continue
            if key in FONT_KEYS | LENGTH_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
                node[key] = round(value * factor, 2)
            elif key in FONT_KEYS and isinstance(value, dict):
                _scale_condition(value, factor)
            elif key == "symbolSize" and isinstance(value, int | float):
                node[key] = round(value * factor * factor, 1)
            else:
                _scale_lengths(value, factor, skip)
    elif isinstance(node, list):
        for item in node:
            _scale_lengths(item, factor, skip)


def _scale_condition(value: dict, factor: float) -> None:
    """A conditional font size ({"condition": {...,"value": n}, "value": m}) or one given as an expression
    ({"expr": ...}, e.g. smaller on a phone)."""
    if isinstance(value.get("expr"), str):
        value["expr"] = f"({value['expr']}) * {factor:.4f}"
    if isinstance(value.get("value"), int | float):
        value["value"] = round(value["value"] * factor, 2)
    conditions = value.get("condition")
    for condition in conditions if isinstance(conditions, list) else [conditions]:
        if isinstance(condition, dict) and isinstance(condition.get("value"), int | float):
            condition["value"] = round(condition["value"] * factor, 2)


def _stack_legends(node: Any) -> None:
    """A legend laid out in one row under the plot grows as wide as the chart with larger type: two columns
    (one where a name is long, e.g. "Greater Cambridge and Greater Peterborough LEP")."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("data", "datasets"):
                continue
            legend = value.get("legend") if isinstance(value, dict) else None
            if (
                key != "encoding"
                and isinstance(legend, dict)
                and legend.get("orient") in ("bottom", "top")
                and "columns" not in legend
                and legend.get("direction") != "vertical"
            ):
                names = (value.get("scale") or {}).get("domain")
                long = isinstance(names, list) and max((len(str(name)) for name in names), default=0) > LONG_NAME
                legend["columns"] = 1 if long else 2
            _stack_legends(value)
    elif isinstance(node, list):
        for item in node:
            _stack_legends(item)


def two_lines(text: str) -> list[str] | str:
    """The text broken at the space nearest its middle (unchanged if it has no space)."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def _fit_axes(node: Any) -> None:
    """Axes that larger type would crowd: a long y title on two lines (rotated, it would be taller than the
    plot), and level labels of a fixed-width ordinal x axis (years under facetted bars) set at an angle."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("data", "datasets"):
                continue
            if key == "encoding" and isinstance(value, dict):
                y, x = value.get("y"), value.get("x")
                if isinstance(y, dict) and isinstance(y.get("title"), str) and len(y["title"]) > LONG_NAME:
                    y["title"] = two_lines(y["title"])
                axis = x.get("axis") if isinstance(x, dict) else None
                if isinstance(axis, dict) and x.get("type") in ("ordinal", "nominal") and axis.get("labelAngle") == 0:
                    axis.update(labelAngle=-45, labelAlign="right")
            _fit_axes(value)
    elif isinstance(node, list):
        for item in node:
            _fit_axes(item)


def untitled_spec(figure: Figure, width_px: int) -> dict:
    """The figure's spec without title (the slide has it), fonts written out, a white background, and a
    fixed width where the page let the chart fill its column."""
    spec = spec_dict(figure.spec)
    spec.pop("title", None)
    _stack_legends(spec)
    _fit_axes(spec)
    # The page reserves room beside a "container"-wide plot for its end labels (padding, autosize "fit"); at a
    # fixed width Vega's default autosize ("pad") makes room for every mark itself, and the reserve would be
    # blank.
    spec.pop("autosize", None)
    spec["padding"] = 8
    if spec.get("width") == "container":
        spec["width"] = width_px
    if spec.get("height") == "container":
        spec["height"] = round(width_px * 0.45)
    config = copy.deepcopy(spec.get("config", {}))
    for group in ("view",):
        for key in ("continuousWidth", "continuousHeight"):
            config.get(group, {}).pop(key, None)
    for group, sizes in DEFAULT_FONTS.items():
        config[group] = {**sizes, **config.get(group, {})}
    # Numbers on a value axis may be thinned where larger type would run them together (names never are).
    config["axisQuantitative"] = {"labelOverlap": "parity", "labelSeparation": 8, **config.get("axisQuantitative", {})}
    config["axis"] = {"labelLimit": 180, **config["axis"]}  # Vega's default limits, written out so they
    config["legend"] = {"labelLimit": 160, **config["legend"]}  # grow with the type
    spec["config"] = config
    spec["background"] = "white"
    return spec


def _row_axis(spec: dict) -> tuple[str, list] | None:
    """(field, names) of a chart whose rows are named on a y axis in an explicit order (ranked bars, the
    sub-sector mix), so that it can be split into parts; None for any other chart."""
    units = spec.get("layer", [spec]) if not any(k in spec for k in ("facet", "hconcat", "vconcat", "concat")) else []
    for unit in units:
        y = (unit.get("encoding") or {}).get("y") or {}
        if y.get("type") in ("nominal", "ordinal") and isinstance(y.get("sort"), list) and y.get("field"):
            return y["field"], list(y["sort"])
    return None


def _value_domain(spec: dict) -> list[float] | None:
    """The x domain over the whole chart (data, rules, error bars' far ends), so every part has the same axis."""
    values: list[float] = []
    datasets = spec.get("datasets", {})
    for unit in spec.get("layer", [spec]):
        encoding = unit.get("encoding") or {}
        x = encoding.get("x") or {}
        if x.get("type") != "quantitative" or not x.get("field"):
            continue
        data = unit.get("data") or spec.get("data") or {}
        rows = datasets.get(data.get("name"), data.get("values", []))
        fields = [x["field"], *([encoding["x2"]["field"]] if (encoding.get("x2") or {}).get("field") else [])]
        values += [
            row[field]
            for row in rows
            for field in fields
            if isinstance(row.get(field), int | float) and math.isfinite(row[field])
        ]
    if not values:
        return None
    return [min(0.0, min(values)), max(0.0, max(values))]


def split_rows(spec: dict, parts: int) -> list[dict]:
    """The chart as `parts` charts of consecutive rows (same value axis, row height kept)."""
    found = _row_axis(spec)
    if found is None or parts <= 1:
        return [spec]
    field, names = found
    size = math.ceil(len(names) / parts)
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    domain = _value_domain(spec)
    height = spec.get("height")
    out = []
    for chunk in chunks:
        part = copy.deepcopy(spec)
        for unit in part.get("layer", [part]):
            encoding = unit.get("encoding") or {}
            y, x = encoding.get("y") or {}, encoding.get("x") or {}
            if y.get("field") == field:
                unit["transform"] = [*unit.get("transform", []), {"filter": {"field": field, "oneOf": chunk}}]
                y["sort"] = chunk
            if domain and x.get("type") == "quantitative":
                x["scale"] = {**x.get("scale", {}), "domain": domain}
        if isinstance(height, int | float):
            part["height"] = max(60, round(height * len(chunk) / len(names)))
        out.append(part)
    return out


def split_concat(spec: dict) -> list[dict]:
    """Each view of a grid of views ("concat", e.g. the levelling-up small multiples) as a chart of its own."""
    views = spec.get("concat") or []
    shared = {key: value for key, value in spec.items() if key not in ("concat", "columns", "resolve", "spacing")}
    return [{**shared, **copy.deepcopy(view)} for view in views] or [spec]


def _map_views(spec: dict) -> list[dict]:
    """The map views of a spec (a projection and a fixed size): the map itself, or the map beside its legend."""
    views = [spec, *(spec.get("hconcat") or []), *(spec.get("vconcat") or [])]
    return [
        view for view in views if "projection" in view and _number(view.get("width")) and _number(view.get("height"))
    ]


MAP_LIMITS = (0.3, 2.0)  # how far a map may be shrunk or grown for a slide, as a multiple of its page size


def _scale_maps(maps: list[dict], page_sizes: list[tuple[float, float]], ratio: float) -> bool:
    """Every map view `ratio` times larger (within MAP_LIMITS of its page size); True if any changed."""
    changed = False
    for view, (width, height) in zip(maps, page_sizes, strict=True):
        scale = min(max(view["width"] * ratio / width, MAP_LIMITS[0]), MAP_LIMITS[1])
        if abs(scale * width - view["width"]) > 2:
            view["width"], view["height"] = round(width * scale), round(height * scale)
            changed = True
    return changed


def _measure(spec: dict) -> tuple[float, float, float]:
    """Width and height (CSS px) of the drawing and its smallest visible text (CSS px)."""
    width, height, sizes = rendered_text_sizes(svg(spec))
    return width, height, min(sizes, default=TARGET_POINTS)


@dataclass(frozen=True)
class Sized:
    spec: dict
    width_px: float
    height_px: float
    smallest_px: float

    def smallest_pt(self, box_w_pt: float, box_h_pt: float) -> float:
        return self.smallest_px * min(box_w_pt / self.width_px, box_h_pt / self.height_px)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def sized_for_slide(
    spec: dict,
    box_w_pt: float,
    box_h_pt: float,
    *,
    rows_grow: bool = False,
    measure: Callable[[dict], tuple[float, float, float]] = _measure,
) -> Sized:
    """`spec` with its type scaled until its smallest text is at least MIN_POINTS once the drawing is fitted
    into the box. First the shape: with the type at the minimum for 1 pt per px, a plot of fixed width or
    height is resized (within limits) so that the drawing is about the box's size, and the picture fills the
    slide. Then the type: scaled up until the smallest text reaches the minimum at the scale the picture is
    placed. rows_grow: the plot's height grows with the type instead (rows of names keep apart). Returns the
    last drawing tried: its smallest text is below the minimum only if the chart cannot get there."""
    spec = copy.deepcopy(spec)
    width, height = spec.get("width"), spec.get("height")

    def draw(factor: float) -> Sized:
        sized = copy.deepcopy(spec)
        _scale_lengths(sized, factor)
        if _number(width):
            sized["width"] = round(width)
        if _number(height):
            sized["height"] = round(height * factor**ROW_GROWTH) if rows_grow else round(height)
        return Sized(sized, *measure(sized))

    result = draw(1.0)
    factor = max(1.0, TARGET_POINTS / result.smallest_px)
    maps = _map_views(spec)  # resized in place: `spec` is this function's own copy
    page_sizes = [(view["width"], view["height"]) for view in maps]
    for _ in range(SHAPE_ROUNDS):
        result = draw(factor)
        resized = False
        if maps:  # a map keeps its shape: the map itself is scaled so the drawing fits the box at 1 pt per px
            ratio = min(box_w_pt / result.width_px, box_h_pt / result.height_px)
            resized = abs(ratio - 1) > 0.04 and _scale_maps(maps, page_sizes, ratio)
            if resized:
                continue
        if _number(width) and abs(result.width_px - box_w_pt) > 0.04 * box_w_pt:
            target = min(max(width + box_w_pt - result.width_px, 0.45 * spec["width"]), 1.2 * spec["width"])
            resized, width = abs(target - width) > 2, target
        if _number(height) and not rows_grow and abs(result.height_px - box_h_pt) > 0.04 * box_h_pt:
            target = min(max(height + box_h_pt - result.height_px, 0.55 * spec["height"]), 1.2 * spec["height"])
            resized, height = resized or abs(target - height) > 2, target
        if not resized:
            break
    else:
        result = draw(factor)
    for _ in range(TYPE_ROUNDS):
        smallest_pt = result.smallest_pt(box_w_pt, box_h_pt)
        if smallest_pt >= MIN_POINTS:
            break
        factor *= TARGET_POINTS / smallest_pt
        result = draw(factor)
    return result


def slide_pictures(figure: Figure, box_w_pt: float, box_h_pt: float) -> list[SlidePicture]:
    """The picture(s) of one figure for slides whose picture box is box_w_pt x box_h_pt points."""
    spec = untitled_spec(figure, width_px=round(box_w_pt * 0.86))
    rows = _row_axis(spec) is not None
    sized_parts = [sized_for_slide(spec, box_w_pt, box_h_pt, rows_grow=rows)]
    if len(spec.get("concat") or []) > 1 and sized_parts[0].smallest_pt(box_w_pt, box_h_pt) < MIN_POINTS:
        sized_parts = [sized_for_slide(view, box_w_pt, box_h_pt) for view in split_concat(spec)]
    if rows and sized_parts[0].smallest_pt(box_w_pt, box_h_pt) < MIN_POINTS:
        # too many rows for one slide: as many parts as the rows need (more if a part still falls short)
        width, height, smallest = _measure(spec)
        count = math.ceil(height * (TARGET_POINTS / smallest) ** ROW_GROWTH / box_h_pt)
        names = len(_row_axis(spec)[1])
        tried: set[int] = set()
        for candidate in range(max(2, count), min(MAX_PARTS, names) + 1):
            parts = split_rows(spec, candidate)
            if len(parts) in tried:  # 6 rows in 4 parts are 3 parts of 2
                continue
            tried.add(len(parts))
            sized_parts = [sized_for_slide(part, box_w_pt, box_h_pt, rows_grow=True) for part in parts]
            if all(part.smallest_pt(box_w_pt, box_h_pt) >= MIN_POINTS for part in sized_parts):
                break
    pictures = []
    for number, sized in enumerate(sized_parts, start=1):
        apart = kept_apart(sized.spec, svg(sized.spec)) if label_layers(sized.spec) else None
        if apart is not None:  # end-of-line labels crowded by the larger type
            sized = Sized(apart, *_measure(apart))
        pictures.append(
            SlidePicture(
                sized.spec,
                png(sized.spec),
                sized.width_px,
                sized.height_px,
                sized.smallest_px,
                number,
                len(sized_parts),
            )
        )
    return pictures
