"""Every page at every geography level, for a few selections, run under AppTest and reduced to what a
person sees: each chart's Vega-Lite spec as the browser draws it (tests/drawn_charts.browser_spec, at the width
the chart gets on a 1400 px desktop and on a 390 px phone) and every piece of visible text (markdown, captions,
headings, alerts, metrics, table headers and cells as the grid shows them, widget labels and options, tabs,
expanders, buttons, toasts, chart titles). Runs are cached for the test session, so the chart and the text
tests share them."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from components.targets import encode_for_link, plan_to_json
from metrics.groups import AreaGroup
from metrics.targets import CLOSE_GAP, Target
from tests.drawn_charts import browser_spec, line_variants, plain_title
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
INDICATOR_KEYS = tuple(
    indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8")))
)
PAGES = (
    "overview",
    "manufacturing",
    "sector_strengths",
    "productivity_gaps",
    "levelling_up",
    "compare_areas",
    "targets",
    "your_data",
    "data_and_methods",
    "accessibility",
)
LEVELS = ("lep", "itl1", "itl2", "itl3", "lad", "cauth", "rgn")

# Widths on a 1400 x 1000 desktop with the sidebar open and on a 390 x 844 phone (measured in Chromium): the
# main column, and what an expander's border and padding take from it. Columns share the width less a 1 rem
# gap between them; on a phone Streamlit stacks them, each as wide as the column they are in.
MAIN_WIDTH = 940.0
PHONE_WIDTH = 358.0
EXPANDER_INSET = 34.0
COLUMN_GAP = 16.0

CHESHIRE_AND_WARRINGTON = "E37000003"
GREATER_CAMBRIDGE = "E37000059"
LIVERPOOL_LAD = "E08000012"
NORTH_WEST_PILOT = ("E37000003", "E37000007", "E37000019", "E37000022", "E37000015")
LIVERPOOL_CITY_REGION_LADS = ("E06000006", "E08000011", "E08000012", "E08000013", "E08000014", "E08000015")


@dataclass(frozen=True)
class View:
    """One page at one level with one selection, as URL parameters."""

    page: str
    level: str
    selection: str  # what is selected, in words
    params: tuple[tuple[str, str], ...]
    selected_name: str | None = None

    @property
    def name(self) -> str:
        return f"{self.page}/{self.level}/{self.selection}"


@dataclass
class Chart:
    title: str
    spec: dict  # as the browser draws it on the desktop
    width: float
    phone_spec: dict  # as the browser draws it on a phone
    phone_width: float


@dataclass
class Seen:
    """What one run of a view showed."""

    view: View
    charts: list[Chart] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (where on the page, the text)
    exceptions: list[str] = field(default_factory=list)


def _name(code: str) -> str:
    return str(AREAS.loc[AREAS["area_code"] == code, "area_name"].iloc[0])


def _longest_name(level: str) -> str:
    areas = AREAS[AREAS["geography"] == level]
    return str(areas.loc[areas["area_name"].str.len().idxmax(), "area_code"])


def _group_plan(name: str, level: str, members: tuple[str, ...]) -> str:
    """A link's plan: one group of areas and a target to halve its GVA per hour gap (as a user would make)."""
    group = AreaGroup(name, level, members)
    target = Target(f"Halve the {name} gap", group.code, "gva_per_hour", CLOSE_GAP, 50, 2015, 2030, "ENG_EXCL_LONDON")
    return encode_for_link(plan_to_json([group], [target]))


def selections(level: str, page: str = "") -> list[tuple[str, dict[str, str], str | None]]:
    """(words, URL parameters, selected area's name) for a level: nothing selected; its longest-named area;
    at LEP level also Cheshire and Warrington and Greater Cambridge and Greater Peterborough; at LAD level
    Liverpool (mid-table); an area group (with a target on it) at LEP and LAD level; and on Overview at LEP
    level the manufacturing share, which the preset group of North West LEPs is valued on."""
    longest = _longest_name(level)
    chosen = [("no area", {}, None), (f"long name {longest}", {"area": longest}, _name(longest))]
    if level == "lep":
        chosen += [
            (f"area {code}", {"area": code}, _name(code)) for code in (CHESHIRE_AND_WARRINGTON, GREATER_CAMBRIDGE)
        ]
        chosen.append(
            (
                "group of 5 North West LEPs",
                {"area": NORTH_WEST_PILOT[0], "plan": _group_plan("North West pilot", "lep", NORTH_WEST_PILOT)},
                _name(NORTH_WEST_PILOT[0]),
            )
        )
    if level == "lad":
        chosen.append((f"area {LIVERPOOL_LAD}", {"area": LIVERPOOL_LAD}, _name(LIVERPOOL_LAD)))
        chosen.append(
            (
                "group of Liverpool City Region LADs",
                {
                    "area": LIVERPOOL_LAD,
                    "plan": _group_plan("Liverpool City Region LADs", "lad", LIVERPOOL_CITY_REGION_LADS),
                },
                _name(LIVERPOOL_LAD),
            )
        )
    if level == "lep" and page == "overview":
        chosen.append(
            (
                "manufacturing share, Cheshire and Warrington",
                {"area": CHESHIRE_AND_WARRINGTON, "indicator": "manufacturing_gva_share"},
                _name(CHESHIRE_AND_WARRINGTON),
            )
        )
    return chosen


def views(pages: tuple[str, ...] = PAGES) -> list[View]:
    return [
        View(page, level, words, tuple(sorted({"level": level, **params}.items())), selected)
        for page in pages
        for level in LEVELS
        for words, params, selected in selections(level, page)
    ]


# --- widths ---------------------------------------------------------------------------------------------


def _children(node: Any) -> list[Any]:
    return list(getattr(node, "children", {}).values())


def chart_widths(node: Any, width: float = MAIN_WIDTH, phone: bool = False) -> list[tuple[Any, float]]:
    """Every vega_lite_chart under `node` with the width its container gives it."""
    found = []
    for child in _children(node):
        kind = getattr(child, "type", "")
        if kind == "vega_lite_chart":
            found.append((child, width))
        elif kind == "expander":
            found += chart_widths(child, width - EXPANDER_INSET, phone)
        elif kind == "flex_container" and any(getattr(c, "type", "") == "column" for c in _children(child)):
            columns = [c for c in _children(child) if getattr(c, "type", "") == "column"]
            total = sum(c.proto.weight for c in columns) or 1
            room = width - COLUMN_GAP * (len(columns) - 1)
            for column in columns:
                found += chart_widths(column, width if phone else room * column.proto.weight / total, phone)
        else:
            found += chart_widths(child, width, phone)
    return found


# --- visible text ----------------------------------------------------------------------------------------


def _cell_text(value: Any, number_format: str | None, placeholder: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return placeholder
    if isinstance(value, float | int) and not isinstance(value, bool) and number_format and "%" in number_format:
        try:
            return number_format % value
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def dataframe_texts(proto: Any) -> list[tuple[str, str]]:
    """(column header, text) of the headers and cells of a st.dataframe as the grid shows them: a missing
    value as the placeholder ("None" unless the page set one), numbers through the column's printf format."""
    frame = pa.ipc.open_stream(pa.py_buffer(proto.arrow_data.data)).read_all().to_pandas()
    config = json.loads(proto.columns or "{}")
    placeholder = proto.placeholder if proto.HasField("placeholder") else "None"
    order = list(proto.column_order) or [str(c) for c in frame.columns]
    texts = []
    for column in order:
        if column not in frame.columns or config.get(column, {}).get("hidden"):
            continue
        settings = config.get(column, {})
        header = str(settings.get("label") or column)
        number_format = settings.get("type_config", {}).get("format")
        texts += [
            (header, header),
            *((header, _cell_text(value, number_format, placeholder)) for value in frame[column].tolist()),
        ]
    if not config.get("_index", {}).get("hidden") and not isinstance(frame.index, pd.RangeIndex):
        texts += [("index", str(value)) for value in frame.index.tolist()]
    return texts


def table_texts(proto: Any) -> list[str]:
    frame = pa.ipc.open_stream(pa.py_buffer(proto.arrow_data.data)).read_all().to_pandas()
    return [str(c) for c in frame.columns] + ["None" if pd.isna(v) else str(v) for v in frame.to_numpy().ravel()]


TEXT_FIELDS = ("label", "body", "delta", "help", "placeholder", "title")
LIST_FIELDS = ("options", "captions")
BLOCK_LABELS = {"expander": "expandable", "tab": "tab", "popover": "popover"}  # block kind -> its proto part


def node_texts(node: Any, where: str = "") -> list[tuple[str, str]]:
    """(where, text) for every visible text under `node`."""
    out: list[tuple[str, str]] = []
    kind = getattr(node, "type", "")
    proto = getattr(node, "proto", None)
    here = f"{where}/{kind}" if kind else where
    if proto is not None and kind not in ("vega_lite_chart", "deck_gl_json_chart", "html"):
        if kind == "dataframe":
            out += [(f"{here}[{column}]", text) for column, text in dataframe_texts(proto)]
        elif kind == "table":
            out += [(here, text) for text in table_texts(proto)]
        elif kind == "code":  # the share link: its parameters are the link's, not text to read
            out.append((here, re.sub(r"\S*\?\S*=\S*", "<link>", proto.code_text)))
        else:
            part = BLOCK_LABELS.get(kind)
            inner = getattr(proto, part) if part and part in proto.DESCRIPTOR.fields_by_name else proto
            fields = inner.DESCRIPTOR.fields_by_name if hasattr(inner, "DESCRIPTOR") else {}
            out += [
                (here, getattr(inner, name))
                for name in TEXT_FIELDS
                if name in fields and isinstance(getattr(inner, name), str) and getattr(inner, name)
            ]
            out += [(here, str(value)) for name in LIST_FIELDS if name in fields for value in getattr(inner, name)]
    for child in _children(node):
        out += node_texts(child, here)
    return out


def chart_title_texts(spec: dict) -> list[str]:
    """Every line a chart's title and subtitle can show."""
    title = spec.get("title") or {}
    title = {"text": title} if isinstance(title, str | list) else title
    return [line for key in ("text", "subtitle") for variant in line_variants(title.get(key)) for line in variant]


# --- what no text should say ---------------------------------------------------------------------------------

# Indicator keys with an underscore ("population" is also a word); "None of ..." is a sentence, not a value.
TEXT_FAULTS = {
    "None": re.compile(r"\bNone\b(?! of\b)"),
    "nan": re.compile(r"(?i)\bnan\b"),
    "-0.00": re.compile(r"(?<![\w.])[-\u2212]0(?:\.0+)?(?![.\d])"),
    "raw indicator key": re.compile(r"\b(" + "|".join(re.escape(k) for k in INDICATOR_KEYS if "_" in k) + r")\b"),
}
CODE_SPAN = re.compile(r"`[^`]*`")


@dataclass(frozen=True)
class TextFault:
    page: str
    fault: str  # a key of TEXT_FAULTS
    where: str  # where on the page (element path, with the column header for a table cell)
    text: str


def text_faults(view: View, runs: tuple[Seen, ...]) -> list[TextFault]:
    """Visible texts of a view's runs that show None, nan, a negative zero or a raw indicator key. An
    identifier set in code font (a markdown code span) is meant to be read as one, and so is the indicator
    id column ("id") of the Data and methods page's tables (the key the downloads use)."""
    faults = []
    for run in runs:
        for where, text in run.texts:
            readable = CODE_SPAN.sub(" ", text)
            for fault, pattern in TEXT_FAULTS.items():
                if fault == "raw indicator key" and view.page == "data_and_methods" and where.endswith("[id]"):
                    continue
                if pattern.search(readable):
                    faults.append(TextFault(view.page, fault, where, text))
    return faults


# --- running the views -------------------------------------------------------------------------------------


def _record(view: View, at: AppTest, state: str = "") -> Seen:
    seen = Seen(view)
    seen.exceptions = [e.message for e in at.exception]
    phone_widths = [width for _, width in chart_widths(at.main, PHONE_WIDTH, phone=True)]
    for (node, width), phone_width in zip(chart_widths(at.main), phone_widths, strict=True):
        spec = browser_spec(node.proto, width)
        seen.charts.append(Chart(plain_title(spec)[0], spec, width, browser_spec(node.proto, phone_width), phone_width))
        seen.texts += [(f"{state}chart title", line) for line in chart_title_texts(spec)]
    seen.texts += [(f"{state}main{where}", text) for where, text in node_texts(at.main)]
    seen.texts += [(f"{state}sidebar{where}", text) for where, text in node_texts(at.sidebar)]
    seen.texts += [(f"{state}toast", toast.proto.body) for toast in at.toast]
    return seen


@cache
def seen(view: View) -> tuple[Seen, ...]:
    """The view's runs: the page as linked; on Your data also with the example file switched on (its charts
    need data to draw)."""
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in view.params:
        at.query_params[key] = value
    at.switch_page(f"app_pages/{view.page}.py")
    at.run()
    runs = [_record(view, at)]
    if view.page == "your_data" and not at.exception:
        at.toggle(key="your_data_example").set_value(True)
        at.run()
        runs.append(_record(view, at, "with the example file: "))
    return tuple(runs)
