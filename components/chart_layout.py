"""How a chart is laid out on a page (exports keep their own layout, components/exports.py): as wide as its
column with the plot as tall as the chart asks, and with titles, legends and labels that fit the column, from a
390 px phone to a desktop.

Streamlit gives a chart with no `autosize` of its own `fit`: the title, axes and legend then come out of
`height`, so a long axis title squeezed the Targets charts flat and the ranked charts lost every other area
name, while the PNG export of the same chart (Vega's `pad`) was right. `fit-x` fills the column's width and
keeps the plot `height` tall, as the export does. Streamlit also cuts a title at the chart's width less 40 px
with "…", so the title is given as lines wrapped for the width of the chart's column: Vega's containerSize()
is that column in the browser ([0, 0] offline, where the widest lines apply).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping
from typing import Any

import altair as alt

PAGE_AUTOSIZE = {"type": "fit-x", "contains": "padding"}
COMPOSITIONS = ("hconcat", "vconcat", "concat", "facet", "repeat")
WIDTH = "containerSize()[0]"
NARROW = 600  # px: a column narrower than this (a phone) gets legends as lists and short end labels
# (column narrower than, characters per title line, per subtitle line): a 16 px bold title and 12 px subtitle
# in Liberation Sans (wider than the browser's Source Sans) within the column less Streamlit's 40 px.
TITLE_TIERS = ((340, 28, 42), (400, 32, 48), (600, 36, 54), (800, 56, 80))
WIDE_TITLE, WIDE_SUBTITLE = 90, 130
AXIS_TITLE_CHARS = 36  # a 14 px x-axis title centred under a phone's plot: longer ones are drawn as two lines


def chart_dict(chart: alt.TopLevelMixin) -> dict:
    """The chart as a Vega-Lite dict, schema-validated only while altair's debug mode is on. Tests keep it on,
    so every spec they build is checked; the server turns it off at warm-up (shell/warm_up.py), where the
    validation was the largest part of building a view for the first time."""
    return chart.to_dict(validate=alt.utils.schemapi.DEBUG_MODE)


def narrow_or_wide(narrow: Any, wide: Any) -> alt.ExprRef:
    """A value that depends on the chart's column: `narrow` on a phone, `wide` otherwise (and offline)."""
    return alt.ExprRef(expr=f"{WIDTH} > 0 && {WIDTH} < {NARROW} ? {json.dumps(narrow)} : {json.dumps(wide)}")


def wrapped(lines: Any, width: int) -> list[str]:
    """Text or lines of text broken at spaces into lines of at most `width` characters (a longer word
    stays whole)."""
    if lines is None:
        return []
    lines = [lines] if isinstance(lines, str) else list(lines)
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(str(line), width=width, break_long_words=False, break_on_hyphens=False) or [""]
    return out


def lines_for_width(lines: Any, kind: int) -> dict:
    """An expression choosing `lines` wrapped for the chart's column (kind 1: title, 2: subtitle)."""
    expr = json.dumps(wrapped(lines, WIDE_TITLE if kind == 1 else WIDE_SUBTITLE))
    for below, *chars in reversed(TITLE_TIERS):
        expr = f"{WIDTH} > 0 && {WIDTH} < {below} ? {json.dumps(wrapped(lines, chars[kind - 1]))} : {expr}"
    return {"expr": expr}


def page_title(title: Any) -> Any:
    """A Vega-Lite title (text, or a TitleParams dict) whose text and subtitle lines suit the column."""
    if isinstance(title, str | list):
        return {"text": lines_for_width(title, 1)}
    if not isinstance(title, Mapping) or not isinstance(title.get("text", ""), str | list):
        return title  # e.g. already an expression
    out = dict(title)
    out["text"] = lines_for_width(title.get("text", ""), 1)
    if isinstance(title.get("subtitle"), str | list):
        out["subtitle"] = lines_for_width(title["subtitle"], 2)
    return out


# An x-axis label that would run more than 2 px past the end of the axis is left out rather than cut.
PAGE_CONFIG = {"axisX": {"labelBound": 2}}
# A legend under a chart: one row on a desktop, a list on a phone (one row of four long names runs off).
LEGEND_COLUMNS = narrow_or_wide(1, 0)


def _with_page_config(config: Any) -> dict:
    out = dict(config) if isinstance(config, Mapping) else {}
    for group, values in PAGE_CONFIG.items():
        out[group] = {**values, **(out.get(group) or {})}
    return out


def _long_title(holder: Any) -> bool:
    return isinstance(holder, dict) and isinstance(holder.get("title"), str) and len(holder["title"]) > AXIS_TITLE_CHARS


def _wrap_x_titles(node: Any) -> Any:
    """The spec with long x-axis titles (of every layer and view) broken into lines; nothing is changed in
    place (specs may come from a cache shared by sessions)."""
    if isinstance(node, list):
        return [_wrap_x_titles(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = dict(node)
    x = (node.get("encoding") or {}).get("x")
    if isinstance(x, dict) and (_long_title(x) or _long_title(x.get("axis"))):
        x = dict(x)
        if _long_title(x):
            x["title"] = wrapped(x["title"], AXIS_TITLE_CHARS)
        if _long_title(x.get("axis")):
            x["axis"] = {**x["axis"], "title": wrapped(x["axis"]["title"], AXIS_TITLE_CHARS)}
        out["encoding"] = {**node["encoding"], "x": x}
    for key in ("layer", *COMPOSITIONS, "spec"):
        if key in node and isinstance(node[key], list | dict):
            out[key] = _wrap_x_titles(node[key])
    return out


def page_spec(chart: Any) -> dict:
    """The chart (an altair chart or a Vega-Lite dict) as the page shows it, as a Vega-Lite dict:
    PAGE_AUTOSIZE unless it sizes itself or is a composition (Streamlit sizes small multiples itself; `fit-x`
    breaks nested ones), its title wrapped for its column, and PAGE_CONFIG under its own config. An altair
    chart is converted without schema validation (it was validated when built; a subtitle given as an
    expression, which Vega-Lite passes on to Vega, is outside the schema)."""
    if not isinstance(chart, dict):
        with alt.data_transformers.disable_max_rows():
            chart = chart.to_dict(validate=False)
    out = dict(chart)
    if "autosize" not in out and not any(key in out for key in COMPOSITIONS):
        out["autosize"] = dict(PAGE_AUTOSIZE)
    if out.get("title"):
        out["title"] = page_title(out["title"])
    out["config"] = _with_page_config(out.get("config"))
    return _wrap_x_titles(out)
