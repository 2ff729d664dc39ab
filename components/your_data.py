"""Your data: the values of an uploaded table on the areas it matched (loaders/uploads/matching.py),
mapped, charted beside an official indicator and exported. Pure functions (no Streamlit) so the tests
call them directly.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from components.attribution import ATTRIBUTION
from components.charts import (
    BAR_STEP,
    POINT_LABEL_LIMIT,
    label_side,
    name_axis,
    rows_for_ranked_chart,
    selected_label_cues,
)
from components.data_files import csv_bytes, csvw_bytes, csvw_metadata
from components.exports import LICENCE_LINE, OS_LINE, Figure
from components.formatting import format_value
from components.map_export import static_map_spec
from components.maps import TOOLTIP_HTML, TOOLTIP_STYLE, DeckSpec, choropleth_deck, choropleth_features
from components.overview import LEVEL_LABELS
from components.page_figures import chart_titles, map_data
from components.palettes import (
    SELECTED_OUTLINE,
    VIRIDIS_5,
    LegendEntry,
    fill_colour,
    legend_entries,
    quantile_breaks,
    rgba_css,
)
from components.view_choices import area_names
from loaders.sources.area_names import normalise_area_name
from metrics.comparisons import NEUTRAL
from metrics.ranking import LEVEL_NOUNS, ranked_table

UPLOAD_SOURCE = "Your data: {file} (uploaded, not checked by us)"
BOUNDARY_SOURCE = "Boundaries: {file} (uploaded, not checked by us)"
EXAMPLE_CHOICES = ("employment_rate_16_64", "gdhi_per_head", "population", "gva_per_job", "filled_jobs")
COMPARE_DEFAULTS = ("gva_per_hour", "median_weekly_pay", "gva_per_job", "employment_rate_16_64")


# --- values of the matched areas ---------------------------------------------------------------------


def decimals_for(values: pd.Series) -> int:
    """Decimals to show an uploaded column with: none for whole numbers, else up to 3."""
    clean = values.dropna().to_numpy(dtype=float)
    if clean.size == 0 or np.all(np.isclose(clean, np.round(clean))):
        return 0
    for decimals in (1, 2):
        if np.all(np.isclose(clean, np.round(clean, decimals))):
            return decimals
    return 3


# --- map ---------------------------------------------------------------------------------------------


@dataclass
class UploadMap:
    deck: DeckSpec
    features: dict
    legend: list[LegendEntry]
    table: pd.DataFrame
    drawn: int
    valued: int
    note: str = ""  # how the classes were made (the static map's legend note)


def upload_map(
    boundaries: dict,
    values: pd.DataFrame,
    level: str,
    fmt: Callable[[float], str],
    selected_code: str | None = None,
    fit: bool = False,
) -> UploadMap:
    """A choropleth of `values` (area_code, area_name, value, status [, name_in_file]) over
    `boundaries` (official or uploaded; properties area_code, area_name). Names from the file stay
    raw in the spec: Streamlit HTML-escapes every tooltip value. Where the file's own name differs
    from the area's, the tooltip says so."""
    table = ranked_table(values, NEUTRAL, None)
    distinct = sorted(set(table["value"].dropna().astype(float)))
    few = len(distinct) <= len(VIRIDIS_5)
    breaks = distinct if few else quantile_breaks(table["value"])
    features = choropleth_features(boundaries, table, breaks, VIRIDIS_5, fmt, None, selected_code)
    in_file = values.set_index("area_code")["name_in_file"] if "name_in_file" in values else pd.Series(dtype=str)
    for feature in features["features"]:
        props = feature["properties"]
        own = in_file.get(props["code"], "")
        if isinstance(own, str) and own and normalise_area_name(own) != normalise_area_name(props["name"]):
            props["gap_text"] = f"In your file: {own}"
    deck = choropleth_deck(features, level)
    if fit:
        deck = DeckSpec(
            {**deck.spec, "initialViewState": fitted_view(boundaries)}, {"html": TOOLTIP_HTML, "style": TOOLTIP_STYLE}
        )
    drawn = {f["properties"]["code"] for f in features["features"]}
    shown = table[table["area_code"].isin(drawn)]
    has_missing = bool(
        (shown["value"].isna() & (shown["status"] != "suppressed")).any() or len(drawn - set(table["area_code"]))
    )
    has_suppressed = bool((shown["status"] == "suppressed").any())
    if few:  # one class per value: label each with the value itself, not a range
        classes = [LegendEntry(fmt(v), fill_colour(v, "", breaks, VIRIDIS_5), "class") for v in distinct]
        legend = classes + legend_entries([], VIRIDIS_5, fmt, has_missing, has_suppressed)
    else:
        legend = legend_entries(
            breaks, VIRIDIS_5, _distinguishing(fmt, breaks), has_missing, has_suppressed, lower_bound=distinct[0]
        )
    note = "One class per value." if few else "Five classes with equal numbers of areas (quantiles)."
    return UploadMap(deck, features, legend, table, len(drawn), int(shown["value"].notna().sum()), note)


def _distinguishing(fmt: Callable[[float], str], breaks: Sequence[float]) -> Callable[[float], str]:
    """`fmt`, or a plain format with enough decimals (up to 3) that no two class bounds read alike."""
    if len({fmt(b) for b in breaks}) == len(breaks):
        return fmt
    for decimals in (1, 2, 3):
        if len({f"{b:,.{decimals}f}" for b in breaks}) == len(breaks):
            return value_formatter(decimals)
    return value_formatter(3)


def axis_format(decimals: int) -> str:
    """d3 format for an uploaded column's axis: at least two decimals, trailing zeros trimmed, so
    ticks at 10.5 never read "10" and "11" twice."""
    return f",.{max(decimals, 2)}~f"


def fitted_view(boundaries: dict) -> dict:
    """A view centred on the boundaries, zoomed so they fill a ~700 x 520 px map."""
    coords = [pt for f in boundaries["features"] for pt in _points(f["geometry"]["coordinates"])]
    if not coords:
        return {"longitude": -2.0, "latitude": 54.0, "zoom": 4.5}
    xy = np.asarray(coords, dtype=float)
    (minx, miny), (maxx, maxy) = xy.min(axis=0), xy.max(axis=0)
    lat = (miny + maxy) / 2
    span_x = max(maxx - minx, 1e-4)
    span_y = max((maxy - miny) / max(math.cos(math.radians(lat)), 0.1), 1e-4)
    zoom = min(math.log2(700 * 360 / (256 * span_x)), math.log2(520 * 360 / (256 * span_y)))
    return {
        "longitude": round(float((minx + maxx) / 2), 4),
        "latitude": round(float(lat), 4),
        "zoom": round(max(1.0, min(zoom - 0.2, 14.0)), 2),
        "minZoom": 1,
        "maxZoom": 16,
    }


def _points(coords: Any) -> Iterable[Sequence[float]]:
    if coords and isinstance(coords[0], int | float):
        yield coords
        return
    for part in coords:
        yield from _points(part)


# --- charts and their figures ------------------------------------------------------------------------
#
# Each chart of the page is drawn through app_pages.figures (show_chart / show_map), so it gets the shared
# download menu (PNG 2x, SVG, Vega-Lite JSON, CSV and XLSX of the plotted data), a slide in the slide pack
# and a screen in presentation mode. The uploaded values stay in memory: the figures hold the session's
# data frames and every export is built in memory when it is clicked.

BAR_COLOUR = "#3b528b"
SELECTED_COLOUR = rgba_css(SELECTED_OUTLINE)
# The words beside the selected bar (and before the selected point's name): the highlight is not colour alone.
# U+25C4, the counterpart of the "► " the official rankings put before the selected name: Liberation Sans (the
# sans-serif vl-convert's PNG export finds) has both, unlike U+25C0 / U+25B6.
SELECTED_MARK = "\u25c4 selected"
UPLOADED_UNIT = "as in your file"
BAR_LIMIT = 40  # bars drawn at most: the largest and smallest 20 (plus the selected area)


def source_line(*sources: str) -> str:
    """The source line a chart shows on the page (exports replace it with their fuller one)."""
    return "Source: " + "; ".join(dict.fromkeys(s for s in sources if s))


def upload_credit(yours: Sequence[str], official: Sequence[str], *, os_boundaries: bool) -> str:
    """The licence line of a Your data figure. The Open Government Licence covers only its official parts (an
    uploaded file keeps whatever terms its owner gave it), and the OS copyright only official boundaries."""
    lines = []
    if yours:
        lines.append(f"Your {' and '.join(yours)}: under their owner's terms, not the Open Government Licence.")
    if official:
        lines.append(f"Official {' and '.join(official)}: {LICENCE_LINE}")
    if os_boundaries:
        lines.append(OS_LINE)
    return " ".join(lines)


def upload_source(file_name: str) -> str:
    return UPLOAD_SOURCE.format(file=file_name)


def boundary_source(file_name: str) -> str:
    return BOUNDARY_SOURCE.format(file=file_name)


def uploaded_bar_rows(values: pd.DataFrame, selected_code: str | None, limit: int = BAR_LIMIT) -> pd.DataFrame:
    """The areas the ranked chart draws: every valued area (largest first), or the largest and smallest
    limit/2 and the selected area when there are more; with rank and whether each is selected."""
    table = ranked_table(values, NEUTRAL, None)
    rows = rows_for_ranked_chart(table, selected_code, limit).copy()
    rows["selected"] = rows["area_code"] == selected_code
    extra = [c for c in ("name_in_file", "uploaded") if c in values.columns]
    if extra:
        rows = rows.merge(values[["area_code", *extra]].drop_duplicates("area_code"), on="area_code", how="left")
    return rows.reset_index(drop=True)


def bar_subtitle(where: str, values: pd.DataFrame, selected_code: str | None, limit: int = BAR_LIMIT) -> str:
    """'LEPs, ranked largest first', saying so when only the ends of a long ranking are drawn."""
    valued = int(values["value"].notna().sum())
    if valued <= limit:
        return f"{where}, ranked largest first"
    also = " and the selected area" if selected_code in set(values["area_code"]) else ""
    return f"{where}: the {limit // 2} largest and {limit // 2} smallest of {valued} areas{also}, largest first"


def selected_text(rows: pd.DataFrame) -> pd.DataFrame:
    """The label drawn beside the selected bar or point (no rows when nothing is selected)."""
    return rows[rows["selected"]].assign(mark_text=SELECTED_MARK)


def uploaded_bar_chart(
    values: pd.DataFrame,
    label: str,
    title: str,
    subtitle: str,
    decimals: int,
    selected_code: str | None,
    source: str = "",
) -> alt.LayerChart:
    """The uploaded column ranked as bars (largest first), like the official rankings. The selected
    area is marked not by colour alone: its bar is outlined, its name on the axis is bold with "► "
    before it (as on the official rankings) and the words "◄ selected" stand beside the bar."""
    rows = uploaded_bar_rows(values, selected_code)
    data = rows[["area_code", "area_name", "value", "status", "rank", "selected"]].copy()
    data["rank"] = data["rank"].astype(float)
    value_format = axis_format(decimals)
    names = data["area_name"].tolist()
    chosen = data.loc[data["selected"], "area_name"].tolist()
    y = alt.Y(
        "area_name:N", sort=names, title=None, axis=name_axis(**selected_label_cues(chosen[0] if chosen else None))
    )
    bars = (
        alt.Chart(data)
        .mark_bar(stroke="#000000")
        .encode(
            y=y,
            x=alt.X("value:Q", title=label, axis=alt.Axis(format=value_format)),
            color=alt.condition("datum.selected", alt.value(SELECTED_COLOUR), alt.value(BAR_COLOUR)),
            strokeWidth=alt.condition("datum.selected", alt.value(2), alt.value(0)),
            tooltip=[
                alt.Tooltip("area_name:N", title="Area"),
                alt.Tooltip("area_code:N", title="Code"),
                alt.Tooltip("value:Q", title=label, format=value_format),
                alt.Tooltip("rank:Q", title="Rank"),
            ],
        )
    )
    marker = selected_text(data).assign(at=lambda f: f["value"].clip(lower=0))
    # beside the bar, or inside its end (white) when the bar reaches the right half: no words off the chart
    side = label_side(
        float(marker["at"].iloc[0]) if len(marker) else float("nan"),
        pd.Series([min(0.0, float(data["value"].min())), float(data["value"].max())]),
        gap=5,
    )
    words = (
        alt.Chart(marker)
        .mark_text(
            baseline="middle",
            fontWeight="bold",
            font="sans-serif",
            color="#000000" if side["align"] == "left" else "#ffffff",
            **side,
        )
        .encode(y=alt.Y("area_name:N", sort=names), x="at:Q", text="mark_text:N")
    )
    lines = [subtitle, source_line(source)] if source else [subtitle]
    return alt.layer(bars, words).properties(
        title=alt.TitleParams(text=title, subtitle=lines, anchor="start", fontSize=16),
        width="container",
        height=max(180, BAR_STEP * len(data)),
    )


def bar_chart_data(
    values: pd.DataFrame, selected_code: str | None, *, column: str, period: int | None, source: str
) -> pd.DataFrame:
    """The ranked chart's bars as its CSV / XLSX: code, name, period, value (as uploaded), unit, status,
    then the column, rank, how the area was keyed in the file and where the values came from."""
    rows = uploaded_bar_rows(values, selected_code)
    out = pd.DataFrame(
        {
            "area_code": rows["area_code"].to_numpy(dtype=object),
            "area_name": rows["area_name"].to_numpy(dtype=object),
            "period": period,
            "value": rows["value"].to_numpy(dtype=float),
            "unit": UPLOADED_UNIT,
            "status": rows["status"].fillna("").to_numpy(dtype=object),
            "measure": column,
            "rank": rows["rank"].to_numpy(dtype=float),
            "selected": rows["selected"].to_numpy(dtype=bool),
        }
    )
    if "uploaded" in rows:
        out["key_in_file"] = rows["uploaded"].to_numpy(dtype=object)
    if "name_in_file" in rows:
        out["name_in_file"] = rows["name_in_file"].fillna("").to_numpy(dtype=object)
    out["source"] = source
    return out


def comparison_table(values: pd.DataFrame, official: pd.DataFrame) -> pd.DataFrame:
    """area_code, area_name, uploaded, uploaded_status, official, official_status for areas in both, by
    name."""
    ours = values[["area_code", "area_name", "value", "status"]].rename(
        columns={"value": "uploaded", "status": "uploaded_status"}
    )
    theirs = official[["area_code", "value", "status"]].rename(
        columns={"value": "official", "status": "official_status"}
    )
    both = ours.merge(theirs, on="area_code", how="inner")
    return both.sort_values("area_name", ignore_index=True)


def correlation(table: pd.DataFrame) -> tuple[float | None, int]:
    """Pearson's r of uploaded vs official over areas with both values, and how many there are."""
    both = table.dropna(subset=["uploaded", "official"])
    if len(both) < 3 or both["uploaded"].std() == 0 or both["official"].std() == 0:
        return None, len(both)
    return float(np.corrcoef(both["uploaded"], both["official"])[0, 1]), len(both)


def comparison_points(table: pd.DataFrame, selected_code: str | None) -> pd.DataFrame:
    """The points of the scatter: areas with both values, and whether each is the selected one."""
    data = table.dropna(subset=["uploaded", "official"]).copy()
    data["selected"] = data["area_code"] == selected_code
    return data.reset_index(drop=True)


def comparison_chart(
    table: pd.DataFrame,
    *,
    uploaded_label: str,
    official_label: str,
    official_format: str,
    uploaded_decimals: int,
    title: str,
    subtitle: str,
    source: str,
    selected_code: str | None,
) -> alt.LayerChart:
    """Scatter of the uploaded value (y) against an official indicator (x), one point per area; the
    selected area is a larger magenta diamond named beside it ("◄ <name> (selected)"), so shape, size and words
    mark it as well as colour."""
    data = comparison_points(table, selected_code)
    points = (
        alt.Chart(data)
        .mark_point(filled=True, opacity=0.85)
        .encode(
            x=alt.X(
                "official:Q", title=official_label, scale=alt.Scale(zero=False), axis=alt.Axis(format=official_format)
            ),
            y=alt.Y(
                "uploaded:Q",
                title=uploaded_label,
                scale=alt.Scale(zero=False),
                axis=alt.Axis(format=axis_format(uploaded_decimals)),
            ),
            color=alt.condition("datum.selected", alt.value(SELECTED_COLOUR), alt.value(BAR_COLOUR)),
            shape=alt.condition("datum.selected", alt.value("diamond"), alt.value("circle")),
            size=alt.condition("datum.selected", alt.value(160), alt.value(60)),
            tooltip=[
                alt.Tooltip("area_name:N", title="Area"),
                alt.Tooltip("area_code:N", title="Code"),
                alt.Tooltip("official:Q", title=official_label, format=official_format),
                alt.Tooltip("uploaded:Q", title=uploaded_label, format=axis_format(uploaded_decimals)),
            ],
        )
    )
    marker = selected_text(data).assign(mark_text=lambda f: "\u25c4 " + f["area_name"] + " (selected)")
    side = label_side(float(marker["official"].iloc[0]) if len(marker) else float("nan"), data["official"])
    words = (
        alt.Chart(marker)
        .mark_text(
            baseline="middle", fontWeight="bold", font="sans-serif", color="#000000", limit=POINT_LABEL_LIMIT, **side
        )
        .encode(x="official:Q", y="uploaded:Q", text="mark_text:N")
    )
    return alt.layer(points, words).properties(
        title=alt.TitleParams(text=title, subtitle=[subtitle, source_line(source)], anchor="start", fontSize=16),
        width="container",
        height=320,
    )


def comparison_data(
    table: pd.DataFrame,
    selected_code: str | None,
    *,
    column: str,
    period: int | None,
    source: str,
    indicator: str,
    official_year: int,
    official_unit: str,
) -> pd.DataFrame:
    """The scatter's points as its CSV / XLSX: the uploaded value (y) in the tidy columns, then the
    official indicator (x) with its year, unit and status."""
    data = comparison_points(table, selected_code)
    return pd.DataFrame(
        {
            "area_code": data["area_code"].to_numpy(dtype=object),
            "area_name": data["area_name"].to_numpy(dtype=object),
            "period": period,
            "value": data["uploaded"].to_numpy(dtype=float),
            "unit": UPLOADED_UNIT,
            "status": data["uploaded_status"].fillna("").to_numpy(dtype=object),
            "measure": column,
            "source": source,
            "official_indicator": indicator,
            "official_period": official_year,
            "official_value": data["official"].to_numpy(dtype=float),
            "official_unit": official_unit,
            "official_status": data["official_status"].fillna("").to_numpy(dtype=object),
            "selected": data["selected"].to_numpy(dtype=bool),
        }
    )


def bar_figure(
    values: pd.DataFrame,
    chart: Any,
    *,
    selected_code: str | None,
    column: str,
    period: int | None,
    file_name: str,
    level: str,
) -> Figure:
    """The ranked chart of the uploaded column as the shared exports see it (source: the user's file)."""
    title, subtitle = chart_titles(chart)
    source = upload_source(file_name)
    return Figure(
        "your_data_ranked",
        title,
        subtitle,
        chart,
        lambda: bar_chart_data(values, selected_code, column=column, period=period, source=source),
        sources=(source,),
        file_stem=f"your_data_ranked_{level}",
        credit=upload_credit(("values",), ("area names",), os_boundaries=False),
    )


def comparison_figure(
    table: pd.DataFrame,
    chart: Any,
    *,
    selected_code: str | None,
    column: str,
    period: int | None,
    file_name: str,
    level: str,
    indicator: str,
    meta: Mapping[str, Any],
    year: int,
) -> Figure:
    """The scatter against an official indicator: sources are the user's file and the indicator's own."""
    title, subtitle = chart_titles(chart)
    source = upload_source(file_name)
    return Figure(
        "your_data_scatter",
        title,
        subtitle,
        chart,
        lambda: comparison_data(
            table,
            selected_code,
            column=column,
            period=period,
            source=source,
            indicator=indicator,
            official_year=year,
            official_unit=str(meta["unit"]),
        ),
        sources=(source, str(meta["source"])),
        indicators=(indicator,),
        file_stem=f"your_data_vs_{indicator}_{level}_{year}",
        credit=upload_credit(("values",), ("figures and area names",), os_boundaries=False),
    )


def upload_map_figure(
    view: UploadMap,
    values: pd.DataFrame,
    *,
    title: str,
    subtitle: str,
    legend_title: str,
    level: str,
    period: int | None,
    measure: str,
    unit: str,
    sources: Sequence[str],
    credit: str,
    indicators: Sequence[str] = (),
) -> Figure:
    """The deck.gl map's static twin (same features, classes, colours and legend) and one row per area it
    draws: value, status (areas without one: unavailable), rank, class, and the name in the file."""

    def spec() -> dict:
        return static_map_spec(
            view.features,
            view.legend,
            title=title,
            subtitle=[subtitle],
            legend_title=legend_title,
            level=level,
            legend_note=view.note,
        )

    def data() -> pd.DataFrame:
        out = map_data(view.features, view.table, period, {"unit": unit}, measure, view.legend)
        out = out.rename(columns={"indicator": "measure"}).drop(columns=["gap_pct"], errors="ignore")
        if "name_in_file" in values.columns:
            out["name_in_file"] = (
                out["area_code"]
                .map(values.drop_duplicates("area_code").set_index("area_code")["name_in_file"])
                .fillna("")
            )
        out["source"] = "; ".join(dict.fromkeys(s for s in sources if s))
        return out

    return Figure(
        "your_data_map",
        title,
        subtitle,
        spec,
        data,
        kind="map",
        sources=tuple(sources),
        indicators=tuple(indicators),
        file_stem=f"your_data_map_{level}",
        credit=credit,
    )


# --- downloads ---------------------------------------------------------------------------------------


def matched_table(
    values: pd.DataFrame,
    *,
    level: str,
    column: str,
    period: int | None,
    comparison: pd.DataFrame | None = None,
    official_label: str | None = None,
) -> pd.DataFrame:
    """The matched data as plotted (plus the official indicator where compared), one row per area."""
    out = values[["area_code", "area_name", "uploaded", "name_in_file", "value", "status"]].copy()
    out.insert(2, "level", level)
    out.insert(3, "period", period if period is not None else "")
    if comparison is not None and official_label:
        official = comparison.set_index("area_code")["official"]
        out[official_label] = out["area_code"].map(official)
    return out.rename(columns={"value": column, "uploaded": "key_in_file"})


def matched_csv(
    values: pd.DataFrame,
    *,
    level: str,
    column: str,
    period: int | None,
    comparison: pd.DataFrame | None = None,
    official_label: str | None = None,
) -> bytes:
    """The matched data as a plain CSV (header first); every cell, the user's column name included, is
    made safe for spreadsheets. What it is goes in `matched_csvw`."""
    return csv_bytes(
        matched_table(
            values, level=level, column=column, period=period, comparison=comparison, official_label=official_label
        )
    )


def matched_csvw(
    values: pd.DataFrame,
    *,
    source: str,
    level: str,
    column: str,
    period: int | None,
    comparison: pd.DataFrame | None = None,
    official_label: str | None = None,
    csv_name: str = "your_data.csv",
) -> bytes:
    """The CSVW description of `matched_csv`: which file, which areas, what is yours and what is official."""
    table = matched_table(
        values, level=level, column=column, period=period, comparison=comparison, official_label=official_label
    )
    notes = {
        "level": "Geography level the rows were matched to",
        "key_in_file": "The area key as written in the file",
        "name_in_file": "The area name as written in the file",
        column: f"{column}: from the uploaded file",
    }
    if official_label:
        notes[official_label] = f"{official_label}: the official figure for the area"
    return csvw_bytes(
        csvw_metadata(
            table,
            csv_name=csv_name,
            title=f"Matched data: {column}",
            description=f"{UPLOAD_SOURCE.format(file=source)}; areas: {LEVEL_LABELS.get(level, level)}",
            source=[UPLOAD_SOURCE.format(file=source), f"Official figures: {ATTRIBUTION}"],
            column_notes=notes,
        )
    )


def template_csv(areas: pd.DataFrame, level: str) -> bytes:
    """A blank file to fill in: the level's codes and official names, an empty value column."""
    names = area_names(areas, level)
    frame = pd.DataFrame({"area_code": list(names), "area_name": list(names.values()), "value": ""})
    return frame.to_csv(index=False).encode("utf-8")


def example_csv(rows: pd.DataFrame, meta: dict, names: Mapping[str, str]) -> bytes:
    """An example upload made from real snapshot rows (one indicator, level and year), keyed by
    the areas' official names (`names`: code -> name; the rows keep their source's own names, e.g.
    "Hartlepool UA") with ONS markers for missing values, as a person's own spreadsheet might be."""
    out = io.StringIO()
    frame = pd.DataFrame(
        {
            "Area": [names.get(code, name) for code, name in zip(rows["area_code"], rows["area_name"], strict=True)],
            meta["short_label"]: [
                (f"{v:.{int(meta['decimals'])}f}" if pd.notna(v) else ("[c]" if s == "suppressed" else ".."))
                for v, s in zip(rows["value"], rows["status"], strict=True)
            ],
        }
    )
    frame.to_csv(out, index=False)
    return out.getvalue().encode("utf-8")


def compare_default(choices: Sequence[str], avoid: str | None = None) -> str | None:
    """The official indicator to compare with first: productivity where the level has it."""
    return next(
        (key for key in COMPARE_DEFAULTS if key in choices and key != avoid),
        next((key for key in choices if key != avoid), None),
    )


def example_indicator(metadata: Mapping[str, dict], level: str, avoid: str | None) -> str | None:
    """The official indicator the example file is made from: one the level has, not the default
    comparison (a scatter of a measure against itself would teach nothing)."""
    have = [key for key, meta in metadata.items() if level in meta["geographies"] and key != avoid]
    return next((key for key in EXAMPLE_CHOICES if key in have), have[0] if have else None)


def level_noun(level: str, plural: bool = True) -> str:
    nouns = LEVEL_NOUNS.get(level, (level, level))
    return nouns[1] if plural else nouns[0]


def value_formatter(decimals: int) -> Callable[[float], str]:
    def fmt(value: float) -> str:
        return format_value(value, "", decimals)

    return fmt
