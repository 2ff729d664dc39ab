"""What the Productivity gaps page shows: an area's GVA per hour (or per filled job) against the UK,
England, England excluding London, its parent region and the median area over time; convergence of
every area of a level; per-hour against per-job. Built without Streamlit so tests call it directly."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from components.chart_layout import LEGEND_COLUMNS, narrow_or_wide
from components.charts import (
    BAR,
    LEGEND_LIMIT,
    LINE_LABEL_LIMIT,
    POINT_LABEL_LIMIT,
    SELECTED,
    SOURCE_LINE,
    label_side,
)
from components.formatting import format_value
from components.overview import BENCHMARK_LABELS, LEVEL_LABELS, MEDIAN, value_format
from loaders.snapshot_schema import ENGLAND, ENGLAND_EXCL_LONDON, UK
from metrics.gaps import by_year, convergence_table, gap_over_time, growth_pct, parent_itl1, yearly_median
from metrics.ranking import LEVEL_NOUNS

PARENT = "parent"


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

# Okabe-Ito colours (colour-blind safe) and a different dash for every line, so print and greyscale work.
LINE_STYLES: dict[str, tuple[str, list[int]]] = {
    ENGLAND_EXCL_LONDON: ("#D55E00", [12, 3]),
    ENGLAND: ("#0072B2", [5, 3]),
    UK: ("#000000", [2, 3]),
    PARENT: ("#009E73", [10, 3, 2, 3]),
    MEDIAN: ("#CC79A7", [4, 2, 1, 2, 1, 2]),
}
LINE_ORDER = (ENGLAND_EXCL_LONDON, ENGLAND, UK, PARENT, MEDIAN)


@dataclass(frozen=True)
class Line:
    """One benchmark's yearly values (index = year) with the name shown on the chart."""

    key: str
    label: str
    values: pd.Series


# --- choices --------------------------------------------------------------------------------------


def productivity_levels(metadata: dict) -> list[str]:
    """Mapped levels that have GVA per hour (English regions, for one, do not)."""
    have = set(metadata[MEASURES["hour"].smoothed]["geographies"])
    return [level for level in LEVEL_LABELS if level in have]


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
    return f"{name} ({LEVEL_NOUNS.get(level, (level,))[0]})"


def median_label(level: str) -> str:
    return f"Median {LEVEL_NOUNS.get(level, (level,))[0]}"


def benchmark_label(code: str, level: str) -> str:
    """Name of the shared benchmark as it reads in a sentence ('England excluding London', 'the median LEP')."""
    if code == MEDIAN:
        return f"the median {LEVEL_NOUNS.get(level, (level,))[0]}"
    return BENCHMARK_LABELS.get(code, code)


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


BENCHMARK_GEOGRAPHIES = ("uk", "country", "benchmark", "itl1")


def benchmark_lines(indicator_rows: pd.DataFrame, areas: pd.DataFrame, level: str, area_code: str) -> list[Line]:
    """The five comparisons of the gap chart, those the snapshot has values for: England excluding
    London, England, UK, the parent ITL1 region (not for ITL1 areas) and the median area of the level."""
    others = indicator_rows[indicator_rows["geography"].isin(BENCHMARK_GEOGRAPHIES)]
    lines = []
    for code in (ENGLAND_EXCL_LONDON, ENGLAND, UK):
        values = by_year(others, code)
        if len(values):
            lines.append(Line(code, BENCHMARK_LABELS[code], values))
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


GAP_COLUMNS = ["period", "benchmark", "key", "area_value", "benchmark_value", "gap_pct"]


def gap_frame(area_values: pd.Series, lines: list[Line]) -> pd.DataFrame:
    """Long table of the gap chart: period, benchmark (label), key, area_value, benchmark_value,
    gap_pct, for every year of the area; a year a benchmark lacks keeps a missing gap."""
    if not lines or area_values.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    years = area_values.index.to_numpy(dtype=int)
    count = len(years)
    area = area_values.to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "period": np.tile(years, len(lines)),
            "benchmark": np.repeat([line.label for line in lines], count),
            "key": np.repeat([line.key for line in lines], count),
            "area_value": np.tile(area, len(lines)),
            "benchmark_value": np.concatenate(
                [line.values.reindex(area_values.index).to_numpy(dtype=float) for line in lines]
            ),
            "gap_pct": np.concatenate(
                [gap_over_time(area_values, line.values).to_numpy(dtype=float) for line in lines]
            ),
        }
    )


def gap_table(frame: pd.DataFrame, index_values: pd.Series | None) -> pd.DataFrame:
    """The gap chart as a table, one row per year: the area's value, its index (UK = 100) where the
    series has one, and the gap to each benchmark in % (columns named 'Gap to ... (%)')."""
    if frame.empty:
        return pd.DataFrame(columns=["Year", "Value"])
    years = pd.unique(frame["period"])
    table = pd.DataFrame({"Year": years.astype(int), "Value": frame["area_value"].to_numpy(dtype=float)[: len(years)]})
    if index_values is not None:
        table["Index (UK = 100)"] = index_values.reindex(years).to_numpy(dtype=float)
    for label, part in frame.groupby("benchmark", sort=False):
        table[f"Gap to {label} (%)"] = part.set_index("period")["gap_pct"].reindex(years).to_numpy(dtype=float)
    return table


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


# --- charts ---------------------------------------------------------------------------------------


def label_positions(ends: dict[str, float], min_gap: float) -> dict[str, float]:
    """Heights for direct labels at the ends of lines, pushed apart by at least `min_gap` (in data
    units) so close lines keep readable labels, and centred on the lines' own ends."""
    if not ends:
        return {}
    order = sorted(ends, key=lambda key: ends[key])
    placed: list[float] = []
    for key in order:
        placed.append(ends[key] if not placed else max(ends[key], placed[-1] + min_gap))
    shift = (sum(ends.values()) - sum(placed)) / len(placed)
    return {key: y + shift for key, y in zip(order, placed, strict=True)}


LABEL_PX = 14  # direct label spacing


def _title(text: str, subtitle: str) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=[subtitle, SOURCE_LINE], anchor="start", fontSize=16)


def line_ends(frame: pd.DataFrame, value_field: str) -> pd.DataFrame:
    """series, period and value of each line's last point with a value (where its label goes)."""
    valid = frame[frame[value_field].notna()]
    last = (
        valid.drop_duplicates("series", keep="last")
        if valid["period"].is_monotonic_increasing
        else (valid.sort_values("period", kind="stable").drop_duplicates("series", keep="last"))
    )
    return last[["series", "period", value_field]]


def labelled_lines(
    frame: pd.DataFrame,
    *,
    value_field: str,
    value_title: str,
    value_fmt: str,
    styles: dict[str, tuple[str, list[int]]],
    title: str,
    subtitle: str,
    zero_rule: bool,
    height: int,
    legend: bool = True,
    axis_fmt: str | None = None,
) -> alt.LayerChart:
    """One line per `series` value of `frame` (period, series, value_field, ...), each with its own
    colour and dash and a direct label at its last point; optionally a rule at zero. `height` is the
    plot's (title, axes and legend come on top: components/chart_layout.py)."""
    present = set(frame["series"])
    domain = [name for name in styles if name in present]
    colour_scale = alt.Scale(domain=domain, range=[styles[name][0] for name in domain])
    ends = line_ends(frame, value_field)
    values = frame[value_field].to_numpy(dtype=float)
    spread = float(np.nanmax(values) - np.nanmin(values)) if np.isfinite(values).any() else 0.0
    heights = label_positions(
        dict(zip(ends["series"], ends[value_field], strict=True)),
        min_gap=max(spread, 1e-9) * LABEL_PX / max(height, 60),
    )
    labels = pd.DataFrame(
        {
            "series": ends["series"].to_numpy(),
            "period": ends["period"].to_numpy(),
            "label_y": [heights[name] for name in ends["series"]],
        }
    )
    x = alt.X("period:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(nice=False, zero=False))
    tooltip = [
        alt.Tooltip("period:Q", title="Year", format="d"),
        alt.Tooltip("series:N", title="Line"),
        alt.Tooltip(f"{value_field}:Q", title=value_title, format=value_fmt),
    ]
    tooltip += [
        alt.Tooltip(f"{name}:Q", title=name.replace("_", " ").capitalize(), format=value_fmt)
        for name in ("area_value", "benchmark_value")
        if name in frame.columns
    ]
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2.5, invalid="break-paths-filter-domains")
        .encode(
            x=x,
            y=alt.Y(
                f"{value_field}:Q",
                title=value_title,
                axis=alt.Axis(format=axis_fmt or value_fmt),
                scale=alt.Scale(zero=zero_rule),
            ),
            color=alt.Color(
                "series:N",
                scale=colour_scale,
                title=None,
                legend=alt.Legend(orient="bottom", symbolStrokeWidth=2, labelLimit=LEGEND_LIMIT, columns=LEGEND_COLUMNS)
                if legend
                else None,
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=domain, range=[styles[n][1] for n in domain]),
                title=None,
                legend=alt.Legend() if legend else None,
            ),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(labels)
        .mark_text(align="left", dx=6, fontSize=11, fontWeight="bold", limit=LINE_LABEL_LIMIT)
        .encode(
            x=alt.X("period:Q"),
            y=alt.Y("label_y:Q"),
            text=alt.Text("series:N"),
            color=alt.Color("series:N", scale=colour_scale, legend=None),
        )
    )
    layers: list[alt.Chart] = [lines, text]
    if zero_rule:
        layers.insert(
            0, alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#666", size=1).encode(y=alt.Y("zero:Q"))
        )
    return alt.layer(*layers, title=_title(title, subtitle), width="container", height=height)


def gap_chart(frame: pd.DataFrame, label: str, indicator_label: str) -> alt.LayerChart:
    """The area's % gap to each benchmark by year; zero = level with the benchmark."""
    data = frame.rename(columns={"benchmark": "series"})
    labels = dict(zip(data["key"], data["series"], strict=True))
    styles = {labels[key]: LINE_STYLES[key] for key in LINE_ORDER if key in labels}
    first, last = (int(data["period"].min()), int(data["period"].max())) if len(data) else (0, 0)
    return labelled_lines(
        data,
        value_field="gap_pct",
        value_title="Gap (%)",
        value_fmt="+.1f",
        axis_fmt="+.0f",
        styles=styles,
        title=f"{label}: gap to benchmarks, {first}–{last}",
        subtitle=f"{indicator_label}; (area / benchmark − 1) × 100; below zero = behind the benchmark",
        zero_rule=True,
        height=300,
    )


def level_chart(
    area_values: pd.Series, label: str, lines: list[Line], indicator_label: str, unit: str, decimals: int
) -> alt.LayerChart:
    """The area's own values (£) with the benchmarks', over the area's years."""
    years = area_values.index.to_numpy(dtype=int)
    styles = {label: (SELECTED, [1, 0]), **{line.label: LINE_STYLES[line.key] for line in lines}}
    frame = pd.DataFrame(
        {
            "period": np.tile(years, len(lines) + 1),
            "series": np.repeat([label, *(line.label for line in lines)], len(years)),
            "value": np.concatenate(
                [
                    area_values.to_numpy(dtype=float),
                    *(line.values.reindex(area_values.index).to_numpy(dtype=float) for line in lines),
                ]
            ),
        }
    )
    return labelled_lines(
        frame,
        value_field="value",
        value_title=f"{indicator_label.split(' (')[0]} ({unit})",
        value_fmt=value_format(unit, decimals),
        styles=styles,
        title=f"{label} and its benchmarks",
        subtitle=indicator_label,
        zero_rule=False,
        height=240,
        legend=False,
    )


# --- convergence ----------------------------------------------------------------------------------


@dataclass
class Convergence:
    table: pd.DataFrame
    benchmark_growth: float | None
    missing: int


def convergence(level_rows: pd.DataFrame, benchmark: Line | None, start: int, end: int) -> Convergence:
    """Gap in the start year against growth since, for every area of the level with both values;
    `benchmark_growth` is the benchmark's own growth (areas above it grew faster than the benchmark)."""
    bench_values = benchmark.values if benchmark is not None else pd.Series(dtype=float)
    table = convergence_table(level_rows, bench_values, start, end)
    growth = None
    if start in bench_values.index and end in bench_values.index:
        growth = float(growth_pct(bench_values[start], bench_values[end]))
    areas = level_rows["area_code"].nunique()
    return Convergence(table, growth, int(areas - len(table)))


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


def convergence_chart(
    result: Convergence,
    selected_code: str | None,
    *,
    benchmark_name: str,
    start: int,
    end: int,
    level: str,
    indicator_label: str,
    value_fmt: str,
) -> alt.LayerChart:
    """Scatter of gap at the start against growth since, the benchmark's growth as a rule, the
    selected area as a labelled diamond, and the four quadrants named in the corners."""
    data = result.table.assign(selected=result.table["area_code"] == selected_code)
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("gap_start_pct:Q", title=f"Gap in {start} (%)", format="+.1f"),
        alt.Tooltip("growth_pct:Q", title=f"Growth {start}–{end} (%)", format="+.1f"),
        alt.Tooltip("start_value:Q", title=f"Value {start}", format=value_fmt),
        alt.Tooltip("end_value:Q", title=f"Value {end}", format=value_fmt),
    ]
    x = alt.X(
        "gap_start_pct:Q",
        title=f"Gap to {benchmark_name} in {start} (%)",
        axis=alt.Axis(format="+.0f"),
        scale=alt.Scale(zero=False),
    )
    y = alt.Y(
        "growth_pct:Q", title=f"Growth {start}–{end} (%)", axis=alt.Axis(format="+.0f"), scale=alt.Scale(zero=False)
    )
    layers: list[alt.Chart] = [
        alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#666", strokeDash=[4, 3]).encode(x=alt.X("x:Q")),
    ]
    if result.benchmark_growth is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"y": [result.benchmark_growth]}))
            .mark_rule(color="#b35806", strokeDash=[6, 3], size=2)
            .encode(y=alt.Y("y:Q"))
        )
        layers.append(_quadrant_labels(data, result.benchmark_growth))
    layers += highlighted_points(data, x, y, tooltip)
    noun = LEVEL_NOUNS.get(level, (level, level))[1]
    return alt.layer(
        *layers,
        title=_title(
            f"Convergence: gap in {start} against growth to {end}",
            f"{indicator_label}; {len(data)} {noun}; vertical line: level with {benchmark_name}",
        ),
        width="container",
        height=320,
    )


def highlighted_points(data: pd.DataFrame, x: alt.X, y: alt.Y, tooltip: list) -> list[alt.Chart]:
    """All areas as circles; the selected one (column `selected`) a larger diamond in the highlight
    colour, drawn last and named beside it, so it stands out without relying on colour."""
    ordered = data.sort_values("selected", kind="stable")
    ordered = ordered.assign(role=np.where(ordered["selected"], "selected", "other"))
    roles = ["other", "selected"]
    points = (
        alt.Chart(ordered)
        .mark_point(filled=True, opacity=0.8, stroke="#000", strokeWidth=0.3)
        .encode(
            x=x,
            y=y,
            tooltip=tooltip,
            color=alt.Color("role:N", scale=alt.Scale(domain=roles, range=[BAR, SELECTED]), legend=None),
            size=alt.Size("role:N", scale=alt.Scale(domain=roles, range=[55, 220]), legend=None),
            shape=alt.Shape("role:N", scale=alt.Scale(domain=roles, range=["circle", "diamond"]), legend=None),
        )
    )
    chosen = ordered[ordered["selected"]]
    if chosen.empty:
        return [points]
    x_field = x.shorthand.split(":")[0]
    side = label_side(float(chosen[x_field].iloc[0]), ordered[x_field])
    label = (
        alt.Chart(chosen[["area_name", x_field, y.shorthand.split(":")[0]]])
        .mark_text(dy=-8, fontWeight="bold", fontSize=12, limit=POINT_LABEL_LIMIT, **side)
        .encode(x=x, y=y, text=alt.Text("area_name:N"))
    )
    return [points, label]


def _quadrant_labels(data: pd.DataFrame, benchmark_growth: float) -> alt.Chart:
    """The four quadrants named at the middle of their outer edges (one text layer)."""
    xs = [0.0, *data["gap_start_pct"].dropna()]
    ys = [benchmark_growth, *data["growth_pct"].dropna()]
    left, right, low, high = min(xs) / 2, max(xs) / 2, min(ys), max(ys)
    corners = pd.DataFrame(
        {
            "x": [left, right, left, right],
            "y": [high, high, low, low],
            "text": ["Behind, catching up", "Ahead, pulling away", "Behind, falling back", "Ahead, lead narrowing"],
        }
    )
    return (
        alt.Chart(corners)
        .mark_text(color="#555", fontSize=narrow_or_wide(9, 11), fontStyle="italic")
        .encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("text:N"))
    )


# --- per hour against per job -------------------------------------------------------------------


def hour_job_frame(
    hour_index: pd.DataFrame, job_index: pd.DataFrame, hour: pd.DataFrame, job: pd.DataFrame
) -> pd.DataFrame:
    """One row per area with both indices (UK = 100) in one year: area_code, area_name, hour_index,
    job_index, hour_value, job_value (£). Rows are one level and one year of each indicator."""

    def values(rows: pd.DataFrame) -> pd.Series:
        valued = rows[rows["value"].notna()]
        series = pd.Series(valued["value"].to_numpy(dtype=float), index=valued["area_code"].to_numpy())
        return series[~series.index.duplicated()]

    first = hour_index[hour_index["value"].notna()].drop_duplicates("area_code")
    jobs = values(job_index)
    first = first[first["area_code"].isin(jobs.index)]
    codes = first["area_code"].to_numpy()
    frame = pd.DataFrame(
        {
            "area_code": codes.astype(str),
            "area_name": first["area_name"].astype(str).to_numpy(),
            "hour_index": first["value"].to_numpy(dtype=float),
            "job_index": jobs.reindex(codes).to_numpy(dtype=float),
            "hour_value": values(hour).reindex(codes).to_numpy(dtype=float),
            "job_value": values(job).reindex(codes).to_numpy(dtype=float),
        }
    )
    return frame.sort_values("area_name", ignore_index=True)


def hour_job_chart(frame: pd.DataFrame, selected_code: str | None, year: int, level: str) -> alt.LayerChart:
    """Per-hour index against per-job index (UK = 100): on the diagonal, an area's jobs are as
    productive relative to the UK as its hours; above it, jobs work longer hours than the UK's."""
    data = frame.assign(selected=frame["area_code"] == selected_code)
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("hour_index:Q", title="Per hour, index (UK = 100)", format=".1f"),
        alt.Tooltip("job_index:Q", title="Per job, index (UK = 100)", format=".1f"),
        alt.Tooltip("hour_value:Q", title="GVA per hour (£)", format="$,.2f"),
        alt.Tooltip("job_value:Q", title="GVA per filled job (£)", format="$,.0f"),
    ]
    x = alt.X("hour_index:Q", title="GVA per hour worked, index (UK = 100)", scale=alt.Scale(zero=False))
    y = alt.Y("job_index:Q", title="GVA per filled job, index (UK = 100)", scale=alt.Scale(zero=False))
    both = pd.concat([data["hour_index"], data["job_index"]])
    low, high = (float(both.min()), float(both.max())) if len(both) else (100.0, 100.0)
    diagonal = pd.DataFrame({"hour_index": [low, high], "job_index": [low, high]})
    layers: list[alt.Chart] = [
        alt.Chart(diagonal)
        .mark_line(color="#999", strokeDash=[4, 4])
        .encode(x=alt.X("hour_index:Q"), y=alt.Y("job_index:Q")),
        *highlighted_points(data, x, y, tooltip),
    ]
    noun = LEVEL_NOUNS.get(level, (level, level))[1]
    return alt.layer(
        *layers,
        title=_title(
            f"GVA per hour against GVA per filled job, {year}",
            f"{len(data)} {noun}; smoothed indices, UK = 100; dashed line: equal indices",
        ),
        width="container",
        height=320,
    )


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
    meta: dict,
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
        return AreaView(message=f"{label} has no {meta['label']} values in the snapshot.{hint}")
    unit, decimals = meta["unit"], int(meta["decimals"])
    index_values = by_year(index_rows, area_code) if index_rows is not None else None
    benchmark = shared_benchmark(indicator_rows, level, benchmark_code)
    lines = benchmark_lines(indicator_rows, areas, level, area_code)
    gaps = gap_frame(values, lines)
    return AreaView(
        headline=gap_headline(label, values, benchmark, end, start, measure, unit, decimals, index_values),
        gap_chart=gap_chart(gaps, label, meta["label"]),
        level_chart=level_chart(values, label, lines, meta["label"], unit, decimals),
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
    meta: dict,
    level: str,
    benchmark_code: str,
    start: int,
    end: int,
    selected_code: str | None,
) -> ConvergenceView:
    """The convergence chart of every area of the level, its reading note and table."""
    benchmark = shared_benchmark(indicator_rows, level, benchmark_code)
    name = benchmark.label if benchmark else benchmark_label(benchmark_code, level)
    plural = LEVEL_NOUNS.get(level, (level, level))[1]
    result = convergence(indicator_rows[indicator_rows["geography"] == level], benchmark, start, end)
    if result.table.empty or result.table["gap_start_pct"].isna().all():
        return ConvergenceView(message=f"No {plural} have values for both {start} and {end} with a value for {name}.")
    value_fmt = value_format(meta["unit"], int(meta["decimals"]))
    chart = convergence_chart(
        result,
        selected_code,
        benchmark_name=name,
        start=start,
        end=end,
        level=level,
        indicator_label=meta["label"],
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
    plural = LEVEL_NOUNS.get(level, (level, level))[1]
    note = HOUR_JOB_NOTE + (f" {left_out} {plural} without both figures for {year} are not shown." if left_out else "")
    return HourJobView(hour_job_chart(frame, selected_code, year, level), note, hour_job_table_view(frame))
