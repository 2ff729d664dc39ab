"""Everything the Manufacturing page shows above its charts, computed from snapshot rows without Streamlit so
tests can call it directly: which measures a level has, the choropleth (sequential for shares, diverging
around 1.0 for location quotients) and its figure, the headline, and the sub-sector table. The trend,
sub-sector and enterprise charts and their figures are in components.manufacturing_charts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from components.area_notices import area_label
from components.figures import Figure, choropleth_figure
from components.formatting import format_value
from components.maps import DeckSpec, choropleth_deck, choropleth_features
from components.overview import benchmark_value
from components.palettes import (
    DIVERGING_6,
    VIRIDIS_5,
    LegendEntry,
    fill_colour,
    legend_entries,
    quantile_breaks,
    status_legend_entries,
)
from components.quotients import Reference
from metrics.comparisons import NEUTRAL
from metrics.ranking import ranked_table
from vocabulary.geography import (
    BENCHMARKS,
    ENGLAND,
    ENGLAND_EXCL_LONDON,
    LEVELS,
    OFFICIAL_BENCHMARK_CODES,
    UK,
    Benchmark,
)
from vocabulary.indicators import Indicator

GVA_SHARE = "manufacturing_gva_share"
GVA_LQ = "manufacturing_gva_lq"
EMP_SHARE = "manufacturing_employment_share"
EMP_LQ = "manufacturing_employment_lq"
RES_SHARE = "manufacturing_employment_share_residence"
SUPPRESSED_STATUS = "suppressed"


@dataclass(frozen=True)
class Measure:
    """One choice of the measure picker: an indicator plus how to read and colour it."""

    key: str
    indicator: str
    label: str
    family: str  # "gva" (ONS GVA by industry), "bres" (BRES jobs) or "aps" (APS residents)
    is_lq: bool


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("gva_share", GVA_SHARE, "Share of GVA (workplace-based)", "gva", False),
        Measure("gva_lq", GVA_LQ, "Location quotient of GVA (benchmark economy = 1)", "gva", True),
        Measure("emp_share", EMP_SHARE, "Share of employment, BRES (workplace-based)", "bres", False),
        Measure("emp_lq", EMP_LQ, "Location quotient of employment, BRES (benchmark economy = 1)", "bres", True),
        Measure("res_share", RES_SHARE, "Share of residents' employment, APS (residence-based)", "aps", False),
    )
}
# Share and location-quotient indicator of each family (APS has no published LQ: it is derived
# for the headline as the area's share over England's, the same definition ONS-based LQs use).
FAMILY_INDICATORS: dict[str, tuple[str, str | None]] = {
    "gva": (GVA_SHARE, GVA_LQ),
    "bres": (EMP_SHARE, EMP_LQ),
    "aps": (RES_SHARE, None),
}
FAMILY_WORDS = {
    "gva": ("GVA", "ONS GVA by industry, workplace-based"),
    "bres": ("employment", "BRES, workplace-based"),
    "aps": ("residents' employment", "APS, residence-based"),
}
SUBSECTORS: tuple[tuple[str, str, str], ...] = (
    ("manufacturing_subsector_share_ca_cb", "CA-CB", "Food, drink, textiles, clothing"),
    ("manufacturing_subsector_share_cc", "CC", "Wood, paper, printing"),
    ("manufacturing_subsector_share_cd_cg", "CD-CG", "Petroleum, chemicals, pharma, minerals"),
    ("manufacturing_subsector_share_ch", "CH", "Basic and fabricated metals"),
    ("manufacturing_subsector_share_ci_cl", "CI-CL", "Electrical, machinery, transport equipment"),
    ("manufacturing_subsector_share_cm", "CM", "Other manufacturing, repair"),
)
TREND_BENCHMARKS: tuple[Benchmark, ...] = (BENCHMARKS[ENGLAND], BENCHMARKS[ENGLAND_EXCL_LONDON], BENCHMARKS[UK])
NOTES: tuple[str, ...] = (
    "**Workplace-based:** manufacturing share and location quotient of GVA (ONS regional GVA by industry) "
    "and share of employment (BRES) count activity and jobs where they are located, whoever does them.",
    "**Residence-based:** the APS share counts the residents of an area who work in manufacturing, "
    "wherever they work, so it can differ from the workplace measures for commuter areas.",
    "**Location quotient:** the area's manufacturing share divided by the benchmark economy's in the same "
    "year (the UK, England or England excluding London, as chosen under *Compare with*; England when the "
    "median area is chosen or the benchmark has no share): 1 = the same concentration, 2 = twice it. Map "
    "classes are symmetric around 1 on a ratio scale (0.8 = 1/1.25, 0.5 = 1/2), so halving and doubling "
    "the benchmark's concentration sit equally far from 1.",
    "**LEPs:** the May 2021 set of 38, built from local authorities. Seven local authorities sat in two LEPs "
    "and count in both, so LEP figures overlap and must not be added up to England.",
    "**Sub-sectors:** ONS withholds a sub-sector's GVA where publishing it could disclose a business. Any area "
    "built from a withheld local authority (e.g. Cornwall, Isles of Scilly) is shown as *withheld*, never zero. "
    "England's, the UK's and the ITL1 regions' mixes come from ONS's ITL3 table (Table 3c), which withholds "
    "nothing.",
    "**Enterprises:** UK Business Counts, enterprises registered for VAT or PAYE in March, rounded to 5 by ONS; "
    "size bands by number of employees.",
)


# --- measures ------------------------------------------------------------------------------------


def measures_for(
    metadata: dict[str, Indicator], level: str, indicators_with_values: set[str] | None = None
) -> list[str]:
    """Measure keys that exist at `level` (metadata geographies, and rows with values when given)."""
    keys = []
    for key, measure in MEASURES.items():
        meta = metadata.get(measure.indicator)
        if meta is None or level not in meta.geographies:
            continue
        if indicators_with_values is not None and measure.indicator not in indicators_with_values:
            continue
        keys.append(key)
    return keys


def years_with_values(rows: pd.DataFrame) -> list[int]:
    return sorted(int(year) for year in rows.loc[rows["value"].notna(), "period"].unique())


def display_name(area_name: str, level: str) -> str:
    """How an area reads in a sentence: 'North East LEP', not a bare 'North East' that could be the region
    (regions and ITL regions keep their plain names here, as the level is chosen on the page)."""
    if level in ("lep", "cauth"):
        return area_label(area_name, level)
    return area_name


# --- map classes ---------------------------------------------------------------------------------


def lq_breaks(inner: float = 1.25, outer: float = 2.0) -> list[float]:
    """Class upper bounds for location quotients, symmetric around 1 on a ratio (log) scale:
    [1/outer, 1/inner, 1, inner, outer, inf]. 1.0 is always a boundary, so the three classes at or
    below 1 take the orange half of DIVERGING_6 and the three above it the purple half. Fixed
    (not data-driven) breaks keep colours comparable between years, levels and the two LQs."""
    if not 1 < inner < outer:
        raise ValueError("need 1 < inner < outer")
    return [1 / outer, 1 / inner, 1.0, inner, outer, math.inf]


def lq_legend_entries(breaks: list[float], has_missing: bool, has_suppressed: bool) -> list[LegendEntry]:
    """Legend rows for lq_breaks, low to high ('under 0.50' ... 'over 2.00'), then no data / suppressed."""

    def num(x: float) -> str:
        return f"{x:.2f}"

    entries = []
    previous: float | None = None
    for upper in breaks:
        colour = fill_colour(upper, "", breaks, DIVERGING_6)
        if previous is None:
            label = f"under {num(upper)}"
        elif math.isinf(upper):
            label = f"over {num(previous)}"
        else:
            label = f"{num(previous)} to {num(upper)}"
        entries.append(LegendEntry(label, colour, "class"))
        previous = upper
    return entries + status_legend_entries(has_missing, has_suppressed)


@dataclass
class MeasureMap:
    table: pd.DataFrame  # ranked: area_code, area_name, value, status, rank, rank_of, gap_pct
    features: dict
    deck: DeckSpec
    legend: list[LegendEntry]
    legend_title: str
    legend_note: str | None
    benchmark_name: str | None
    alt_text: str


def build_measure_map(
    indicator_rows: pd.DataFrame,
    meta: Indicator,
    measure: Measure,
    boundaries: dict,
    level: str,
    year: int,
    benchmark_code: str,
    selected_code: str | None,
    reference_name: str = BENCHMARKS[ENGLAND].name,
) -> MeasureMap:
    """Choropleth of one measure for every area of `level` in `year`. Shares use viridis quantile
    classes and a gap to the sidebar benchmark; LQs (rows already taken against the reference economy
    `reference_name`) use lq_breaks and their gap to the reference (= 1)."""
    level_rows = indicator_rows[(indicator_rows["geography"] == level) & (indicator_rows["period"] == year)]
    unit, decimals = meta.unit, int(meta.decimals)

    def fmt(value: float | None) -> str:
        return format_value(value, unit, decimals)

    if measure.is_lq:
        bench, bench_name = 1.0, reference_name
        breaks, palette = lq_breaks(), DIVERGING_6
    else:
        bench = benchmark_value(indicator_rows, level_rows, benchmark_code, year)
        bench_name = _benchmark_label(benchmark_code) if bench is not None else None
        breaks, palette = None, VIRIDIS_5
    table = ranked_table(level_rows, NEUTRAL, bench)
    if breaks is None:
        breaks = quantile_breaks(table["value"])
    features = choropleth_features(boundaries, table, breaks, palette, fmt, bench_name, selected_code)
    drawn = {feature["properties"]["code"] for feature in features["features"]}
    drawn_rows = table[table["area_code"].isin(drawn)]
    has_suppressed = bool((drawn_rows["value"].isna() & (drawn_rows["status"] == SUPPRESSED_STATUS)).any())
    has_missing = bool(
        (drawn_rows["value"].isna() & (drawn_rows["status"] != SUPPRESSED_STATUS)).any()
        or len(drawn - set(table["area_code"])) > 0
    )
    if measure.is_lq:
        legend = lq_legend_entries(breaks, has_missing, has_suppressed)
        legend_title = f"{meta.short_label} ({reference_name} = 1)"
        legend_note = f"Under 1 (orange): less concentrated than {reference_name}; over 1 (purple): more concentrated."
    else:
        low = float(table["value"].min()) if table["value"].notna().any() else None
        legend = legend_entries(breaks, palette, fmt, has_missing, has_suppressed, lower_bound=low)
        legend_title = f"{meta.short_label} ({unit})"
        legend_note = "Five classes with equal numbers of areas (quantiles)."
    alt_text = _alt_text(table, meta, measure, year, fmt, reference_name)
    return MeasureMap(
        table, features, choropleth_deck(features, level), legend, legend_title, legend_note, bench_name, alt_text
    )


def _benchmark_label(code: str) -> str:
    return BENCHMARKS[code].name if code in OFFICIAL_BENCHMARK_CODES else "the median area"


def _alt_text(table: pd.DataFrame, meta: Indicator, measure: Measure, year: int, fmt, reference_name: str) -> str:
    valued = table.dropna(subset=["value"])
    text = f"Map of {meta.label}, {year}, {len(valued)} areas with a value."
    if valued.empty:
        return text + " No area has a value."
    top, bottom = valued.loc[valued["value"].idxmax()], valued.loc[valued["value"].idxmin()]
    text += f" Highest {top['area_name']} ({fmt(top['value'])}), lowest {bottom['area_name']} ({fmt(bottom['value'])})."
    if measure.is_lq:
        above = int((valued["value"] > 1).sum())
        text += f" {above} areas are above {reference_name}'s concentration and {len(valued) - above} at or below it."
    return text


# --- sub-sectors ---------------------------------------------------------------------------------


def subsector_comparators(areas: pd.DataFrame, level: str, area_code: str | None) -> list[tuple[str, str, str]]:
    """(geography, code, name) of the series to compare the area's mix with: England, and the parent
    ITL1 region."""
    series = [("country", ENGLAND, BENCHMARKS[ENGLAND].name)]
    if area_code and level != "itl1":
        match = areas[(areas["area_code"] == area_code) & (areas["geography"] == level)]
        parent = str(match["parent_itl1"].iloc[0]) if len(match) else ""
        names = areas[(areas["geography"] == "itl1") & (areas["area_code"] == parent)]["area_name"]
        if parent and len(names):
            series.append(("itl1", parent, f"{names.iloc[0]} (region)"))
    return series


def subsector_table(
    rows_by_indicator: dict[str, pd.DataFrame], year: int, series: list[tuple[str, str, str]]
) -> pd.DataFrame:
    """One row per sub-sector and series: code, name, series, series_order, value (% of manufacturing
    GVA), status, withheld, label. Withheld (suppressed) shares stay missing and are labelled
    'withheld'; other gaps are labelled 'no data'. Never a zero for either."""
    records = []
    for sub_order, (indicator, code, name) in enumerate(SUBSECTORS):
        rows = rows_by_indicator[indicator]
        rows = rows[rows["period"] == year]
        found = {
            (g, c): (v, st)
            for g, c, v, st in zip(rows["geography"], rows["area_code"], rows["value"], rows["status"], strict=True)
        }
        for series_order, (geography, area_code, series_name) in enumerate(series):
            value, status = found.get((geography, area_code), (math.nan, "unavailable"))
            value, status = float(value), str(status)
            withheld = math.isnan(value) and status == SUPPRESSED_STATUS
            label = f"{value:.1f}%" if not math.isnan(value) else ("withheld" if withheld else "no data")
            records.append(
                (
                    code,
                    f"{code} {name}",
                    sub_order,
                    series_name,
                    area_code,
                    series_order,
                    value,
                    status,
                    withheld,
                    label,
                )
            )
    return pd.DataFrame.from_records(
        records,
        columns=[
            "code",
            "subsector",
            "subsector_order",
            "series",
            "area_code",
            "series_order",
            "value",
            "status",
            "withheld",
            "label",
        ],
    )


# --- enterprises ---------------------------------------------------------------------------------


def manufacturing_map_figure(
    view: Any, meta: Indicator, indicator: str, level: str, year: int, metadata: Mapping[str, Indicator]
) -> Figure:
    versus = f"; gaps compared with {view.benchmark_name}" if view.benchmark_name else ""
    return choropleth_figure(
        "manufacturing_map",
        features=view.features,
        legend=view.legend,
        legend_title=view.legend_title,
        legend_note=view.legend_note,
        table=view.table,
        meta=meta,
        indicator=indicator,
        level=level,
        year=year,
        metadata=metadata,
        subtitle=f"{LEVELS[level].label}{versus}",
        gap_title=f"gap_pct_to_{view.benchmark_name}" if view.benchmark_name else None,
    )


PROVISIONAL = "provisional"


def _row_at(rows: pd.DataFrame, code: str, year: int, geography: str | None = None) -> tuple[float | None, str]:
    """(value, status) of one area in one year; (None, status or "") when it has no value."""
    match = rows[(rows["area_code"] == code) & (rows["period"] == year)]
    if geography is not None:
        match = match[match["geography"] == geography]
    valued = match.dropna(subset=["value"])
    if len(valued):
        return float(valued["value"].iloc[0]), str(valued["status"].iloc[0])
    return None, str(match["status"].iloc[0]) if len(match) else ""


def headline(
    share_rows: pd.DataFrame,
    family: str,
    level: str,
    area_code: str | None,
    area_name: str | None,
    year: int,
    reference: Reference,
) -> str | None:
    """'Manufacturing is 15.4% of GVA in North East LEP in 2023 (provisional; ONS GVA by industry,
    workplace-based), 1.56 times England excluding London's share (9.9%).' `share_rows` are all snapshot
    rows of the family's share; the ratio is the share over the reference's share in the same year (the
    location quotient). None without an area."""
    if not area_code or not area_name:
        return None
    name = display_name(area_name, level)
    what, basis = FAMILY_WORDS[family]
    share, status = _row_at(share_rows, area_code, year, level)
    if share is None:
        why = " (withheld by the source)" if status == SUPPRESSED_STATUS else ""
        return f"{name} has no manufacturing share of {what} for {year}{why}."
    base, base_status = _row_at(share_rows, reference.code, year)
    provisional = PROVISIONAL in (status, base_status)
    about = f"{'provisional; ' if provisional else ''}{basis}"
    shown = format_value(share, "%", 1)
    if family == "aps":
        text = f"{shown} of {name}'s residents in employment work in manufacturing in {year} ({about})"
    else:
        text = f"Manufacturing is {shown} of {what} in {name} in {year} ({about})"
    if not base:
        return text + f"; {reference.name} has no share for {year} to compare with."
    return text + f", {share / base:.2f} times {reference.name}'s share ({format_value(base, '%', 1)})."
