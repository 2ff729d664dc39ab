"""Your data: upload a table of values (and optionally boundaries), review how it matches the official
areas, then map it and chart it beside an official indicator. Uploads live only in this browser
session (Streamlit's session state); nothing is written to regional_data/ or geo/."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.exports import CSVW_MIME
from components.formatting import MISSING_CELL, format_value
from components.legend import legend_html
from components.overview import indicators_for, value_format, years_for
from components.plain_text import plain
from components.view_choices import nearest_year
from shell.figures import MAP_HEIGHT_PRESENTING, show_chart, show_figure, show_map
from shell.first_screen import after_first_screen, data_table
from shell.session_memory import start_janitor
from shell.snapshot_cache import cached_boundaries, cached_snapshot
from shell.state import current_view, level_area_names, pick, stop_page, year_note
from shell.uploaded_files import (
    choose,
    forget_replaced_files,
    match_editor,
    read_boundary_file,
    read_values_file,
    remembered,
    show_notes,
)
from vocabulary.geography import AREA_LEVEL_KEYS, LEVELS

try:  # the geospatial stack is an optional extra of the package
    from components import your_data as yd
    from components import your_data_charts as yd_charts
    from components import your_data_files as yd_files
    from loaders import uploads
    from loaders.uploads import matching, safe_reading
except ImportError as exc:
    st.title("Your data")
    st.error(f"This page needs the geospatial packages ({exc.name} is missing): pip install '.[build]'.")
    stop_page()

snapshot = cached_snapshot()
metadata = snapshot.metadata
shared = current_view()
level = shared.level
st.title("Your data")
st.markdown(
    "Map and chart your own figures beside the official indicators: upload a table of values keyed by "
    "area codes (GSS or ITL) or area names, and optionally your own boundaries. Your files stay in this "
    "browser session only; they are never saved on the server or added to the official data."
)

values_col, bounds_col = st.columns(2)
with values_col:
    values_file = st.file_uploader(
        "Values: CSV or Excel (.xlsx)",
        type=uploads.VALUE_TYPES,
        key="your_data_values_file",
        max_upload_size=uploads.MAX_VALUES_BYTES // uploads.MB,
        help="One row per area: a code or name column, one or more columns of numbers, optionally a year column.",
    )
    use_example = st.toggle(
        "Try it with an example file instead", key="your_data_example", disabled=values_file is not None
    )
with bounds_col:
    boundary_file = st.file_uploader(
        "Boundaries (optional): GeoJSON, zipped shapefile or GeoPackage",
        type=uploads.BOUNDARY_TYPES,
        key="your_data_boundary_file",
        max_upload_size=uploads.MAX_BOUNDARY_BYTES // uploads.MB,
        help="Any coordinate system stated in the file (.prj for shapefiles) is converted to longitude/latitude.",
    )

# --- reading ---------------------------------------------------------------------------------------------
start_janitor()
forget_replaced_files(values_file, boundary_file)
upload = None
example_note = None
if values_file is not None:
    upload = read_values_file(values_file, values_col)
elif use_example:
    compare_choices = indicators_for(metadata, level)
    example_key = yd.example_indicator(metadata, level, yd.compare_default(compare_choices))
    example_rows = snapshot.rows(example_key, level) if example_key else None
    example_year = nearest_year(years_for(example_rows), shared.year) if example_rows is not None else None
    if example_year is not None:
        rows = example_rows[example_rows["period"] == example_year]
        upload, _ = remembered(  # the example file is written and read once per session and choice
            ("example", level, example_key, example_year),
            lambda: safe_reading.read_safely(
                uploads.read_values_upload,
                "example.csv",
                yd_files.example_csv(rows, metadata[example_key], level_area_names(level)),
            ),
        )
        example_note = (
            f"Example file: {metadata[example_key].label}, {example_year}, from the official snapshot, "
            "written as a CSV keyed by area names (with ONS markers for missing values)."
        )

# what is kept of an uploaded boundary file: its areas and the map's copy (MapBoundaries)
boundaries = read_boundary_file(boundary_file, bounds_col) if boundary_file is not None else None

if upload is None and boundaries is None:
    st.info(
        yd.how_to_use(
            uploads.MAX_VALUES_BYTES // uploads.MB, uploads.MAX_ROWS, uploads.MAX_BOUNDARY_BYTES // uploads.MB
        )
    )
    st.download_button(
        f"Template for {LEVELS[level].label.lower()} (CSV)",
        data=yd_files.template_csv(snapshot.areas, level),
        file_name=f"template_{level}.csv",
        mime="text/csv",
        on_click="ignore",
    )
    stop_page()

# --- matching --------------------------------------------------------------------------------------------
official = (
    boundaries is None
    or st.radio(
        "Map on",
        ["official", "yours"],
        index=1,
        horizontal=True,
        key="your_data_map_on",
        format_func={
            "official": f"Official boundaries: {LEVELS[level].label}",
            "yours": f"Your boundaries ({plain(boundary_file.name, 80) if boundary_file else ''})",
        }.get,
    )
    == "official"
)
if official:
    reference = level_area_names(level)
    map_boundaries = cached_boundaries(level)
    noun = yd.level_noun(level)
else:
    reference = boundaries.areas
    map_boundaries = boundaries.web
    noun = "the areas in your boundary file"
token = ("example", example_note) if values_file is None else (values_file.file_id, upload and upload.key_column)
layer = "official" if official else boundary_file.file_id  # what the areas were matched to
official_choices = indicators_for(metadata, level)

if upload is not None:
    if example_note:
        st.caption(example_note)
    show_notes("Notes on your file", upload.notes)
    st.header("How your areas matched")
    name_keys = remembered(("keys", *token), lambda: matching.upload_name_keys(upload))  # once for every level
    matches = remembered(("match", *token, layer, level), lambda: matching.match_upload(upload, reference, name_keys))
    editor = match_editor(
        matches, matching.choice_options(reference), f"your_data_choices_{level}_{official}_{token[0]}_{token[-1]}"
    )
    matches = matching.apply_choices(matches, matching.choices_made(editor, reference), reference)
    st.markdown(plain(matching.match_summary(matches, noun)))
    usable = int(matches["status"].isin(matching.USABLE).sum())
    if official and usable * 2 < len(matches):
        suggestion = remembered(
            ("suggest", *token, level),
            lambda: matching.suggest_level(
                list(matches["uploaded"]),
                upload.key_kind,
                {other: level_area_names(other) for other in AREA_LEVEL_KEYS},
                level,
                name_keys,
            ),
        )
        if suggestion is not None and suggestion[0] != level:
            better, count = suggestion
            st.info(f"{count} of your areas match {LEVELS[better].label.lower()}.")
            st.button(
                f"Switch to {LEVELS[better].label}",
                key="your_data_switch_level",
                on_click=lambda: st.session_state.update(level=better),
            )

    # --- map of the uploaded values ----------------------------------------------------------------------
    column = choose("Value to map", list(upload.value_columns), upload.value_columns[0], "your_data_column")
    periods = matching.periods_of(upload, column)
    period = choose("Period", periods, periods[0], "your_data_period") if periods else None
    values = matching.matched_values(upload, matches, column, period)
    decimals = yd.decimals_for(values["value"])
    fmt = yd.value_formatter(decimals)
    label = column if period is None else f"{column}, {period}"
    values_label = label
else:
    st.header("Your boundaries")
    indicator = pick(
        "your_data_indicator",
        "Official indicator on your boundaries",
        official_choices,
        default=yd.compare_default(official_choices),
        format_func=lambda key: metadata[key].label,
    )
    rows = snapshot.rows(indicator, level)
    year = nearest_year(years_for(rows), shared.year)
    year_note(shared.year, year, metadata[indicator].label)
    values = rows[(rows["period"] == year) & rows["area_code"].isin(reference)][
        ["area_code", "area_name", "value", "status"]
    ]
    meta = metadata[indicator]
    decimals = int(meta.decimals)

    def fmt(value: float) -> str:
        return format_value(value, meta.unit, decimals)

    values_label = f"{meta.short_label}, {year}"
    if values["value"].notna().sum() == 0:
        st.info(
            f"None of the codes in your boundary file is a {yd.level_noun(level, False)} with {meta.label} "
            f"in {year}; the map shows your areas without values. Upload values keyed by the same codes to "
            "colour them, or pick another level in the sidebar."
        )

selected = shared.area if official else None
content = int(pd.util.hash_pandas_object(values, index=False).sum())
view = remembered(
    ("map", *token, layer, level, values_label, selected, content),
    lambda: yd.upload_map(map_boundaries, values, level, fmt, selected, fit=not official),
)
st.header(f"Map: {plain(values_label)}")
where = LEVELS[level].label if official else f"Your boundaries ({boundary_file.name})"
map_subtitle = f"{where}; {view.valued} of {view.drawn} areas with a value"
if upload is not None:
    map_figure = yd.uploaded_values_map_figure(
        view,
        values,
        label=label,
        subtitle=map_subtitle,
        legend_title=values_label,
        level=level,
        period=period,
        column=column,
        file_name=upload.source,
        boundary_file=None if official else boundary_file.name,
    )
else:
    map_figure = yd.indicator_map_figure(
        view, values, meta, indicator, year, subtitle=map_subtitle, level=level, boundary_file=boundary_file.name
    )
map_alt = (
    f"Map of {values_label} for {view.valued} of {view.drawn} areas ({'official' if official else 'your'} "
    "boundaries); the same figures are in the table below the map."
)
if official:
    show_map(
        map_figure,
        view.deck,
        key="your_data_map",
        alt=map_alt,
        legend_title=values_label,
        legend=view.legend,
        note="Click an area on the map to select it.",
        height=540,
    )
else:
    # Not show_map: a click there selects the clicked code as the sidebar's area, which for codes of the
    # user's own boundaries would quietly clear the area chosen on the other pages. Same layout and menu.
    def render_own_boundaries(big: bool) -> None:
        map_col, legend_col = st.columns([4, 1])
        with map_col:
            after_first_screen(
                lambda: st.pydeck_chart(
                    view.deck,
                    height=MAP_HEIGHT_PRESENTING if big else 540,
                    key="your_data_map",
                    selection_mode="single-object",
                    on_select="ignore",
                    alt=map_alt,
                ),
                "map",
            )
        with legend_col:
            st.html(legend_html(values_label, view.legend))

    show_figure(map_figure, render_own_boundaries, titled=False)
with st.expander("Table of the mapped values"):
    data_table(
        view.table[["area_name", "area_code", "value", "status", "rank"]], hide_index=True, placeholder=MISSING_CELL
    )

if upload is None:
    stop_page()

# --- charts beside the official indicators ----------------------------------------------------------------
if values["value"].notna().sum() == 0:
    st.info("No matched area has a value in this column and period, so there is nothing to chart.")
    stop_page()
source = yd.upload_source(upload.source)
chosen = view.table.loc[view.table["area_code"] == selected, "area_name"] if selected else pd.Series(dtype=str)
chosen_words = f'; {chosen.iloc[0]} is marked "selected"' if len(chosen) else ""
bar = remembered(
    ("bar", content, label, official, level, selected, source),
    lambda: yd_charts.uploaded_bar_chart(
        values,
        label,
        title=f"{label} (your data), ranked",
        decimals=decimals,
        selected_code=selected,
        source=source,
        subtitle=yd_charts.bar_subtitle(LEVELS[level].label if official else "Your areas", values, selected),
    ),
)
show_chart(
    yd_charts.bar_figure(
        values, bar, selected_code=selected, column=column, period=period, file_name=upload.source, level=level
    ),
    bar,
    alt=f"Bar chart of {label} (your data), largest first{chosen_words}.",
)

st.header("Beside an official indicator")
if not official_choices:
    st.info(f"The snapshot has no official indicators for {LEVELS[level].label.lower()}.")
    stop_page()
indicator = pick(
    "your_data_indicator",
    "Official indicator",
    official_choices,
    default=yd.compare_default(official_choices),
    format_func=lambda key: metadata[key].label,
)
meta = metadata[indicator]
official_rows = snapshot.rows(indicator, level)
year = nearest_year(years_for(official_rows), period or shared.year)
year_note(period or shared.year, year, meta.label)
compared = yd_charts.comparison_table(values, official_rows[official_rows["period"] == year])
r, count = yd_charts.correlation(compared)
if count == 0:
    st.info(f"None of your matched areas has {meta.label} for {year}.")
    stop_page()
correlation_text = f"Pearson's r = {r:.2f} over {count} areas" if r is not None else f"{count} areas"
scatter = remembered(
    ("scatter", content, label, indicator, year, selected, source),
    lambda: yd_charts.comparison_chart(
        compared,
        uploaded_label=label,
        official_label=f"{meta.short_label} ({meta.unit})",
        official_format=value_format(meta.unit, int(meta.decimals)),
        uploaded_decimals=decimals,
        title=f"{label} against {meta.label}, {year}",
        subtitle=f"{correlation_text}; one point per area",
        source=f"{source}; {meta.source}",
        selected_code=selected,
    ),
)
show_chart(
    yd_charts.comparison_figure(
        compared,
        scatter,
        selected_code=selected,
        column=column,
        period=period,
        file_name=upload.source,
        level=level,
        indicator=indicator,
        meta=meta,
        year=year,
    ),
    scatter,
    alt=f"Scatter plot of {label} (your data) against {meta.label}, {year}, one point per area; "
    f"{correlation_text}{chosen_words}.",
)
st.caption("A correlation describes how the two move together across areas; it says nothing about cause.")

# --- downloads --------------------------------------------------------------------------------------------
st.subheader("Download the matched data")
st.caption(
    "Every matched row of your file with the official figure beside it (each chart and the map also has "
    "its own download menu above)."
)
matched = {
    "level": level,
    "column": column,
    "period": period,
    "comparison": compared,
    "official_label": f"{meta.short_label} {year}",
}
with st.container(horizontal=True):
    st.download_button(
        "Matched data (CSV)",
        key="your_data_csv",
        mime="text/csv",
        file_name=f"your_data_{level}.csv",
        data=lambda: yd_files.matched_csv(values, **matched),
        on_click="ignore",
    )
    st.download_button(
        "Its description (CSVW, JSON)",
        key="your_data_csvw",
        mime=CSVW_MIME,
        file_name=f"your_data_{level}.csv-metadata.json",
        on_click="ignore",
        data=lambda: yd_files.matched_csvw(values, source=upload.source, csv_name=f"your_data_{level}.csv", **matched),
    )
