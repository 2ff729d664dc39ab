"""Sector strengths: what an area is specialised in (location quotients of GVA by industry against the
benchmark economy), how that changed and how fast each industry grew, the sector groupings people name,
and a map of one industry's location quotient across areas."""

from __future__ import annotations

import streamlit as st

from components.area_notices import regions_left_out_note
from components.formatting import MISSING_CELL
from components.plain_text import plain
from components.quotients import lq_reference
from components.sector_strengths import (
    BUILT_GROUPS,
    DETAILS,
    employment_note,
    for_display,
    groups_table,
    industry_name,
    no_industry_figures,
    number_format,
    profile_table,
    sector_choices,
    sector_lq_indicator,
    sector_map_figure,
    similar_areas_quotients,
    specialisms,
    strengths_sentence,
)
from components.sector_strengths_charts import bubble_figure
from components.targets import PRESET_GROUPS
from metrics.groups import member_lads
from metrics.sectors import LONG_SPAN, SHORT_SPAN, STRENGTH_RULE
from shell.figures import show_chart, show_map, table_downloads
from shell.first_screen import data_table
from shell.plan import user_plan
from shell.sector_views import (
    SOURCE_INDICATOR,
    cached_chart,
    cached_employment,
    cached_profile,
    cached_quotients_of,
    cached_sector_map,
    cached_similar_areas,
    employment_span,
    employment_totals,
    levels_with_data,
    provisional_years,
    reference_totals,
    sector_table,
    sector_years,
)
from shell.snapshot_cache import cached_snapshot
from shell.state import current_view, indicator_slot, pick, pick_year, stop_page, year_note
from vocabulary.geography import AREA_LEVELS, LEVELS

snapshot = cached_snapshot()
shared = current_view()
level, area = shared.level, shared.area
tables = sector_table()
source_meta = snapshot.metadata[SOURCE_INDICATOR]
area_names = dict(zip(snapshot.areas["area_code"], snapshot.areas["area_name"], strict=True))

st.title("Sector strengths")
st.caption(
    "What each area is specialised in, by its share of GVA in each industry against the benchmark economy "
    "(the location quotient), and how fast each industry grew. ONS GVA by industry for local authorities, "
    "summed to every geography; workplace-based."
)
years = sector_years(level)
if not years:
    built = ", ".join(lv.plural for lv in AREA_LEVELS if lv.key in levels_with_data())
    st.info(
        f"GVA by industry is not available for {LEVELS[level].plural}: ONS publishes it for local authorities, "
        f"and this app sums whole authorities to {built}. Choose one of those levels in the sidebar."
    )
    stop_page()

with indicator_slot():
    detail = pick(
        "sector_detail", "Industry detail", list(DETAILS), default="sections", format_func=lambda k: DETAILS[k][0]
    )
year = pick_year(years, f"for GVA by industry of {LEVELS[level].plural}")
year_note(shared.year, year, "GVA by industry")
reference = lq_reference(shared.benchmark, reference_totals(), "GVA by industry")
if reference.note:
    st.caption(reference.note)
provisional = year in provisional_years()

# --- one area's (or area group's) strengths -------------------------------------------------------
user_groups, _ = user_plan(snapshot)
groups_here = {group.code: group for group in (*PRESET_GROUPS, *user_groups) if group.level == level}
chosen_group = None
if groups_here:
    chosen_group = pick(
        "sector_group",
        "Or one of your area groups (made on the Targets page)",
        [None, *groups_here],
        default=None,
        format_func=lambda code: "(none: the area in the sidebar)" if code is None else groups_here[code].name,
        placeholder="(none: the area in the sidebar)",
    )
subject, subject_name, members = area, shared.area_name, ()
if chosen_group:
    subject, subject_name = chosen_group, groups_here[chosen_group].name
    members = tuple(sorted(member_lads(snapshot.areas, groups_here[chosen_group])))
profile = None
if not subject:
    st.info("Pick an area in the sidebar, or click one on the map below, to see its sector strengths.")
elif not members and subject not in tables:
    st.info(plain(no_industry_figures(subject, subject_name, snapshot.manifest)))
else:
    profile = cached_profile(subject, reference.code, year, detail, members)
    industries = profile[~profile["industry"].isin([g.key for g in BUILT_GROUPS])]
    sentence = strengths_sentence(
        industries,
        subject_name,
        "group" if members else level,
        year,
        reference.name,
        provisional,
        first_year=years[0],
    )
    st.markdown(f"**{plain(sentence)}**")
    st.caption(STRENGTH_RULE)
    plotted, chart = cached_chart(
        subject, subject_name, reference.code, reference.name, year, detail, members, provisional
    )
    if chart is None:
        st.info(f"No industry of {subject_name} has both a location quotient and real growth for {year}.")
    else:
        strong = plotted.loc[plotted["kind"] == "strength", "industry_name"].tolist()
        show_chart(
            bubble_figure(chart, plotted, source_meta.source, subject),
            chart,
            alt=f"Bubble chart of {len(plotted)} industries of {subject_name}: location quotient against real "
            f"growth {year - SHORT_SPAN}-{year}. Strengths: {', '.join(strong) or 'none'}. The table below has "
            "every figure.",
        )
    st.subheader("Every industry, most specialised first")
    jobs_reference = lq_reference(shared.benchmark, employment_totals(), "employment by industry (BRES)")
    jobs = None if members else cached_employment(subject, jobs_reference.code, jobs_reference.name, year, detail)
    shown = profile_table(industries, reference.name, jobs)
    data_table(
        for_display(shown),
        hide_index=True,
        placeholder=MISSING_CELL,
        column_config={
            "Industry": st.column_config.TextColumn("Industry", pinned=True, width="medium"),
            **{
                column: st.column_config.NumberColumn(column, format=number_format(column))
                for column in shown.columns
                if shown[column].dtype.kind == "f"
            },
        },
    )
    st.caption(employment_note(jobs, subject_name, year, employment_span()))
    if jobs is not None and jobs_reference.note:
        st.caption(jobs_reference.note)
    table_downloads(
        f"sector_strengths_{subject}_{year}",
        f"Sector strengths: {subject_name}, {year}",
        shown,
        [],
        [source_meta.source],
    )

    st.subheader("Sector groupings (proxies)")
    st.caption(
        "The 2025 Industrial Strategy's eight growth-driving sectors and the 2017 sector deals, built from the "
        "industries ONS publishes for local authorities. They are not the official definitions, which are lists of "
        "4- and 5-digit SIC codes; each says how well it is covered and why. Method on Data and methods."
    )
    groups = groups_table(profile, reference.name)
    data_table(
        for_display(groups),
        hide_index=True,
        placeholder=MISSING_CELL,
        column_config={"Grouping": st.column_config.TextColumn("Grouping", pinned=True)},
    )
    table_downloads(
        f"sector_groupings_{subject}_{year}",
        f"Sector groupings (proxies): {subject_name}, {year}",
        groups,
        [],
        [source_meta.source],
    )

    # --- areas like this one ------------------------------------------------------------------------
    st.subheader("Similar areas")
    similar = None if members else cached_similar_areas(subject, level)
    if similar is None:
        st.info("Similar areas are found for single areas of one level, not for area groups.")
    elif similar.message:
        st.info(plain(similar.message))
    else:
        focus = specialisms(industries)
        quotients = cached_quotients_of((subject, *similar.codes), reference.code, year)
        comparison = similar_areas_quotients(quotients, subject, similar.codes, area_names, focus)
        data_table(
            comparison,
            hide_index=True,
            placeholder=MISSING_CELL,
            column_config={
                "Area": st.column_config.TextColumn("Area", pinned=True),
                **{c: st.column_config.NumberColumn(c, format="%.2f") for c in comparison.columns[1:]},
            },
        )
        st.caption(
            f"Location quotients against {reference.name} in {year} of the industries {subject_name} is most "
            f"specialised in, for the areas most like it. {plain(similar.note)} To compare them on any indicator, "
            "pick them on Compare areas (its Similar areas button adds them)."
        )

# --- one industry across areas -------------------------------------------------------------------
st.subheader("One industry across areas")
choices = sector_choices(detail)
strongest = None
if profile is not None:
    ranked = profile[profile["strength"] & profile["industry"].isin(DETAILS[detail][1])]
    strongest = ranked.sort_values("lq", ascending=False)["industry"].iloc[0] if len(ranked) else None
fallback = "C" if "C" in choices else choices[0]
sector = pick("sector", "Industry on the map", choices, default=strongest or fallback, format_func=industry_name)
meta = sector_lq_indicator(source_meta, sector, reference.name)
view = cached_sector_map(sector, reference.code, reference.name, level, year, shared.benchmark, area)
map_figure = sector_map_figure(view, meta, level, year, reference.name)
show_map(
    map_figure,
    view.deck,
    key="sector_map",
    alt=view.alt_text,
    legend_title=view.legend_title,
    legend=view.legend,
    note=f"{view.legend_note} Click an area on the map to select it.",
    height=520,
)
with st.expander("Table (all areas)"):
    data_table(
        view.table[["rank", "area_name", "area_code", "value", "status"]],
        hide_index=True,
        column_config={"value": st.column_config.NumberColumn(meta.short_label, format="%.2f")},
        placeholder=MISSING_CELL,
    )
    table_downloads(f"sector_map_{sector}_{level}_{year}", map_figure.title, map_figure.data, [], [source_meta.source])
left_out_note = regions_left_out_note(level, snapshot.manifest)
if left_out_note:
    st.caption(left_out_note)

# --- notes ---------------------------------------------------------------------------------------
st.subheader("Notes")
st.markdown(
    "\n".join(
        [
            f"- {STRENGTH_RULE}",
            "- Shares and location quotients use GVA in current prices, summed from local authorities (a ratio "
            "of sums); real growth uses chained volume measures in 2022 money, summed for groups, an "
            "approximation because chain-linked volumes do not add up exactly.",
            f"- Change in share is in percentage points over {SHORT_SPAN} and {LONG_SPAN} years; growth is the "
            "% change of the industry's own GVA.",
            "- ONS withholds a few local-authority figures to protect confidential data; an area with a withheld "
            "member shows no figure for that industry (never a zero).",
            "- Employment by industry is Nomis BRES (workplace-based, rounded), for LEPs, ITL3 regions and England "
            "in 2016-2020; its SIC sections are summed into the sections the GVA tables use. It shows the share of "
            "jobs, the employment location quotient and GVA per job (approximate: see the note under the table).",
        ]
    )
)
