"""Your data charts (components/your_data_charts.py): the ranked uploaded column and the scatter against an
official indicator, the selected area marked by more than colour, and their figures' exports."""

from __future__ import annotations

import json
import re
from html import escape

import numpy as np
import pandas as pd
import pytest
import vl_convert

from components import your_data as yd
from components import your_data_charts as yd_charts
from components.exports import (
    source_lines,
)
from tests.components.your_data_data import (
    LADS,
    METADATA,
    XSS,
    files_of,
    lep_values,
    official_rows,
    read_export_csv,
)


def test_comparison_with_an_official_indicator() -> None:
    official = official_rows("gva_per_hour", "lep", 2022)
    values = lep_values()
    table = yd_charts.comparison_table(values, official)
    expected = official.set_index("area_code").loc[values["area_code"], "value"].to_numpy()
    np.testing.assert_allclose(table.set_index("area_code").loc[values["area_code"], "official"], expected)
    r, count = yd_charts.correlation(table)
    assert count == 10 and r == pytest.approx(np.corrcoef(np.arange(10.0), expected)[0, 1])
    chart = yd_charts.comparison_chart(
        table,
        uploaded_label="Score",
        official_label="GVA per hour (£)",
        official_format="$,.2f",
        uploaded_decimals=0,
        title="t",
        subtitle="s",
        source=yd.upload_source(XSS),
        selected_code=values["area_code"][3],
    )
    spec = chart.to_dict()
    points = dataset_of(spec, spec["layer"][0])
    assert len(points) == 10 and sum(row["selected"] for row in points) == 1
    assert spec["title"]["subtitle"][1] == f"Source: Your data: {XSS} (uploaded, not checked by us)"
    assert yd_charts.correlation(table.head(2)) == (None, 2)


def colour_rule() -> tuple:
    """The very rule tests/e2e/test_accessibility.py applies to every chart the pages draw."""
    from tests.e2e.test_accessibility import colour_alone, layer_groups

    return colour_alone, layer_groups


def dataset_of(spec: dict, unit: dict) -> list[dict]:
    return spec["datasets"][unit["data"]["name"]]


def text_layers(spec: dict) -> list[dict]:
    return [
        unit
        for unit in spec["layer"]
        if (unit["mark"]["type"] if isinstance(unit["mark"], dict) else unit["mark"]) == "text"
    ]


@pytest.mark.parametrize("selected", [None, 3])
def test_bar_chart_marks_the_selected_bar_in_words_outline_and_bold_label(selected: int | None) -> None:
    values = lep_values()
    code = values["area_code"][selected] if selected is not None else None
    spec = yd_charts.uploaded_bar_chart(
        values, "Score", "Score", "sub", 0, code, source=yd.upload_source("my.csv")
    ).to_dict()
    bars = next(unit for unit in spec["layer"] if unit["mark"]["type"] == "bar")
    assert [row["value"] for row in dataset_of(spec, bars)] == [9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0]
    assert bars["encoding"]["strokeWidth"] == {"condition": {"test": "datum.selected", "value": 2}, "value": 0}
    axis = bars["encoding"]["y"]["axis"]
    (words,) = text_layers(spec)
    marked = dataset_of(spec, words)
    if code is None:
        assert marked == [] and "labelFontWeight" not in axis and "labelExpr" not in axis
    else:
        test = f"datum.value === {json.dumps(values['area_name'][selected])}"
        assert [(row["area_code"], row["mark_text"]) for row in marked] == [(code, "◄ selected")]
        assert axis["labelFontWeight"] == {"condition": {"test": test, "value": "bold"}, "value": "normal"}
        assert axis["labelExpr"] == f'{test} ? "\\u25ba " + datum.label : datum.label'
        assert words["encoding"]["text"]["field"] == "mark_text"
    assert spec["title"]["subtitle"] == ["sub", "Source: Your data: my.csv (uploaded, not checked by us)"]
    colour_alone, layer_groups = colour_rule()
    groups = list(layer_groups(spec))
    assert groups and all(colour_alone(group) == [] for _, group in groups)
    # without the outline and the bold label, the same rule would flag the bar chart
    bare = json.loads(json.dumps(bars))
    del bare["encoding"]["strokeWidth"]
    bare["encoding"]["y"]["axis"].pop("labelFontWeight", None)
    assert colour_alone([bare, words]) == ["color highlights by colour only"]


def test_scatter_names_the_selected_point_beside_it() -> None:
    values = lep_values()
    table = yd_charts.comparison_table(values, official_rows("gva_per_hour", "lep", 2022))
    code = values["area_code"][5]
    spec = yd_charts.comparison_chart(
        table,
        uploaded_label="Score",
        official_label="GVA per hour (£)",
        official_format="$,.2f",
        uploaded_decimals=0,
        title="t",
        subtitle="s",
        source="x",
        selected_code=code,
    ).to_dict()
    points = spec["layer"][0]
    assert points["encoding"]["shape"]["condition"]["value"] == "diamond"
    (words,) = text_layers(spec)
    (row,) = dataset_of(spec, words)
    assert row["area_code"] == code and row["mark_text"] == f"◄ {values['area_name'][5]} (selected)"
    assert (words["encoding"]["x"]["field"], words["encoding"]["y"]["field"]) == ("official", "uploaded")
    colour_alone, layer_groups = colour_rule()
    assert all(colour_alone(group) == [] for _, group in layer_groups(spec))


def test_a_hostile_selected_name_renders_as_text() -> None:
    """The bold-label test embeds the selected name in a Vega expression: quotes and backslashes in an
    uploaded name are escaped, so the chart still renders and the name is drawn bold, as written."""
    values = lep_values()
    odd = "Quote \" and \\ back'slash </text>"
    values.loc[2, "area_name"] = odd
    spec = yd_charts.uploaded_bar_chart(values, "Score", "Score", "sub", 0, values["area_code"][2]).to_dict()
    spec["width"] = 600
    svg = vl_convert.vegalite_to_svg(spec)
    assert "◄ selected" in svg
    bold = re.findall(r'<text[^>]*font-weight="bold"[^>]*>([^<]*)</text>', svg)
    assert "► " + escape(odd, quote=False) in [text.replace("&quot;", '"').replace("&#39;", "'") for text in bold]


def test_a_long_ranking_draws_both_ends_and_the_selected_area() -> None:
    codes = sorted(LADS)[:60]
    values = pd.DataFrame(
        {
            "area_code": codes,
            "area_name": [LADS[c] for c in codes],
            "value": [float(i) for i in range(60)],
            "status": "",
        }
    )
    middle = codes[30]
    rows = yd_charts.uploaded_bar_rows(values, middle)
    assert len(rows) == 41 and middle in set(rows["area_code"]) and rows["selected"].sum() == 1
    assert yd_charts.bar_subtitle("Local authorities", values, middle) == (
        "Local authorities: the 20 largest and 20 smallest of 60 areas and the selected area, largest first"
    )
    assert yd_charts.bar_subtitle("LEPs", values.head(10), None) == "LEPs, ranked largest first"


def test_bar_figure_exports_round_trip_to_the_uploaded_values() -> None:
    values = lep_values().assign(uploaded=lambda f: f["area_code"], row=range(10))
    values.loc[4, "status"] = "estimated"
    values.loc[1, "name_in_file"] = '=HYPERLINK("http://x")'
    chart = yd_charts.uploaded_bar_chart(
        values,
        "Score, 2022",
        "Score, 2022 (your data), ranked",
        "LEPs, ranked",
        0,
        values["area_code"][4],
        source=yd.upload_source("mine.csv"),
    )
    figure = yd_charts.bar_figure(
        values,
        chart,
        selected_code=values["area_code"][4],
        column="Score",
        period=2022,
        file_name="mine.csv",
        level="lep",
    )
    assert (figure.title, figure.subtitle, figure.kind) == ("Score, 2022 (your data), ranked", "LEPs, ranked", "chart")
    assert source_lines(figure)[0] == "Source: Your data: mine.csv (uploaded, not checked by us)."
    assert source_lines(figure)[1].startswith("Your values: under their owner's terms, not the Open Government")
    assert "Crown copyright" not in source_lines(figure)[1]  # no boundaries on a bar chart
    files = files_of(figure)
    assert list(files) == [
        "Image (PNG, 2x)",
        "Image (SVG)",
        "Vega-Lite JSON",
        "Data (CSV)",
        "Data description (CSVW, JSON)",
        "Data (XLSX)",
    ]
    assert files["Image (PNG, 2x)"][:8] == b"\x89PNG\r\n\x1a\n"
    svg = files["Image (SVG)"].decode("utf-8")
    assert "mine.csv" in svg and "◄ selected" in svg and "Source: ONS" not in svg
    table = read_export_csv(files["Data (CSV)"])
    assert list(table.columns[:6]) == ["area_code", "area_name", "period", "value", "unit", "status"]
    merged = table.merge(values, on="area_code", suffixes=("", "_uploaded"))
    assert len(merged) == len(values) == len(table)
    np.testing.assert_allclose(merged["value"], merged["value_uploaded"])
    assert (merged["area_name"] == merged["area_name_uploaded"]).all()
    assert (table["period"] == 2022).all() and (table["unit"] == yd.UPLOADED_UNIT).all()
    assert table.set_index("area_code").loc[values["area_code"][4], "status"] == "estimated"
    by_code = table.set_index("area_code")
    assert by_code.loc[values["area_code"][0], "name_in_file"] == XSS  # a name from the file stays text
    assert by_code.loc[values["area_code"][1], "name_in_file"] == '\'=HYPERLINK("http://x")'  # never a formula


def test_scatter_figure_exports_both_sources_and_both_values() -> None:
    values = lep_values()
    official = official_rows("gva_per_hour", "lep", 2022)
    table = yd_charts.comparison_table(values, official)
    meta = METADATA["gva_per_hour"]
    chart = yd_charts.comparison_chart(
        table,
        uploaded_label="Score",
        official_label="GVA per hour (£)",
        official_format="$,.2f",
        uploaded_decimals=0,
        title="Score against GVA",
        subtitle="s",
        source="x",
        selected_code=None,
    )
    figure = yd_charts.comparison_figure(
        table,
        chart,
        selected_code=None,
        column="Score",
        period=None,
        file_name="mine.csv",
        level="lep",
        indicator="gva_per_hour",
        meta=meta,
        year=2022,
    )
    assert figure.indicators == ("gva_per_hour",) and figure.title == "Score against GVA"
    assert source_lines(figure)[0] == f"Source: Your data: mine.csv (uploaded, not checked by us); {meta.source}."
    data = read_export_csv(files_of(figure)["Data (CSV)"])
    truth = official.set_index("area_code")["value"]
    np.testing.assert_allclose(data["official_value"], truth.reindex(data["area_code"]).to_numpy())
    np.testing.assert_allclose(data["value"], values.set_index("area_code")["value"].reindex(data["area_code"]))
    assert (data["official_period"] == 2022).all() and (data["official_unit"] == meta.unit).all()
