"""Compare areas: one main area and up to seven comparators of any level, side by side over time
for one indicator, and every indicator in one year. Pure functions (no Streamlit) so tests call them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from components.chart_layout import narrow_or_wide
from components.charts import LEGEND_LIMIT, LINE_LABEL_LIMIT, SOURCE_LINE
from components.intervals import NO_INTERVAL_TEXT, interval_width_text, value_with_interval
from components.overview import value_format
from components.view_choices import nearest_year
from vocabulary.geography import LEVELS, OFFICIAL_BENCHMARK_CODES
from vocabulary.indicators import Indicator

MAX_COMPARATORS = 7
BAND_OPACITY = 0.18  # a confidence band, light enough for the lines over it to stay readable
NOTED_STATUSES = ("provisional", "estimated")  # worth a word beside the value; "derived" is the norm for LEPs
SUPPRESSED_TEXT = "suppressed"
NO_DATA_TEXT = "no data"
# Okabe-Ito (colour-blind safe), yellow swapped for grey for contrast on white; the main area is black.
SERIES_COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#999999")
SERIES_SHAPES = (
    "circle",
    "square",
    "triangle-up",
    "diamond",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
)


# --- areas and the URL -------------------------------------------------------------------------------


def area_options(areas: pd.DataFrame) -> dict[str, str]:
    """code -> "Name (level)" for every area of every level: the benchmarks first, then each level
    in a fixed order, by name. Labels are unique (the code is added where a name repeats in a level),
    because they become the comparison table's column names."""
    order = {level: i for i, level in enumerate(LEVELS)}
    frame = areas[["area_code", "area_name", "geography"]].copy()
    frame["not_benchmark"] = ~frame["area_code"].isin(OFFICIAL_BENCHMARK_CODES)
    frame["level_order"] = frame["geography"].map(order).fillna(len(order))
    frame = frame.sort_values(["not_benchmark", "level_order", "area_name", "area_code"])
    labels = frame["area_name"] + " (" + frame["geography"].map(lambda key: LEVELS[key].short) + ")"
    repeated = labels.duplicated(keep=False)
    labels[repeated] = labels[repeated].str[:-1] + ", " + frame.loc[repeated, "area_code"] + ")"
    return dict(zip(frame["area_code"], labels, strict=True))


@dataclass(frozen=True)
class ParsedCodes:
    codes: list[str]  # known, de-duplicated, in link order, at most the limit
    unknown: list[str]  # not an area code of the snapshot
    over_limit: list[str]  # known but beyond the limit


def parse_area_codes(raw: str | None, known: Collection[str], limit: int = MAX_COMPARATORS) -> ParsedCodes:
    """Read a comma-separated list of area codes from a link, keeping what the app knows."""
    codes, unknown = [], []
    seen: set[str] = set()  # (a list's `in` made a link of 50,000 codes take minutes)
    for part in (raw or "").split(","):
        code = part.strip()
        if not code or code in seen:
            continue
        seen.add(code)
        (codes if code in known else unknown).append(code)
    return ParsedCodes(codes[:limit], unknown, codes[limit:])


def format_area_codes(codes: Sequence[str]) -> str:
    """The link form of a list of area codes (parse_area_codes reads it back)."""
    return ",".join(codes)


def sanitise_choice(codes: Sequence[str], options: Collection[str], limit: int = MAX_COMPARATORS) -> list[str]:
    """Codes still on offer, de-duplicated, at most `limit`: a widget value that Streamlit accepts."""
    out: list[str] = []
    for code in codes:
        if code in options and code not in out:
            out.append(code)
    return out[:limit]


def area_positions(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """Row positions of each area in the tidy table, computed once so a comparison of eight areas
    takes their rows without scanning the whole table on every rerun."""
    return {str(code): rows for code, rows in table.groupby("area_code", sort=False).indices.items()}


def rows_for_areas(table: pd.DataFrame, positions: Mapping[str, np.ndarray], codes: Sequence[str]) -> pd.DataFrame:
    """Every tidy row (all indicators and years) of the given areas."""
    parts = [positions[code] for code in codes if code in positions]
    if not parts:
        return table.iloc[0:0]
    return table.iloc[np.sort(np.concatenate(parts))]


# --- the indicator over time ---------------------------------------------------------------------------


def indicator_choices(rows: pd.DataFrame, metadata: Mapping[str, Indicator]) -> list[str]:
    """Indicators (in metadata order) with at least one value for at least one chosen area."""
    have = set(rows.loc[rows["value"].notna(), "indicator"])
    return [key for key in metadata if key in have]


def series_rows(rows: pd.DataFrame, indicator: str, codes: Sequence[str], labels: Mapping[str, str]) -> pd.DataFrame:
    """The plotted points: one series per chosen area that has values, in the chosen order
    (`order` 0 is the main area)."""
    order = {code: i for i, code in enumerate(codes)}
    data = rows[(rows["indicator"] == indicator) & rows["area_code"].isin(order) & rows["value"].notna()]
    data = data[["area_code", "period", "value", "status", "lci", "uci"]].copy()
    data["area"] = data["area_code"].map(labels)
    data["order"] = data["area_code"].map(order)
    data["period"] = data["period"].astype(int)
    for column in ("value", "lci", "uci"):
        data[column] = data[column].astype(float)
    return data.sort_values(["order", "period"], ignore_index=True)


def with_interval_text(series: pd.DataFrame, meta: Indicator) -> pd.DataFrame:
    """The series with `interval` in words ("± 1.3%", "95% CI ..." or "none published"), for tooltips and tables."""
    unit, decimals = meta.unit, int(meta.decimals)
    texts = [
        interval_width_text(value, lci, uci, unit, decimals) or NO_INTERVAL_TEXT
        for value, lci, uci in zip(series["value"], series["lci"], series["uci"], strict=True)
    ]
    return series.assign(interval=texts)


def areas_without_data(series: pd.DataFrame, codes: Sequence[str], labels: Mapping[str, str]) -> list[str]:
    """Labels of chosen areas with no value for the indicator in any year (said in a note)."""
    plotted = set(series["area_code"])
    return [labels[code] for code in codes if code not in plotted]


def spread_labels(values: Sequence[float], min_gap: float) -> list[float]:
    """Vertical positions for end-of-line labels: each as close to its line's end as possible but
    at least `min_gap` apart, so labels of lines ending close together stay legible."""
    if not len(values):
        return []
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [float(values[i]) for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + min_gap)
    shift = (sum(placed) - sum(float(values[i]) for i in order)) / len(placed)  # re-centre the stack
    placed = [p - shift for p in placed]
    out = [0.0] * len(values)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def end_labels(series: pd.DataFrame, height_px: int = 420, label_px: int = 13) -> pd.DataFrame:
    """The last point of each series with a label position spread to avoid overlaps."""
    ends = series.sort_values("period").groupby("area_code", sort=False).tail(1).sort_values("order")
    ends = ends.reset_index(drop=True)
    span = float(series["value"].max() - series["value"].min()) if len(series) else 0.0
    gap = (span or 1.0) * label_px / max(height_px, 100)
    ends["label_value"] = spread_labels(ends["value"].tolist(), gap)
    return ends


def time_series_chart(
    series: pd.DataFrame,
    meta: Indicator,
    codes: Sequence[str],
    labels: Mapping[str, str],
    subtitle: str,
    height: int = 420,
) -> alt.LayerChart:
    """One line per area, told apart by colour, point shape and a label at the line's end; the main
    area is drawn thicker. Where the source gives 95% confidence intervals, each area's is a light band
    in its colour (the tooltip gives it in words)."""
    unit, decimals = meta.unit, int(meta.decimals)
    fmt = value_format(unit, decimals)
    domain = [labels[code] for code in codes]
    colour_scale = alt.Scale(domain=domain, range=list(SERIES_COLOURS[: len(domain)]))
    colour = alt.Color(
        "area:N",
        scale=colour_scale,
        legend=alt.Legend(
            title=None, orient="bottom", columns=narrow_or_wide(1, 2), labelLimit=LEGEND_LIMIT, symbolOpacity=1
        ),
    )
    shape = alt.Shape("area:N", scale=alt.Scale(domain=domain, range=list(SERIES_SHAPES[: len(domain)])), legend=None)
    value_title = meta.short_label if unit in {"index", "ratio"} else f"{meta.short_label} ({unit})"
    x = alt.X("period:Q", title="Year", axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(nice=False))
    y = alt.Y("value:Q", title=value_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False))
    series = with_interval_text(series, meta)
    tooltip = [
        alt.Tooltip("area:N", title="Area"),
        alt.Tooltip("period:Q", title="Year", format="d"),
        alt.Tooltip("value:Q", title=value_title, format=fmt),
        alt.Tooltip("interval:N", title="95% confidence interval"),
        alt.Tooltip("status:N", title="Status"),
    ]
    base = alt.Chart(series)
    lines = base.mark_line().encode(
        x=x,
        y=y,
        color=colour,
        detail=alt.Detail("area:N"),
        size=alt.SizeValue(1.6, condition={"test": "datum.order == 0", "value": 3.5}),
    )
    points = base.mark_point(filled=True, size=55, opacity=1).encode(
        x=x, y=y, color=colour, shape=shape, tooltip=tooltip
    )
    labels_layer = (
        alt.Chart(end_labels(series, height))
        .mark_text(align="left", dx=8, fontSize=12, limit=LINE_LABEL_LIMIT)
        .encode(
            x=x,
            y=alt.Y("label_value:Q"),
            text=alt.Text("area:N"),
            color=alt.Color("area:N", scale=colour_scale, legend=None),
        )
    )
    layers = [lines, points, labels_layer]
    with_band = series.dropna(subset=["lci", "uci"])
    if not with_band.empty:
        band = (
            alt.Chart(with_band)
            .mark_area(opacity=BAND_OPACITY)
            .encode(
                x=x,
                y=alt.Y("lci:Q", title=value_title, axis=alt.Axis(format=fmt), scale=alt.Scale(zero=False)),
                y2=alt.Y2("uci:Q"),
                color=colour,  # the same legend as the lines (a band's legend=None would drop it from the layer)
                detail=alt.Detail("area:N"),
            )
        )
        layers.insert(0, band)
        subtitle = f"{subtitle}; shaded: 95% confidence interval"
    return alt.layer(*layers).properties(
        title=alt.TitleParams(text=meta.label, subtitle=[subtitle, SOURCE_LINE], anchor="start", fontSize=16),
        width="container",
        height=height,  # of the plot itself: title, legend and end labels come on top
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )


# --- every indicator in one year ------------------------------------------------------------------------


YEAR_RULE = (
    "Each cell is for the year chosen; where an area has no figure for it, its latest earlier year is "
    "shown, with that year in brackets (a later year only when there is no earlier one)."
)


def cell_text(
    value: float | None,
    status: str,
    unit: str,
    decimals: int,
    year: int | None = None,
    wanted: int | None = None,
    interval: tuple[float, float] | None = None,
) -> str:
    """A value as read in the table; suppressed and missing are words, never a number. The year is said
    when it is not the one asked for, a provisional or estimated value says so, and a 95% confidence
    interval (lci, uci) where the source gives one follows the value ("4.3% ± 1.3%")."""
    notes = [str(year)] if year is not None and wanted is not None and year != wanted else []
    if value is None or pd.isna(value):
        text = SUPPRESSED_TEXT if status == "suppressed" else NO_DATA_TEXT
        return f"{text} ({notes[0]})" if notes and status == "suppressed" else text
    if status in NOTED_STATUSES:
        notes.append(status)
    lci, uci = interval or (None, None)
    text = value_with_interval(float(value), lci, uci, unit, decimals)
    return f"{text} ({', '.join(notes)})" if notes else text


def year_for_cell(years_with_values: Sequence[int], suppressed_years: Collection[int], wanted: int) -> int | None:
    """The year a cell shows: the year asked for if the area has a value (or a suppressed row) then, else
    its latest earlier year with a value, else its first later one; None if it has none at all."""
    if wanted in suppressed_years and wanted not in years_with_values:
        return wanted
    return nearest_year(sorted(years_with_values), wanted)


@dataclass(frozen=True)
class ComparisonTable:
    table: pd.DataFrame
    no_data: list[str]  # labels of indicators without a value for any chosen area in any year
    other_year: list[str]  # labels of indicators with at least one cell from a year other than the one asked for


def comparison_table(
    rows: pd.DataFrame, metadata: Mapping[str, Indicator], codes: Sequence[str], labels: Mapping[str, str], year: int
) -> ComparisonTable:
    """One row per indicator: one formatted column per area, then the unit and polarity. Each cell follows
    one rule (YEAR_RULE), area by area, and names its year when it is not `year`."""
    by_cell: dict[tuple[str, str], dict[int, tuple[float, str]]] = {}
    intervals: dict[tuple[str, str, int], tuple[float, float]] = {}
    for ind, code, period, value, status, lci, uci in zip(
        rows["indicator"],
        rows["area_code"],
        rows["period"],
        rows["value"],
        rows["status"],
        rows["lci"],
        rows["uci"],
        strict=True,
    ):
        by_cell.setdefault((ind, code), {})[int(period)] = (value, status)
        if pd.notna(lci) and pd.notna(uci):
            intervals[(ind, code, int(period))] = (float(lci), float(uci))
    records, no_data, other_year = [], [], []
    for key, meta in metadata.items():
        cells = {code: by_cell.get((key, code), {}) for code in codes}
        if not any(pd.notna(v) for cell in cells.values() for v, _ in cell.values()):
            no_data.append(meta.label)
            continue
        record: dict[str, object] = {"indicator": meta.label}
        for code, cell in cells.items():
            valued = [y for y, (v, _) in cell.items() if pd.notna(v)]
            suppressed = [y for y, (v, st) in cell.items() if pd.isna(v) and st == "suppressed"]
            shown = year_for_cell(valued, suppressed, year)
            value, status = cell.get(shown, (None, "")) if shown is not None else (None, "")
            if shown is not None and shown != year and meta.label not in other_year:
                other_year.append(meta.label)
            interval = intervals.get((key, code, shown)) if shown is not None else None
            record[labels[code]] = cell_text(value, status, meta.unit, int(meta.decimals), shown, year, interval)
        record["unit"] = meta.unit
        record["polarity"] = meta.polarity_text
        records.append(record)
    columns = ["indicator", *(labels[code] for code in codes), "unit", "polarity"]
    return ComparisonTable(pd.DataFrame(records, columns=columns), no_data, other_year)


def compare_data(series: pd.DataFrame, indicator: str, unit: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": series["area_code"].to_numpy(dtype=object),
            "area_name": series["area"].to_numpy(dtype=object),
            "period": series["period"].to_numpy(dtype=int),
            "value": series["value"].to_numpy(dtype=float),
            "unit": unit,
            "status": series["status"].to_numpy(dtype=object),
            "lci": series["lci"].to_numpy(dtype=float),
            "uci": series["uci"].to_numpy(dtype=float),
            "indicator": indicator,
        }
    )
