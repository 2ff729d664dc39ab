"""Overview: one indicator for every area of a geography level, as a map and a ranked chart."""

from __future__ import annotations

import streamlit as st

from components.formatting import MISSING_CELL
from components.groups import benchmark_values, group_table
from components.overview import (
    indicators_for,
    overview_chart_figure,
    overview_map_figure,
    preferred_indicator,
    years_for,
)
from components.plain_text import plain
from components.status_notes import provisional_note
from components.targets import PRESET_GROUPS
from shell.figures import show_chart, show_map, table_downloads
from shell.first_screen import data_table
from shell.overview_views import indicator_view, overview_view
from shell.plan import user_plan
from shell.snapshot_cache import cached_snapshot
from shell.state import current_view, indicator_slot, pick, pick_year, stop_page, year_note
from vocabulary.geography import ENGLAND, LEVELS

snapshot = cached_snapshot()
metadata = snapshot.metadata

st.title("Regional productivity overview")

shared = current_view()
level = shared.level
with indicator_slot():
    choices = indicators_for(metadata, level)
    indicator = pick(
        "indicator",
        "Indicator",
        choices,
        default=preferred_indicator(choices),
        format_func=lambda key: metadata[key].label,
        unavailable=f"for {LEVELS[level].plural}",
    )
# a location quotient is against the benchmark chosen, where that is an economy
indicator_rows, meta, reference = indicator_view(indicator, shared.benchmark)
year = pick_year(
    years_for(indicator_rows[indicator_rows["geography"] == level]),
    f"for {meta.short_label} of {LEVELS[level].plural}",
)
if year is None:
    st.info(f"{meta.label} has no values for {LEVELS[level].label.lower()}.")
    stop_page()
year_note(shared.year, year, meta.label)

view = overview_view(indicator, level, year, shared.benchmark, shared.area)

st.markdown(f"**{plain(view.headline)}**")
basis = f" · {meta.basis}-based" if meta.basis else ""
st.caption(f"{meta.label} · {year} · {meta.source}{basis}")
if reference is not None and reference.note:
    st.caption(reference.note)
shown_rows = indicator_rows[
    (indicator_rows["period"] == year) & indicator_rows["geography"].isin([level, "uk", "country", "benchmark"])
]
provisional = provisional_note(shown_rows["status"], shown_rows["period"])
if provisional:
    st.caption(provisional)

map_figure = overview_map_figure(view, meta, indicator, level, year, metadata)
show_map(
    map_figure,
    view.deck,
    key="overview_map",
    alt=f"Map of {meta.label} by {LEVELS[level].label.lower()}, {year}. {view.headline}",
    legend_title=view.value_label,
    legend=view.legend,
    note="Click an area on the map to select it.",
)
show_chart(overview_chart_figure(view, meta, indicator, year, shared.area, shared.benchmark, metadata), view.chart)
if view.chart_note:
    st.caption(f"{view.chart_note} Every area is listed in the full table below the chart.")

with st.expander("Table (all areas)"):
    shown = ["rank", "area_name", "area_code", "value", *(["interval"] if "interval" in view.table else []), "status"]
    data_table(
        view.table[[*shown, "gap_pct"]],
        hide_index=True,
        column_config={
            "interval": st.column_config.TextColumn("95% confidence interval"),
            "gap_pct": st.column_config.NumberColumn(
                f"Gap to {view.benchmark_name or 'benchmark'} (%)", format="%+.1f"
            ),
        },
        placeholder=MISSING_CELL,
    )
    table_downloads(
        f"overview_{indicator}_{level}_{year}",
        f"{meta.label}, {year}: {LEVELS[level].label}",
        map_figure.data,
        [indicator],
        [meta.source],
    )
groups, _ = user_plan(snapshot)
groups_here = group_table(
    [*PRESET_GROUPS, *groups],
    level,
    indicator,
    meta,
    year,
    lambda key, geography: snapshot.rows(key, geography),
    snapshot.areas,
    view.table["value"],
    benchmark_values(indicator_rows, year),
    reference.code if reference else ENGLAND,
)
if not groups_here.empty:
    st.markdown("**Area groups at this level** (valued from additive parts; see the Targets page)")
    data_table(
        groups_here,
        hide_index=True,
        column_config={"group": st.column_config.TextColumn("group", pinned=True)},
        placeholder=MISSING_CELL,
    )
for caveat in meta.caveats:
    st.caption(caveat)
