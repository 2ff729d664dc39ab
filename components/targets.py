"""Targets and area groups: presets, the JSON file format, link encoding and the trajectory chart."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import asdict

import altair as alt
import numpy as np
import pandas as pd

from components.charts import SOURCE_LINE
from components.figures import DERIVED
from components.formatting import format_target_gap, format_value
from loaders.errors import shorten
from metrics.groups import MAX_MEMBERS, AreaGroup, GroupError, group_series
from metrics.targets import (
    CHANGE,
    CLOSE_GAP,
    KINDS,
    NOT_MEASURABLE,
    Assessment,
    Target,
    assess,
    rebased,
    uses_relative_gap,
)
from vocabulary.geography import ENGLAND_EXCL_LONDON

FILE_FORMAT = "regional-productivity-explorer/groups-and-targets"
FILE_VERSION = 1
MAX_FILE_BYTES = 100_000
# The longest ?plan= token a plan within MAX_FILE_BYTES can make: zlib adds at most ~0.03% (+ a few bytes)
# to incompressible text, and base64 makes 4 characters of 3 bytes.
MAX_LINK_TOKEN = 4 * -(-(MAX_FILE_BYTES + 1_024) // 3)
MAX_NAME = 80
GROUP_LEVELS = ("lep", "lad", "itl1", "rgn", "cauth")
NORTH_EAST_LEP = "E37000025"
SEP_SOURCE = "North East LEP Strategic Economic Plan, targets for 2014-2024"

PRESET_GROUPS = (
    AreaGroup(
        "North West manufacturing digitalisation pilot",
        "lep",
        ("E37000003", "E37000007", "E37000019", "E37000022", "E37000015"),
    ),
    AreaGroup("The three northern ITL1 regions", "itl1", ("TLC", "TLD", "TLE")),
)

PRESET_TARGETS = (
    Target(
        "Increase the number of jobs by 100,000",
        NORTH_EAST_LEP,
        "filled_jobs",
        CHANGE,
        100_000,
        2014,
        2024,
        source_text="Increase the number of jobs by 100,000 by 2024 (measured here as ONS filled jobs, "
        "workplace-based).",
    ),
    Target(
        "70% of jobs created to be 'better jobs'",
        NORTH_EAST_LEP,
        "filled_jobs",
        CHANGE,
        0,
        2014,
        2024,
        unmeasurable_reason="the official data define no 'better jobs'; measuring it would need jobs by "
        "occupation or pay band for the LEP (e.g. APS SOC 1-3 counts or ASHE pay bands) "
        "for 2014 and 2024",
        source_text="70% of all jobs created between 2014 and 2024 will be 'better jobs'.",
    ),
    Target(
        "Close the employment rate gap (16-64)",
        NORTH_EAST_LEP,
        "employment_rate_16_64",
        CLOSE_GAP,
        100,
        2014,
        2024,
        ENGLAND_EXCL_LONDON,
        source_text="Close the gap with England excluding London in the employment rate (16-64) by 2024.",
    ),
    Target(
        "Halve the economic activity gap (16-64)",
        NORTH_EAST_LEP,
        "economic_activity_rate_16_64",
        CLOSE_GAP,
        50,
        2014,
        2024,
        ENGLAND_EXCL_LONDON,
        source_text="Reduce the gap with England excluding London in economic activity (16-64) by 50% by 2024.",
    ),
    Target(
        "Halve the private sector employment density gap",
        NORTH_EAST_LEP,
        "filled_jobs",
        CLOSE_GAP,
        50,
        2014,
        2024,
        ENGLAND_EXCL_LONDON,
        unmeasurable_reason="the official files at hand have no public/private split of employment (BRES by "
        "ownership) for LEPs; it would need BRES private-sector jobs and the 16-64 "
        "population for 2014-2024",
        source_text="Reduce the gap with England excluding London in private sector employment density by 50% by 2024.",
    ),
    Target(
        "Halve the GVA per hour worked gap",
        NORTH_EAST_LEP,
        "gva_per_hour",
        CLOSE_GAP,
        50,
        2014,
        2024,
        ENGLAND_EXCL_LONDON,
        source_text="Reduce the gap with England excluding London in GVA per hour worked by 50% by 2024.",
    ),
)


class PlanFileError(ValueError):
    """An imported groups/targets file is not valid; the message names the entry and the problem."""


def plan_to_json(groups: list[AreaGroup], targets: list[Target]) -> str:
    """The groups and targets as a small, readable JSON document."""
    return json.dumps(
        {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "groups": [{"name": g.name, "level": g.level, "members": list(g.members)} for g in groups],
            "targets": [{k: v for k, v in asdict(t).items() if v not in (None, "")} for t in targets],
        },
        indent=1,
        ensure_ascii=False,
    )


def plan_from_json(
    text: str | bytes, area_levels: dict[str, str], indicators: set[str]
) -> tuple[list[AreaGroup], list[Target]]:
    """Parse and validate a groups/targets document. `area_levels` maps every known area code to its
    level; `indicators` are the snapshot's indicator ids. Nothing in the file is executed."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > MAX_FILE_BYTES:
        raise PlanFileError(f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PlanFileError(f"the file is not UTF-8 text (bad byte at offset {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise PlanFileError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
    except ValueError as exc:  # Python's cap on the digits of one integer
        raise PlanFileError("a number in it has more than 4,300 digits") from exc
    except RecursionError as exc:
        raise PlanFileError("it is nested too deeply to be a groups-and-targets file") from exc
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        raise PlanFileError(f'not a groups-and-targets file (expected "format": "{FILE_FORMAT}")')
    if document.get("version") != FILE_VERSION:
        version = shorten(repr(document.get("version")))
        raise PlanFileError(f"unsupported version {version} (this app reads {FILE_VERSION})")
    groups = [_group(entry, i, area_levels) for i, entry in enumerate(_list(document, "groups"), start=1)]
    names = [g.name for g in groups]
    if len(set(names)) != len(names):
        raise PlanFileError("two groups have the same name")
    known = set(area_levels) | {g.code for g in groups}
    targets = [_target(entry, i, known, indicators) for i, entry in enumerate(_list(document, "targets"), start=1)]
    return groups, targets


def _list(document: dict, key: str) -> list:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise PlanFileError(f'"{key}" must be a list')
    if len(value) > 100:
        raise PlanFileError(f'"{key}" has {len(value)} entries; the limit is 100')
    return value


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise PlanFileError(f'{where}: "{key}" must be text of 1 to {MAX_NAME} characters')
    return value.strip()


def _group(entry: object, number: int, area_levels: dict[str, str]) -> AreaGroup:
    where = f"group {number}"
    if not isinstance(entry, dict):
        raise PlanFileError(f"{where} is not an object")
    name = _text(entry, "name", where)
    level = entry.get("level")
    if level not in GROUP_LEVELS:
        raise PlanFileError(f"{where} ({name}): level must be one of {', '.join(GROUP_LEVELS)}")
    members = entry.get("members")
    if not isinstance(members, list) or not members or not all(isinstance(m, str) for m in members):
        raise PlanFileError(f'{where} ({name}): "members" must be a non-empty list of area codes')
    if len(members) > MAX_MEMBERS:
        raise PlanFileError(f"{where} ({name}): {len(members)} members; the limit is {MAX_MEMBERS}")
    wrong = [m for m in members if area_levels.get(m) != level]
    if wrong:
        raise PlanFileError(f"{where} ({name}): not {level} codes: {', '.join(shorten(m, 24) for m in wrong[:5])}")
    return AreaGroup(name, level, tuple(dict.fromkeys(members)))


def _target(entry: object, number: int, known_areas: set[str], indicators: set[str]) -> Target:
    where = f"target {number}"
    if not isinstance(entry, dict):
        raise PlanFileError(f"{where} is not an object")
    name = _text(entry, "name", where)
    area, indicator, kind = entry.get("area"), entry.get("indicator"), entry.get("kind")
    if area not in known_areas:
        raise PlanFileError(f"{where} ({name}): unknown area {shorten(repr(area))}")
    if indicator not in indicators:
        raise PlanFileError(f"{where} ({name}): unknown indicator {shorten(repr(indicator))}")
    if kind not in KINDS:
        raise PlanFileError(f"{where} ({name}): kind must be one of {', '.join(KINDS)}")
    amount = entry.get("amount")
    if not isinstance(amount, int | float) or isinstance(amount, bool):
        raise PlanFileError(f'{where} ({name}): "amount" must be a number')
    years = [entry.get("baseline_year"), entry.get("target_year")]
    if not all(isinstance(y, int) and 1990 <= y <= 2100 for y in years):
        raise PlanFileError(f"{where} ({name}): baseline_year and target_year must be years (1990-2100)")
    benchmark = entry.get("benchmark")
    if benchmark is not None and benchmark not in known_areas:
        raise PlanFileError(f"{where} ({name}): unknown benchmark {shorten(repr(benchmark))}")
    try:
        return Target(
            name,
            area,
            indicator,
            kind,
            float(amount),
            years[0],
            years[1],
            benchmark,
            source_text=str(entry.get("source_text", ""))[:500],
        )
    except ValueError as exc:
        raise PlanFileError(f"{where} ({name}): {exc}") from exc


def encode_for_link(text: str) -> str:
    """Compact, URL-safe form of a plan document for the query string."""
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")


def decode_from_link(token: str) -> str:
    """Inverse of encode_for_link; raises PlanFileError for a damaged token, a token longer than any
    plan within MAX_FILE_BYTES can make, or one that inflates beyond MAX_FILE_BYTES. The inflater
    is stopped at that size (a small token can expand a thousandfold: it is never inflated in full)."""
    if len(token) > MAX_LINK_TOKEN:
        raise PlanFileError(
            f"the link's plan parameter is {len(token):,} characters long; a plan's is at most {MAX_LINK_TOKEN:,}"
        )
    try:
        packed = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode("ascii"))
        inflater = zlib.decompressobj()
        text = inflater.decompress(packed, MAX_FILE_BYTES + 1)
    except (ValueError, zlib.error) as exc:
        raise PlanFileError("the link's plan parameter is damaged or incomplete") from exc
    if len(text) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise PlanFileError(f"the link's plan expands beyond {MAX_FILE_BYTES:,} bytes, the limit for a plan")
    if not inflater.eof:
        raise PlanFileError("the link's plan parameter is damaged or incomplete")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileError("the link's plan parameter is damaged or incomplete") from exc


def trajectory_chart(
    assessment: Assessment, *, title: str, subtitle: str, value_title: str, is_gap: bool, axis_title: str | None = None
) -> alt.LayerChart:
    """Actual path (solid, points) against the straight-line trajectory (dashed) to the target. The y axis is
    titled `axis_title` (a short form of `value_title`, which the tooltip and the subtitle spell out): a
    vertical title longer than the plot is cut at both ends."""
    path = assessment.path.melt("period", var_name="series", value_name="value").dropna()
    path["series"] = path["series"].map({"actual": "Actual", "trajectory": "Straight-line path to target"})
    lines = (
        alt.Chart(path)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None),
            # a level (e.g. 834,022 -> 934,022 jobs) on an axis from zero would hide the gap to the path
            y=alt.Y("value:Q", title=axis_title or value_title, scale=alt.Scale(zero=is_gap)),
            strokeDash=alt.StrokeDash("series:N", title=None, legend=alt.Legend(orient="bottom")),
            color=alt.Color("series:N", title=None, scale=alt.Scale(range=["#3b528b", "#b35806"])),
            tooltip=[
                alt.Tooltip("series:N", title=""),
                alt.Tooltip("period:O", title="Year"),
                alt.Tooltip("value:Q", title=value_title, format=",.2f"),
            ],
        )
    )
    layers = [lines]
    if is_gap:
        layers.append(alt.Chart(pd.DataFrame({"value": [0]})).mark_rule(color="#555").encode(y=alt.Y("value:Q")))
    return alt.layer(*layers).properties(
        title=alt.TitleParams(text=title, subtitle=[subtitle, SOURCE_LINE], anchor="start", fontSize=16),
        width="container",
        height=280,
    )


def area_series(code: str, indicator: str, rows_of, areas: pd.DataFrame, groups: list[AreaGroup]) -> pd.Series:
    """Yearly values of an area code or a group ("group:<name>"); raises GroupError for a group that
    cannot be valued on this indicator."""
    if code.startswith("group:"):
        group = next((g for g in groups if g.code == code), None)
        if group is None:
            raise GroupError(f"no group called {code.removeprefix('group:')!r}")
        return group_series(group, indicator, rows_of, areas)
    rows = rows_of(indicator, None)
    return rows.loc[rows["area_code"] == code].set_index("period")["value"].sort_index()


def target_number_format(target: Target, unit: str, decimals: int, noun: str = ""):
    """How the numbers of a target read, always with their unit: a gap in percentage points (rates) or in
    % of the benchmark (money and counts); a value in the indicator's unit, counts followed by `noun`."""
    if target.kind == CLOSE_GAP:
        relative = uses_relative_gap(unit)
        return lambda value: format_target_gap(value, relative)

    def value_text(value: float) -> str:
        text = format_value(value, unit, 0 if unit in {"count", "persons"} or abs(value) >= 1000 else decimals)
        return f"{text} {noun}" if noun and unit in {"count", "persons"} else text

    return value_text


def evaluate(
    target: Target, unit: str, rows_of, areas: pd.DataFrame, groups: list[AreaGroup], decimals: int = 2, noun: str = ""
) -> Assessment:
    """Assess a target from the snapshot (and groups), with the gap measure suited to the unit and the
    reason's numbers written with their unit (`noun` names what a count counts, e.g. "filled jobs")."""
    if target.unmeasurable_reason:
        return assess(target, pd.Series(dtype=float))
    try:
        area = area_series(target.area, target.indicator, rows_of, areas, groups)
        bench = area_series(target.benchmark, target.indicator, rows_of, areas, groups) if target.benchmark else None
    except GroupError as exc:
        return Assessment(NOT_MEASURABLE, str(exc))
    return assess(
        target, area, bench, relative=uses_relative_gap(unit), fmt=target_number_format(target, unit, decimals, noun)
    )


def first_measurable_baseline(
    target: Target, assessment: Assessment, unit: str, rows_of, areas: pd.DataFrame, groups: list[AreaGroup]
) -> Target | None:
    """When only the baseline year is missing, the same target re-based to the first year with data."""
    if assessment.verdict != NOT_MEASURABLE or target.unmeasurable_reason or "baseline year" not in assessment.reason:
        return None
    try:
        area = area_series(target.area, target.indicator, rows_of, areas, groups).dropna()
        if target.benchmark:
            bench = area_series(target.benchmark, target.indicator, rows_of, areas, groups).dropna()
            area = area[area.index.isin(bench.index)]
    except GroupError:
        return None
    later = [int(year) for year in area.index if target.baseline_year < year < target.target_year]
    return rebased(target, min(later)) if later else None


def trajectory_data(path: pd.DataFrame, area_code: str, area_name: str, unit: str, indicator: str) -> pd.DataFrame:
    """Actual values (or gaps) and the straight-line path to the target, as the chart draws them."""
    long = path.melt("period", var_name="series", value_name="value").dropna(subset=["value"])
    return pd.DataFrame(
        {
            "area_code": area_code,
            "area_name": area_name,
            "period": long["period"].to_numpy(dtype=int),
            "value": long["value"].to_numpy(dtype=float),
            "unit": unit,
            "status": np.where(long["series"] == "actual", "", DERIVED),
            "indicator": indicator,
            "series": long["series"]
            .map({"actual": "Actual", "trajectory": "Straight-line path to target"})
            .to_numpy(dtype=object),
        }
    )
