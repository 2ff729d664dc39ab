"""Overview: one indicator for every area of a geography level, as a map and a ranked chart."""

from __future__ import annotations

import streamlit as st

from app_pages.figures import show_chart, show_map, table_downloads
from app_pages.plan import user_plan
from app_pages.state import current_view, pick, stop_page, year_note
from components.overview import (
    LEVEL_LABELS,
    build_overview,
    indicators_for,
    preferred_indicator,
    years_for,
)
from components.page_figures import overview_chart_figure, overview_map_figure
from components.plain_text import plain
from components.targets import PRESET_GROUPS, group_values
from components.view_choices import nearest_year
from loaders.snapshot import cached_boundaries, cached_snapshot

snapshot = cached_snapshot()
metadata = snapshot.metadata

st.title("Regional productivity overview")

shared = current_view()
level = shared.level
with st.sidebar:
    choices = indicators_for(metadata, level)
    indicator = pick("indicator", "Indicator", choices, default=preferred_indicator(choices),
                     format_func=lambda key: metadata[key]["label"])
indicator_rows = snapshot.rows(indicator)
meta = metadata[indicator]
year = nearest_year(years_for(indicator_rows[indicator_rows["geography"] == level]), shared.year)
if year is None:
    st.info(f"{meta['label']} has no values for {LEVEL_LABELS[level].lower()}.")
    stop_page()
year_note(shared.year, year, meta["label"])

view = build_overview(indicator_rows, meta, cached_boundaries(level), level, year, shared.benchmark, shared.area)

st.markdown(f"**{plain(view.headline)}**")
basis = f" · {meta['basis']}-based" if meta["basis"] else ""
st.caption(f"{meta['label']} · {year} · {meta['source']}{basis}")

map_figure = overview_map_figure(view, meta, indicator, level, year, metadata)
show_map(
    map_figure,
    view.deck,
    key="overview_map",
    alt=f"Map of {meta['label']} by {LEVEL_LABELS[level].lower()}, {year}. {view.headline}",
    legend_title=view.value_label,
    legend=view.legend,
    note="Click an area on the map to select it.",
    height=560,
)
show_chart(overview_chart_figure(view, meta, indicator, year, shared.area, shared.benchmark, metadata), view.chart)

with st.expander("Table (all areas)"):
    st.dataframe(
        view.table[["rank", "area_name", "area_code", "value", "status", "gap_pct"]],
        hide_index=True,
        column_config={"gap_pct": st.column_config.NumberColumn(f"Gap to {view.benchmark_name or 'benchmark'} (%)",
                                                                format="%+.1f")},
    )
    table_downloads(f"overview_{indicator}_{level}_{year}", f"{meta['label']}, {year}: {LEVEL_LABELS[level]}",
                    map_figure.data,
                    [indicator], [meta["source"]])
groups, _ = user_plan(snapshot)
group_table = group_values([*PRESET_GROUPS, *groups], level, indicator, year,
                           lambda key, geography: snapshot.rows(key, geography), snapshot.areas,
                           view.table["value"])
if not group_table.empty:
    st.markdown("**Area groups at this level** (valued from additive parts; see the Targets page)")
    st.dataframe(group_table, hide_index=True)
for caveat in meta["caveats"]:
    st.caption(caveat)
