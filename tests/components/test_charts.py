"""The ranked bar chart: the selected area is marked without colour (outlined bar, "► " and bold type on its
axis label), the marks are absent when nothing (or an area without a bar) is selected, and the exported SVG
really draws them. Expectations are written out here, not taken from the code under test."""

from __future__ import annotations

import math
import re
from html import unescape

import pandas as pd
import pytest

from components.charts import label_positions, line_ends, ranked_bar_chart, rows_for_ranked_chart, spread_labels
from components.exports import svg

NAMES = ["Alpha", "King's Lynn and West Norfolk", 'Say "when"', "Delta", "Echo"]


def table(names: list[str] = NAMES) -> pd.DataFrame:
    """Areas ranked best first, as metrics.ranking.ranked_table returns them."""
    n = len(names)
    return pd.DataFrame(
        {
            "area_code": [f"A{i:03d}" for i in range(n)],
            "area_name": names,
            "value": [100.0 - 5 * i for i in range(n)],
            "rank": list(range(1, n + 1)),
            "gap_pct": [10.0 - 5 * i for i in range(n)],
        }
    )


def chart_spec(selected_code: str | None, rows: pd.DataFrame | None = None) -> dict:
    return ranked_bar_chart(
        table() if rows is None else rows,
        title="T",
        subtitle="S",
        value_title="V",
        value_format=",.1f",
        selected_code=selected_code,
        benchmark=90.0,
        benchmark_name="the median",
    ).to_dict()


def bars(spec: dict) -> dict:
    (unit,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "bar"]
    return unit


def bar_rows(spec: dict) -> pd.DataFrame:
    unit = bars(spec)
    return pd.DataFrame(spec["datasets"][unit["data"]["name"]])


def label_cues(spec: dict) -> dict:
    axis = bars(spec)["encoding"]["y"]["axis"]
    return {key: axis[key] for key in ("labelExpr", "labelFontWeight") if key in axis}


def drawn_labels(spec: dict) -> dict[str, str]:
    """Each y-axis label of the rendered SVG -> its font weight."""
    out = {}
    for attrs, text in re.findall(r"<text ([^>]*)>([^<]*)</text>", svg(spec)):
        weight = re.search(r'font-weight="([^"]+)"', attrs)
        out[unescape(text)] = weight.group(1) if weight else ""
    return out


@pytest.mark.parametrize("index", range(len(NAMES)))
def test_the_selected_area_has_an_outline_and_a_marked_bold_label(index: int) -> None:
    spec = chart_spec(f"A{index:03d}")
    name = NAMES[index]
    encoding = bars(spec)["encoding"]
    # the outline: a condition on stroke width (not a colour channel) for the selected row only
    assert encoding["strokeWidth"]["condition"] == {"test": "datum.selected", "value": 2}
    assert encoding["strokeWidth"]["value"] == 0
    assert bars(spec)["mark"]["stroke"] == "#000000"
    rows = bar_rows(spec)
    assert rows.loc[rows["selected"], "area_name"].tolist() == [name]
    # the label: "► " before the name and bold, both tied to that one name
    cues = label_cues(spec)
    assert set(cues) == {"labelExpr", "labelFontWeight"}
    assert cues["labelFontWeight"]["condition"]["value"] == "bold"
    assert cues["labelFontWeight"]["value"] == "normal"
    assert "\\u25ba " in cues["labelExpr"] or "\u25ba " in cues["labelExpr"]


def test_without_a_selection_there_is_no_mark() -> None:
    spec = chart_spec(None)
    assert not bar_rows(spec)["selected"].any()
    assert label_cues(spec) == {}
    labels = drawn_labels(spec)
    assert all(labels[name] != "bold" for name in NAMES)
    assert not any(text.startswith("\u25ba") for text in labels)


def test_a_selected_area_without_a_bar_gets_no_mark() -> None:
    spec = chart_spec("NOT-DRAWN")
    assert not bar_rows(spec)["selected"].any()
    assert label_cues(spec) == {}


@pytest.mark.parametrize("index", [1, 2, 4])  # an apostrophe, double quotes, the last bar
def test_the_exported_svg_draws_the_marked_label_in_bold(index: int) -> None:
    """vl-convert (the PNG / SVG export) evaluates the label expression: the selected name, and only it,
    is drawn as "► name" in bold; every other name is drawn as it is."""
    labels = drawn_labels(chart_spec(f"A{index:03d}"))
    name = NAMES[index]
    assert labels.get(f"\u25ba {name}") == "bold", sorted(labels)
    for other in NAMES:
        if other != name:
            assert labels.get(other) == "normal", other
    assert not any(text.startswith("\u25ba") for text in labels if text != f"\u25ba {name}")


def test_the_outline_and_the_spoken_label_mark_only_the_selected_bar() -> None:
    """In the SVG, one bar has a 2 px black outline, and its label for screen readers says it is selected."""
    bar_paths = re.findall(r'<path [^>]*aria-roledescription="bar"[^>]*>', svg(chart_spec("A003")))
    drawn = [unescape(path) for path in bar_paths]
    assert len(drawn) == len(NAMES)
    outlined = [path for path in drawn if 'stroke-width="2"' in path and 'stroke="#000000"' in path]
    assert len(outlined) == 1 and "Area: Delta;" in outlined[0] and "Selected: true" in outlined[0]
    assert sum("Selected: true" in path for path in drawn) == 1


def test_a_long_ranking_keeps_the_selected_area_in_its_ranked_place() -> None:
    names = [f"Area {i:03d}" for i in range(100)]
    ranked = table(names)
    rows = rows_for_ranked_chart(ranked, "A050", limit=10)
    assert rows["area_name"].tolist() == [*names[:5], "Area 050", *names[-5:]]
    assert rows_for_ranked_chart(ranked, None, limit=10)["area_name"].tolist() == [*names[:5], *names[-5:]]
    assert rows_for_ranked_chart(ranked, "A002", limit=10)["area_name"].tolist() == [*names[:5], *names[-5:]]
    assert len(rows_for_ranked_chart(ranked.head(8), "A002", limit=10)) == 8


def test_label_positions_push_close_labels_apart_and_keep_order() -> None:
    ends = {"a": 1.0, "b": 1.1, "c": 1.2, "far": 10.0}
    placed = label_positions(ends, min_gap=0.5)
    ordered = sorted(placed, key=placed.get)
    assert ordered == ["a", "b", "c", "far"]
    heights = [placed[key] for key in ordered]
    assert all(upper - lower >= 0.5 - 1e-9 for lower, upper in zip(heights, heights[1:], strict=False))
    assert sum(heights) == pytest.approx(sum(ends.values()))  # centred on the lines' own ends


def test_label_positions_leave_separate_labels_alone() -> None:
    ends = {"a": 0.0, "b": 5.0, "c": -5.0}
    assert label_positions(ends, min_gap=1.0) == pytest.approx(ends)
    assert label_positions({}, 1.0) == {}


def test_line_ends_skip_missing_last_years() -> None:
    frame = pd.DataFrame(
        {
            "series": ["x", "x", "x", "y", "y"],
            "period": [2004, 2005, 2006, 2004, 2005],
            "gap_pct": [1.0, 2.0, math.nan, -1.0, -2.0],
        }
    )
    ends = line_ends(frame, "gap_pct").set_index("series")
    assert ends.loc["x", "period"] == 2005 and ends.loc["x", "gap_pct"] == 2.0
    assert ends.loc["y", "period"] == 2005


def test_spread_labels_keeps_labels_apart_and_in_order() -> None:
    values = [8.9, 9.2, 11.5, 15.4]
    placed = spread_labels(values, 1.0)
    assert all(b - a >= 1.0 - 1e-9 for a, b in zip(sorted(placed), sorted(placed)[1:], strict=False))
    assert sorted(range(4), key=lambda i: placed[i]) == [0, 1, 2, 3]
    assert spread_labels([1.0, 5.0], 1.0) == [1.0, 5.0]  # far apart: untouched
