"""Levelling up: an area's scorecard on every levelling-up indicator, any two indicators against
each other across the level's areas, and small-multiple maps with a table alternative."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.figures import chart_figure
from components.formatting import MISSING_CELL
from components.intervals import METHOD_TEXT
from components.levelling_up import (
    NOT_PUBLISHED,
    SCORECARD_INDICATORS,
    LevelIndicator,
    build_scorecard,
    default_pair,
    prepare_level,
    scorecard_data,
    scorecard_summary,
    valid_map_choice,
)
from components.levelling_up_charts import (
    ScatterChart,
    ScatterYears,
    map_panels,
    maps_description,
    maps_table,
    panel_column,
    printf_format,
    scatter_chart,
    scatter_data,
    scatter_table,
    scatter_years,
    small_multiples_data,
)
from components.plain_text import plain
from components.static_maps import MAX_MAPS, GeoConcatChart, MapPanel, small_multiples
from metrics.comparisons import correlation
from shell.figures import show_chart, table_downloads
from shell.first_screen import data_table
from shell.snapshot_cache import cached_boundaries, cached_snapshot
from shell.state import current_view, pick
from vocabulary.geography import BENCHMARKS, LEVELS

snapshot = cached_snapshot()
metadata = snapshot.metadata


@st.cache_resource(show_spinner=False)
def level_data(level: str) -> dict[str, LevelIndicator]:
    """The level's levelling-up rows split by year and area, once per server process."""
    return prepare_level({key: snapshot.rows(key) for key in SCORECARD_INDICATORS}, metadata, level)


@st.cache_resource(show_spinner=False, max_entries=64)
def scatter_view(
    level: str, x_key: str, y_key: str, year: int, area: str | None, area_name: str | None
) -> tuple[ScatterYears, pd.DataFrame, ScatterChart]:
    """Years, points and chart of one scatter; cached, so an unchanged view is not rebuilt on a rerun."""
    prepared = level_data(level)
    years = scatter_years(prepared[x_key].years, prepared[y_key].years, year)
    points = scatter_table(prepared[x_key].by_year[years.x_year], prepared[y_key].by_year[years.y_year], area)
    return years, points, scatter_chart(points, metadata[x_key], metadata[y_key], years, level, area_name)


@st.cache_resource(show_spinner=False, max_entries=64)
def maps_view(
    level: str, chosen: tuple[str, ...], year: int, area: str | None, area_name: str | None
) -> tuple[list[MapPanel], GeoConcatChart | None, pd.DataFrame | None]:
    """Panels, small multiples and their table for one choice of maps; cached like the scatter."""
    panels = map_panels(level_data(level), metadata, list(chosen), year)
    if not panels:
        return panels, None, None
    boundaries = cached_boundaries(level)
    chart = small_multiples(boundaries, panels, level, LEVELS[level].label, area, area_name)
    return panels, chart, maps_table(boundaries, panels)


def pick_many(key: str, label: str, options: list[str], format_func: Callable[[str], str]) -> list[str]:
    """A multiselect that, like `pick`, is seeded once from the URL and mirrored to it. What the user
    last picked is kept apart from what this level can show, so a level without some of the
    indicators does not shrink the choice for the next level."""
    wanted_key = f"_{key}_wanted"
    seeded = st.session_state.setdefault("_seeded_from_url", set())
    if key not in seeded:
        seeded.add(key)
        if raw := st.query_params.get(key):
            st.session_state[wanted_key] = raw.split(",")
    st.session_state[key] = valid_map_choice(st.session_state.get(wanted_key), options)

    def remember() -> None:
        st.session_state[wanted_key] = list(st.session_state[key])

    chosen = st.multiselect(
        label, options, key=key, format_func=format_func, max_selections=MAX_MAPS, on_change=remember
    )
    st.query_params[key] = ",".join(chosen)
    return chosen


def label_of(key: str) -> str:
    return metadata[key].label


st.title("Levelling up")
shared = current_view()
level = shared.level
plural = LEVELS[level].plural
prepared = level_data(level)
available = list(prepared)
st.caption(
    f"{len(available)} of {len(SCORECARD_INDICATORS)} levelling-up indicators are published for "
    f"{plural} in this snapshot."
)

# --- scorecard -----------------------------------------------------------------------------------
st.header("Scorecard")
if shared.area is None:
    st.info("Pick an area in the sidebar (Area) to see its scorecard on every levelling-up indicator.")
else:
    card = build_scorecard(prepared, metadata, level, shared.area, shared.year, shared.benchmark)
    st.markdown(f"**{plain(scorecard_summary(card, shared.area_name or shared.area))}**")
    # years as text, so an indicator not published for the level shows an empty cell rather than "None"
    card = card.assign(year=card["year"].map(lambda year: "" if pd.isna(year) else str(int(year))))
    data_table(
        card[
            [
                "label",
                "year",
                "value_text",
                *(["interval_text"] if card["interval_text"].ne("").any() else []),  # none at all: no column
                "verdict_text",
                "benchmark",
                "verdict_basis",
                "rank_text",
                "quartile_text",
                "uk_text",
                "england_text",
                "england_excl_london_text",
                "note",
            ]
        ],
        height=35 * (len(card) + 1) + 3,
        hide_index=True,
        column_config={
            # wide enough for the longest name (about 7.5 px a character at 14 px)
            "label": st.column_config.TextColumn("Indicator", width=int(7.5 * card["label"].str.len().max()) + 24),
            "year": st.column_config.TextColumn("Year"),
            "value_text": st.column_config.TextColumn(shared.area_name or "Value"),
            "interval_text": st.column_config.TextColumn("95% confidence interval"),
            "verdict_text": st.column_config.TextColumn("Verdict", width="medium"),
            "benchmark": st.column_config.TextColumn("Verdict against", width="medium"),
            "verdict_basis": st.column_config.TextColumn("How judged", width="medium"),
            "rank_text": st.column_config.TextColumn("Rank (1 = best)"),
            "quartile_text": st.column_config.TextColumn("Quartile band (4 = best)"),
            "uk_text": st.column_config.TextColumn("United Kingdom"),
            "england_text": st.column_config.TextColumn("England"),
            "england_excl_london_text": st.column_config.TextColumn("England excl. London"),
            "note": st.column_config.TextColumn("Note", width="large"),
        },
        placeholder=MISSING_CELL,
    )
    st.caption(
        f"Year: the latest with a value up to {shared.year}, else the first published. Rank and quartile band "
        f"are among the {plural} with a value that year, best first by each indicator's polarity "
        f"(lower is better for unemployment and claimants). Verdict against {BENCHMARKS[shared.benchmark].name}, "
        f"or England (then the UK) where that is not published. '{NOT_PUBLISHED}': the source has no figures "
        "for this level."
    )
    st.caption(METHOD_TEXT)
    table_downloads(
        f"scorecard_{shared.area}",
        f"Levelling-up scorecard: {shared.area_name or shared.area}",
        lambda: scorecard_data(card, shared.area, shared.area_name or shared.area, metadata),
        available,
        [metadata[key].source for key in available],
    )

# --- scatter -------------------------------------------------------------------------------------
st.header("Two indicators across areas")
if len(available) < 2:
    st.info(
        f"A scatter needs two indicators; {plural} have "
        f"{'only ' + label_of(available[0]) if available else 'none'} in this snapshot."
    )
else:
    x_default, y_default = default_pair(available)
    x_col, y_col = st.columns(2)
    with x_col:
        x_key = pick("lu_x", "Horizontal axis", available, x_default, format_func=label_of)
    with y_col:
        y_key = pick("lu_y", "Vertical axis", available, y_default, format_func=label_of)
    years, points, chart = scatter_view(level, x_key, y_key, shared.year, shared.area, shared.area_name)
    if years.common:
        st.caption(f"Year: {years.x_year}, the common year nearest to {shared.year}.")
    else:
        st.caption(
            f"The two indicators share no year at this level: {label_of(x_key)} is from {years.x_year}, "
            f"{label_of(y_key)} from {years.y_year}."
        )
    if points.empty:
        st.info("No area of this level has values for both indicators.")
    else:
        show_chart(
            chart_figure(
                "levelling_up_scatter",
                chart,
                lambda: scatter_data(points, x_key, y_key, years.x_year, years.y_year, metadata),
                [x_key, y_key],
                metadata,
            ),
            chart,
        )
        r = correlation(points)
        if r is not None:
            st.caption(f"Correlation across the {len(points)} areas with both values: r = {r:+.2f}.")
        if shared.area and not points["selected"].any():
            st.caption(f"{plain(shared.area_name)} has no value for both indicators in these years.")

# --- small multiples -----------------------------------------------------------------------------
st.header("Maps side by side")
if not available:
    st.info(f"No levelling-up indicator is published for {plural}.")
else:
    chosen = pick_many("lu_maps", f"Indicators to map (up to {MAX_MAPS})", available, label_of)
    panels, maps, table = maps_view(level, tuple(chosen), shared.year, shared.area, shared.area_name)
    if maps is None or table is None:
        st.info("Choose at least one indicator to map.")
    else:
        mapped = [panel.indicator for panel in panels]
        show_chart(
            chart_figure(
                "levelling_up_maps",
                maps,
                lambda: small_multiples_data(cached_boundaries(level), panels, shared.area),
                mapped,
                metadata,
                kind="map",
            ),
            maps,
            width="content",
            alt=maps_description(panels, level, shared.area_name),
        )
        st.caption(
            f"Each map shows its indicator's year nearest to {shared.year}; the table below lists the same values."
        )
        with st.expander("Table (the mapped values)"):
            data_table(
                table,
                hide_index=True,
                column_config={
                    "area_name": st.column_config.TextColumn("Area"),
                    "area_code": st.column_config.TextColumn("Code"),
                    "suppressed_on": st.column_config.TextColumn("Suppressed by the source on"),
                    **{
                        panel_column(panel): st.column_config.NumberColumn(format=printf_format(panel.meta))
                        for panel in panels
                    },
                },
                placeholder=MISSING_CELL,
            )
            table_downloads(
                f"levelling_up_maps_{level}",
                f"Levelling-up indicators mapped: {LEVELS[level].label}",
                table,
                mapped,
                [metadata[key].source for key in mapped],
            )
