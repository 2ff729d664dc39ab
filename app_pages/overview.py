"""Overview: one indicator for every area of a geography level, as a map and a ranked chart."""

from __future__ import annotations

import streamlit as st

from app_pages.state import pick, remember_map_click
from components.overview import (
    BENCHMARK_LABELS,
    BENCHMARK_ORDER,
    LEVEL_LABELS,
    build_overview,
    indicators_for,
    years_for,
)
from components.palettes import rgba_css
from loaders.snapshot import cached_boundaries, cached_snapshot

snapshot = cached_snapshot()
metadata = snapshot.metadata

st.title("Regional productivity overview")

with st.sidebar:
    level = pick("level", "Geography", list(LEVEL_LABELS), default="lep", format_func=LEVEL_LABELS.get)
    indicator_ids = indicators_for(metadata, level)
    indicator = pick("indicator", "Indicator", indicator_ids, default="gva_per_hour",
                     format_func=lambda key: metadata[key]["label"])
    indicator_rows = snapshot.rows(indicator)
    years = years_for(indicator_rows[indicator_rows["geography"] == level])
    year = pick("year", "Year", years, default=years[-1] if years else None)
    benchmark = pick("benchmark", "Compare with", list(BENCHMARK_ORDER), default=BENCHMARK_ORDER[0],
                     format_func=BENCHMARK_LABELS.get)
    areas = snapshot.areas[snapshot.areas["geography"] == level].sort_values("area_name")
    area_names = dict(zip(areas["area_code"], areas["area_name"], strict=True))
    area = pick("area", "Area", [None, *area_names], default=None,
                format_func=lambda code: "(none)" if code is None else area_names[code])

meta = metadata[indicator]
if year is None:
    st.info(f"{meta['label']} has no values for {LEVEL_LABELS[level].lower()}.")
    st.stop()

view = build_overview(indicator_rows, meta, cached_boundaries(level), level, year, benchmark, area)

st.markdown(f"**{view.headline}**")
basis = f" · {meta['basis']}-based" if meta["basis"] else ""
st.caption(f"{meta['label']} · {year} · {meta['source']}{basis}")

map_col, legend_col = st.columns([4, 1])
with map_col:
    st.pydeck_chart(
        view.deck,
        height=560,
        on_select=remember_map_click,
        selection_mode="single-object",
        key="overview_map",
        alt=f"Map of {meta['label']} by {LEVEL_LABELS[level].lower()}, {year}. {view.headline}",
    )
with legend_col:
    st.markdown(f"**{view.value_label}**")
    for entry in view.legend:
        border = "1px solid #555"
        st.markdown(
            f"<div style='display:flex;align-items:center;gap:6px;margin:2px 0'>"
            f"<span style='display:inline-block;width:18px;height:14px;background:{rgba_css(entry.rgba)};"
            f"border:{border}'></span><span>{entry.label}</span></div>",
            unsafe_allow_html=True,
        )
    st.caption("Click an area on the map to select it.")

st.altair_chart(view.chart, width="stretch")

with st.expander("Table (all areas)"):
    st.dataframe(
        view.table[["rank", "area_name", "area_code", "value", "status", "gap_pct"]],
        hide_index=True,
        column_config={"gap_pct": st.column_config.NumberColumn(f"Gap to {view.benchmark_name or 'benchmark'} (%)",
                                                                format="%+.1f")},
    )
for caveat in meta["caveats"]:
    st.caption(caveat)
