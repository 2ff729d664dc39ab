"""The Sector strengths page's cached views (Streamlit caches, so they live in the shell): the industry table
with the groupings and each area's rows of it, read once per process; each area's profile, chart spec, map and similar
areas built once per view and shared by sessions. What they compute is metrics/sectors.py and
components/sector_strengths*.py; this module only keeps the results."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.chart_layout import chart_dict
from components.manufacturing import MeasureMap
from components.sector_strengths import (
    BUILT_GROUPS,
    DETAILS,
    EmploymentView,
    sector_lq_indicator,
    sector_map,
    years_of,
)
from components.sector_strengths_charts import bubble_chart, bubble_data
from components.similar_areas import SimilarAreasView, similar_areas_view
from metrics.sectors import (
    TOTAL,
    TablesByArea,
    employment_profile,
    employment_year,
    group_rows,
    industry_profile,
    quotient_rows,
    quotients_of,
)
from shell.snapshot_cache import (
    cached_boundaries,
    cached_sector_tables,
    cached_similarity_features,
    cached_snapshot,
)

SOURCE_INDICATOR = "manufacturing_gva_share"  # the same ONS workbooks: its metadata names the source


def sector_table() -> TablesByArea:
    """The industry table with the groupings added, and each area's rows (read-only, shared by every session)."""
    return cached_sector_tables()


@st.cache_resource(show_spinner=False)
def sector_years(level: str) -> list[int]:
    return years_of(sector_table()["all"], level)


@st.cache_resource(show_spinner=False)
def reference_totals() -> pd.DataFrame:
    """Every area's total GVA (as `value`), to find whether the benchmark economy has figures."""
    table = sector_table()["all"]
    return table[table["industry"] == TOTAL].rename(columns={"gva_current": "value"})


@st.cache_data(show_spinner=False, max_entries=256)
def cached_profile(area: str, reference: str, year: int, detail: str, members: tuple[str, ...] = ()) -> pd.DataFrame:
    """One area's profile; an area group (`members`: its local authorities) is summed from them first."""
    tables = sector_table()
    own = group_rows(tables["all"], members, area, "group") if members else tables[area]
    both = pd.concat([own, tables[reference]], ignore_index=True)  # the groupings are in both already
    codes = [*DETAILS[detail][1], *(group.key for group in BUILT_GROUPS)]
    return industry_profile(both, area, reference, year, codes)


@st.cache_resource(show_spinner=False)
def employment_totals() -> pd.DataFrame:
    """Every area's total BRES employment (as `value`), to find whether the benchmark economy has figures."""
    table = sector_table()["all"]
    return table[table["industry"] == TOTAL].rename(columns={"employment": "value"})


@st.cache_resource(show_spinner=False)
def employment_span() -> tuple[int, int]:
    """The first and last year with BRES employment by industry."""
    years = sector_table()["all"].dropna(subset=["employment"])["period"]
    return int(years.min()), int(years.max())


@st.cache_data(show_spinner=False, max_entries=256)
def cached_employment(area: str, reference: str, reference_name: str, year: int, detail: str) -> EmploymentView | None:
    """One area's BRES employment by industry in the latest BRES year up to `year` (None if it has none)."""
    tables = sector_table()
    if area not in tables or reference not in tables:
        return None
    jobs_year = employment_year(tables[area], area, year)
    if jobs_year is None:
        return None
    both = pd.concat([tables[area], tables[reference]], ignore_index=True)
    codes = [TOTAL, *DETAILS[detail][1]]
    return EmploymentView(jobs_year, reference_name, employment_profile(both, area, reference, jobs_year, codes))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_chart(
    area: str,
    area_name: str,
    reference: str,
    reference_name: str,
    year: int,
    detail: str,
    members: tuple[str, ...],
    provisional: bool,
) -> tuple[pd.DataFrame, dict | None]:
    """The plotted industries and the chart's Vega-Lite spec (built once per view, ~80 ms with validation,
    components.chart_layout.chart_dict; the page and its exports then work from the dict)."""
    profile = cached_profile(area, reference, year, detail, members)
    plotted = bubble_data(
        profile[~profile["industry"].isin([g.key for g in BUILT_GROUPS])], area_name, year, provisional
    )
    if plotted.empty:
        return plotted, None
    with alt.data_transformers.disable_max_rows():
        return plotted, chart_dict(bubble_chart(plotted, area_name, year, reference_name))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_quotients_of(codes: tuple[str, ...], reference: str, year: int) -> pd.DataFrame:
    return quotients_of(sector_table(), codes, reference, year)


@st.cache_resource(show_spinner=False, max_entries=64)
def cached_sector_map(
    code: str, reference: str, reference_name: str, level: str, year: int, benchmark: str, area: str | None
) -> MeasureMap:
    """One industry's map (read-only, shared by sessions): its quotients for every area of the level and the
    deck.gl spec built from them, ~70-120 ms to build."""
    snapshot = cached_snapshot()
    meta = sector_lq_indicator(snapshot.metadata[SOURCE_INDICATOR], code, reference_name)
    names = dict(zip(snapshot.areas["area_code"], snapshot.areas["area_name"], strict=True))
    rows = quotient_rows(sector_table()["all"], code, reference, level)
    return sector_map(rows, meta, cached_boundaries(level), level, year, benchmark, area, reference_name, names)


@st.cache_resource(show_spinner=False, max_entries=256)
def cached_similar_areas(area: str, level: str) -> SimilarAreasView:
    return similar_areas_view(cached_similarity_features(level), cached_snapshot().metadata, area, level)


@st.cache_resource(show_spinner=False)
def levels_with_data() -> set[str]:
    return set(sector_table()["all"]["geography"].unique())


@st.cache_resource(show_spinner=False)
def provisional_years() -> set[int]:
    """The years the GVA-by-industry workbooks call provisional (as the snapshot marks their indicators)."""
    rows = cached_snapshot().rows(SOURCE_INDICATOR)
    return set(rows.loc[rows["status"] == "provisional", "period"].astype(int))
