"""Charts as a person sees them, without a browser.

The Vega-Lite spec Streamlit sends to the front end (AppTest's protobuf) is made ready the way Streamlit's
front end makes it (its ArrowVegaLiteChart module, 1.67): the Arrow datasets inlined, the container's width
for a "container" width, Streamlit's chart theme under the spec's own config, the title limited to the
container's width less 40 px, and 20 px of bottom padding. vl_convert then compiles it to SVG, and the SVG's
text is read back with a box per text node (tests/svg_text.py), so tests can ask what a reader can read: is
every label there, do labels collide, is anything cut off at the edge, did the plot keep the height it asked for.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import pyarrow as pa
import vl_convert

from components.exports import VL_VERSION
from tests.svg_text import Drawing, parse_svg

MEASURED_FONT = "Liberation Sans"  # what tests/svg_text.py measures text in
ELLIPSIS = "\u2026"
SELECTED_MARK = "\u25ba "  # components.charts.SELECTED_PREFIX, written out: the test must not copy the code
COMPOSITIONS = ("hconcat", "vconcat", "concat", "facet", "repeat")

# Streamlit's chart theme (frontend CustomTheme module, function `_`, default light theme: 1rem = 16 px):
# the parts that change where text goes and how big it is. Colours are left out.
STREAMLIT_THEME = {
    "fieldTitle": "verbal",
    "autosize": {"type": "fit", "contains": "padding"},
    "title": {"align": "left", "anchor": "start", "fontWeight": 700, "fontSize": 16, "orient": "top", "offset": 26},
    "header": {"titleFontWeight": 400, "titleFontSize": 16, "labelFontSize": 12, "labelFontWeight": 400},
    "axis": {
        "labelFontSize": 12,
        "labelFontWeight": 400,
        "titleFontWeight": 400,
        "titleFontSize": 14,
        "ticks": False,
        "domain": False,
        "domainWidth": 1,
        "labelFlush": True,
        "labelFlushOffset": 1,
        "labelBound": False,
        "labelLimit": 100,
        "titlePadding": 16,
        "labelPadding": 16,
        "labelSeparation": 4,
        "labelOverlap": True,
    },
    "legend": {
        "labelFontSize": 14,
        "labelFontWeight": 400,
        "titleFontSize": 14,
        "titleFontWeight": 400,
        "titlePadding": 8,
        "labelPadding": 16,
        "columnPadding": 8,
        "rowPadding": 4,
        "padding": 8,
        "symbolStrokeWidth": 4,
    },
    "view": {"columns": 1, "strokeWidth": 0, "stroke": "transparent", "continuousHeight": 350, "continuousWidth": 400},
    "concat": {"columns": 1},
    "facet": {"columns": 1},
    "bar": {"binSpacing": 4, "discreteBandSize": {"band": 0.85}},
    "axisDiscrete": {"grid": False},
    "axisXPoint": {"grid": False},
    "axisTemporal": {"grid": False},
    "axisXBand": {"grid": False},
}


# --- the spec the browser draws ------------------------------------------------------------------------


def _records(arrow_bytes: bytes) -> list[dict]:
    """Rows of an Arrow IPC stream as the front end hands them to Vega: numbers as numbers (64-bit
    integers too), nulls as null, dates as epoch milliseconds."""
    table = pa.ipc.open_stream(pa.py_buffer(arrow_bytes)).read_all()
    rows = table.to_pylist()
    index_columns = [name for name in table.column_names if name.startswith("__index_level_")]
    for row in rows:
        for name in index_columns:
            row.pop(name, None)
        for key, value in row.items():
            if isinstance(value, dt.datetime | dt.date):
                stamp = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
                row[key] = stamp.replace(tzinfo=stamp.tzinfo or dt.UTC).timestamp() * 1000
            elif isinstance(value, float) and math.isnan(value):
                row[key] = None
    return rows


def _merged(theme: Mapping[str, Any], own: Mapping[str, Any]) -> dict:
    """The spec's config over the theme's (lists replace lists), as the front end merges them."""
    out = copy.deepcopy(dict(theme))
    for key, value in own.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def is_composition(spec: Mapping[str, Any]) -> bool:
    return any(key in spec for key in COMPOSITIONS)


def browser_spec(proto: Any, width: float) -> dict:
    """The Vega-Lite spec of an AppTest vega_lite_chart proto as Streamlit's front end renders it in a
    container `width` px wide."""
    # containerSize() is the chart's container in the browser ([0, 0] in vl_convert): put in its size
    spec = json.loads(proto.spec.replace("containerSize()", f"[{width:g}, 0]"))
    for key in ("width", "height"):
        if isinstance(spec.get(key), int | float) and spec[key] <= 0:
            del spec[key]
    datasets = {item.name: _records(item.data.data) for item in proto.datasets if item.has_name}
    if datasets:
        spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    if proto.data.data:
        spec["data"] = {"values": _records(proto.data.data)}
    if proto.theme == "streamlit":
        spec["config"] = _merged(STREAMLIT_THEME, spec.get("config", {}))
    spec.setdefault("config", {})["font"] = MEASURED_FONT
    if spec.get("title"):
        title = {"text": spec["title"]} if isinstance(spec["title"], str | list) else dict(spec["title"])
        title.setdefault("limit", max(width - 40, 0))
        spec["title"] = title
    padding = spec.setdefault("padding", {})
    if isinstance(padding, dict):
        padding.setdefault("bottom", 20)
    if spec.get("width") == "container" and not is_composition(spec):
        spec["width"] = width
    return spec


def bar_dataset(spec: Mapping[str, Any]) -> tuple[list[dict], str] | None:
    """The rows and category field of a horizontal bar layer with a nominal y (a ranked chart), if any."""
    for layer in [spec, *spec.get("layer", [])]:
        mark = layer.get("mark")
        mark_type = mark.get("type") if isinstance(mark, dict) else mark
        y = layer.get("encoding", {}).get("y", {})
        if mark_type == "bar" and y.get("type") == "nominal":
            name = (layer.get("data") or spec.get("data") or {}).get("name")
            rows = spec.get("datasets", {}).get(name) if name else (layer.get("data") or {}).get("values")
            return rows or [], y["field"]
    return None


def draw(spec: Mapping[str, Any]) -> Drawing:
    """Compile a Vega-Lite spec to SVG offline (no URL is loaded) and read its text and plot back."""
    return parse_svg(vl_convert.vegalite_to_svg(dict(spec), vl_version=VL_VERSION, allowed_base_urls=[]))


# --- what a reader would miss ----------------------------------------------------------------------------


STRING_ARRAY = re.compile(r'\[\s*"(?:[^"\\]|\\.)*"(?:\s*,\s*"(?:[^"\\]|\\.)*")*\s*\]')


def line_variants(value: Any) -> list[list[str]]:
    """The ways a title's text may be drawn: its lines, or for lines chosen by an expression (by the chart's
    width: components/chart_layout.py) every list of lines the expression can give."""
    if value is None:
        return []
    if isinstance(value, Mapping) and "expr" in value:
        return [json.loads(found) for found in STRING_ARRAY.findall(value["expr"])]
    return [[str(line) for line in value] if isinstance(value, list) else [str(value)]]


def plain_title(spec: Mapping[str, Any]) -> tuple[str, list[str]]:
    """A chart's title in one line and its subtitle lines (their widest wrapping), whether the spec gives
    them as text or, on a page, as lines chosen by the chart's width."""
    title = spec.get("title") or {}
    title = {"text": title} if isinstance(title, str | list) else title
    text, subtitle = line_variants(title.get("text")), line_variants(title.get("subtitle"))
    return (" ".join(text[-1]) if text else ""), (subtitle[-1] if subtitle else [])


def title_problems(spec: Mapping[str, Any], drawing: Drawing) -> list[str]:
    """The chart's title and subtitle drawn in full (one of the spec's wrappings, no line cut to "…")
    inside the picture, and no text at all cut by the picture's edge."""
    problems = []
    title = spec.get("title") or {}
    title = {"text": title} if isinstance(title, str | list) else title
    for role, key in (("title-text", "text"), ("title-subtitle", "subtitle")):
        variants = line_variants(title.get(key))
        drawn = [text.text for text in drawing.role(role) if not text.in_view]
        if variants and drawn not in variants:
            cut = [text for text in drawn if text.endswith(ELLIPSIS)]
            problems.append(
                f"{role} drawn as {drawn}, not as any of the lines the chart gives" + (f" (cut: {cut})" if cut else "")
            )
    for text in drawing.texts:
        if text.text.strip() and not text.box.inside(drawing.width, drawing.height):
            box = text.box
            problems.append(
                f"{text.role} {text.text!r} is cut by the edge of the {drawing.width:.0f}x"
                f"{drawing.height:.0f} chart (box {box.x0:.0f},{box.y0:.0f} to {box.x1:.0f},{box.y1:.0f})"
            )
    return problems


def names_it(label: str, name: str) -> bool:
    """An axis label names an area: its full name, or the name cut short with "…" (keeping more than 8
    characters; the full name is then in the tooltip), with or without the selected-area marker."""
    label = label.removeprefix(SELECTED_MARK)
    if label == name:
        return True
    return label.endswith(ELLIPSIS) and len(label) > 9 and name.startswith(label[:-1].rstrip())


def category_label_problems(spec: Mapping[str, Any], drawing: Drawing, selected_name: str | None) -> list[str]:
    """A ranked (horizontal bar) chart names every bar on its category axis, without two names touching,
    and names the selected area."""
    found = bar_dataset(spec)
    if found is None:
        return []
    rows, category = found
    names = [str(row[category]) for row in rows if row.get(category) is not None]
    labels = [
        text for text in drawing.role("axis-label") if text.axis.startswith("Y-axis") and "discrete scale" in text.axis
    ]
    problems = []
    missing = [name for name in names if not any(names_it(label.text, name) for label in labels)]
    if missing:
        problems.append(f"{len(missing)} of {len(names)} bars have no name on the axis, e.g. {missing[:3]}")
    ordered = sorted(labels, key=lambda label: label.line.y0)
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        if upper.line.overlaps(lower.line):
            problems.append(f"axis labels {upper.text!r} and {lower.text!r} overlap")
    if selected_name and selected_name in names:
        marked = [label for label in labels if names_it(label.text, selected_name)]
        if not marked:
            problems.append(f"the selected area {selected_name!r} has a bar but no name on the axis")
        elif not (marked[0].bold and marked[0].text.startswith(SELECTED_MARK)):
            problems.append(f"the selected area's name {marked[0].text!r} is not marked (bold, with \u25ba)")
    return problems


def _requested_height(spec: Mapping[str, Any]) -> float | None:
    height = spec.get("height")
    return float(height) if isinstance(height, int | float) and not isinstance(height, bool) else None


def plot_problems(spec: Mapping[str, Any], drawing: Drawing) -> list[str]:
    """A single or layered chart keeps the plot height it asks for (Streamlit must not squeeze it to make
    room for titles and axes); every continuous axis shows at least two different values; and line and
    point marks spread over the plot rather than sitting on one line."""
    if is_composition(spec):
        return []
    problems = []
    if not drawing.cells:
        return ["no plot area drawn"]
    cell = drawing.cells[0]
    wanted = _requested_height(spec)
    if wanted is not None and cell.y1 - cell.y0 < 0.9 * wanted:
        problems.append(f"the plot is {cell.y1 - cell.y0:.0f} px tall; the chart asks for {wanted:.0f} px")
    if cell.x1 - cell.x0 < 0.4 * drawing.width:
        problems.append(f"the plot is {cell.x1 - cell.x0:.0f} px of the chart's {drawing.width:.0f} px width")
    axes: dict[str, list[str]] = {}
    for text in drawing.role("axis-label"):
        if "discrete scale" not in text.axis:
            axes.setdefault(text.axis, []).append(text.text)
    for axis, values in axes.items():
        if len(set(values)) < 2:
            problems.append(f"{axis.split(' for ')[0]} shows {len(set(values))} value(s): {values}")
    height = cell.y1 - cell.y0
    ys = [y for x, y in drawing.mark_points if cell.x0 - 1 <= x <= cell.x1 + 1]
    if len(set(round(y) for y in ys)) > 1 and height > 0 and (max(ys) - min(ys)) < 0.1 * height:
        problems.append(f"the marks span {max(ys) - min(ys):.0f} px of a {height:.0f} px plot (drawn flat)")
    if len(ys) > 1 and len(set(round(y) for y in ys)) == 1 and len(axes) > 0:
        problems.append("every mark is drawn on one line")
    return problems


def width_problems(drawing: Drawing, column: float | None) -> list[str]:
    """The chart fits the width of its column (a wider one would be cut, or scroll sideways)."""
    if column is not None and drawing.width > column + 3:
        return [f"the chart is {drawing.width:.0f} px wide in a {column:.0f} px column"]
    return []


def drawn_problems(spec: Mapping[str, Any], selected_name: str | None, column: float | None = None) -> list[str]:
    """Everything wrong with a chart as drawn (the spec as `browser_spec` made it), in a column `column` px
    wide (None: its width is not checked). The same spec drawn again (a chart that does not change with the
    level or the selection) is not compiled twice."""
    return list(_drawn_problems(json.dumps(spec, sort_keys=True), selected_name, column))


@cache
def _drawn_problems(spec_json: str, selected_name: str | None, column: float | None) -> tuple[str, ...]:
    spec = json.loads(spec_json)
    drawing = draw(spec)
    return (
        *title_problems(spec, drawing),
        *category_label_problems(spec, drawing, selected_name),
        *plot_problems(spec, drawing),
        *width_problems(drawing, column),
    )
