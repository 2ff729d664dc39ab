"""The Overview's views, cached per process, and the one a visitor without a link sees first, built while
the process warms up (shell/warm_up.py) so that the first visitor's run finds it built.

Read-only and shared by every session, like the snapshot they come from.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.chart_layout import page_spec
from components.map_preview import deck_preview_html
from components.maps import PAGE_MAP_HEIGHT
from components.overview import OverviewView, build_overview, indicators_for, preferred_indicator, years_for
from components.quotients import Reference, quotient_view
from components.view_choices import default_year
from shell.rerun_cache import PAGE_SPECS
from shell.snapshot_cache import cached_boundaries, cached_snapshot
from shell.state import DEFAULT_LEVEL
from vocabulary.geography import BENCHMARKS
from vocabulary.indicators import Indicator


@st.cache_resource(show_spinner=False, max_entries=32)
def indicator_view(indicator: str, benchmark: str) -> tuple[pd.DataFrame, Indicator, Reference | None]:
    """The indicator's rows and metadata (a location quotient's against the chosen benchmark, with its
    reference), once per process."""
    snapshot = cached_snapshot()
    quotient = quotient_view(indicator, benchmark, snapshot.rows, snapshot.metadata)
    return quotient if quotient is not None else (snapshot.rows(indicator), snapshot.metadata[indicator], None)


@st.cache_resource(show_spinner=False, max_entries=8)  # a LAD view holds about 3 MB (its map)
def overview_view(indicator: str, level: str, year: int, benchmark: str, area: str | None) -> OverviewView:
    """Map, ranked chart, table and headline of one view; cached, so an unchanged view is not rebuilt on a
    rerun (and its chart is converted to a page spec once)."""
    rows, meta, _ = indicator_view(indicator, benchmark)
    return build_overview(rows, meta, cached_boundaries(level), level, year, benchmark, area)


def build_first_overview() -> OverviewView | None:
    """The Overview a visitor without a link sees (the sidebar's and the page's defaults: level, benchmark,
    indicator, the indicator's default year), with its chart's page spec and its map's still preview, in the
    caches the page reads."""
    metadata = cached_snapshot().metadata
    benchmark = next(iter(BENCHMARKS))
    indicator = preferred_indicator(indicators_for(metadata, DEFAULT_LEVEL))
    rows, _, _ = indicator_view(indicator, benchmark)
    years = sorted({int(year) for year in years_for(rows[rows["geography"] == DEFAULT_LEVEL])}, reverse=True)
    year = default_year(years)
    if year is None:
        return None
    view = overview_view(indicator, DEFAULT_LEVEL, year, benchmark, None)
    PAGE_SPECS.get(view.chart, page_spec)
    deck_preview_html(view.deck.spec, PAGE_MAP_HEIGHT)
    return view
