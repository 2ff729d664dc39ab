"""Targets: are areas on track to close their gaps? Presets from the North East LEP's plan, the
user's own targets, and named groups of areas valued from additive parts."""

from __future__ import annotations

from functools import partial

import streamlit as st

from components.area_notices import area_label
from components.chart_layout import chart_dict
from components.figures import chart_figure
from components.formatting import MISSING_CELL, format_target_gap, format_value
from components.intervals import comparison_sentence
from components.plain_text import plain
from components.targets import (
    GROUP_LEVELS,
    NORTH_EAST_LEP,
    PRESET_GROUPS,
    PRESET_TARGETS,
    SEP_SOURCE,
    PlanFileError,
    evaluate,
    first_measurable_baseline,
    plan_from_json,
    plan_to_json,
    trajectory_chart,
    trajectory_data,
)
from metrics.groups import RECIPES, AreaGroup, GroupError, provisional_years
from metrics.targets import (
    ACHIEVED,
    CHANGE,
    CLOSE_GAP,
    NOT_MEASURABLE,
    ON_TRACK,
    REACH_VALUE,
    Target,
    uses_relative_gap,
)
from shell.figures import show_chart, table_downloads
from shell.first_screen import data_table
from shell.group_values import SUMMARY_INDICATORS, group_values
from shell.plan import area_levels, save_plan, user_plan
from shell.snapshot_cache import cached_snapshot
from shell.state import cached_area_notice, current_view, level_area_names
from vocabulary.geography import BENCHMARKS, LEVELS, OFFICIAL_BENCHMARK_CODES

snapshot = cached_snapshot()
metadata = snapshot.metadata
shared = current_view()
groups, targets = user_plan(snapshot)
all_groups = [*PRESET_GROUPS, *groups]


def rows_of(indicator: str, level: str | None):
    return snapshot.rows(indicator, level)


@st.cache_resource(show_spinner=False)
def area_lookups(snapshot_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """Every area's name and level, once per process (read-only)."""
    del snapshot_id
    areas = snapshot.areas
    return (
        dict(zip(areas["area_code"], areas["area_name"], strict=True)),
        dict(zip(areas["area_code"], areas["geography"], strict=True)),
    )


AREA_NAMES, AREA_LEVELS = area_lookups(snapshot.manifest["snapshot_id"])


@st.cache_resource(show_spinner=False, max_entries=64)
def provisional_codes(indicator: str, year: int, snapshot_id: str) -> frozenset[str]:
    """The areas whose value of `year` the source calls provisional."""
    del snapshot_id
    rows = snapshot.rows(indicator, None, year)
    return frozenset(rows.loc[rows["status"] == "provisional", "area_code"])


@st.cache_resource(show_spinner=False, max_entries=256)
def tested_gap(indicator: str, area: str, benchmark: str, against: str, year: int, snapshot_id: str) -> str:
    """The test of the latest gap between a target's area and its benchmark, in words."""
    del snapshot_id
    return comparison_sentence(snapshot.rows(indicator), metadata[indicator], area, benchmark, against, year)


def noun_of(indicator: str) -> str:
    """What a count counts, in words ("filled jobs"), for the numbers of a target's verdict."""
    return metadata[indicator].short_label.lower()


@st.cache_resource(show_spinner=False, max_entries=512)
def assessment_of(target: Target, unit: str, groups: tuple[AreaGroup, ...], snapshot_id: str):
    """Assessments are shared by all sessions (read-only) until the snapshot changes (snapshot_id)."""
    del snapshot_id
    return evaluate(
        target,
        unit,
        rows_of,
        snapshot.areas,
        list(groups),
        int(metadata[target.indicator].decimals),
        noun_of(target.indicator),
    )


@st.cache_resource(show_spinner=False, max_entries=512)
def rebased_target_of(target: Target, unit: str, groups: tuple[AreaGroup, ...], snapshot_id: str) -> Target | None:
    del snapshot_id
    assessment = evaluate(target, unit, rows_of, snapshot.areas, list(groups))
    return first_measurable_baseline(target, assessment, unit, rows_of, snapshot.areas, list(groups))


@st.cache_data(show_spinner=False, max_entries=512)
def trajectory_spec_of(
    target: Target,
    unit: str,
    groups: tuple[AreaGroup, ...],
    snapshot_id: str,
    *,
    title: str,
    subtitle: str,
    value_title: str,
    is_gap: bool,
    axis_title: str | None = None,
) -> dict:
    """The trajectory chart as a Vega-Lite dict, built and converted once per target and snapshot: altair's
    conversion was most of this page's rerun time (chart_dict: validated where altair's debug mode is on)."""
    assessment = assessment_of(target, unit, groups, snapshot_id)
    return chart_dict(
        trajectory_chart(
            assessment, title=title, subtitle=subtitle, value_title=value_title, is_gap=is_gap, axis_title=axis_title
        )
    )


def provisional_in(code: str | None, indicator: str, year: int | None) -> bool:
    """Whether an area's (or group's) value of `year` rests on figures the source calls provisional."""
    if code is None or year is None:
        return False
    if code.startswith("group:"):
        group = next((g for g in all_groups if g.code == code), None)
        return group is not None and year in provisional_years(group, indicator, rows_of, snapshot.areas)
    return code in provisional_codes(indicator, year, snapshot.manifest["snapshot_id"])


def label_of(code: str) -> str:
    """An area as read in a heading: "North East LEP", "North East (region)", "My pilot (group)"."""
    if code.startswith("group:"):
        return f"{code.removeprefix('group:')} (group)"
    if code in OFFICIAL_BENCHMARK_CODES:
        return BENCHMARKS[code].name
    return area_label(AREA_NAMES.get(code, code), AREA_LEVELS.get(code, ""))


def show_target(target: Target, key: str) -> None:
    """One target: verdict, the numbers behind it and the trajectory chart."""
    meta = metadata[target.indicator]
    unit = meta.unit
    assessment = assessment_of(target, unit, tuple(all_groups), snapshot.manifest["snapshot_id"])
    icon = {
        ON_TRACK: ":material/check_circle:",
        ACHIEVED: ":material/verified:",
        NOT_MEASURABLE: ":material/help:",
    }.get(assessment.verdict, ":material/warning:")
    st.markdown(f"#### {plain(target.name)} — {plain(label_of(target.area))}")
    if target.source_text:
        st.caption(f"Target: {plain(target.source_text)}")
    st.markdown(f"{icon} **{assessment.verdict.capitalize()}**: {plain(assessment.reason)}.")
    if assessment.verdict != NOT_MEASURABLE:
        relative = uses_relative_gap(unit)
        is_gap = target.kind == CLOSE_GAP
        if is_gap and target.benchmark and assessment.latest_year is not None:
            year, against = assessment.latest_year, label_of(target.benchmark)
            snapshot_id = snapshot.manifest["snapshot_id"]
            if tested := tested_gap(target.indicator, target.area, target.benchmark, against, year, snapshot_id):
                st.caption(f"In {year}: {plain(tested)} The verdict above follows the gap's path, without such a test.")

        def show(value: float | None) -> str:
            if value is None:
                return "n/a"
            if is_gap:
                return format_target_gap(value, relative)
            return format_value(value, unit, int(meta.decimals))

        measured = "Gap" if is_gap else "Value"
        latest_provisional = any(
            provisional_in(code, target.indicator, assessment.latest_year) for code in (target.area, target.benchmark)
        )
        columns = st.columns(4)
        columns[0].metric(f"{measured} in {target.baseline_year} (baseline)", show(assessment.baseline))
        latest_words = "latest, provisional" if latest_provisional else "latest"
        columns[1].metric(f"{measured} in {assessment.latest_year} ({latest_words})", show(assessment.latest))
        columns[2].metric(f"Needed by {assessment.latest_year} on the path", show(assessment.required_now))
        columns[3].metric(f"Target for {target.target_year}", show(assessment.target))
        gap_words = (
            f"gap to {label_of(target.benchmark)} ({'% of its value' if relative else 'percentage points'})"
            if is_gap
            else f"{meta.short_label} ({unit})"
        )
        chart = trajectory_spec_of(
            target,
            unit,
            tuple(all_groups),
            snapshot.manifest["snapshot_id"],
            title=f"{target.name}: {label_of(target.area)}",
            subtitle=f"{meta.label}; {gap_words}; baseline {target.baseline_year}, target {target.target_year}",
            value_title=gap_words,
            is_gap=is_gap,
            axis_title=("Gap (%)" if relative else "Gap (% points)") if is_gap else None,
        )
        data = partial(
            trajectory_data, assessment.path, target.area, label_of(target.area), gap_words, target.indicator
        )
        show_chart(chart_figure(f"target-{key}", chart, data, [target.indicator], metadata), chart)
        with st.expander("Table"):
            data_table(assessment.path, hide_index=True, placeholder=MISSING_CELL)
            table_downloads(
                f"target-{key}", f"{target.name}: {label_of(target.area)}", data, [target.indicator], [meta.source]
            )
    else:
        alternative = rebased_target_of(target, unit, tuple(all_groups), snapshot.manifest["snapshot_id"])
        if alternative is not None:
            with st.expander(
                f"Measured from {alternative.baseline_year}, the first year with data (not the official baseline)"
            ):
                show_target(alternative, key=f"{key}-rebased")


st.title("Targets and area groups")
st.markdown(
    "A gap target is judged against a straight line from the baseline gap to the target gap: **on track** "
    "when the latest gap is at least as closed as the line requires for that year. Gaps in rates are in "
    "percentage points; gaps in pounds and counts are in % of the benchmark, so inflation alone does not "
    "widen them."
)

preset_tab, own_tab, groups_tab, file_tab = st.tabs(
    ["North East LEP presets", "Your targets", "Area groups", "Save or load"]
)

with preset_tab:
    st.caption(f"Source of the targets: {SEP_SOURCE}. Baseline 2014, target 2024.")
    st.caption(cached_area_notice(NORTH_EAST_LEP, "lep") or "")
    for number, target in enumerate(PRESET_TARGETS):
        show_target(target, key=f"preset-{number}")
        st.divider()

with own_tab:
    choices = [*level_area_names(shared.level), *(g.code for g in all_groups)]
    default_area = shared.area if shared.area in choices else choices[0]
    with st.form("new_target"):
        st.markdown("**Add a target**")
        left, right = st.columns(2)
        area = left.selectbox("Area or group", choices, index=choices.index(default_area), format_func=label_of)
        indicator = right.selectbox(
            "Indicator",
            sorted(metadata),
            index=sorted(metadata).index("gva_per_hour"),
            format_func=lambda key: metadata[key].label,
        )
        kind = left.radio(
            "Kind",
            [CLOSE_GAP, CHANGE, REACH_VALUE],
            horizontal=True,
            format_func={CLOSE_GAP: "Close a gap", CHANGE: "Change by", REACH_VALUE: "Reach"}.get,
        )
        benchmark = right.selectbox(
            "Benchmark (gap targets)",
            list(OFFICIAL_BENCHMARK_CODES),
            format_func=label_of,
            index=list(OFFICIAL_BENCHMARK_CODES).index("ENG_EXCL_LONDON"),
        )
        amount = left.number_input("Amount: % of the gap to close, the change, or the value to reach", value=50.0)
        baseline_year = right.number_input("Baseline year", 1998, 2030, 2015)
        target_year = right.number_input("Target year", 1999, 2040, 2030)
        name = left.text_input("Name", "My target", max_chars=80)
        if st.form_submit_button("Add target"):
            try:
                new = Target(
                    name.strip() or "My target",
                    area,
                    indicator,
                    kind,
                    float(amount),
                    int(baseline_year),
                    int(target_year),
                    benchmark if kind == CLOSE_GAP else None,
                )
            except ValueError as exc:
                st.error(f"This target cannot be added: {plain(exc)}.")
            else:
                save_plan(groups, [*targets, new])
                st.rerun()
    if not targets:
        st.info("No targets of your own yet. Add one above; it is kept in the link, so a copied URL shares it.")
    for number, target in enumerate(targets):
        show_target(target, key=f"own-{number}")
        if st.button("Remove this target", key=f"remove-target-{number}"):
            save_plan(groups, [t for i, t in enumerate(targets) if i != number])
            st.rerun()
        st.divider()

with groups_tab:
    st.markdown(
        "A group's values are built from additive parts: GVA per hour is the group's total GVA over its total "
        "hours (then smoothed like ONS's series), employment rates are employed residents over residents aged "
        "16-64. Rates without published parts (pay, broadband, ...) cannot be grouped and say so."
    )
    for group in all_groups:
        kind = LEVELS[group.level].plural
        st.markdown(
            f"**{plain(group.name)}** ({len(group.members)} {kind}): "
            f"{plain(', '.join(AREA_NAMES.get(code, code) for code in group.members))}"
        )
        values = []
        for indicator in SUMMARY_INDICATORS:
            try:
                series = group_values(group, indicator, snapshot.manifest["snapshot_id"])
            except GroupError as exc:
                values.append(f"{metadata[indicator].short_label}: not available ({exc})")
                continue
            year = int(series.index.max())
            meta = metadata[indicator]
            shown = format_value(float(series[year]), meta.unit, int(meta.decimals))
            values.append(f"{meta.short_label} {year}: {shown}")
        st.caption(plain(" · ".join(values)))
    st.markdown("**Make a group** of areas of the geography chosen in the sidebar.")
    if shared.level not in GROUP_LEVELS:
        kinds = ", ".join(LEVELS[level].plural for level in GROUP_LEVELS)
        st.info(f"Groups can be made of {kinds}; switch the geography in the sidebar.")
    else:
        names = level_area_names(shared.level)
        with st.form("new_group"):
            group_name = st.text_input("Group name", max_chars=80)
            members = st.multiselect("Areas", list(names), format_func=names.get, max_selections=60)
            if st.form_submit_button("Add group"):
                taken = {g.name for g in all_groups}
                if not group_name.strip() or not members:
                    st.error("A group needs a name and at least one area.")
                elif group_name.strip() in taken:
                    st.error(f"There is already a group called '{plain(group_name)}'.")
                else:
                    save_plan([*groups, AreaGroup(group_name.strip(), shared.level, tuple(members))], targets)
                    st.rerun()
    for number, group in enumerate(groups):
        if st.button(f"Remove group {plain(group.name)}", key=f"remove-group-{number}"):
            save_plan([g for i, g in enumerate(groups) if i != number], [t for t in targets if t.area != group.code])
            st.rerun()
    groupable = sorted(metadata[key].label for key in RECIPES if key in metadata)
    st.caption(f"Indicators a group can be valued on: {'; '.join(groupable)}.")

with file_tab:
    st.download_button(
        "Download your groups and targets (JSON)",
        data=plan_to_json(groups, targets),
        file_name="groups_and_targets.json",
        mime="application/json",
        on_click="ignore",
    )
    uploaded = st.file_uploader(
        "Load groups and targets from a JSON file", type=["json"], key="plan_upload", max_upload_size=1
    )  # MB; a plan file is at most 100,000 bytes
    if uploaded is not None:
        try:
            loaded_groups, loaded_targets = plan_from_json(uploaded.getvalue(), area_levels(snapshot), set(metadata))
        except PlanFileError as exc:
            st.error(f"{plain(uploaded.name, 80)} was not loaded: {plain(exc)}.")
        else:
            st.success(
                f"{plain(uploaded.name, 80)}: {len(loaded_groups)} groups and {len(loaded_targets)} targets ready."
            )
            if st.button("Replace my groups and targets with these"):
                save_plan(loaded_groups, loaded_targets)
                st.rerun()
