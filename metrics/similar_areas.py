"""Similar areas (issue 13): an area's nearest neighbours at its own level on a few standardised measures.

The measures and their weights are defined once, here (`SIMILARITY_MEASURES`); the pages, the Data and methods
page and the tests read them from this definition. The method, in order:

1. one year for every area of the level: the latest year that every measure has at that level
   (`comparison_year`), so no area is compared on a figure from another year;
2. each measure's transform (the log of size, so that doubling counts the same for a small and a big area);
3. areas without a figure for any measure in that year are left out and listed with the reason: a missing
   figure is never imputed (not as zero, not as the mean);
4. z-scores across the remaining areas of the level (population standard deviation; a measure on which every
   area is equal adds nothing);
5. the distance between two areas is the square root of the weighted sum of their squared z-score
   differences (weights scaled to sum to 1); the nearest come first, ties by area code; the area itself is
   never its own neighbour.

Rows are sorted by area code before anything is summed, so the same figures give the same neighbours and
the same distances whatever the order of the input.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Transform = Literal["log", "none"]
INDUSTRY_MIX = "industry mix"
Z_SUFFIX = " (z)"  # a neighbour's standardised value of a measure
DIFFERENCE_SUFFIX = " (difference)"  # the neighbour's z-score minus the chosen area's


@dataclass(frozen=True)
class SimilarityMeasure:
    """One measure of likeness: a snapshot indicator, its share of the distance, and why it is in the set."""

    indicator: str  # indicator id in the snapshot (regional_data/indicators.json)
    aspect: str  # what it says about a place: size, productivity, labour market, industry mix
    weight: float  # its share of the distance; an aspect's weight is split evenly over its columns
    transform: Transform  # applied before standardising
    reason: str  # why it is in the set, as the Data and methods page says it


SIMILARITY_MEASURES: tuple[SimilarityMeasure, ...] = (
    SimilarityMeasure(
        "gva_current_prices",
        "size",
        0.25,
        "log",
        "How big the economy is: a city region and a rural county face different questions. On a log scale, "
        "so that twice as big counts the same at every size.",
    ),
    SimilarityMeasure(
        "gva_per_hour",
        "productivity",
        0.25,
        "none",
        "How productive the economy is, the subject of this app: ONS's headline measure of labour productivity.",
    ),
    SimilarityMeasure(
        "employment_rate_16_64",
        "labour market",
        0.25,
        "none",
        "How many residents aged 16-64 are in work: places with the same output per hour can differ in how "
        "many people share in it.",
    ),
    SimilarityMeasure(
        "manufacturing_gva_share",
        INDUSTRY_MIX,
        0.25,
        "none",
        "What the economy makes: the share of GVA from manufacturing, today the one industry share the "
        "snapshot has wherever the other measures are. Further industry shares join this aspect and split its "
        "weight evenly.",
    ),
)


def measure_weights(
    measures: Sequence[SimilarityMeasure] = SIMILARITY_MEASURES, industry_mix_columns: Sequence[str] = ()
) -> dict[str, float]:
    """Column -> weight. The industry-mix aspect's weight (the sum of its measures' weights) is split evenly
    over its measures and any further industry-share columns (e.g. SIC section shares of GVA), so adding
    industries refines the mix without making it count for more."""
    mix = [m.indicator for m in measures if m.aspect == INDUSTRY_MIX]
    mix += [column for column in industry_mix_columns if column not in mix]
    mix_weight = sum(m.weight for m in measures if m.aspect == INDUSTRY_MIX)
    weights = {m.indicator: m.weight for m in measures if m.aspect != INDUSTRY_MIX}
    weights.update({column: mix_weight / len(mix) for column in mix} if mix else {})
    return weights


def comparison_year(rows: pd.DataFrame, indicators: Sequence[str]) -> int | None:
    """The latest year that every indicator has (a value for at least one area) in `rows` (tidy rows of one
    level); None when an indicator has no value at all."""
    valued = rows[rows["value"].notna() & rows["indicator"].isin(indicators)]
    latest = valued.groupby("indicator")["period"].max()
    if any(indicator not in latest.index for indicator in indicators):
        return None
    return int(latest.min())


@dataclass(frozen=True)
class AreaFeatures:
    """The measures of every area of one level in one year."""

    year: int | None  # None when a measure has no figure at this level in any year
    values: pd.DataFrame  # area_code, area_name, one column per indicator as published (NaN where missing)
    features: pd.DataFrame  # the same after each measure's transform: what `similar_areas` standardises
    absent: tuple[str, ...]  # indicators with no figure at this level in any year
    mix_columns: tuple[str, ...] = ()  # further industry shares in `features` (industry_mix_shares)
    mix_left_out: tuple[str, ...] = ()  # industries withheld for some area of the level that year: taken together


MIX_PREFIX = "share of GVA: "  # an industry-mix column: "share of GVA: K"


def industry_mix_shares(
    industry: pd.DataFrame, level: str, year: int, partition: Sequence[str], total: str, measured: Sequence[str] = ()
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Each area's share (%) of current-price GVA in each industry of `partition` (industries that together
    make the total) at `level` in `year`, as columns MIX_PREFIX + code, from the industry table (area_code,
    geography, period, industry, gva_current); `measured` industries (a similarity measure already) get no
    column. An industry withheld for any area of the level that year gets no column either: the withheld ones
    share one column, 100 minus the published shares, which every area has. So no area is dropped and no
    share is filled in. Returns the columns (with area_code) and the withheld industries."""
    rows = industry[(industry["geography"] == level) & (industry["period"] == year)]
    wide = rows.pivot_table(
        index="area_code", columns="industry", values="gva_current", aggfunc="first", dropna=False
    ).reindex(columns=[*partition, total])
    shares = (wide[list(partition)].div(wide[total], axis=0) * 100).sort_index()
    withheld = tuple(code for code in partition if code not in measured and shares[code].isna().any())
    published = [code for code in partition if code not in withheld]
    out = shares[[code for code in published if code not in measured]].rename(columns=lambda code: MIX_PREFIX + code)
    if withheld:
        out[MIX_PREFIX + " + ".join(withheld)] = 100 - shares[published].sum(axis=1, min_count=len(published))
    return out.reset_index(), withheld


def area_features(
    rows: pd.DataFrame, areas: pd.DataFrame, measures: Sequence[SimilarityMeasure] = SIMILARITY_MEASURES
) -> AreaFeatures:
    """One row per area of `areas` (area_code, area_name: every area of the level), one column per measure,
    from `rows` (tidy indicator rows of that level) in the comparison year. A log of a value that is not
    positive is missing, like a missing figure."""
    indicators = [m.indicator for m in measures]
    valued = rows[rows["value"].notna() & rows["indicator"].isin(indicators)]
    absent = tuple(indicator for indicator in indicators if indicator not in set(valued["indicator"]))
    year = comparison_year(rows, indicators)
    base = areas[["area_code", "area_name"]].drop_duplicates("area_code").sort_values("area_code", ignore_index=True)
    in_year = valued[valued["period"] == year] if year is not None else valued.iloc[0:0]
    wide = in_year.pivot_table(index="area_code", columns="indicator", values="value", aggfunc="first")
    values = base.join(wide.reindex(columns=indicators), on="area_code")
    features = values.copy()
    for measure in measures:
        if measure.transform == "log":
            column = features[measure.indicator].astype(float)
            features[measure.indicator] = np.log(column.where(column > 0))
    return AreaFeatures(year, values, features, absent)


@dataclass(frozen=True)
class Neighbours:
    """The nearest areas to one area, and the areas that could not be compared."""

    table: pd.DataFrame  # rank, area_code, area_name, distance, then "<column> (z)" and "<column> (difference)"
    left_out: pd.DataFrame  # area_code, area_name, missing (the columns it has no figure for), never imputed
    missing: tuple[str, ...]  # the columns the chosen area itself lacks: then `table` is empty
    area_z: dict[str, float]  # the chosen area's own z-scores


def _checked_weights(features: pd.DataFrame, weights: Mapping[str, float]) -> dict[str, float]:
    if not weights:
        raise ValueError("similar_areas needs at least one weighted column")
    unknown = [column for column in weights if column not in features.columns]
    if unknown:
        raise ValueError(f"similar_areas: no column {', '.join(unknown)} in the features")
    bad = [column for column, weight in weights.items() if not (math.isfinite(weight) and weight > 0)]
    if bad:
        raise ValueError(f"similar_areas: weights must be positive numbers ({', '.join(bad)})")
    total = float(sum(weights.values()))
    return {column: float(weight) / total for column, weight in weights.items()}


def standardised(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """z-scores of each column across the rows (population standard deviation); 0 where all are equal."""
    values = frame[list(columns)].astype(float)
    spread = values.std(ddof=0).replace(0.0, np.nan)
    return ((values - values.mean()) / spread).fillna(0.0)


def similar_areas(features: pd.DataFrame, weights: Mapping[str, float], area_code: str, count: int = 5) -> Neighbours:
    """The `count` areas of `features` (area_code, area_name and the weighted columns, one row per area of
    one level) nearest to `area_code`, on the weighted distance between z-scores (see the module's method).
    An area lacking a weighted column is left out; if the chosen area lacks one, there are no neighbours."""
    if count < 1:
        raise ValueError("similar_areas: count must be at least 1")
    scaled = _checked_weights(features, weights)
    columns = list(scaled)
    frame = features.drop_duplicates("area_code").sort_values("area_code", ignore_index=True)
    lacking = frame[columns].astype(float).isna()
    complete = frame[~lacking.any(axis=1)].reset_index(drop=True)
    incomplete = frame[lacking.any(axis=1)]
    left_out = pd.DataFrame(
        {
            "area_code": incomplete["area_code"].to_numpy(dtype=object),
            "area_name": incomplete["area_name"].to_numpy(dtype=object),
            "missing": [tuple(c for c in columns if lacking.at[i, c]) for i in incomplete.index],
        }
    )
    empty = pd.DataFrame(
        columns=["rank", "area_code", "area_name", "distance"]
        + [f"{c}{suffix}" for c in columns for suffix in (Z_SUFFIX, DIFFERENCE_SUFFIX)]
    )
    if area_code not in set(complete["area_code"]):
        own = left_out.loc[left_out["area_code"] == area_code, "missing"]
        missing = tuple(own.iloc[0]) if len(own) else tuple(columns)
        return Neighbours(empty, left_out, missing, {})
    z = standardised(complete, columns)
    position = int(np.flatnonzero(complete["area_code"].to_numpy() == area_code)[0])
    own_z = z.iloc[position]
    difference = z - own_z
    distance = np.sqrt((difference.pow(2) * pd.Series(scaled)).sum(axis=1))
    table = pd.DataFrame({"area_code": complete["area_code"], "area_name": complete["area_name"], "distance": distance})
    for column in columns:
        table[f"{column}{Z_SUFFIX}"] = z[column]
        table[f"{column}{DIFFERENCE_SUFFIX}"] = difference[column]
    table = table[table["area_code"] != area_code].sort_values(["distance", "area_code"], kind="mergesort")
    table = table.head(count).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return Neighbours(table, left_out, (), {column: float(own_z[column]) for column in columns})
