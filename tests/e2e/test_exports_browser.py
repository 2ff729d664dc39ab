"""Exports in a real browser (headless Debian chromium): every download a page offers (each figure's PNG,
SVG, Vega-Lite JSON, CSV and XLSX, the tables' CSV and XLSX, the slide pack) is clicked and the file opened
and checked (tests/e2e/export_files.py). The link and presentation mode are in test_share_link_browser.py
and test_presentation_browser.py.

Expected numbers come from regional_data/indicators.parquet read with pandas, never from the code under
test. One browser page serves the whole module; each test loads its own URL (a new Streamlit session)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from bench.browser import wait_for_map
from tests.e2e.export_files import (
    ENG_EXCL_LONDON,
    ENGLAND,
    GREATER_MANCHESTER,
    METADATA,
    NORTH_WEST,
    PARQUET,
    START,
    UK,
    VIEW,
    YEAR,
    check_slide_pack,
    close,
    download_slide_pack,
    export_page,
    headline,
    load,
    ordinal,
    value,
    values,
)
from tests.e2e.helpers_pages import title

pytestmark = pytest.mark.e2e


def test_overview_exports_match_the_snapshot(shared_page: tuple[Page, str, list[str]]) -> None:
    """Overview (LEPs, 2019, against England, Greater Manchester selected): map and ranked chart menus, the
    table's CSV/XLSX and the slide pack; map, chart and table data equal the parquet's values, ranks and
    gaps, and the headline shows the same rank, gap and value."""
    page = load(shared_page, f"?{VIEW}&indicator=gva_per_hour")
    wait_for_map(page)
    snapshot = values("gva_per_hour", "lep", YEAR)
    england = value("gva_per_hour", ENGLAND, YEAR)
    ranks = snapshot.rank(ascending=False, method="min")
    gaps = (snapshot / england - 1) * 100
    mine = snapshot[GREATER_MANCHESTER]
    expect(headline(page)).to_contain_text(
        f"Greater Manchester ranks {ordinal(int(ranks[GREATER_MANCHESTER]))} of {len(snapshot)} LEPs"
    )
    direction = "above" if gaps[GREATER_MANCHESTER] > 0 else "below"
    expect(headline(page)).to_contain_text(f"{abs(gaps[GREATER_MANCHESTER]):.1f}% {direction} England.")
    expect(headline(page)).to_contain_text(f"£{mine:.2f}")

    figures, tables, _ = export_page(page)
    assert [f.noun for f in figures] == ["map", "chart"]
    label = METADATA["gva_per_hour"].label
    assert figures[0].title == f"{label}, {YEAR}"

    drawn = figures[0].csv.set_index("area_code")
    assert sorted(drawn.index) == sorted(snapshot.index)  # every LEP is on the map
    close(drawn["value"], snapshot.reindex(drawn.index))
    close(drawn["rank"], ranks.reindex(drawn.index))
    close(drawn["gap_pct_to_England"], gaps.reindex(drawn.index))
    assert set(drawn["period"]) == {YEAR} and set(drawn["indicator"]) == {"gva_per_hour"}

    chart = figures[1].csv
    bars = chart[chart["drawn_as"] == "bar"].set_index("area_code")
    assert GREATER_MANCHESTER in bars.index and set(bars.index) <= set(snapshot.index)
    close(bars["value"], snapshot.reindex(bars.index))
    close(bars["gap_pct"], gaps.reindex(bars.index))
    line = chart[chart["drawn_as"] == "benchmark line"]
    assert list(line["area_code"]) == [ENGLAND]
    close(line["value"], [england])

    assert len(tables) == 1  # "Table (all areas)": the same rows as the map
    table = tables[0].set_index("area_code")
    assert sorted(table.index) == sorted(snapshot.index)
    close(table["value"], snapshot.reindex(table.index))
    close(table["rank"], ranks.reindex(table.index))

    pack = download_slide_pack(page, len(figures))
    assert check_slide_pack(pack.data, figures, "Overview", "Greater Manchester") == 4
    print(f"slide pack {pack.name}: {len(pack.data)} B")
    assert not shared_page[2], shared_page[2]


def test_productivity_gaps_exports_match_the_snapshot(shared_page: tuple[Page, str, list[str]]) -> None:
    """Productivity gaps (same view, GVA per hour, smoothed, from 2004): four chart menus, three tables and
    the slide pack; gaps to the UK, England, England excl. London, the parent region and the median LEP,
    the levels, the convergence scatter and the per-hour/per-job indices equal the parquet's."""
    page = load(shared_page, f"productivity_gaps?{VIEW}&gap_measure=hour&gap_series=smoothed&gap_start={START}")
    expect(title(page, "Productivity gaps")).to_be_visible()
    hour = PARQUET[(PARQUET["indicator"] == "gva_per_hour")]
    lep = hour[hour["geography"] == "lep"].pivot(index="period", columns="area_code", values="value")
    mine = lep[GREATER_MANCHESTER]
    parent = hour[(hour["geography"] == "itl1") & (hour["area_name"] == NORTH_WEST)]
    assert parent["area_code"].nunique() == 1
    benchmarks = {
        ENGLAND: hour[hour["area_code"] == ENGLAND].set_index("period")["value"],
        UK: hour[hour["area_code"] == UK].set_index("period")["value"],
        ENG_EXCL_LONDON: hour[hour["area_code"] == ENG_EXCL_LONDON].set_index("period")["value"],
        "parent": parent.set_index("period")["value"],
        "median": lep.median(axis=1),
    }
    index = values("gva_per_hour_index", "lep", YEAR)
    gap = (mine[YEAR] / benchmarks[ENGLAND][YEAR] - 1) * 100
    expect(headline(page)).to_contain_text(
        f"£{mine[YEAR]:.2f} per hour in {YEAR}, {abs(gap):.1f}% {'above' if gap > 0 else 'below'} England"
    )
    expect(headline(page)).to_contain_text(f"Index {index[GREATER_MANCHESTER]:.1f} (UK = 100)")

    figures, tables, _ = export_page(page)
    assert [f.noun for f in figures] == ["chart"] * 4
    gaps_chart, levels_chart, convergence, hour_job = (f.csv for f in figures)
    years = sorted(mine.dropna().index)  # the area's charts and table show its whole series
    assert years[0] == START and YEAR in years

    assert set(gaps_chart["benchmark_code"]) == set(benchmarks)
    for code, series in benchmarks.items():
        rows = gaps_chart[gaps_chart["benchmark_code"] == code].sort_values("period")
        assert list(rows["period"]) == years, code
        close(rows["area_value"], mine.reindex(years))
        close(rows["benchmark_value"], series.reindex(years))
        close(rows["value"], (mine.reindex(years) / series.reindex(years) - 1) * 100)

    own = levels_chart[levels_chart["area_code"] == GREATER_MANCHESTER].sort_values("period")
    assert list(own["period"]) == years
    close(own["value"], mine.reindex(years))

    points = convergence.set_index("area_code")
    assert sorted(points.index) == sorted(lep.columns)
    close(points["value"], lep.loc[YEAR].reindex(points.index))
    close(points["start_value"], lep.loc[START].reindex(points.index))
    close(points["growth_pct"], (lep.loc[YEAR] / lep.loc[START] - 1).reindex(points.index) * 100)
    close(
        points["gap_in_start_year_pct"], (lep.loc[START] / benchmarks[ENGLAND][START] - 1).reindex(points.index) * 100
    )

    both = hour_job.set_index("area_code")
    assert sorted(both.index) == sorted(index.index)
    close(both["value"], index.reindex(both.index))
    close(both["gva_per_job_index"], values("gva_per_job_index", "lep", YEAR).reindex(both.index))
    close(both["gva_per_hour_gbp"], values("gva_per_hour", "lep", YEAR).reindex(both.index))
    close(both["gva_per_job_gbp"], values("gva_per_job", "lep", YEAR).reindex(both.index))

    assert len(tables) == 3
    by_year, converging, indices = tables
    by_year = by_year.set_index("Year")
    assert list(by_year.index) == years
    close(by_year["Value"], mine.reindex(years))
    close(by_year["Gap to England (%)"], (mine / benchmarks[ENGLAND] - 1).reindex(years) * 100)
    close(by_year[f"Gap to Parent region: {NORTH_WEST} (%)"], (mine / benchmarks["parent"] - 1).reindex(years) * 100)
    close(by_year["Gap to Median LEP (%)"], (mine / benchmarks["median"] - 1).reindex(years) * 100)
    converging = converging.set_index("Code")
    close(converging[f"Value {YEAR}"], lep.loc[YEAR].reindex(converging.index))
    close(converging[f"Value {START}"], lep.loc[START].reindex(converging.index))
    indices = indices.set_index("Code")
    close(indices["Per hour, index (UK = 100)"], index.reindex(indices.index))
    close(indices["Per job, index (UK = 100)"], values("gva_per_job_index", "lep", YEAR).reindex(indices.index))

    pack = download_slide_pack(page, len(figures))
    assert check_slide_pack(pack.data, figures, "Productivity gaps", "Greater Manchester") == 6
    print(f"slide pack {pack.name}: {len(pack.data)} B")
    assert not shared_page[2], shared_page[2]


def test_manufacturing_exports(shared_page: tuple[Page, str, list[str]]) -> None:
    """Manufacturing (same view): map and chart menus, every table and the slide pack; the map's data
    equal the parquet's values of the indicator it maps."""
    page = load(shared_page, f"manufacturing?{VIEW}")
    wait_for_map(page)
    figures, tables, _ = export_page(page)
    assert figures[0].noun == "map" and len(figures) >= 3
    drawn = figures[0].csv.set_index("area_code")
    (indicator,) = set(drawn["indicator"])
    (period,) = set(drawn["period"])
    assert figures[0].title == f"{METADATA[indicator].label}, {period}"
    snapshot = values(indicator, "lep", period)
    assert sorted(drawn.index) == sorted(snapshot.index)
    close(drawn["value"], snapshot.reindex(drawn.index))
    assert len(tables) == 1  # "Table (all areas)" (the other tables' data come with their charts)
    table = tables[0].set_index("area_code")
    assert sorted(table.index) == sorted(snapshot.index)
    close(table["value"], snapshot.reindex(table.index))
    pack = download_slide_pack(page, len(figures))
    assert check_slide_pack(pack.data, figures, "Manufacturing", "Greater Manchester") == len(figures) + 2
    print(f"slide pack {pack.name}: {len(pack.data)} B")
    assert not shared_page[2], shared_page[2]
