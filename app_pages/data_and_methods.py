"""Data and methods: sources, how aggregates are built, measured aggregation error, downloads."""

from __future__ import annotations

import streamlit as st

from components.methods import (
    indicator_catalogue_table,
    source_files_table,
    tidy_table_csv,
    validation_table,
)
from loaders.snapshot import cached_snapshot

snapshot = cached_snapshot()
manifest = snapshot.manifest

st.title("Data and methods")
st.markdown(
    "Every figure comes from an official file listed below, processed by this project's own code "
    "(`python -m loaders.build`). Snapshot built "
    f"{manifest['built_at']} from {len(manifest['sources'])} source files, {manifest['rows']:,} rows."
)

st.header("How aggregates are built")
lep = manifest["lad_lep_lookup"]
st.markdown(
    f"""
- **Ratios are never averaged.** GVA per hour for a group of areas is the sum of its local authorities'
  GVA (current prices, £m; ONS regional GVA by industry) divided by the sum of their hours worked
  (ONS productivity tables, weekly hours × 52). Per filled job likewise with jobs.
- **Smoothed and unsmoothed.** ONS's headline series are smoothed with a weighted 5-year moving average
  (1,2,3,2,1)/9. LAD, ITL and combined-authority values are ONS's own; LEP and England excluding London
  values are computed unsmoothed from GVA and hours and then smoothed with the same filter (end-year weights
  estimated from ONS's published LAD series, reproducing them to within £0.006).
- **England excluding London** is not published by ONS: it is derived from additive parts (English LADs
  outside London: sum of GVA over sum of hours), never by averaging ratios.
- **LEPs** are the May 2021 set ({lep['leps']}). The LAD→LEP lookup is derived by {lep['method']};
  {lep['lads']} English LADs (2023 set) are assigned. {len(lep['lads_in_two_leps'])} LADs sat in two LEPs
  and count in both, as ONS did: {', '.join(lep['lads_in_two_leps'])}. The April 2023 successor LADs
  (Cumberland, Westmorland and Furness, North Yorkshire, Somerset) each lie wholly inside one LEP.
- **Suppressed and missing are different.** Values withheld by the source are shown as *suppressed*
  (white on maps); values the source does not have are *no data* (grey). Neither is ever shown as zero.
"""
)

st.header("Measured aggregation error")
st.markdown(
    "The LEP method, applied where ONS publishes the answer: local authorities summed to the 9 English "
    "ITL1 regions (smoothed £ per hour, against ONS's published values, 2004–2023), and to the combined "
    "authorities (unsmoothed, against ONS's CA tables). Differences are in % of ONS's value."
)
st.dataframe(validation_table(manifest), hide_index=True)
northern_ireland = manifest["validation"]["itl1_gva_per_hour_smoothed"]["areas"].get("TLN")
if northern_ireland:
    st.caption(
        "Outside England the same sum does not reproduce ONS: Northern Ireland's LADs sum to a GVA per hour "
        f"up to {northern_ireland['max_abs_pct_difference']:.1f}% away from ONS's published Northern Ireland "
        "figure, so no figure here is aggregated from Northern Irish LADs. The full list of checks, including "
        "Wales, Scotland and Northern Ireland, is in regional_data/manifest.json."
    )

st.header("Indicators")
st.dataframe(indicator_catalogue_table(snapshot.metadata), hide_index=True)

st.header("Source files")
st.dataframe(source_files_table(manifest), hide_index=True)

st.header("Download")
st.download_button(
    "Whole tidy indicator table (CSV)",
    data=lambda: tidy_table_csv(snapshot.indicators),  # built only when clicked
    file_name="regional_productivity_indicators.csv",
    mime="text/csv",
    on_click="ignore",
)
