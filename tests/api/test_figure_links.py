"""The data API request behind a figure (api/figure_links.py), from its plotted rows."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from api.figure_links import figure_link
from api.query import MAX_CODES
from tests.api.conftest import snapshot


def levels() -> tuple[dict[str, str], dict[str, int]]:
    areas = snapshot().areas
    return dict(zip(areas["area_code"], areas["geography"], strict=True)), areas["geography"].value_counts().to_dict()


def rows(codes: list[str], years: list[int]) -> pd.DataFrame:
    return pd.DataFrame([{"area_code": code, "period": year, "value": 1.0} for code in codes for year in years])


def test_a_map_of_every_area_of_a_level_names_the_level_not_the_codes() -> None:
    leps = sorted(code for code, level in levels()[0].items() if level == "lep")
    link = figure_link(rows(leps, [2023]), ["gva_per_hour"], snapshot().metadata, *levels())
    assert link.query is not None and link.query.areas == ()
    url = link.url("http://example.org:8501/overview?level=lep")
    assert url == "http://example.org:8501/api/v1/data.csv?indicator=gva_per_hour&geography=lep&from=2023&to=2023"


def test_a_line_chart_of_an_area_and_its_benchmarks_names_the_codes_and_years() -> None:
    link = figure_link(
        rows(["E37000025", "ENG_EXCL_LONDON", "median"], [2004, 2010, 2023]),
        ["gva_per_hour", "not_an_indicator"],
        snapshot().metadata,
        *levels(),
    )
    params = dict(parse_qsl(urlsplit(link.url(None, "json")).query))
    assert urlsplit(link.url(None, "json")).path == "/api/v1/data.json"
    assert params == {
        "indicator": "gva_per_hour",
        "geography": "lep,benchmark",
        "area": "E37000025,ENG_EXCL_LONDON",  # the computed median is no area of the snapshot
        "from": "2004",
        "to": "2023",
    }


def test_too_many_codes_fall_back_to_the_levels() -> None:
    lads = sorted(code for code, level in levels()[0].items() if level == "lad")[: MAX_CODES + 1]
    link = figure_link(rows(lads, [2020]), ["gva_per_hour"], snapshot().metadata, *levels())
    assert link.query is not None and link.query.areas == () and link.query.geographies == ("lad",)


def test_figures_outside_the_snapshot_have_no_link_and_say_why() -> None:
    own = figure_link(rows(["my_group"], [2020]), ["gva_per_hour"], snapshot().metadata, *levels())
    assert own.query is None and "your own" in own.reason and own.url("http://x/") == ""
    derived = figure_link(rows(["E37000025"], [2020]), ["lq_of_industry_C"], snapshot().metadata, *levels())
    assert derived.query is None and "no indicator of the snapshot" in derived.reason
    no_years = figure_link(pd.DataFrame({"area_code": ["E37000025"]}), ["gva_per_hour"], snapshot().metadata, *levels())
    assert no_years.query is None


def test_a_scatter_of_two_indicators_spans_both_years() -> None:
    data = pd.DataFrame({"area_code": ["E37000025", "E37000001"], "x_period": [2021, 2021], "y_period": [2023, 2023]})
    link = figure_link(data, ["gva_per_hour", "gdhi_per_head"], snapshot().metadata, *levels())
    assert link.query is not None
    assert (link.query.indicators, link.query.first_year, link.query.last_year) == (
        ("gva_per_hour", "gdhi_per_head"),
        2021,
        2023,
    )


def test_a_gap_chart_links_the_benchmarks_it_compares_with() -> None:
    data = pd.DataFrame(
        {"area_code": "E37000025", "period": [2020, 2021], "benchmark_code": ["ENG_EXCL_LONDON", "median"]}
    )
    link = figure_link(data, ["gva_per_hour"], snapshot().metadata, *levels())
    assert link.query is not None and link.query.areas == ("E37000025", "ENG_EXCL_LONDON")
    assert link.query.geographies == ("lep", "benchmark")
