"""Your data: the values of an uploaded table on the areas it matched (loaders/uploads/matching.py),
mapped, with the sources and credits of its figures and the page's defaults. Its charts are in
components/your_data_charts.py, its downloads in components/your_data_files.py. Pure functions (no
Streamlit) so the tests call them directly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from components.exports import LICENCE_LINE, OS_LINE
from components.figures import Figure, map_data
from components.formatting import format_value
from components.map_export import static_map_spec
from components.maps import TOOLTIP_HTML, TOOLTIP_STYLE, DeckSpec, choropleth_deck, choropleth_features
from components.palettes import (
    VIRIDIS_5,
    LegendEntry,
    fill_colour,
    legend_entries,
    quantile_breaks,
)
from loaders.sources.area_names import normalise_area_name
from metrics.comparisons import NEUTRAL
from metrics.ranking import ranked_table
from vocabulary.geography import LEVELS
from vocabulary.indicators import Indicator

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


# --- sources and credits of the figures --------------------------------------------------------------

UPLOADED_UNIT = "as in your file"


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
        out = map_data(view.features, view.table, period, unit, measure, view.legend)
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


def uploaded_values_map_figure(
    view: UploadMap,
    values: pd.DataFrame,
    *,
    label: str,
    subtitle: str,
    legend_title: str,
    level: str,
    period: int | None,
    column: str,
    file_name: str,
    boundary_file: str | None,
) -> Figure:
    """The map of the uploaded values, on the official boundaries (`boundary_file` None: OS credit) or on the
    user's own boundary file."""
    official = boundary_file is None
    return upload_map_figure(
        view,
        values,
        title=f"{label} (your data)",
        subtitle=subtitle,
        legend_title=legend_title,
        level=level,
        period=period,
        measure=column,
        unit=UPLOADED_UNIT,
        sources=(upload_source(file_name), *(() if official else (boundary_source(boundary_file),))),
        credit=upload_credit(
            ("values",) if official else ("values", "boundaries"),
            ("boundaries",) if official else (),
            os_boundaries=official,
        ),
    )


def indicator_map_figure(
    view: UploadMap,
    values: pd.DataFrame,
    meta: Indicator,
    indicator: str,
    year: int,
    *,
    subtitle: str,
    level: str,
    boundary_file: str,
) -> Figure:
    """The map of an official indicator on the user's own boundary file."""
    return upload_map_figure(
        view,
        values,
        title=f"{meta.label}, {year}",
        subtitle=subtitle,
        legend_title=f"{meta.short_label}, {year}",
        level=level,
        period=year,
        measure=indicator,
        unit=meta.unit,
        sources=(str(meta.source), boundary_source(boundary_file)),
        indicators=(indicator,),
        credit=upload_credit(("boundaries",), ("figures",), os_boundaries=False),
    )


# --- defaults -----------------------------------------------------------------------------------------


def compare_default(choices: Sequence[str], avoid: str | None = None) -> str | None:
    """The official indicator to compare with first: productivity where the level has it."""
    return next(
        (key for key in COMPARE_DEFAULTS if key in choices and key != avoid),
        next((key for key in choices if key != avoid), None),
    )


def example_indicator(metadata: Mapping[str, Indicator], level: str, avoid: str | None) -> str | None:
    """The official indicator the example file is made from: one the level has, not the default
    comparison (a scatter of a measure against itself would teach nothing)."""
    have = [key for key, meta in metadata.items() if level in meta.geographies and key != avoid]
    return next((key for key in EXAMPLE_CHOICES if key in have), have[0] if have else None)


def level_noun(level: str, plural: bool = True) -> str:
    return LEVELS[level].plural if plural else LEVELS[level].noun


def value_formatter(decimals: int) -> Callable[[float], str]:
    def fmt(value: float) -> str:
        return format_value(value, "", decimals)

    return fmt


def how_to_use(values_mb: int, max_rows: int, boundaries_mb: int) -> str:
    """The page's instructions before anything is uploaded (markdown we write; no text from a file)."""
    return (
        "**How to use this page**\n\n"
        "1. Upload a table (CSV or .xlsx, up to "
        f"{values_mb} MB and {max_rows:,} rows) with a column of area codes "
        "(e.g. E37000025, E06000047, TLC4) or area names, and one or more columns of numbers. A year column, or "
        "one column per year, is optional. Markers such as `..`, `[x]` or `c` are read as missing, never as zero.\n"
        "2. Pick the geography level in the sidebar; the table below the map shows how each row matched an "
        "official area (exact codes, or names after a fixed clean-up: no guessing). Resolve any that did not.\n"
        "3. Optionally upload boundaries (GeoJSON, zipped shapefile with its .prj, or GeoPackage, up to "
        f"{boundaries_mb} MB) to map your own areas.\n\n"
        "Formulas in spreadsheets are never run: the values Excel saved are used. Or switch on the example above."
    )
