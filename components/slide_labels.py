"""Labels at the ends of lines kept apart on a slide picture.

Charts place their end-of-line labels (a text layer whose y is a position field such as `label_y`) apart
for the page's type size and plot height. On a slide the type is larger and the plot may be lower, so labels
that were just apart can overlap. Here the drawn positions are read back from the SVG, labels that overlap
are spread (each group of crowding labels centred on where its labels want to be), and the new positions are
written back into the label rows in the chart's own units, using the straight line that maps them to pixels.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from typing import Any

_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")
_PX = re.compile(r"([\d.]+)px")
SPACING = 1.15  # line height of stacked labels, as a multiple of their font size


def _mark_type(unit: dict) -> str | None:
    mark = unit.get("mark")
    return mark.get("type") if isinstance(mark, dict) else mark


def label_layers(spec: dict) -> list[tuple[int, str, str]]:
    """(layer index, y field, text field) of each text layer whose y is a field no other layer draws."""
    layers = spec.get("layer") or []
    drawn = {
        ((unit.get("encoding") or {}).get("y") or {}).get("field") for unit in layers if _mark_type(unit) != "text"
    }
    found = []
    for index, unit in enumerate(layers):
        encoding = unit.get("encoding") or {}
        y, text = encoding.get("y") or {}, encoding.get("text") or {}
        if (
            _mark_type(unit) == "text"
            and y.get("type") == "quantitative"
            and y.get("field")
            and y["field"] not in drawn
            and text.get("field")
        ):
            found.append((index, y["field"], text["field"]))
    return found


def _texts_by_layer(svg_text: str) -> dict[int, list[tuple[str, float, float]]]:
    """(text, absolute y in px, font size in px) of every text mark, by the layer number Vega names its group by."""
    found: dict[int, list[tuple[str, float, float]]] = {}

    def walk(node: ET.Element, dy: float, layer: int | None) -> None:
        match = _TRANSLATE.search(node.get("transform", ""))
        y = dy + (float(match.group(2)) if match else 0.0)
        named = re.search(r"layer_(\d+)_marks", node.get("class", ""))
        if named and "mark-text" in node.get("class", ""):
            layer = int(named.group(1))
        if node.tag.endswith("text") and layer is not None:
            size = _PX.fullmatch(node.get("font-size", "").strip())
            found.setdefault(layer, []).append(("".join(node.itertext()), y, float(size.group(1)) if size else 11.0))
        for child in node:
            walk(child, y, layer)

    walk(ET.fromstring(svg_text), 0.0, None)
    return found


def spread(positions: list[float], gap: float) -> list[float]:
    """Positions at least `gap` apart, each crowded group centred on the mean of where its members were."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    groups: list[list[int]] = []
    for index in order:
        groups.append([index])
        while len(groups) > 1:
            first, last = groups[-2], groups[-1]
            if _placed(first, positions, gap)[-1] + gap <= _placed(last, positions, gap)[0] + 1e-9:
                break
            groups[-2:] = [first + last]
    out = list(positions)
    for group in groups:
        for index, value in zip(group, _placed(group, positions, gap), strict=True):
            out[index] = value
    return out


def _placed(group: list[int], positions: list[float], gap: float) -> list[float]:
    centre = sum(positions[i] for i in group) / len(group)
    start = centre - gap * (len(group) - 1) / 2
    return [start + gap * k for k in range(len(group))]


def _rows(spec: dict, unit: dict) -> list[dict] | None:
    data = unit.get("data") or {}
    if "values" in data:
        return data["values"]
    return (spec.get("datasets") or {}).get(data.get("name"))


def kept_apart(spec: dict, svg_text: str) -> dict | None:
    """A copy of `spec` with its end-of-line labels moved apart, or None when none overlap (or the
    positions cannot be mapped back to the chart's units)."""
    layers = label_layers(spec)
    if not layers:
        return None
    drawn = _texts_by_layer(svg_text)
    out, changed = copy.deepcopy(spec), False
    for index, y_field, text_field in layers:
        unit = out["layer"][index]
        rows = _rows(out, unit)
        marks = drawn.get(index, [])
        if not rows or len(marks) != len(rows):
            continue
        by_text = {text: (y, size) for text, y, size in marks}
        pairs = [
            (row, *by_text[str(row[text_field])])
            for row in rows
            if str(row.get(text_field)) in by_text and isinstance(row.get(y_field), int | float)
        ]
        values = {row[y_field] for row, _, _ in pairs}
        if len(pairs) != len(rows) or len(values) < 2:
            continue
        slope, intercept = _line([row[y_field] for row, _, _ in pairs], [y for _, y, _ in pairs])
        gap = SPACING * max(size for _, _, size in pairs)
        pixels = [y for _, y, _ in pairs]
        moved = spread(pixels, gap)
        if all(abs(a - b) < 0.5 for a, b in zip(pixels, moved, strict=True)):
            continue
        for (row, _, _), pixel in zip(pairs, moved, strict=True):
            row[y_field] = (pixel - intercept) / slope
        changed = True
    return out if changed else None


def _line(values: list[Any], pixels: list[float]) -> tuple[float, float]:
    """Least-squares slope and intercept of pixel = intercept + slope * value."""
    n = len(values)
    mean_v, mean_p = sum(values) / n, sum(pixels) / n
    cov = sum((v - mean_v) * (p - mean_p) for v, p in zip(values, pixels, strict=True))
    var = sum((v - mean_v) ** 2 for v in values)
    slope = cov / var
    return slope, mean_p - slope * mean_v
