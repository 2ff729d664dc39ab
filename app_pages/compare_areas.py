"""Compare areas: one main area and up to seven comparators of any level, over time for one indicator,
and every indicator side by side in one year."""

from __future__ import annotations

import streamlit as st

from components.compare_areas import (
    MAX_COMPARATORS,
    YEAR_RULE,
    area_options,
    area_positions,
    areas_without_data,
    compare_data,
    comparison_table,
    format_area_codes,
    indicator_choices,
    parse_area_codes,
    rows_for_areas,
    sanitise_choice,
    series_rows,
    time_series_chart,
    with_interval_text,
)
from components.figures import chart_figure
from components.formatting import MISSING_CELL
from components.overview import preferred_indicator
from components.plain_text import plain
from components.similar_areas import similar_areas_view
from loaders.snapshot import Snapshot
from shell.figures import show_chart, table_downloads
from shell.first_screen import data_table
from shell.snapshot_cache import cached_similarity_features, cached_snapshot
from shell.state import current_view, pick, stop_page


@st.cache_resource(show_spinner=False)
def area_lookup(_snapshot: Snapshot, snapshot_id: str) -> tuple[dict, dict]:
    """Area labels and each area's row positions, once per snapshot (keyed on its build time)."""
    return area_options(_snapshot.areas), area_positions(_snapshot.indicators)


@st.cache_resource(show_spinner=False, max_entries=200)
def over_time(_snapshot: Snapshot, snapshot_id: str, indicator: str, codes: tuple[str, ...], has_main: bool):
    """The plotted rows and the chart of one indicator for one list of areas (altair's validation
    costs more than the data, so a rerun that changes neither reuses them)."""
    labels, positions = area_lookup(_snapshot, snapshot_id)
    series = series_rows(rows_for_areas(_snapshot.indicators, positions, codes), indicator, codes, labels)
    first, last = int(series["period"].min()), int(series["period"].max())
    lead = f"{labels[codes[0]]} (thick line) and {len(codes) - 1}" if has_main else f"{len(codes)}"
    subtitle = f"{lead} comparator(s), {first}–{last}"
    return series, time_series_chart(series, _snapshot.metadata[indicator], codes, labels, subtitle)


def use_as_comparators(codes: list[str]) -> None:
    """The button's callback: the similar areas become the comparators (callbacks run before the next run
    draws the multiselect, so it shows them)."""
    st.session_state["cmp_areas"] = list(codes)


def similar_areas_offer(main: str) -> None:
    """The areas most like the main area, with a button that makes them the comparators."""
    level = levels_of[main]
    view = similar_areas_view(cached_similarity_features(level), metadata, main, level)
    with st.expander(f"Similar areas: the areas most like {plain(labels.get(main, main))}", icon=":material/hub:"):
        if view.message:
            st.info(plain(view.message))
            return
        data_table(
            view.table,
            hide_index=True,
            column_config={"area": st.column_config.TextColumn("area", pinned=True)},
            placeholder=MISSING_CELL,
        )
        st.caption(plain(view.note))
        if view.left_out:
            st.caption(plain(view.left_out))
        st.button(
            f"Compare with these {len(view.codes)} areas",
            key="cmp_use_similar",
            on_click=use_as_comparators,
            args=(view.codes,),
            disabled=st.session_state.get("cmp_areas") == view.codes,
            help="Replaces the comparators with these areas; the link keeps them.",
        )


def _quoted(codes: list[str]) -> str:
    """Codes from a link as a toast quotes them: at most five, each cut to 24 characters, as text."""
    more = f" and {len(codes) - 5} more" if len(codes) > 5 else ""
    return ", ".join(plain(code, 24) for code in codes[:5]) + more


def pick_areas(key: str, label: str, options: dict[str, str], default: list[str], exclude: str | None) -> list[str]:
    """A multiselect of area codes that a link seeds once (comma-separated codes; unknown ones are
    left out with a notice), that persists across pages, and that is written back to the URL."""
    offered = [code for code in options if code != exclude]
    seeded = st.session_state.setdefault("_seeded_from_url", set())
    if key not in seeded:
        seeded.add(key)
        raw = st.query_params.get(key)
        if raw is not None:
            parsed = parse_area_codes(raw, options)
            if parsed.unknown:
                st.toast(f"Link lists unknown area codes {_quoted(parsed.unknown)}; they are left out.")
            if parsed.over_limit:
                st.toast(f"At most {MAX_COMPARATORS} comparators; left out {_quoted(parsed.over_limit)}.")
            st.session_state[key] = parsed.codes
    st.session_state[key] = sanitise_choice(st.session_state.get(key, default), offered)
    chosen = st.multiselect(
        label,
        offered,
        key=key,
        format_func=options.__getitem__,
        max_selections=MAX_COMPARATORS,
        persist_state="session",
        placeholder="Add areas of any level",
    )
    st.query_params[key] = format_area_codes(chosen)
    return chosen


snapshot = cached_snapshot()
metadata = snapshot.metadata
snapshot_id = snapshot.manifest.get("snapshot_id", "")
labels, positions = area_lookup(snapshot, snapshot_id)
levels_of = dict(zip(snapshot.areas["area_code"], snapshot.areas["geography"], strict=True))
shared = current_view()

st.title("Compare areas")
st.caption(
    f"One main area and up to {MAX_COMPARATORS} comparators of any level: LEPs, ITL regions, local "
    "authorities, combined authorities, regions and the UK / England / England excluding London."
)

pick_col, indicator_col = st.columns([3, 2])
with pick_col:
    if shared.area:
        main = shared.area
        st.markdown(f"Main area: **{plain(labels.get(main, main))}** (chosen in the sidebar)")
    else:
        main = pick(
            "cmp_main",
            "Main area",
            [None, *labels],
            default=None,
            format_func=lambda code: "(choose an area, or pick one in the sidebar)" if code is None else labels[code],
        )
    default = [shared.benchmark] if shared.benchmark in labels and shared.benchmark != main else []
    comparators = pick_areas("cmp_areas", f"Comparators (up to {MAX_COMPARATORS})", labels, default, main)

if main:
    similar_areas_offer(main)

codes = ([main] if main else []) + comparators
if not codes:
    st.info("Choose a main area (here or in the sidebar) or at least one comparator.")
    stop_page()

rows = rows_for_areas(snapshot.indicators, positions, codes)
choices = indicator_choices(rows, metadata)
if not choices:
    st.info("The snapshot has no figures for the chosen areas.")
    stop_page()
with indicator_col:
    indicator = pick(
        "cmp_indicator",
        "Indicator",
        choices,
        default=preferred_indicator(choices),
        format_func=lambda key: metadata[key].label,
    )
meta = metadata[indicator]

st.header("Over time")
series, chart = over_time(snapshot, snapshot_id, indicator, tuple(codes), bool(main))
show_chart(
    chart_figure("compare_over_time", chart, lambda: compare_data(series, indicator, meta.unit), [indicator], metadata),
    chart,
)
missing = areas_without_data(series, codes, labels)
if missing:
    st.caption(f"No figures for {meta.label} in any year: {plain('; '.join(missing))}.")
if series["lci"].notna().any():
    st.caption(
        "Shaded: the 95% confidence interval the source gives for each survey estimate; where two areas' "
        "intervals overlap, the difference between them is not statistically significant by the test ONS uses."
    )
for caveat in meta.caveats:
    st.caption(caveat)
with st.expander("Chart data (table)"):
    data_table(
        with_interval_text(series, meta)[["area", "area_code", "period", "value", "interval", "status"]],
        hide_index=True,
        column_config={"interval": st.column_config.TextColumn("95% confidence interval")},
        placeholder=MISSING_CELL,
    )
    table_downloads(
        f"compare_{indicator}",
        f"{meta.label}: chosen areas over time",
        lambda: compare_data(series, indicator, meta.unit),
        [indicator],
        [meta.source],
    )

st.header(f"All indicators, {shared.year}")
st.caption(YEAR_RULE)
comparison = comparison_table(rows, metadata, codes, labels, shared.year)
data_table(
    comparison.table,
    hide_index=True,
    height="content",
    column_config={"indicator": st.column_config.TextColumn("indicator", pinned=True)},
    placeholder=MISSING_CELL,
)
st.caption(
    "*suppressed*: withheld by the source (e.g. too few survey responses); *no data*: the source has "
    "no figure for that area in any year; *provisional*: the source will revise it; *±*: half the 95% "
    "confidence interval the source gives (*95% CI*: its limits, where it is not symmetric). "
    "A missing figure is never shown as zero."
)
if comparison.other_year:
    st.caption(f"Some areas shown for another year (in brackets) for: {plain('; '.join(comparison.other_year))}.")
if comparison.no_data:
    st.caption(f"No figures for any chosen area: {plain('; '.join(comparison.no_data))}.")
table_downloads(
    f"compare_areas_{shared.year}",
    f"All indicators, {shared.year}",
    comparison.table,
    list(metadata),
    [meta.source for meta in metadata.values()],
    subtitle="Areas: " + "; ".join(f"{labels[code]} = {code}" for code in codes),
)
