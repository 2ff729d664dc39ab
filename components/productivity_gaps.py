"""What the Productivity gaps page shows: an area's GVA per hour (or per filled job) against the UK,
England, England excluding London, its parent region and the median area over time; convergence of
every area of a level; per-hour against per-job. Built without Streamlit so tests call it directly."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from components.formatting import format_value
from components.overview import value_format
from components.productivity_gaps_charts import PARENT, convergence_chart, gap_chart, hour_job_chart, level_chart
from metrics.gaps import (
    Line,
    by_year,
    convergence,
    gap_frame,
    gap_over_time,
    gap_table,
    hour_job_frame,
    parent_itl1,
    yearly_median,
)
from vocabulary.geography import (
    AREA_LEVEL_KEYS,
    BENCHMARKS,
    ENGLAND,
    ENGLAND_EXCL_LONDON,
    LEVELS,
    MEDIAN,
    REFERENCE_LEVELS,
    UK,
)
from vocabulary.indicators import Indicator


@dataclass(frozen=True)
class Measure:
    """GVA per hour worked or per filled job: the snapshot indicators that carry it."""

    key: str
    label: str
    per: str
    smoothed: str
    unsmoothed: str | None
    index: str


MEASURES = {
    "hour": Measure(
        "hour", "GVA per hour worked", "per hour", "gva_per_hour", "gva_per_hour_unsmoothed", "gva_per_hour_index"
    ),
    "job": Measure("job", "GVA per filled job", "per filled job", "gva_per_job", None, "gva_per_job_index"),
}
SERIES_LABELS = {"smoothed": "Smoothed (ONS headline)", "unsmoothed": "Unsmoothed (single year)"}
SERIES_NOTE = (
    "Smoothed is ONS's headline series, a weighted 5-year moving average of the yearly values; "
    "unsmoothed is each year's GVA divided by that year's hours worked alone, so it is noisier."
)
JOB_SERIES_NOTE = "GVA per filled job is published smoothed only."


# --- choices --------------------------------------------------------------------------------------


def productivity_levels(metadata: dict[str, Indicator]) -> list[str]:
    """Mapped levels that have GVA per hour (English regions, for one, do not)."""
    have = set(metadata[MEASURES["hour"].smoothed].geographies)
    return [level for level in AREA_LEVEL_KEYS if level in have]


def series_options(measure: str) -> list[str]:
    """Smoothed always; unsmoothed only where the snapshot has it (per hour)."""
    return ["smoothed", "unsmoothed"] if MEASURES[measure].unsmoothed else ["smoothed"]


def indicator_id(measure: str, series: str) -> str:
    chosen = MEASURES[measure]
    return chosen.unsmoothed if series == "unsmoothed" and chosen.unsmoothed else chosen.smoothed


def years_with_values(rows: pd.DataFrame) -> list[int]:
    return sorted(int(year) for year in rows.loc[rows["value"].notna(), "period"].unique())


def start_year_options(years: list[int], end: int) -> list[int]:
    """Years before the end year: the convergence chart needs two different years."""
    return [year for year in years if year < end]


def follow_default(current: int | None, previous_default: int | None, new_default: int | None) -> int | None:
    """The start year after the measure or level changes: it keeps following the earliest year with data
    (2004 per hour, 2002 per job) until the user picks another year, which then stays."""
    return new_default if current is None or current == previous_default else current


# --- names ----------------------------------------------------------------------------------------


def area_label(name: str, level: str) -> str:
    """'North East LEP', 'Cumbria (ITL2 region)', 'Manchester': a name that says which geography where
    the bare name would be ambiguous (ITL1 names and LAD names are not)."""
    if level == "lep":
        return name if name.endswith("LEP") else f"{name} LEP"
    if level in ("lad", "itl1"):
        return name
    return f"{name} ({LEVELS[level].noun})"


def median_label(level: str) -> str:
    return f"Median {LEVELS[level].noun}"


def benchmark_label(code: str, level: str) -> str:
    """Name of the shared benchmark as it reads in a sentence ('England excluding London', 'the median LEP')."""
    if code == MEDIAN:
        return f"the median {LEVELS[level].noun}"
    return BENCHMARKS[code].name if code in BENCHMARKS else code


def describe_gap(gap_pct: float | None, name: str | None = None) -> str:
    """'8.3% below England excluding London' / '2.0% above ...' / 'level with ...'; without a name,
    '8.3% below' / 'level'."""
    if gap_pct is None or pd.isna(gap_pct):
        return f"no comparison with {name}" if name else "not comparable"
    if abs(gap_pct) < 0.05:
        return f"level with {name}" if name else "level"
    text = f"{abs(gap_pct):.1f}% {'above' if gap_pct > 0 else 'below'}"
    return f"{text} {name}" if name else text


# --- benchmark series ------------------------------------------------------------------------------


def shared_benchmark(indicator_rows: pd.DataFrame, level: str, code: str) -> Line | None:
    """The sidebar's benchmark as a yearly series: UK, England, England excluding London, or the
    median area of the level. None when the snapshot has no value for it."""
    if code == MEDIAN:
        values = yearly_median(indicator_rows[indicator_rows["geography"] == level])
    else:
        values = by_year(indicator_rows, code)
    return Line(code, benchmark_label(code, level), values) if len(values) else None


BENCHMARK_GEOGRAPHIES = (*(level.key for level in REFERENCE_LEVELS), "itl1")


def benchmark_lines(indicator_rows: pd.DataFrame, areas: pd.DataFrame, level: str, area_code: str) -> list[Line]:
    """The five comparisons of the gap chart, those the snapshot has values for: England excluding
    London, England, UK, the parent ITL1 region (not for ITL1 areas) and the median area of the level."""
    others = indicator_rows[indicator_rows["geography"].isin(BENCHMARK_GEOGRAPHIES)]
    lines = []
    for code in (ENGLAND_EXCL_LONDON, ENGLAND, UK):
        values = by_year(others, code)
        if len(values):
            lines.append(Line(code, BENCHMARKS[code].name, values))
    parent = parent_itl1(areas, level, area_code)
    if parent is not None:
        values = by_year(others[others["geography"] == "itl1"], parent)
        names = areas.loc[(areas["area_code"] == parent) & (areas["geography"] == "itl1"), "area_name"]
        if len(values):
            lines.append(Line(PARENT, f"Parent region: {names.iloc[0] if len(names) else parent}", values))
    median = yearly_median(indicator_rows[indicator_rows["geography"] == level])
    if len(median):
        lines.append(Line(MEDIAN, median_label(level), median))
    return lines


# --- headline -------------------------------------------------------------------------------------


def gap_headline(
    label: str,
    values: pd.Series,
    benchmark: Line | None,
    year: int,
    start: int | None,
    measure: Measure,
    unit: str,
    decimals: int,
    index_values: pd.Series | None = None,
) -> str:
    """'North East LEP: £35.97 per hour in 2023, 8.3% below England excluding London; in 2004 it was
    9.1% below.' Uses the area's latest year up to `year` (the sentence names the year it uses)."""
    if values.empty:
        return f"{label} has no {measure.label} values."
    up_to = values[values.index <= year]
    used = int(up_to.index.max()) if len(up_to) else int(values.index.min())
    text = f"{label}: {format_value(float(values[used]), unit, decimals)} {measure.per} in {used}"
    if benchmark is not None:
        gaps = gap_over_time(values, benchmark.values)
        text += f", {describe_gap(gaps.get(used), benchmark.label)}"
        if start is not None and start < used and pd.notna(gaps.get(start)):
            text += f"; in {start} it was {describe_gap(gaps[start])}"
    text += "."
    if index_values is not None and pd.notna(index_values.get(used)):
        text += f" Index {index_values[used]:.1f} (UK = 100)."
    return text


# --- convergence ----------------------------------------------------------------------------------


def convergence_note(benchmark_name: str, benchmark_growth: float | None) -> str:
    """How to read the convergence chart (the quadrants relative to the benchmark)."""
    line = (
        f"The horizontal line is {benchmark_name}'s own growth ({benchmark_growth:+.1f}%)"
        if benchmark_growth is not None
        else f"{benchmark_name} has no growth figure for these years"
    )
    return (
        f"Left of zero: behind {benchmark_name} at the start. {line}; an area above it grew faster than the "
        "benchmark, so its gap narrowed if it started behind (top left = catching up) and its lead widened "
        "if it started ahead (top right). Bottom left = falling further behind; bottom right = ahead, but "
        "the lead is narrowing. Growth is in current prices."
    )


def convergence_table_view(table: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """The convergence table with headings a reader understands (the chart's data, best growth first)."""
    view = table.sort_values("growth_pct", ascending=False, ignore_index=True)
    return view.rename(
        columns={
            "area_name": "Area",
            "area_code": "Code",
            "start_value": f"Value {start}",
            "end_value": f"Value {end}",
            "gap_start_pct": f"Gap in {start} (%)",
            "growth_pct": f"Growth {start}–{end} (%)",
        }
    )[["Area", "Code", f"Value {start}", f"Value {end}", f"Gap in {start} (%)", f"Growth {start}–{end} (%)"]]


# --- per hour against per job -------------------------------------------------------------------


def hour_job_table_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The scatter's data with readable headings."""
    return frame.rename(
        columns={
            "area_name": "Area",
            "area_code": "Code",
            "hour_index": "Per hour, index (UK = 100)",
            "job_index": "Per job, index (UK = 100)",
            "hour_value": "GVA per hour (£)",
            "job_value": "GVA per job (£)",
        }
    )[
        [
            "Area",
            "Code",
            "Per hour, index (UK = 100)",
            "Per job, index (UK = 100)",
            "GVA per hour (£)",
            "GVA per job (£)",
        ]
    ]


# --- whole sections, so the page can cache each by its choices ------------------------------------


@dataclass(frozen=True)
class AreaView:
    """The selected area's section: headline, gap and level charts, the gap table. `message` instead
    when the area has no values for this series."""

    headline: str = ""
    gap_chart: alt.LayerChart | None = None
    level_chart: alt.LayerChart | None = None
    table: pd.DataFrame | None = None
    has_parent: bool = False
    message: str = ""


def build_area_view(
    indicator_rows: pd.DataFrame,
    index_rows: pd.DataFrame | None,
    areas: pd.DataFrame,
    meta: Indicator,
    measure: Measure,
    level: str,
    area_code: str,
    area_name: str,
    benchmark_code: str,
    end: int,
    start: int | None,
    unsmoothed_exists: bool,
) -> AreaView:
    """Everything about one area for one measure/series. `index_rows` (UK = 100, this level) only for
    smoothed series; `unsmoothed_exists` adds a hint when a smoothed series is missing."""
    label = area_label(area_name, level)
    values = by_year(indicator_rows[indicator_rows["geography"] == level], area_code)
    if values.empty:
        hint = " Try the unsmoothed series." if unsmoothed_exists else ""
        return AreaView(message=f"{label} has no {meta.label} values in the snapshot.{hint}")
    unit, decimals = meta.unit, int(meta.decimals)
    index_values = by_year(index_rows, area_code) if index_rows is not None else None
    benchmark = shared_benchmark(indicator_rows, level, benchmark_code)
    lines = benchmark_lines(indicator_rows, areas, level, area_code)
    gaps = gap_frame(values, lines)
    return AreaView(
        headline=gap_headline(label, values, benchmark, end, start, measure, unit, decimals, index_values),
        gap_chart=gap_chart(gaps, label, meta.label),
        level_chart=level_chart(values, label, lines, meta.label, unit, decimals),
        table=gap_table(gaps, index_values),
        has_parent=any(line.key == PARENT for line in lines),
    )


@dataclass(frozen=True)
class ConvergenceView:
    chart: alt.LayerChart | None = None
    note: str = ""
    table: pd.DataFrame | None = None
    message: str = ""


def build_convergence_view(
    indicator_rows: pd.DataFrame,
    meta: Indicator,
    level: str,
    benchmark_code: str,
    start: int,
    end: int,
    selected_code: str | None,
) -> ConvergenceView:
    """The convergence chart of every area of the level, its reading note and table."""
    benchmark = shared_benchmark(indicator_rows, level, benchmark_code)
    name = benchmark.label if benchmark else benchmark_label(benchmark_code, level)
    plural = LEVELS[level].plural
    result = convergence(indicator_rows[indicator_rows["geography"] == level], benchmark, start, end)
    if result.table.empty or result.table["gap_start_pct"].isna().all():
        return ConvergenceView(message=f"No {plural} have values for both {start} and {end} with a value for {name}.")
    value_fmt = value_format(meta.unit, int(meta.decimals))
    chart = convergence_chart(
        result,
        selected_code,
        benchmark_name=name,
        start=start,
        end=end,
        level=level,
        indicator_label=meta.label,
        value_fmt=value_fmt,
    )
    note = convergence_note(name, result.benchmark_growth)
    if result.missing:
        note += f" {result.missing} {plural} without values in both years are not shown."
    return ConvergenceView(chart, note, convergence_table_view(result.table, start, end))


@dataclass(frozen=True)
class HourJobView:
    chart: alt.LayerChart
    note: str
    table: pd.DataFrame


HOUR_JOB_NOTE = (
    "Above the dashed line an area's jobs produce more, relative to the UK, than its hours do: its jobs "
    "work longer hours on average (fewer part-time jobs). Below it, the reverse."
)


def build_hour_job_view(
    hour_index: pd.DataFrame,
    job_index: pd.DataFrame,
    hour: pd.DataFrame,
    job: pd.DataFrame,
    level: str,
    year: int,
    selected_code: str | None,
) -> HourJobView:
    """Per hour against per job for one level and year (rows already cut to that level and year)."""
    frame = hour_job_frame(hour_index, job_index, hour, job)
    left_out = hour_index["area_code"].nunique() - len(frame)
    plural = LEVELS[level].plural
    note = HOUR_JOB_NOTE + (f" {left_out} {plural} without both figures for {year} are not shown." if left_out else "")
    return HourJobView(hour_job_chart(frame, selected_code, year, level), note, hour_job_table_view(frame))


def hour_job_data(table: pd.DataFrame, year: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": table["Code"].to_numpy(dtype=object),
            "area_name": table["Area"].to_numpy(dtype=object),
            "period": year,
            "value": table["Per hour, index (UK = 100)"].to_numpy(dtype=float),
            "unit": "index (UK = 100)",
            "status": "",
            "gva_per_job_index": table["Per job, index (UK = 100)"].to_numpy(dtype=float),
            "gva_per_hour_gbp": table["GVA per hour (£)"].to_numpy(dtype=float),
            "gva_per_job_gbp": table["GVA per job (£)"].to_numpy(dtype=float),
        }
    )
