"""Data and methods: sources, the build manifest, how aggregates are built and their measured error,
geography caveats, definitions per indicator, and a download of the whole tidy table."""

from __future__ import annotations

import streamlit as st

from components.exports import LICENCE_LINE, metadata_rows, xlsx_bytes
from components.formatting import MISSING_CELL
from components.methods import (
    boundary_sizes_table,
    definitions_by_category,
    english_itl1_max_difference,
    indicator_catalogue_table,
    indicator_sources_table,
    lad_changes_table,
    lep_overlaps_table,
    manifest_summary_table,
    outputs_table,
    rows_by_indicator_table,
    source_files_table,
    status_counts_table,
    tidy_table_csv,
    validation_table,
)
from loaders.snapshot import Snapshot, cached_snapshot


@st.cache_resource(show_spinner=False)
def status_counts(_snapshot: Snapshot, snapshot_id: str):
    """Suppressed/unavailable counts per indicator, once per snapshot (keyed on its build time)."""
    return status_counts_table(_snapshot.indicators, _snapshot.metadata)


@st.cache_resource(show_spinner=False, max_entries=1)
def whole_table_xlsx(_snapshot: Snapshot, snapshot_id: str) -> bytes:
    """The whole table as XLSX with its metadata sheet, built once per snapshot (it takes a while)."""
    rows = metadata_rows("Regional Productivity Explorer: tidy indicator table", f"Snapshot {snapshot_id}",
                         [LICENCE_LINE], list(_snapshot.metadata), _snapshot.metadata, _snapshot.manifest)
    return xlsx_bytes(_snapshot.indicators, rows, sheet_name="indicators")


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
st.dataframe(indicator_sources_table(metadata, manifest), hide_index=True,
             column_config={"source": st.column_config.TextColumn("source", width="medium"),
                            "edition": st.column_config.TextColumn("edition", width="medium"),
                            "link": link("link"), "files": st.column_config.NumberColumn("files read")},
             placeholder=MISSING_CELL)
st.subheader("Source files")
st.dataframe(source_files_table(manifest), hide_index=True, placeholder=MISSING_CELL)

st.header("Build manifest")
st.dataframe(manifest_summary_table(manifest), hide_index=True, placeholder=MISSING_CELL)
rows_col, geo_col = st.columns([3, 2])
with rows_col:
    st.markdown("**Rows per indicator**")
    st.dataframe(rows_by_indicator_table(manifest, metadata), hide_index=True, height=300, placeholder=MISSING_CELL)
with geo_col:
    st.markdown("**Web boundary files** (map payload per level)")
    st.dataframe(boundary_sizes_table(manifest), hide_index=True, placeholder=MISSING_CELL)
with st.expander("Output files and checksums"):
    st.dataframe(outputs_table(manifest), hide_index=True, placeholder=MISSING_CELL)

st.header("How aggregates are built")
lep = manifest["lad_lep_lookup"]
st.markdown(
    f"""
- **Ratios are never averaged.** GVA per hour for a group of areas is the sum of its local authorities'
  GVA (current prices, £m; ONS regional GVA by industry) divided by the sum of their hours worked
  (ONS productivity tables, weekly hours × 52). Per filled job likewise with jobs.
- **England excluding London** is not published by ONS: it is derived from additive parts (English LADs
  outside London: sum of GVA over sum of hours), never by averaging ratios.
- **LEPs** are the May 2021 set ({lep['leps']}). The LAD→LEP lookup is derived by {lep['method']};
  {lep['lads']} English LADs (2023 set) are assigned. {len(lep['lads_in_two_leps'])} LADs sat in two LEPs
  and count in both, as ONS did: {', '.join(lep['lads_in_two_leps'])} (see *LEP overlaps*).
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
st.dataframe(validation_table(manifest), hide_index=True, placeholder=MISSING_CELL)
northern_ireland = manifest["validation"]["itl1_gva_per_hour_smoothed"]["areas"].get("TLN")
if northern_ireland:
    st.caption(
        "Outside England the same sum does not reproduce ONS: Northern Ireland's LADs sum to a GVA per hour "
        f"up to {northern_ireland['max_abs_pct_difference']:.1f}% away from ONS's published Northern Ireland "
        "figure, so no figure here is aggregated from Northern Irish LADs. The full list of checks, including "
        "Wales, Scotland and Northern Ireland, is in regional_data/manifest.json."
    )

st.header("LEP overlaps")
overlaps = lep_overlaps_table(snapshot.areas)
st.markdown(
    f"In the May 2021 LEP geography {len(overlaps)} local authorities belonged to two LEPs. ONS counted them "
    "in both, and so does this app: each LEP's totals (GVA, hours, jobs, people, firms) include them in full. "
    "LEP ratios are correct for each LEP, but **LEP totals must not be added up to England** (they would "
    "double count these authorities)."
)
st.dataframe(overlaps, hide_index=True, placeholder=MISSING_CELL)

st.header("2023 LAD changes")
changes = lad_changes_table(snapshot.areas)
dropped = manifest.get("nomis_ladu_names_dropped_abolished_2023", [])
one_lep = (changes["wholly in one LEP"] == "yes").all()
st.markdown(
    "On 1 April 2023 four unitary authorities replaced 17 districts and their county councils. The "
    "snapshot uses the 2023 LAD set throughout. "
    + ("Each successor lies wholly inside one LEP, so LEP values are unaffected by the change."
       if one_lep else "Not every successor lies inside one LEP: see the table.")
)
st.dataframe(changes, hide_index=True, placeholder=MISSING_CELL)
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
        + (f"The May 2025 combined-authority lookup's newer codes {', '.join(recoded)} were matched by name to "
           f"the 2023 codes {', '.join(recoded.values())}." if recoded else "")
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
st.dataframe(status_counts(snapshot, manifest.get("snapshot_id", "")), hide_index=True, placeholder=MISSING_CELL)

st.header("Indicators")
st.dataframe(indicator_catalogue_table(metadata), hide_index=True, column_config={"link": link("link")},
             placeholder=MISSING_CELL)
st.subheader("Definitions and caveats")
for category, text in definitions_by_category(metadata).items():
    with st.expander(category):
        st.markdown(text)

st.header("Download")
st.markdown(f"The whole tidy indicator table: {manifest['rows']:,} rows (indicator, geography, area code and name, "
            "period, value, status, confidence limits). The XLSX adds a metadata sheet with every indicator's "
            "definition, unit, source and licence, and the build manifest it comes from.")
with st.container(horizontal=True):
    st.download_button(
        "Whole tidy indicator table (CSV)",
        data=lambda: tidy_table_csv(snapshot.indicators),  # built only when clicked
        file_name="regional_productivity_indicators.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table_view:",
    )
    st.download_button(
        "Whole tidy indicator table (XLSX, takes about 20 s)",
        data=lambda: whole_table_xlsx(snapshot, manifest.get("snapshot_id", "")),  # built only when clicked, then kept
        file_name="regional_productivity_indicators.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        icon=":material/table_view:",
    )
