"""The Levelling up page's content, computed without Streamlit so tests can call it directly:
the indicator choices and an area's scorecard on every levelling-up indicator, with its figure (the scatter
and the small-multiple maps are in components.levelling_up_charts).

Ranks and quartile bands follow each indicator's polarity, so rank 1 and band 4 are always the
best: for a lower-is-better indicator (unemployment, claimants) the lowest value ranks first.
Neutral indicators (none in the scorecard today) rank by size, largest first, band 4 = largest
quarter, and get no better/worse verdict. Verdicts come from metrics.significance: three-way (better / not
significantly different / worse, by non-overlapping 95% intervals) where the area and the benchmark both have an
interval, else by the gap alone, saying why there is no interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components.formatting import format_value
from components.intervals import (
    NEUTRAL_TEXT,
    VERDICT_TEXT,
    interval_width_text,
    intervals_by,
    no_interval_reason,
    verdict_basis,
)
from components.static_maps import MAX_MAPS
from metrics.comparisons import NEUTRAL, area_standing, percent_difference
from metrics.significance import BETTER, NOT_SIGNIFICANT, SIMILAR, WORSE, significance_verdict
from vocabulary.geography import BENCHMARKS, ENGLAND, ENGLAND_EXCL_LONDON, LEVELS, MEDIAN, UK
from vocabulary.indicators import Indicator

# Every levelling-up indicator of the snapshot, in the order the scorecard lists them.
SCORECARD_INDICATORS: tuple[str, ...] = (
    "employment_rate_16_64",
    "economic_activity_rate_16_64",
    "unemployment_rate",
    "claimant_rate",
    "median_weekly_pay",
    "median_weekly_pay_workplace",
    "gdhi_per_head",
    "qualifications_l3_plus",
    "qualifications_nvq4_plus",
    "gigabit_coverage",
    "business_birth_rate",
    "business_survival_3y",
    "gdp_per_head",
    "gva_per_hour",
)
# Benchmark columns of the scorecard, and the order of fall-backs when the chosen benchmark is not
# published for an indicator and year (England excluding London exists for GVA per hour and GDP per
# head, and for the employment and activity rates in 2018-2022 only).
BENCHMARK_COLUMNS: tuple[tuple[str, str], ...] = (
    (UK, "uk"),
    (ENGLAND, "england"),
    (ENGLAND_EXCL_LONDON, "england_excl_london"),
)
VERDICT_FALLBACK = (ENGLAND, UK)
NOT_PUBLISHED = "not published for this geography"
NO_INTERVAL = (math.nan, math.nan)
QUARTILE_TEXT = {1: "1 (bottom quarter)", 2: "2", 3: "3", 4: "4 (top quarter)"}
MAP_DEFAULTS = (
    "gva_per_hour",
    "employment_rate_16_64",
    "median_weekly_pay",
    "gdhi_per_head",
    "qualifications_l3_plus",
    "claimant_rate",
    "gdp_per_head",
    "qualifications_nvq4_plus",
)
SCATTER_DEFAULTS = (
    "employment_rate_16_64",
    "gdhi_per_head",
    "gva_per_hour",
    "median_weekly_pay",
    "qualifications_l3_plus",
    "gdp_per_head",
)


# --- choices -----------------------------------------------------------------------------------


def indicators_at_level(metadata: Mapping[str, Indicator], level: str) -> list[str]:
    """Scorecard indicators the snapshot publishes for `level`, in scorecard order."""
    return [key for key in SCORECARD_INDICATORS if key in metadata and level in metadata[key].geographies]


def default_maps(available: list[str], count: int = 4) -> list[str]:
    """Up to `count` indicators for the small multiples: preferred ones first, then scorecard order."""
    ordered = [key for key in MAP_DEFAULTS if key in available]
    ordered += [key for key in available if key not in ordered]
    return ordered[:count]


def default_pair(available: list[str]) -> tuple[str | None, str | None]:
    """Default x and y of the scatter: two different indicators, preferred ones first."""
    ordered = [key for key in SCATTER_DEFAULTS if key in available]
    ordered += [key for key in available if key not in ordered]
    x = ordered[0] if ordered else None
    y = ordered[1] if len(ordered) > 1 else None
    return x, y


def valid_map_choice(wanted: Iterable[str] | None, available: list[str]) -> list[str]:
    """The maps to draw at this level for what the user last picked (`wanted`, None = never):
    the picked indicators the level has, topped up with the level's defaults to as many maps as
    were picked, so switching to a level without some of them (and back) keeps the page full.
    Nothing picked yet: the defaults. An empty pick stays empty."""
    if wanted is None:
        return default_maps(available)
    wanted = list(dict.fromkeys(wanted))[:MAX_MAPS]
    kept = [key for key in wanted if key in available]
    target = min(len(wanted), len(available))
    for key in default_maps(available, count=len(available)):
        if len(kept) >= target:
            break
        if key not in kept:
            kept.append(key)
    return kept


def latest_year_up_to(years: Iterable[int], wanted: int) -> int | None:
    """The latest of `years` no later than `wanted`; if all are later, the latest of all."""
    years = sorted({int(year) for year in years})
    if not years:
        return None
    earlier = [year for year in years if year <= wanted]
    return earlier[-1] if earlier else years[-1]


def _is_number(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and not pd.isna(value)


# --- the level's rows, prepared once -------------------------------------------------------------


@dataclass(frozen=True)
class LevelIndicator:
    """One indicator at one level, split by year and area once: the scorecard, scatter and maps then
    look values up instead of filtering data frames on every rerun (the page caches this per level)."""

    by_year: dict[int, pd.DataFrame]  # year -> the level's rows (area_code, area_name, value, status)
    years: list[int]  # years with at least one value, ascending
    area_values: dict[str, dict[int, tuple[float, str]]]  # area -> year -> (value, status)
    year_values: dict[int, np.ndarray]  # year -> the level's non-missing values
    benchmarks: dict[int, dict[str, float]]  # year -> UK / England / England excl. London values
    area_intervals: dict[str, dict[int, tuple[float, float]]]  # area -> year -> (lci, uci), where published
    benchmark_intervals: dict[int, dict[str, tuple[float, float]]]  # year -> benchmark -> (lci, uci)
    has_intervals: bool  # the source publishes intervals for this indicator (at some level)


def prepare_indicator(indicator_rows: pd.DataFrame, level: str) -> LevelIndicator:
    """Split one indicator's snapshot rows (every level) for `level`."""
    rows = indicator_rows[indicator_rows["geography"] == level]
    by_year = {int(year): group for year, group in rows.groupby("period", sort=True)}
    area_values: dict[str, dict[int, tuple[float, str]]] = {}
    for code, year, value, status in zip(
        rows["area_code"].tolist(),
        rows["period"].tolist(),
        rows["value"].tolist(),
        rows["status"].tolist(),
        strict=True,
    ):
        area_values.setdefault(code, {})[int(year)] = (float(value), str(status))
    area_intervals = intervals_by(rows, "area_code", "period")
    year_values = {year: group["value"].dropna().to_numpy(dtype=float) for year, group in by_year.items()}
    codes = [code for code, _ in BENCHMARK_COLUMNS]
    named = indicator_rows[indicator_rows["area_code"].isin(codes)].dropna(subset=["value"])
    benchmarks: dict[int, dict[str, float]] = {}
    for code, year, value in zip(
        named["area_code"].tolist(), named["period"].tolist(), named["value"].tolist(), strict=True
    ):
        benchmarks.setdefault(int(year), {})[code] = float(value)
    benchmark_intervals = intervals_by(named, "period", "area_code")
    years = sorted(year for year, values in year_values.items() if values.size)
    has_intervals = bool(indicator_rows["lci"].notna().any()) if "lci" in indicator_rows else False
    return LevelIndicator(
        by_year, years, area_values, year_values, benchmarks, area_intervals, benchmark_intervals, has_intervals
    )


def prepare_level(
    rows_by_indicator: Mapping[str, pd.DataFrame], metadata: Mapping[str, Indicator], level: str
) -> dict[str, LevelIndicator]:
    """Every scorecard indicator published for `level` that has values there."""
    prepared = {
        key: prepare_indicator(rows_by_indicator[key], level)
        for key in indicators_at_level(metadata, level)
        if key in rows_by_indicator
    }
    return {key: data for key, data in prepared.items() if data.years}


# --- scorecard ---------------------------------------------------------------------------------


def verdict_benchmark(
    chosen: str, named: Mapping[str, float], level_values: np.ndarray
) -> tuple[str | None, float | None]:
    """The code and value the verdict compares with: the chosen benchmark where the snapshot has it,
    else England, else the UK. The median of the level's areas exists whenever any area has a value."""
    if chosen == MEDIAN:
        return (MEDIAN, float(np.median(level_values))) if level_values.size else (None, None)
    for code in (chosen, *VERDICT_FALLBACK):
        if code in named:
            return code, named[code]
    return None, None


def benchmark_label(code: str | None, level: str) -> str:
    if code is None:
        return ""
    if code == MEDIAN:
        return f"median {LEVELS[level].noun}"
    return BENCHMARKS[code].name


def scorecard_row(
    indicator: str,
    meta: Indicator,
    data: LevelIndicator | None,
    level: str,
    area_code: str,
    wanted_year: int,
    benchmark: str,
) -> dict:
    """One scorecard row; `data` is None when the indicator is not published for the level.

    Year: the area's latest year with a value up to `wanted_year` (else its latest). Ranks and
    quartile bands are among the level's areas with a value in that same year."""
    unit, decimals, polarity = meta.unit, int(meta.decimals), meta.polarity

    def fmt(value: float | None) -> str:
        return format_value(value, unit, decimals) if _is_number(value) else ""

    row: dict = {
        "indicator": indicator,
        "label": meta.label,
        "polarity": polarity,
        "year": None,
        "value": math.nan,
        "value_text": NOT_PUBLISHED,
        "lci": math.nan,
        "uci": math.nan,
        "interval_text": "",
        "status": "",
        "rank": None,
        "rank_of": None,
        "rank_text": "",
        "quartile": None,
        "quartile_text": "",
        "benchmark": "",
        "benchmark_value": math.nan,
        "benchmark_lci": math.nan,
        "benchmark_uci": math.nan,
        "gap_pct": math.nan,
        "verdict": "",
        "verdict_text": "",
        "verdict_basis": "",
        "note": "",
    }
    for _, column in BENCHMARK_COLUMNS:
        row[column], row[f"{column}_text"] = math.nan, ""
    if data is None or level not in meta.geographies or not data.years:
        return row
    own = data.area_values.get(area_code, {})
    own_years = [year for year, (value, _) in own.items() if not math.isnan(value)]
    level_year = latest_year_up_to(data.years, wanted_year)
    year = latest_year_up_to(own_years, wanted_year) if own_years else level_year
    value, status = own.get(year, (math.nan, "unavailable"))
    has_value = not math.isnan(value)
    lci, uci = data.area_intervals.get(area_code, {}).get(year, NO_INTERVAL)
    row.update(
        year=year,
        value=value,
        lci=lci,
        uci=uci,
        interval_text=interval_width_text(value, lci, uci, unit, decimals),
        status=status,
        value_text=fmt(value) if has_value else ("suppressed" if status == "suppressed" else "no data for this area"),
        note=_note(own, year, level_year, wanted_year, status if has_value else ""),
    )
    named = data.benchmarks.get(year, {})
    for code, column in BENCHMARK_COLUMNS:
        if code in named:
            row[column], row[f"{column}_text"] = named[code], fmt(named[code])
    if not has_value:
        return row
    values = data.year_values[year]
    rank, band = area_standing(values, value, polarity)
    row.update(
        rank=rank,
        rank_of=int(values.size),
        rank_text=f"{rank} of {values.size}",
        quartile=band,
        quartile_text=QUARTILE_TEXT[band],
    )
    code, bench = verdict_benchmark(benchmark, named, values)
    if code is not None and bench is not None:
        bench_lci, bench_uci = data.benchmark_intervals.get(year, {}).get(code, NO_INTERVAL)
        verdict = significance_verdict(value, lci, uci, bench, bench_lci, bench_uci, polarity)
        source = meta.source
        row.update(
            benchmark=benchmark_label(code, level),
            benchmark_value=bench,
            benchmark_lci=bench_lci,
            benchmark_uci=bench_uci,
            gap_pct=float(percent_difference(value, bench)),
            verdict=verdict.outcome or "",
            verdict_text=VERDICT_TEXT.get(verdict.outcome or "", NEUTRAL_TEXT if polarity == NEUTRAL else ""),
            verdict_basis=verdict_basis(
                verdict,
                no_interval_reason(area_code, level, status, data.has_intervals, source),
                no_interval_reason(code, BENCHMARKS[code].geography or "", "", data.has_intervals, source),
            ),
        )
    return row


def _note(own: Mapping[int, tuple[float, str]], year: int, level_year: int | None, wanted: int, status: str) -> str:
    """Why the row's year differs from the sidebar's, and any status flag (provisional, estimated...)."""
    notes = []
    if year > wanted:
        notes.append(f"no figures up to {wanted}; first published for {year}")
    elif level_year is not None and year < level_year:
        why = "suppressed" if own.get(level_year, (math.nan, ""))[1] == "suppressed" else "no value"
        notes.append(f"{level_year}: {why}; latest value shown")
    if status and status != "unavailable":
        notes.append(status)
    return "; ".join(notes)


def build_scorecard(
    prepared: Mapping[str, LevelIndicator],
    metadata: Mapping[str, Indicator],
    level: str,
    area_code: str,
    wanted_year: int,
    benchmark: str,
) -> pd.DataFrame:
    """One row per scorecard indicator in the snapshot's metadata, including those not published for
    this level (value: 'not published for this geography'). `prepared` comes from prepare_level."""
    rows = [
        scorecard_row(key, metadata[key], prepared.get(key), level, area_code, wanted_year, benchmark)
        for key in SCORECARD_INDICATORS
        if key in metadata
    ]
    table = pd.DataFrame(rows)
    for column in ("year", "rank", "rank_of", "quartile"):
        table[column] = table[column].astype("Int64")
    return table


def scorecard_summary(table: pd.DataFrame, area_name: str) -> str:
    """'Hartlepool against England: ▲ better on 1, ▼ worse on 6, ● not significantly different on 4 of 13
    indicators.' (kinds with no indicator are left out)."""
    judged = table[table["verdict"] != ""]
    if judged.empty:
        return f"{area_name}: no indicator can be compared with a benchmark here."
    counts = judged["verdict"].value_counts()
    kinds = (BETTER, WORSE, NOT_SIGNIFICANT, SIMILAR)
    parts = [f"{VERDICT_TEXT[kind]} on {int(counts.get(kind, 0))}" for kind in kinds if counts.get(kind, 0)]
    benchmarks = sorted(set(judged["benchmark"]))
    against = benchmarks[0] if len(benchmarks) == 1 else "the benchmark shown on each row"
    return f"{area_name} against {against}: {', '.join(parts)} of {len(judged)} indicators."


# --- figure --------------------------------------------------------------------------------------


def scorecard_data(
    card: pd.DataFrame, area_code: str, area_name: str, metadata: Mapping[str, Indicator]
) -> pd.DataFrame:
    """The scorecard as numbers (not the display text): one row per indicator for the area."""
    numbers = card[[c for c in card.columns if not c.endswith("_text") and c not in ("label", "polarity")]]
    out = pd.DataFrame(
        {
            "area_code": area_code,
            "area_name": area_name,
            "period": card["year"].to_numpy(dtype=object),
            "value": card["value"].to_numpy(dtype=float),
            "unit": [metadata[key].unit for key in card["indicator"]],
            "status": card["status"].to_numpy(dtype=object),
            "indicator_label": card["label"].to_numpy(dtype=object),
            "polarity": card["polarity"].to_numpy(dtype=object),
        }
    )
    rest = numbers.drop(columns=[c for c in ("year", "value", "status") if c in numbers.columns])
    return pd.concat([out, rest.reset_index(drop=True)], axis=1)
