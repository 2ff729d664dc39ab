"""Data and methods: sources, the build manifest, how aggregates are built and their measured error,
geography caveats, definitions per indicator, and a download of the whole tidy table."""

from __future__ import annotations

import streamlit as st

from components.exports import CSVW_MIME, XLSX_MIME
from components.formatting import MISSING_CELL
from components.intervals import METHOD_TEXT, interval_coverage_table
from components.methods import (
    WHOLE_TABLE_STEM,
    boundary_sizes_table,
    definitions_by_category,
    english_itl1_max_difference,
    indicator_catalogue_table,
    indicator_sources_table,
    lad_changes_table,
    lep_overlaps_table,
    manifest_summary_table,
    manufacturing_validation_table,
    outputs_table,
    provisional_table,
    rows_by_indicator_table,
    source_files_table,
    status_counts_table,
    tidy_table_csv,
    tidy_table_csvw,
    validation_table,
)
from components.sector_strengths import groupings_method_table, industry_validation_table
from components.sector_strengths_method import sector_strengths_method
from components.similar_areas import (
    level_features,
    similarity_levels,
    similarity_levels_table,
    similarity_measures_table,
    similarity_method_text,
)
from loaders.snapshot import Snapshot
from shell.first_screen import data_table
from shell.snapshot_cache import cached_industry_gva, cached_snapshot
from shell.whole_table import show_build_status, whole_table_build


@st.cache_resource(show_spinner=False)
def status_counts(_snapshot: Snapshot, snapshot_id: str):
    """Suppressed/unavailable counts per indicator, once per snapshot (keyed on its build time)."""
    return status_counts_table(_snapshot.indicators, _snapshot.metadata)


@st.cache_resource(show_spinner=False)
def interval_coverage(_snapshot: Snapshot, snapshot_id: str):
    """Which indicators carry 95% confidence intervals, and any that do not hold their value, once per snapshot."""
    return interval_coverage_table(_snapshot.indicators, _snapshot.metadata)


@st.cache_resource(show_spinner=False)
def similarity_coverage(_snapshot: Snapshot, snapshot_id: str):
    """Per level: the year similar areas are found in and how many areas are compared, once per snapshot."""
    return similarity_levels_table(
        {
            level: level_features(_snapshot.by_indicator, _snapshot.areas, level, cached_industry_gva())
            for level in similarity_levels(_snapshot.metadata)
        }
    )


snapshot = cached_snapshot()
manifest = snapshot.manifest
metadata = snapshot.metadata
link = st.column_config.LinkColumn

st.title("Data and methods")
st.markdown(
    "Every figure comes from an official file listed below, processed by this project's own code "
    "(`python -m loaders.build`). Snapshot "
    f"{manifest['snapshot_id']} (a hash of its files), built from {len(manifest['sources'])} source files, "
    f"{manifest['rows']:,} rows."
)

st.header("Sources")
st.subheader("Indicator sources")
data_table(
    indicator_sources_table(metadata, manifest),
    hide_index=True,
    column_config={
        "source": st.column_config.TextColumn("source", width="medium"),
        "edition": st.column_config.TextColumn("edition", width="medium"),
        "link": link("link"),
        "files": st.column_config.NumberColumn("files read"),
    },
    placeholder=MISSING_CELL,
)
st.subheader("Source files")
data_table(source_files_table(manifest), hide_index=True, placeholder=MISSING_CELL)

st.header("Build manifest")
data_table(manifest_summary_table(manifest), hide_index=True, placeholder=MISSING_CELL)
rows_col, geo_col = st.columns([3, 2])
with rows_col:
    st.markdown("**Rows per indicator**")
    data_table(rows_by_indicator_table(manifest, metadata), hide_index=True, height=300, placeholder=MISSING_CELL)
with geo_col:
    st.markdown("**Web boundary files** (map payload per level)")
    data_table(boundary_sizes_table(manifest), hide_index=True, placeholder=MISSING_CELL)
with st.expander("Output files and checksums"):
    data_table(outputs_table(manifest), hide_index=True, placeholder=MISSING_CELL)

st.header("How aggregates are built")
lep = manifest["lad_lep_lookup"]
st.markdown(
    f"""
- **Ratios are never averaged.** GVA per hour for a group of areas is the sum of its local authorities'
  GVA (current prices, £m; ONS regional GVA by industry) divided by the sum of their hours worked
  (ONS productivity tables, weekly hours × 52). Per filled job likewise with jobs.
- **England excluding London** is not published by ONS: it is derived from additive parts (English LADs
  outside London: sum of GVA over sum of hours), never by averaging ratios.
- **LEPs** are the May 2021 set ({lep["leps"]}). The LAD→LEP lookup is derived by {lep["method"]};
  {lep["lads"]} English LADs (2023 set) are assigned. {len(lep["lads_in_two_leps"])} LADs sat in two LEPs
  and count in both, as ONS did: {", ".join(lep["lads_in_two_leps"])} (see *LEP overlaps*).
"""
)

st.header("Measured aggregation error")
worst = english_itl1_max_difference(manifest)
st.markdown(
    "The LEP method, applied where ONS publishes the answer: local authorities summed to the 9 English "
    "ITL1 regions (smoothed £ per hour, against ONS's published values, 2004–2023), and to the combined "
    "authorities (unsmoothed, against ONS's CA tables). Differences are in % of ONS's value."
    + (f" Largest difference for any English region in any year: **{worst:.3f}%**." if worst is not None else "")
)
data_table(validation_table(manifest), hide_index=True, placeholder=MISSING_CELL)
northern_ireland = manifest["validation"]["itl1_gva_per_hour_smoothed"]["areas"].get("TLN")
if northern_ireland:
    st.caption(
        "Outside England the same sum does not reproduce ONS: Northern Ireland's LADs sum to a GVA per hour "
        f"up to {northern_ireland['max_abs_pct_difference']:.1f}% away from ONS's published Northern Ireland "
        "figure, so no figure here is aggregated from Northern Irish LADs. The full list of checks, including "
        "Wales, Scotland and Northern Ireland, is in regional_data/manifest.json."
    )

st.subheader("Manufacturing for regions and ITL2 regions")
checks = manifest["validation"].get("manufacturing_gva", {})
itl2 = manifest.get("itl2_2021_membership", {})
left_out = itl2.get("regions_left_out", {})
st.markdown(
    "Manufacturing GVA and its share for English regions, ITL2 regions, LEPs and combined authorities are sums "
    "of the local authorities' GVA by industry (£m), never averages of shares. ONS publishes the same sums "
    "for ITL1 and ITL2 regions (GVA per head and income components, Table 6, 2025 ITL codes) and ITL3 "
    "regions (Table 3c): the table gives the largest difference of our sums from ONS's, over every region and "
    "year 1998–2023. English regions are the English ITL1 regions (same local authorities)."
    + (
        " Largest difference in a region's manufacturing share: "
        f"**{checks['itl2_2025']['max_abs_share_point_difference']:.3f} percentage points** (ITL2)."
        if "itl2_2025" in checks
        else ""
    )
)
data_table(manufacturing_validation_table(manifest), hide_index=True)
if itl2:
    regions = "; ".join(
        f"{code} {facts['name']} (split: {', '.join(facts['straddling_lads'])})" for code, facts in left_out.items()
    )
    st.caption(
        f"The map's ITL2 regions are the 2021 ones: local authorities are placed in them by {itl2['method']}. "
        + (
            f"Regions holding part of a local authority cannot be summed from whole authorities and have no "
            f"manufacturing figures: {regions}. "
            if regions
            else ""
        )
        + "Regions whose authorities are the same in 2021 and 2025 are checked against ONS directly; the others "
        "are built the same way from the same tables."
    )

st.header("Sector strengths")
st.markdown(sector_strengths_method(manifest))
data_table(groupings_method_table(), hide_index=True)
shares = manifest["validation"].get("industry_shares", {})
if shares:
    st.subheader("Industry shares against ONS's regional tables")
    st.markdown(
        "Each industry's share of GVA summed from local authorities, against ONS's own figures for whole "
        "regions (Table 6 for ITL1 and ITL2, Table 3c for ITL3; 2025 ITL codes, 1998-2023). Largest difference "
        f"for an English ITL1 region: **{shares['itl1_2025']['max_abs_share_point_difference']:.3f} percentage "
        f"points** (tolerance {shares['tolerance_share_points']} points; the build stops beyond it). Where a local "
        "authority's figure is withheld, the UK, its countries, England, England excluding London and the ITL1 "
        "regions use ONS's regional figure instead (status 'itl3_sum')."
    )
    data_table(industry_validation_table(manifest), hide_index=True)

st.header("Provisional figures")
st.markdown(
    "Where a source says a year's figures are provisional (subject to revision), those rows carry the status "
    "*provisional*, and so does every figure computed here from them (a LEP's GVA, a group's share). Maps say "
    "so in the tooltip, tables beside the value, and pages under the figure. ONS's productivity workbooks mark "
    "no year provisional, so their published values are left as published, although their latest year rests on "
    "the same provisional regional GVA. Smoothed series for the latest years also move when ONS revises or "
    "adds a year."
)
data_table(
    provisional_table(manifest, metadata),
    hide_index=True,
    column_config={"the source says": st.column_config.TextColumn("the source says", width="large")},
)

st.header("LEP overlaps")
overlaps = lep_overlaps_table(snapshot.areas)
st.markdown(
    f"In the May 2021 LEP geography {len(overlaps)} local authorities belonged to two LEPs. ONS counted them "
    "in both, and so does this app: each LEP's totals (GVA, hours, jobs, people, firms) include them in full. "
    "LEP ratios are correct for each LEP, but **LEP totals must not be added up to England** (they would "
    "double count these authorities)."
)
data_table(overlaps, hide_index=True, placeholder=MISSING_CELL)

st.header("2023 LAD changes")
changes = lad_changes_table(snapshot.areas, manifest)
dropped = manifest.get("nomis_ladu_names_dropped_abolished_2023", [])
one_lep = (changes["wholly in one LEP"] == "yes").all()
st.markdown(
    f"On 1 April 2023 {len(changes)} unitary authorities replaced "
    f"{sum(len(r.split(', ')) for r in changes['replaced'])} districts and their county councils (placed by "
    f"{manifest.get('lad_2023_successors', {}).get('method', 'boundary overlay')}). The snapshot uses the 2023 "
    "LAD set throughout. "
    + (
        "Each successor lies wholly inside one LEP, so LEP values are unaffected by the change."
        if one_lep
        else "Not every successor lies inside one LEP: see the table."
    )
)
data_table(changes, hide_index=True, placeholder=MISSING_CELL)
st.markdown(
    "The Nomis extracts (Annual Population Survey and UK Business Counts, 2017–2022) name districts by their "
    "2021 names. The abolished districts have no 2023 code, so their rows are **dropped from the Nomis "
    f"LAD data** ({len(dropped)}: {', '.join(dropped) or 'none'}); the successor authorities therefore have "
    "no Nomis LAD figures for those years. Nomis's own LEP figures are kept as published."
)
els_dropped = manifest.get("els_lad_codes_dropped_not_in_2023_set", [])
recoded = manifest.get("cauth_lookup_recoded", {})
if els_dropped or recoded:
    st.caption(
        f"Explore Local Statistics rows for {len(els_dropped)} pre-2023 district codes were dropped likewise. "
        + (
            f"The May 2025 combined-authority lookup's newer codes {', '.join(recoded)} were matched by name to "
            f"the 2023 codes {', '.join(recoded.values())}."
            if recoded
            else ""
        )
    )

st.header("Smoothed and unsmoothed")
st.markdown(
    """
ONS's headline subregional productivity series (GVA per hour and per filled job, and their indices) are
**smoothed** with a weighted 5-year moving average, weights (1, 2, 3, 2, 1)/9, which damps survey noise in
hours and jobs for small areas. LAD, ITL and combined-authority values are ONS's own. LEP and England
excluding London values are computed **unsmoothed** from GVA and hours (or jobs) and then smoothed with the
same filter; at the ends of the series, where the full window is not available, the end-year weights were
estimated from ONS's published LAD series and reproduce them to within £0.006. The unsmoothed GVA per hour
is offered as its own indicator: use it to see a single year's change, the smoothed series for levels and
trends. Smoothed values for the latest years can change when ONS adds a new year.
"""
)

st.header("Suppressed and missing")
st.markdown(
    """
Two different things, never shown as zero:
- **Suppressed**: the source withheld the value (too few survey responses or disclosure control). Maps show
  these areas white with a dashed legend swatch; tables say *suppressed*.
- **No data** (*unavailable*): the source has no figure for that area and year, e.g. a level it does not
  publish or a year before an area existed. Maps show grey; tables say *no data*.
"""
)
data_table(status_counts(snapshot, manifest.get("snapshot_id", "")), hide_index=True, placeholder=MISSING_CELL)

st.header("Confidence intervals and verdicts")
st.markdown(
    """
Survey estimates carry a 95% confidence interval from their source: intervals built this way hold the true
value in 95 samples out of 100. Charts draw it as a band (over time) or an error bar (ranked
charts); tables and tooltips give it as "± half-width", or as "95% CI low–high" where it is not symmetric;
downloads carry it in the `lci` and `uci` columns. Only the indicators in the table below have intervals; the
others (GVA, GDP, GDHI, claimants, business demography and more) come from their sources without one, and so
do some rows of these. Figures without an interval show none, and the figures this app builds from sums of
published parts (LEP rates from the APS counts, England excluding London, area groups, the median area) have
none, because an interval for a ratio or a sum would need what the sources do not publish (the covariance of
the parts).
"""
)
st.markdown(METHOD_TEXT)
coverage = interval_coverage(snapshot, manifest.get("snapshot_id", ""))
data_table(coverage, hide_index=True, placeholder=MISSING_CELL)
broken = int(coverage["intervals not holding their value"].sum()) if not coverage.empty else 0
st.caption(
    f"Checked on every row: {broken} interval(s) with lci > uci, one limit missing, or a value outside "
    "[lci, uci]. Any such row would be listed here and left as published, never corrected, and never used for a "
    "verdict."
)

st.header("Similar areas")
st.markdown(similarity_method_text(metadata))
data_table(
    similarity_measures_table(metadata),
    hide_index=True,
    column_config={"why": st.column_config.TextColumn("why", width="large")},
)
data_table(similarity_coverage(snapshot, manifest.get("snapshot_id", "")), hide_index=True)

st.header("Indicators")
data_table(
    indicator_catalogue_table(metadata), hide_index=True, column_config={"link": link("link")}, placeholder=MISSING_CELL
)
st.subheader("Definitions and caveats")
for category, text in definitions_by_category(metadata).items():
    with st.expander(category):
        st.markdown(text)

st.header("Download")
xlsx_build = whole_table_build(snapshot, manifest.get("snapshot_id", ""))  # starts it in the background, once
st.markdown(
    f"The whole tidy indicator table: {manifest['rows']:,} rows (indicator, geography, area code and name, "
    "period, value, status, confidence limits). The CSV is plain (the header in row 1), so any program reads "
    "it; its description file (W3C CSV on the Web, as ONS publishes) and the XLSX's metadata sheet give "
    "every column's meaning, every indicator's definition, unit, source and licence, and the build it "
    "comes from."
)
with st.container(horizontal=True):
    st.download_button(
        "Whole tidy indicator table (CSV)",
        data=lambda: tidy_table_csv(snapshot.indicators),  # built only when clicked
        file_name=f"{WHOLE_TABLE_STEM}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table_view:",
    )
    st.download_button(
        "Its description (CSVW, JSON)",
        data=lambda: tidy_table_csvw(snapshot.indicators, metadata, manifest),
        file_name=f"{WHOLE_TABLE_STEM}.csv-metadata.json",
        mime=CSVW_MIME,
        on_click="ignore",
        icon=":material/description:",
        help="W3C CSV on the Web metadata: title, source, licence, and each column's and indicator's meaning and unit.",
    )
    st.download_button(
        "Whole tidy indicator table (XLSX)",
        data=xlsx_build.wait,  # a click before the build is over waits for it
        file_name=f"{WHOLE_TABLE_STEM}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/table_view:",
    )
show_build_status(xlsx_build)
