"""What the app and the API make from the indicator table, as bytes: the API's CSV, JSON and CSVW for several
queries, the whole-table CSV, CSVW and XLSX, the notebook frame as CSV, and the Overview's figure data (CSV,
XLSX and the Vega-Lite spec) for several views. The memory test builds them from the snapshot as the app
holds it and from the same table with plain string columns, and compares the bytes."""

from __future__ import annotations

from collections.abc import Iterator

from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.routes import api_routes
from components.exports import export_spec, figure_data, figure_exports, vega_json
from components.methods import tidy_table_csv, tidy_table_csvw, tidy_table_xlsx
from components.overview import build_overview, overview_chart_figure, overview_map_figure
from loaders.snapshot import Snapshot, read_boundaries_json

API_QUERIES = (
    "data.csv?indicator=gva_per_hour&geography=lep&from=2015&to=2023",
    "data.json?indicator=gva_per_hour&geography=lep&from=2015&to=2023",
    "data.csv?indicator=unemployment_rate,employment_rate_16_64,qualifications_nvq4_plus&geography=lad,itl1&from=2020&to=2023",
    "data.json?indicator=unemployment_rate&geography=lad&year=2022&limit=50&offset=100",
    "data.csv?indicator=gva_per_hour,gva_per_job&area=E37000025,E06000047,TLC,ENG_EXCL_LONDON",
    "data.json?indicator=manufacturing_gva_share&geography=rgn,cauth",
    "data.csv-metadata.json?indicator=gva_per_hour&geography=itl3&from=2020",
    "areas?level=lad",
    "areas",
    "indicators",
)
# (indicator, level, year, benchmark, selected area)
OVERVIEW_VIEWS = (
    ("gva_per_hour", "lep", 2023, "ENG_EXCL_LONDON", "E37000025"),
    ("gva_per_hour", "lad", 2023, "median", None),
    ("unemployment_rate", "lad", 2023, "ENG_EXCL_LONDON", "E08000021"),
    ("gva_per_job", "itl3", 2022, "UK", None),
)


def api_outputs(snapshot: Snapshot) -> Iterator[tuple[str, bytes]]:
    with TestClient(Starlette(routes=api_routes(lambda: snapshot))) as client:
        for query in API_QUERIES:
            response = client.get(f"/api/v1/{query}")
            assert response.status_code == 200, (query, response.text[:300])
            yield f"api {query}", response.content


def table_outputs(snapshot: Snapshot) -> Iterator[tuple[str, bytes]]:
    yield "whole table CSV", tidy_table_csv(snapshot.indicators)
    yield "whole table CSVW", tidy_table_csvw(snapshot.indicators, snapshot.metadata, snapshot.manifest)
    yield "whole table XLSX", tidy_table_xlsx(snapshot.indicators, snapshot.metadata, snapshot.manifest)


def figure_outputs(snapshot: Snapshot) -> Iterator[tuple[str, bytes]]:
    for indicator, level, year, benchmark, area in OVERVIEW_VIEWS:
        meta = snapshot.metadata[indicator]
        boundaries = read_boundaries_json(level)
        view = build_overview(snapshot.rows(indicator), meta, boundaries, level, year, benchmark, area)
        figures = (
            overview_map_figure(view, meta, indicator, level, year, snapshot.metadata),
            overview_chart_figure(view, meta, indicator, year, area, benchmark, snapshot.metadata),
        )
        for figure in figures:
            name = f"{figure.stem} {indicator} {level} {year} {benchmark} {area}"
            yield f"{name} data CSV", figure_data(figure).to_csv(index=False).encode()
            yield f"{name} Vega-Lite", vega_json(export_spec(figure))
            for export in figure_exports(figure, snapshot.metadata, snapshot.manifest):
                if export.file_name.endswith((".csv", ".xlsx", ".csv-metadata.json")):
                    yield f"{name} {export.file_name}", export.build()
        yield f"overview table {indicator} {level} {year} {benchmark} {area}", view.table.to_csv().encode()
        yield f"overview headline {indicator} {level} {year} {benchmark} {area}", view.headline.encode()


def all_outputs(snapshot: Snapshot) -> dict[str, bytes]:
    return dict([*api_outputs(snapshot), *table_outputs(snapshot), *figure_outputs(snapshot)])
