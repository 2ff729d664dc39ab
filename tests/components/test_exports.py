"""Exports of a chart: PNG (2x), SVG, Vega-Lite JSON, CSV and XLSX, opened and checked file by file.
Expected values come from the parquet snapshot read with pandas, not from the code under test."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import altair as alt
import jsonschema
import numpy as np
import openpyxl
import pandas as pd
import pytest
from altair.vegalite.v6.schema import SCHEMA_URL, load_schema
from PIL import Image

from components.attribution import ATTRIBUTION
from components.charts import SOURCE_LINE
from components.data_files import csv_bytes, metadata_rows
from components.exports import (
    EXPORT_WIDTH,
    LICENCE_LINE,
    OS_LINE,
    Figure,
    export_spec,
    figure_exports,
    png,
    presentation_spec,
    svg,
    vega_json,
)
from components.overview import build_overview, overview_chart_figure
from components.xlsx_writer import xlsx_bytes
from loaders.snapshot import read_boundaries_json, read_snapshot
from tests.export_checks import check_csvw, read_plain_csv, read_xlsx
from vocabulary.indicators import indicators_from_json

REPO = Path(__file__).resolve().parents[2]
PARQUET = pd.read_parquet(REPO / "regional_data" / "indicators.parquet")
MANIFEST = json.loads((REPO / "regional_data" / "manifest.json").read_text())
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NEWCASTLE = "E08000021"
VALIDATOR = jsonschema.Draft7Validator(load_schema())


def small_figure(**changes) -> Figure:
    spec = {
        "data": {"values": [{"area": "A", "value": 1.5}, {"area": "B", "value": 3.0}]},
        "mark": "bar",
        "encoding": {"x": {"field": "value", "type": "quantitative"}, "y": {"field": "area", "type": "nominal"}},
        "width": 300,
        "height": 200,
    }
    fields = {
        "key": "small",
        "title": "Two bars",
        "subtitle": "Indicator X, 2023, against England",
        "spec": spec,
        "data": pd.DataFrame({"area_code": ["A", "B"], "area_name": ["Aa", "Bb"], "value": [1.5, 3.0]}),
        "sources": ("ONS test source",),
    }
    fields.update(changes)
    return Figure(**fields)


def svg_text(document: str) -> str:
    root = ET.fromstring(document)  # also proves the SVG parses
    return " ".join(" ".join(node.itertext()) for node in root.iter())


@pytest.fixture(scope="module")
def snapshot():
    return read_snapshot()


@pytest.fixture(scope="module")
def lad_chart(snapshot) -> Figure:
    meta = snapshot.metadata["gva_per_hour"]
    view = build_overview(
        snapshot.rows("gva_per_hour"), meta, read_boundaries_json("lad"), "lad", 2023, "ENG_EXCL_LONDON", NEWCASTLE
    )
    return overview_chart_figure(view, meta, "gva_per_hour", 2023, NEWCASTLE, "ENG_EXCL_LONDON", snapshot.metadata)


@pytest.fixture(scope="module")
def lad_chart_spec(lad_chart) -> dict:
    return export_spec(lad_chart)


def test_missing_title_subtitle_source_and_licence_are_added() -> None:
    spec = export_spec(small_figure())
    assert spec["title"]["text"] == "Two bars"
    assert spec["title"]["subtitle"] == ["Indicator X, 2023, against England", "Source: ONS test source.", LICENCE_LINE]
    assert "Open Government Licence v3.0" in LICENCE_LINE


def test_a_map_also_carries_the_os_copyright_line() -> None:
    spec = export_spec(small_figure(kind="map"))
    assert spec["title"]["subtitle"][-1] == f"{LICENCE_LINE} {OS_LINE}"
    assert "Contains OS data © Crown copyright and database right" in OS_LINE


def test_the_charts_own_subtitle_is_kept_and_its_short_source_line_replaced() -> None:
    chart = (
        alt.Chart(pd.DataFrame({"a": [1, 2]}))
        .mark_point()
        .encode(x="a:Q")
        .properties(title=alt.TitleParams("Own title", subtitle=["Own subtitle", SOURCE_LINE]), width="container")
    )
    spec = export_spec(small_figure(spec=chart))
    assert spec["title"]["text"] == "Own title"
    assert spec["title"]["subtitle"] == ["Own subtitle", "Source: ONS test source.", LICENCE_LINE]
    assert spec["width"] == EXPORT_WIDTH  # "container" has no meaning off the page


def test_spec_callables_are_resolved_and_the_figures_spec_is_not_changed() -> None:
    original = small_figure().spec
    figure = small_figure(spec=lambda: original)
    export_spec(figure)
    assert "title" not in original and "background" not in original


def test_png_is_a_png_at_twice_the_chart_size() -> None:
    data = png(export_spec(small_figure()))
    assert data[:8] == PNG_SIGNATURE
    width, height = Image.open(io.BytesIO(data)).size
    assert width >= 2 * 300 and height >= 2 * 200


def test_a_url_in_a_spec_is_refused_offline() -> None:
    spec = {"data": {"url": "https://example.com/data.csv"}, "mark": "point"}
    with pytest.raises(ValueError, match="not allowed"):
        png(spec)


def test_lad_chart_png_is_twice_the_chart_size(lad_chart_spec: dict) -> None:
    data = png(lad_chart_spec)
    assert data[:8] == PNG_SIGNATURE
    width, height = Image.open(io.BytesIO(data)).size
    assert width >= 2 * EXPORT_WIDTH
    heights = [lad_chart_spec.get("height")] + [layer.get("height") for layer in lad_chart_spec["layer"]]
    plot_height = max(h for h in heights if isinstance(h, int | float))
    assert plot_height == 18 * 41  # 40 bars plus the selected area, 18 px each (components.charts.BAR_STEP)
    assert height >= 2 * plot_height


def test_lad_chart_svg_has_title_subtitle_source_and_licence(lad_chart_spec: dict) -> None:
    text = svg_text(svg(lad_chart_spec))
    assert "GVA per hour worked (current prices, smoothed), 2023" in text
    assert "line: England excluding London" in text  # the subtitle names the benchmark
    meta = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text()))["gva_per_hour"]
    assert f"Source: {meta.source}." in text  # the indicator's source as the metadata file names it
    assert "Open Government Licence v3.0" in text
    assert "Newcastle upon Tyne" in text  # the selected area's bar is labelled


def test_vega_lite_json_validates_against_the_bundled_schema(lad_chart_spec: dict) -> None:
    document = json.loads(vega_json(lad_chart_spec))
    assert document["$schema"] == SCHEMA_URL  # the version altair's bundled schema describes
    VALIDATOR.validate(document)


def test_vega_lite_json_of_a_figure_without_schema_gets_one_and_validates() -> None:
    document = json.loads(vega_json(export_spec(small_figure()), compact=True))
    assert document["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    VALIDATOR.validate(document)


def _bars_in_spec(spec: dict) -> pd.DataFrame:
    """The bar layer's data as the chart draws it (altair puts layer data under `datasets`)."""
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    return pd.DataFrame(spec["datasets"][bars["data"]["name"]])


def test_csv_round_trips_to_the_plotted_values(lad_chart: Figure, lad_chart_spec: dict) -> None:
    exports = {e.file_name.split(".", 1)[-1]: e for e in figure_exports(lad_chart, {}, MANIFEST)}
    table = read_plain_csv(exports["csv"].build())
    assert list(table.columns[:6]) == ["area_code", "area_name", "period", "value", "unit", "status"]
    bars = table[table["drawn_as"] == "bar"]
    plotted = _bars_in_spec(lad_chart_spec)
    assert sorted(bars["area_code"]) == sorted(plotted["area_code"])
    merged = bars.merge(plotted[["area_code", "value"]], on="area_code", suffixes=("", "_plotted"))
    np.testing.assert_allclose(merged["value"], merged["value_plotted"])
    truth = PARQUET[
        (PARQUET["indicator"] == "gva_per_hour") & (PARQUET["geography"] == "lad") & (PARQUET["period"] == 2023)
    ].set_index("area_code")["value"]
    np.testing.assert_allclose(bars["value"], truth.reindex(bars["area_code"]).to_numpy())
    assert NEWCASTLE in set(bars["area_code"])  # the selected area is drawn, and exported
    assert (bars["period"] == 2023).all() and (bars["unit"] == "£").all()
    line = table[table["drawn_as"] == "benchmark line"].iloc[0]
    expected = PARQUET[
        (PARQUET["indicator"] == "gva_per_hour")
        & (PARQUET["area_code"] == "ENG_EXCL_LONDON")
        & (PARQUET["period"] == 2023)
    ]["value"].iloc[0]
    assert line["area_code"] == "ENG_EXCL_LONDON" and line["value"] == pytest.approx(expected)


def test_xlsx_round_trips_and_has_a_metadata_sheet(snapshot, lad_chart: Figure) -> None:
    exports = {e.file_name.split(".", 1)[-1]: e for e in figure_exports(lad_chart, snapshot.metadata, MANIFEST)}
    sheet, meta_rows = read_xlsx(exports["xlsx"].build())
    csv = read_plain_csv(exports["csv"].build())
    assert list(sheet.columns) == list(csv.columns)
    assert list(sheet["area_code"]) == list(csv["area_code"])
    np.testing.assert_allclose(sheet["value"].astype(float), csv["value"].astype(float))
    flat = [str(cell) for row in meta_rows for cell in row if cell is not None]
    assert ATTRIBUTION in flat
    indicator_row = next(row for row in meta_rows if row and row[0] == "gva_per_hour")
    definitions = indicators_from_json(json.loads((REPO / "regional_data" / "indicators.json").read_text()))[
        "gva_per_hour"
    ]
    assert indicator_row[1] == definitions.label and indicator_row[2] == "£"
    assert definitions.source in indicator_row and "Open Government Licence v3.0" in indicator_row
    assert "regional_data/manifest.json" in flat and MANIFEST["snapshot_id"] in flat
    assert MANIFEST["outputs"]["regional_data/indicators.parquet"]["sha256"] in flat


def test_missing_values_stay_empty_and_formulas_stay_text() -> None:
    data = pd.DataFrame(
        {
            "area_code": ["X1", "X2"],
            "area_name": ['=HYPERLINK("x")', "Plain"],
            "value": [np.nan, -2.5],
            "status": ["suppressed", ""],
        }
    )
    text = csv_bytes(data).decode("utf-8")
    assert "'=HYPERLINK" in text and ",-2.5," in text
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(data, [["Title", "T"]])))
    rows = list(book["data"].iter_rows(values_only=True))
    assert rows[1][2] is None and rows[1][3] == "suppressed"  # suppressed is not a zero
    assert rows[1][1].startswith("'=") and rows[2][2] == -2.5
    assert book["data"].cell(2, 2).data_type == "s"  # text, never a formula


def test_the_csv_is_plain_and_its_csvw_description_matches_it(snapshot, lad_chart: Figure) -> None:
    """Defect 7 of issue 11: the CSV started with "# " lines, so pandas.read_csv and spreadsheet imports
    broke; now the header is row 1 and the title, source, licence and units are in the CSVW file beside it."""
    exports = {e.file_name.split(".", 1)[-1]: e for e in figure_exports(lad_chart, snapshot.metadata, MANIFEST)}
    assert set(exports) >= {"csv", "csv-metadata.json", "xlsx"}
    data = exports["csv"].build()
    assert data.decode("utf-8").splitlines()[0].startswith("area_code,area_name,period,value,unit,status")
    document = check_csvw(data, exports["csv-metadata.json"].build(), exports["csv"].file_name)
    assert document["dc:title"] == lad_chart.title and document["dc:description"] == lad_chart.subtitle
    assert "Open Government Licence v3.0" in document["dc:source"] and document["dc:rights"] == ATTRIBUTION
    value = next(c for c in document["tableSchema"]["columns"] if c["titles"] == "value")
    assert value["schema:unitText"] == "£" and value["datatype"] == "number"
    [variable] = document["schema:variableMeasured"]
    assert variable["schema:identifier"] == "gva_per_hour" and variable["schema:unitText"] == "£"
    assert variable["dc:source"] == snapshot.metadata["gva_per_hour"].source


def test_metadata_rows_skip_unknown_indicators() -> None:
    rows = metadata_rows("T", "S", ["Source: x."], ["nope"], {}, {"snapshot_id": "0123abcd"})
    assert not any(row and row[0] == "nope" for row in rows)
    assert ["Snapshot id", "0123abcd"] in rows


def test_nothing_is_computed_until_a_download_is_clicked() -> None:
    calls = []

    def data() -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"area_code": ["A"], "value": [1.0]})

    exports = figure_exports(small_figure(data=data, file_stem="my chart/2023"), {}, {})
    assert [e.label for e in exports] == [
        "Image (PNG, 2x)",
        "Image (SVG)",
        "Vega-Lite JSON",
        "Data (CSV)",
        "Data description (CSVW, JSON)",
        "Data (XLSX)",
    ]
    assert [e.file_name for e in exports] == [
        "my_chart_2023.png",
        "my_chart_2023.svg",
        "my_chart_2023.vl.json",
        "my_chart_2023.csv",
        "my_chart_2023.csv-metadata.json",
        "my_chart_2023.xlsx",
    ]
    assert calls == []
    exports[3].build()
    assert calls == [1]


def test_presentation_spec_enlarges_type_and_keeps_the_data(lad_chart: Figure) -> None:
    page_spec = lad_chart.spec.to_dict()
    big = presentation_spec(lad_chart)
    assert big["title"]["fontSize"] == 30 and big["config"]["axis"]["labelFontSize"] >= 16
    assert big["title"]["subtitle"][-1] == LICENCE_LINE  # the full source and licence lines
    assert big["width"] == "container"  # still fills the screen
    assert big["height"] == round(page_spec["height"] * 1.3)  # room for the larger labels
    assert big["datasets"] == page_spec["datasets"]
