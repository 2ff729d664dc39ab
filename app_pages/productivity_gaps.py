"""Productivity gaps: GVA per hour worked or per filled job of the selected area against the UK, England,
England excluding London, its parent region and the median area over time; convergence of every area of
the level; per-hour against per-job."""

from __future__ import annotations

import streamlit as st

from components.figures import chart_figure
from components.formatting import MISSING_CELL
from components.plain_text import plain
from components.productivity_gaps import (
    JOB_SERIES_NOTE,
    MEASURES,
    SERIES_LABELS,
    SERIES_NOTE,
    AreaView,
    ConvergenceView,
    HourJobView,
    area_label,
    build_area_view,
    build_convergence_view,
    build_hour_job_view,
    follow_default,
    hour_job_data,
    indicator_id,
    productivity_levels,
    series_options,
    start_year_options,
    years_with_values,
)
from components.productivity_gaps_charts import convergence_data, gap_chart_data, level_chart_data
from components.status_notes import provisional_note
from components.view_choices import nearest_year
from shell.figures import show_chart, table_downloads
from shell.first_screen import data_table
from shell.snapshot_cache import cached_snapshot
from shell.state import current_view, pick, stop_page, year_note
from vocabulary.geography import LEVELS

# Each section is built once per choice of view and shared read-only by all sessions (the charts are
# the slow part of a rerun); `built` (the snapshot's build time) keys a refreshed snapshot apart.


@st.cache_resource(max_entries=64, show_spinner=False)
def area_view(
    built: str, measure: str, series: str, level: str, area: str, name: str, benchmark: str, end: int, start: int | None
) -> AreaView:
    snap = cached_snapshot()
    chosen, indicator = MEASURES[measure], indicator_id(measure, series)
    index_rows = snap.rows(chosen.index, level) if indicator == chosen.smoothed else None
    return build_area_view(
        snap.rows(indicator),
        index_rows,
        snap.areas,
        snap.metadata[indicator],
        chosen,
        level,
        area,
        name,
        benchmark,
        end,
        start,
        unsmoothed_exists=indicator == chosen.smoothed and chosen.unsmoothed is not None,
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def convergence_view(
    built: str, indicator: str, level: str, benchmark: str, start: int, end: int, area: str | None
) -> ConvergenceView:
    snap = cached_snapshot()
    return build_convergence_view(snap.rows(indicator), snap.metadata[indicator], level, benchmark, start, end, area)


@st.cache_resource(max_entries=64, show_spinner=False)
def hour_job_view(built: str, level: str, year: int, area: str | None) -> HourJobView:
    snap = cached_snapshot()
    hour, job = MEASURES["hour"], MEASURES["job"]
    return build_hour_job_view(
        snap.rows(hour.index, level, year),
        snap.rows(job.index, level, year),
        snap.rows(hour.smoothed, level, year),
        snap.rows(job.smoothed, level, year),
        level,
        year,
        area,
    )


snapshot = cached_snapshot()
metadata = snapshot.metadata
built = str(snapshot.manifest.get("snapshot_id", ""))

st.title("Productivity gaps")
shared = current_view()
level = shared.level
if level not in productivity_levels(metadata):
    st.info(
        f"GVA per hour and per filled job are not available for {LEVELS[level].label}: ONS does not "
        "publish them for this geography. ITL1 regions cover the same English regions; choose them under "
        "Geography."
    )
    stop_page()

measure_col, series_col, start_col = st.columns(3)
with measure_col:
    measure = pick(
        "gap_measure", "Measure", list(MEASURES), default="hour", format_func=lambda key: MEASURES[key].label
    )
with series_col:
    series = pick("gap_series", "Series", series_options(measure), default="smoothed", format_func=SERIES_LABELS.get)
indicator = indicator_id(measure, series)
meta = metadata[indicator]
st.caption(SERIES_NOTE + ("" if MEASURES[measure].unsmoothed else f" {JOB_SERIES_NOTE}"))

years = years_with_values(snapshot.rows(indicator, level))
end = nearest_year(years, shared.year)
if end is None:
    st.info(f"{meta.label} has no values for {LEVELS[level].label}.")
    stop_page()
year_note(shared.year, end, meta.label)
shown = snapshot.rows(indicator, level, end)
provisional = provisional_note(shown["status"], shown["period"])
if provisional:
    st.caption(provisional)
with start_col:
    starts = start_year_options(years, end)
    first = starts[0] if starts else None
    st.session_state["gap_start"] = follow_default(
        st.session_state.get("gap_start"), st.session_state.get("_gap_start_default"), first
    )
    st.session_state["_gap_start_default"] = first
    start = pick("gap_start", "Start year", starts, default=first)

# --- the selected area -----------------------------------------------------------------------------
if shared.area is None:
    st.info(
        "Pick an area under Area in the sidebar to see its gap to the UK, England, England excluding "
        "London, its parent region and the median area over time. The charts below cover every area."
    )
else:
    area = area_view(
        built, measure, series, level, shared.area, shared.area_name or shared.area, shared.benchmark, end, start
    )
    if area.message:
        st.info(plain(area.message))
    else:
        st.markdown(f"**{plain(area.headline)}**")
        if not area.has_parent:
            st.caption("Parent region: n/a (ITL1 regions and nations have no parent region).")
        label = area_label(shared.area_name or shared.area, level)
        show_chart(
            chart_figure(
                "gaps_to_benchmarks",
                area.gap_chart,
                lambda: gap_chart_data(area.gap_chart, shared.area, label, indicator),
                [indicator],
                metadata,
            ),
            area.gap_chart,
        )
        show_chart(
            chart_figure(
                "gaps_levels",
                area.level_chart,
                lambda: level_chart_data(area.level_chart, area.gap_chart, shared.area, meta.unit, indicator),
                [indicator],
                metadata,
            ),
            area.level_chart,
        )
        with st.expander("Table: gap to each benchmark by year"):
            data_table(
                area.table,
                hide_index=True,
                column_config={
                    "Value": st.column_config.NumberColumn(
                        f"{MEASURES[measure].label} ({meta.unit})", format=f"%.{int(meta.decimals)}f"
                    )
                },
                placeholder=MISSING_CELL,
            )
            table_downloads(
                f"gaps_{indicator}_{shared.area}",
                f"{label}: gap to benchmarks ({meta.label})",
                area.table,
                [indicator],
                [meta.source],
            )

# --- every area of the level ---------------------------------------------------------------------
st.subheader(f"Convergence of {LEVELS[level].plural}")
if start is None:
    st.info(
        f"Convergence needs a start year before {end}, and {end} is the first year of {meta.label} "
        f"for {LEVELS[level].label}. Choose a later year in the sidebar."
    )
else:
    converging = convergence_view(built, indicator, level, shared.benchmark, start, end, shared.area)
    if converging.message:
        st.info(plain(converging.message))
    else:
        show_chart(
            chart_figure(
                "gaps_convergence",
                converging.chart,
                lambda: convergence_data(converging.table, start, end, meta.unit, indicator),
                [indicator],
                metadata,
            ),
            converging.chart,
        )
        st.caption(converging.note)
        with st.expander("Table: convergence of every area"):
            data_table(converging.table, hide_index=True, placeholder=MISSING_CELL)
            table_downloads(
                f"convergence_{indicator}_{level}_{start}_{end}",
                f"Convergence of {LEVELS[level].label}, {start}-{end} ({meta.label})",
                converging.table,
                [indicator],
                [meta.source],
            )

st.subheader("Per hour against per filled job")
both_years = sorted(
    set(years_with_values(snapshot.rows(MEASURES["hour"].index, level)))
    & set(years_with_values(snapshot.rows(MEASURES["job"].index, level)))
)
scatter_year = nearest_year(both_years, shared.year)
if scatter_year is None:
    st.info(f"GVA per hour and per job indices are not both available for {LEVELS[level].label}.")
else:
    scatter = hour_job_view(built, level, scatter_year, shared.area)
    hour_job_keys = [MEASURES["hour"].index, MEASURES["job"].index, MEASURES["hour"].smoothed, MEASURES["job"].smoothed]
    show_chart(
        chart_figure(
            "gaps_hour_job", scatter.chart, lambda: hour_job_data(scatter.table, scatter_year), hour_job_keys, metadata
        ),
        scatter.chart,
    )
    st.caption(scatter.note)
    with st.expander("Table: per hour and per job indices"):
        data_table(scatter.table, hide_index=True, placeholder=MISSING_CELL)
        table_downloads(
            f"per_hour_per_job_{level}_{scatter_year}",
            f"GVA per hour and per filled job indices, {LEVELS[level].label}, {scatter_year}",
            scatter.table,
            hour_job_keys,
            [metadata[MEASURES["hour"].index].source],
        )

for caveat in meta.caveats:
    st.caption(caveat)
