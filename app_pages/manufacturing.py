"""Manufacturing: how large and how concentrated manufacturing is in each area (share of GVA and of
employment, location quotient against England), its trend, sub-sector mix and enterprises by size."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.area_notices import regions_left_out_note
from components.formatting import MISSING_CELL
from components.manufacturing import (
    FAMILY_INDICATORS,
    GVA_SHARE,
    MEASURES,
    NOTES,
    SUBSECTORS,
    MeasureMap,
    build_measure_map,
    display_name,
    headline,
    manufacturing_map_figure,
    measures_for,
    subsector_comparators,
    years_with_values,
)
from components.manufacturing_charts import (
    Section,
    enterprise_data,
    enterprise_section,
    section_figure,
    subsector_data,
    subsector_section,
    trend_data,
    trend_section,
)
from components.plain_text import plain
from components.quotients import Reference, lq_reference, relabelled
from components.status_notes import provisional_note
from components.view_choices import nearest_year
from metrics.location_quotients import quotient_rows
from metrics.manufacturing import ENTERPRISES, SIZE_BANDS
from shell.figures import show_chart, show_map, table_downloads
from shell.first_screen import data_table
from shell.snapshot_cache import cached_boundaries, cached_snapshot
from shell.state import current_view, indicator_slot, pick, pick_year, year_note
from vocabulary.geography import AREA_LEVELS, ENGLAND, LEVELS
from vocabulary.indicators import Indicator

BASIS_NOTES = {
    "workplace": "Workplace-based: counts output or jobs where they are located.",
    "residence": "Residence-based: counts the area's residents, wherever they work.",
}


@st.cache_data(show_spinner=False, max_entries=64)
def cached_trend(level: str, area: str | None, area_name: str | None) -> Section:
    snap = cached_snapshot()
    return trend_section(snap.rows(GVA_SHARE), level, area, area_name, level in snap.metadata[GVA_SHARE].geographies)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_subsectors(level: str, area: str, area_label: str, year: int) -> Section:
    snap = cached_snapshot()
    series = [(level, area, area_label), *subsector_comparators(snap.areas, level, area)]
    return subsector_section({indicator: snap.rows(indicator) for indicator, _, _ in SUBSECTORS}, year, series)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_enterprises(level: str, area: str, area_label: str) -> Section:
    snap = cached_snapshot()
    indicators = [ENTERPRISES, *(indicator for indicator, _ in SIZE_BANDS)]
    return enterprise_section({indicator: snap.rows(indicator) for indicator in indicators}, level, area, area_label)


@st.cache_resource(show_spinner=False, max_entries=16)
def measures_with_values(level: str) -> frozenset[str]:
    """The measures' indicators with a value at the level, once per process."""
    snap = cached_snapshot()
    return frozenset(m.indicator for m in MEASURES.values() if snap.rows(m.indicator, level)["value"].notna().any())


@st.cache_resource(show_spinner=False, max_entries=32)
def measure_rows(measure_key: str, benchmark: str) -> tuple[pd.DataFrame, Reference, Indicator, pd.DataFrame]:
    """The measure family's share rows, the reference economy, and the measure's metadata and rows (a location
    quotient's against the benchmark economy chosen, not always England), once per process (read-only)."""
    snap = cached_snapshot()
    measure = MEASURES[measure_key]
    share_indicator, _ = FAMILY_INDICATORS[measure.family]
    share_rows = snap.rows(share_indicator)
    reference = lq_reference(benchmark, share_rows, snap.metadata[share_indicator].label)
    meta, indicator_rows = snap.metadata[measure.indicator], snap.rows(measure.indicator)
    if measure.is_lq:
        meta, indicator_rows = relabelled(meta, reference), quotient_rows(share_rows, reference.code)
    return share_rows, reference, meta, indicator_rows


@st.cache_resource(show_spinner=False, max_entries=8)  # a LAD view holds about 3 MB (its map)
def measure_map(measure_key: str, level: str, year: int, benchmark: str, area: str | None) -> MeasureMap:
    """The map, table and chart of one measure and view; cached, so an unchanged view is not rebuilt on a rerun."""
    _, reference, meta, indicator_rows = measure_rows(measure_key, benchmark)
    return build_measure_map(
        indicator_rows,
        meta,
        MEASURES[measure_key],
        cached_boundaries(level),
        level,
        year,
        benchmark,
        area,
        reference.name,
    )


snapshot = cached_snapshot()
metadata = snapshot.metadata
shared = current_view()
level, area = shared.level, shared.area
area_label = display_name(shared.area_name, level) if area and shared.area_name else None
level_name = LEVELS[level].plural


def levels_of(indicator: str) -> str:
    """The levels an indicator has, in words ("LEPs, ITL1 regions and local authorities")."""
    names = [lv.plural for lv in AREA_LEVELS if lv.key in metadata[indicator].geographies]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


st.title("Manufacturing")

with indicator_slot():
    choices = measures_for(metadata, level, set(measures_with_values(level)))
    measure_key = pick(
        "mfg_measure",
        "Manufacturing measure",
        choices,
        default=choices[0] if choices else None,
        format_func=lambda key: MEASURES[key].label,
        unavailable=f"for {level_name}",
    )

# --- map of the chosen measure -------------------------------------------------------------------
if measure_key is None:
    st.info(
        f"No manufacturing measure is available for {level_name} in this snapshot. GVA by industry is built "
        f"for {levels_of(GVA_SHARE)}; BRES employment for {levels_of(MEASURES['emp_share'].indicator)}; APS "
        f"residents' employment for {levels_of(MEASURES['res_share'].indicator)}. Choose one of those levels "
        "in the sidebar to see a map."
    )
else:
    measure = MEASURES[measure_key]
    share_rows, reference, meta, indicator_rows = measure_rows(measure_key, shared.benchmark)
    year = pick_year(
        years_with_values(indicator_rows[indicator_rows["geography"] == level]),
        f"for {meta.short_label} of {level_name}",
    )
    year_note(shared.year, year, meta.label)

    sentence = headline(share_rows, measure.family, level, area, shared.area_name, year, reference)
    if sentence:
        st.markdown(f"**{plain(sentence)}**")
    else:
        st.caption("Pick an area in the sidebar, or click one on the map, for its figures.")

    view = measure_map(measure_key, level, year, shared.benchmark, area)
    st.caption(f"{meta.label} · {year} · {meta.source} · {BASIS_NOTES.get(meta.basis, '')}")
    if reference.note:
        st.caption(reference.note)
    shown = indicator_rows[indicator_rows["period"] == year]
    provisional = provisional_note(shown["status"], shown["period"])
    if provisional:
        st.caption(provisional)
    map_figure = manufacturing_map_figure(view, meta, measure.indicator, level, year, metadata)
    show_map(
        map_figure,
        view.deck,
        key="manufacturing_map",
        alt=view.alt_text,
        legend_title=view.legend_title,
        legend=view.legend,
        note=f"{view.legend_note} Click an area on the map to select it.",
        height=540,
    )
    with st.expander("Table (all areas)"):
        gap_title = f"Gap to {view.benchmark_name} (%)" if view.benchmark_name else "Gap (%)"
        data_table(
            view.table[["rank", "area_name", "area_code", "value", "status", "gap_pct"]],
            hide_index=True,
            column_config={
                "value": st.column_config.NumberColumn(meta.short_label, format="%.2f"),
                "gap_pct": st.column_config.NumberColumn(gap_title, format="%+.1f"),
            },
            placeholder=MISSING_CELL,
        )
        table_downloads(
            f"manufacturing_{measure.indicator}_{level}_{year}",
            map_figure.title,
            map_figure.data,
            [measure.indicator],
            [meta.source],
        )
    for caveat in meta.caveats:
        st.caption(caveat)
    left_out_note = regions_left_out_note(level, snapshot.manifest)
    if level == "itl2" and measure.family == "gva" and left_out_note:  # ITL3 figures are ONS's own (Table 3c)
        st.caption(left_out_note)

# --- trend of the share of GVA -------------------------------------------------------------------
st.subheader("Trend: manufacturing share of GVA")
trend = cached_trend(level, area, shared.area_name)
if trend.note:
    st.caption(trend.note)
if trend.spec is None:
    st.info("The snapshot has no manufacturing share of GVA for England, England excluding London or the UK.")
else:
    share_meta = metadata[GVA_SHARE]
    show_chart(
        section_figure(
            "manufacturing_trend",
            trend.spec,
            lambda: trend_data(trend.table, GVA_SHARE, share_meta.unit),
            [GVA_SHARE],
            metadata,
        ),
        trend.spec,
    )
    with st.expander("Trend table"):
        data_table(trend.table.pivot(index="period", columns="series", values="value"), placeholder=MISSING_CELL)

# --- sub-sector mix ------------------------------------------------------------------------------
st.subheader("Manufacturing sub-sectors")
if level not in metadata[SUBSECTORS[0][0]].geographies:
    st.info(
        f"ONS GVA by industry gives the manufacturing sub-sectors for {levels_of(SUBSECTORS[0][0])}, not for "
        f"{level_name}."
    )
elif not area:
    st.info("Pick an area in the sidebar to see its manufacturing sub-sector mix.")
else:
    sub_year = nearest_year(years_with_values(snapshot.rows(SUBSECTORS[0][0], level)), shared.year)
    year_note(shared.year, sub_year, "The sub-sector mix")
    mix = cached_subsectors(level, area, area_label, sub_year)
    if mix.spec is None:
        st.info(mix.note)
    else:
        show_chart(
            section_figure(
                "manufacturing_subsectors",
                mix.spec,
                lambda: subsector_data(mix.table, sub_year),
                [indicator for indicator, _, _ in SUBSECTORS],
                metadata,
            ),
            mix.spec,
        )
        if mix.note:
            st.caption(mix.note)
    with st.expander("Sub-sector table"):
        data_table(
            mix.table.pivot(index="subsector", columns="series", values="label").reindex(
                index=mix.table["subsector"].unique(), columns=mix.table["series"].unique()
            ),
            placeholder=MISSING_CELL,
        )

# --- enterprises by size band --------------------------------------------------------------------
st.subheader("Manufacturing enterprises by size band")
if level not in metadata[ENTERPRISES].geographies:
    st.info(f"UK Business Counts are in the snapshot for {levels_of(ENTERPRISES)}, not for {level_name}.")
elif not area:
    st.info("Pick an area in the sidebar to see its manufacturing enterprises by size band.")
else:
    firms = cached_enterprises(level, area, area_label)
    if firms.spec is None:
        st.info(firms.note)
    else:
        st.markdown(firms.note)
        show_chart(
            section_figure(
                "manufacturing_enterprises",
                firms.spec,
                lambda: enterprise_data(firms.table, area, area_label, ENGLAND),
                [ENTERPRISES, *(indicator for indicator, _ in SIZE_BANDS)],
                metadata,
            ),
            firms.spec,
            width="content",
        )
        with st.expander("Enterprise counts"):
            data_table(
                firms.table.pivot(index="period", columns="band", values="count").reindex(
                    columns=firms.table["band"].unique()
                ),
                placeholder=MISSING_CELL,
            )

# --- notes ---------------------------------------------------------------------------------------
st.subheader("Notes")
st.markdown("\n".join(f"- {note}" for note in NOTES))
