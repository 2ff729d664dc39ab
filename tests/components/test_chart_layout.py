"""How a chart is laid out on a page (components/chart_layout.py) and what the ranked chart says when it
leaves areas out (components/charts.py). Expected values are written out here."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import vl_convert

from components.chart_layout import page_spec, wrapped
from components.charts import ranked_bar_chart, ranked_chart_note, rows_for_ranked_chart
from tests.drawn_charts import line_variants
from tests.svg_text import parse_svg

LONG_TITLE = "Halve the economic activity gap (16-64) (re-based to 2018): North East"
SUBTITLE = (
    "Economic activity rate, aged 16-64; gap to England excluding London (percentage points); "
    "baseline 2018, target 2024"
)


def layered(height: int = 280) -> alt.LayerChart:
    data = pd.DataFrame({"period": [2018, 2019, 2020], "value": [-4.0, -3.5, -3.0]})
    line = alt.Chart(data).mark_line().encode(x="period:O", y=alt.Y("value:Q", title="a long y axis title " * 4))
    return alt.layer(line).properties(
        title=alt.TitleParams(LONG_TITLE, subtitle=[SUBTITLE]), width="container", height=height
    )


def test_a_single_or_layered_chart_keeps_its_plot_height_on_the_page() -> None:
    spec = page_spec(layered())
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    # drawn in a 400 px column with a title and a long axis title, the plot is still 280 px tall
    drawing = parse_svg(vl_convert.vegalite_to_svg({**spec, "width": 400}))
    cell = drawing.cells[0]
    assert cell.y1 - cell.y0 >= 279


def test_streamlits_fit_squeezes_the_same_chart() -> None:
    """Why page_spec sets its own autosize: with Streamlit's default (`fit`) the same 280 px chart keeps
    much less than 280 px for the plot."""
    spec = {**page_spec(layered()), "autosize": {"type": "fit", "contains": "padding"}, "width": 400}
    cell = parse_svg(vl_convert.vegalite_to_svg(spec)).cells[0]
    assert cell.y1 - cell.y0 < 200


def test_compositions_and_charts_that_size_themselves_keep_their_autosize() -> None:
    concat = {"hconcat": [{"mark": "point"}, {"mark": "point"}], "title": "t"}
    assert "autosize" not in page_spec(concat)
    own = {"mark": "point", "autosize": {"type": "pad"}}
    assert page_spec(own)["autosize"] == {"type": "pad"}


def test_title_lines_suit_the_column_from_a_phone_to_a_desktop() -> None:
    spec = page_spec(layered())
    variants = line_variants(spec["title"]["text"])
    assert variants[-1] == [LONG_TITLE]  # offline and on a desktop: one line
    assert all(len(line) <= 28 for line in variants[0])  # the narrowest column (a phone's expander)
    for variant in variants:
        assert " ".join(variant) == LONG_TITLE  # every word, in order
    subtitles = line_variants(spec["title"]["subtitle"])
    assert all(" ".join(variant) == SUBTITLE for variant in subtitles)
    assert max(len(line) for line in subtitles[0]) <= 42
    # the browser chooses by the chart's column (Vega's containerSize()); here a 358 px phone column
    phone = json.loads(json.dumps(spec).replace("containerSize()", "[358, 0]"))
    drawing = parse_svg(vl_convert.vegalite_to_svg({**phone, "width": 358}))
    assert [text.text for text in drawing.role("title-text")] == wrapped(LONG_TITLE, 32)


def test_the_page_spec_leaves_a_cached_spec_as_it_was() -> None:
    original = layered().to_dict()
    original["layer"][0]["encoding"]["x"]["title"] = "x " * 30
    before = json.dumps(original, sort_keys=True)
    spec = page_spec(original)
    assert json.dumps(original, sort_keys=True) == before
    assert isinstance(spec["layer"][0]["encoding"]["x"]["title"], list)  # a long x title is broken into lines


def ranked(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": [f"A{i:03d}" for i in range(n)],
            "area_name": [f"Area {i}" for i in range(n)],
            "value": [100.0 - i * 0.1 for i in range(n)],
            "status": "",
            "rank": range(1, n + 1),
            "gap_pct": 0.0,
        }
    )


def test_a_shortened_ranking_says_what_it_shows() -> None:
    table = ranked(361)
    drawn = rows_for_ranked_chart(table, "A200")
    assert ranked_chart_note(table, drawn, "local authorities", "A200") == (
        "Showing 41 of 361 local authorities: the 20 ranked first, the 20 ranked last and the selected area."
    )
    top_pick = rows_for_ranked_chart(table, "A003")
    assert ranked_chart_note(table, top_pick, "local authorities", "A003") == (
        "Showing 40 of 361 local authorities: the 20 ranked first, the 20 ranked last."
    )
    whole = ranked(38)
    assert ranked_chart_note(whole, rows_for_ranked_chart(whole, None), "LEPs", None) is None


def test_the_ranked_chart_gives_every_bar_room_for_its_name() -> None:
    spec = ranked_bar_chart(
        ranked(38),
        title="t",
        subtitle="s",
        value_title="v",
        value_format=".1f",
        selected_code="A010",
        benchmark=None,
        benchmark_name=None,
        note="Showing all",
    ).to_dict()
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    axis = bars["encoding"]["y"]["axis"]
    assert axis["labelOverlap"] is False  # Streamlit's theme would otherwise drop every other name
    assert spec["height"] >= 18 * 38
    assert "Showing all" in spec["title"]["subtitle"]
