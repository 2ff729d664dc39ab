"""Similar areas as people read them: the nearest areas to one area with the measures that make them near
(Compare areas, and later Sector strengths), and the method on Data and methods, every word of which about
the measures comes from the one definition in metrics/similar_areas.py. Pure functions (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from components.formatting import format_signed, format_value
from components.plain_text import plain
from metrics.similar_areas import (
    DIFFERENCE_SUFFIX,
    INDUSTRY_MIX,
    MIX_PREFIX,
    SIMILARITY_MEASURES,
    AreaFeatures,
    SimilarityMeasure,
    area_features,
    industry_mix_shares,
    measure_weights,
    similar_areas,
)
from vocabulary.geography import AREA_LEVELS, LEVELS
from vocabulary.indicators import Indicator
from vocabulary.industries import MANUFACTURING, SECTIONS, TOTAL

SIMILAR_COUNT = 5
LEFT_OUT_SHOWN = 20  # areas named in the note on areas left out; the rest are counted
TRANSFORM_TEXT = {"log": "natural log, then standardised", "none": "standardised as published"}


def similarity_levels(metadata: Mapping[str, Indicator]) -> list[str]:
    """Keys of the area levels for which the snapshot has every measure (in menu order)."""
    return [
        level.key
        for level in AREA_LEVELS
        if all(m.indicator in metadata and level.key in metadata[m.indicator].geographies for m in SIMILARITY_MEASURES)
    ]


# The industry mix beyond the manufacturing share (a measure already): the other SIC sections' shares of GVA.
MIX_INDUSTRIES = tuple(row.code for row in SECTIONS if row.code != MANUFACTURING.code)
MIX_PARTITION = tuple(row.code for row in SECTIONS)  # together the total


def level_features(
    by_indicator: Mapping[str, pd.DataFrame], areas: pd.DataFrame, level: str, industry: pd.DataFrame | None = None
) -> AreaFeatures:
    """Every area of `level` with its measures in the comparison year, from the snapshot's rows by indicator;
    with the industry table, the other sections' shares of GVA join the industry mix (MIX_INDUSTRIES)."""
    empty = next(iter(by_indicator.values())).iloc[0:0]
    parts = [by_indicator.get(m.indicator, empty) for m in SIMILARITY_MEASURES]
    rows = pd.concat([part[part["geography"] == level] for part in parts], ignore_index=True)
    features = area_features(rows, areas[areas["geography"] == level])
    if industry is None or features.year is None:
        return features
    mix, withheld = industry_mix_shares(
        industry, level, features.year, MIX_PARTITION, TOTAL.code, measured=(MANUFACTURING.code,)
    )
    columns = tuple(column for column in mix.columns if column != "area_code")
    return replace(
        features,
        values=features.values.merge(mix, on="area_code", how="left"),
        features=features.features.merge(mix, on="area_code", how="left"),
        mix_columns=columns,
        mix_left_out=withheld,
    )


def _measure_names(columns: Sequence[str], metadata: Mapping[str, Indicator]) -> str:
    return ", ".join(metadata[column].short_label if column in metadata else column for column in columns)


@dataclass(frozen=True)
class SimilarAreasView:
    """What the page shows: the neighbours (text cells), their codes, a note on how, or why there are none."""

    codes: list[str]  # the neighbours' area codes, nearest first
    table: pd.DataFrame  # the chosen area, then its neighbours: name, distance, each measure (all text)
    note: str  # the year, the measures and how far "distance" goes
    message: str | None  # instead of neighbours: why there are none
    left_out: str | None  # the areas of the level that could not be compared, and why


def _no_neighbours(message: str) -> SimilarAreasView:
    return SimilarAreasView([], pd.DataFrame(), "", message, None)


def _left_out_note(left_out: pd.DataFrame, year: int, metadata: Mapping[str, Indicator]) -> str | None:
    if left_out.empty:
        return None
    named = [
        f"{name} ({_measure_names(missing, metadata)})"
        for name, missing in zip(left_out["area_name"], left_out["missing"], strict=True)
    ]
    more = f" and {len(named) - LEFT_OUT_SHOWN} more" if len(named) > LEFT_OUT_SHOWN else ""
    return (
        f"Left out for want of a figure in {year} (never filled in): " + "; ".join(named[:LEFT_OUT_SHOWN]) + more + "."
    )


def similar_areas_view(
    features: AreaFeatures,
    metadata: Mapping[str, Indicator],
    area_code: str,
    level: str,
    count: int = SIMILAR_COUNT,
) -> SimilarAreasView:
    """The `count` areas of `level` most like `area_code` (see metrics/similar_areas.py), as a table of text:
    each measure's value and, for a neighbour, how far it is from the chosen area in standard deviations."""
    words = LEVELS[level]
    offered = similarity_levels(metadata)
    where = ", ".join(LEVELS[key].plural for key in offered)
    values = features.values.set_index("area_code")
    name = str(values.loc[area_code, "area_name"]) if area_code in values.index else area_code
    if not words.pickable:
        return _no_neighbours(f"Similar areas are found among areas of one level: {where}. {name} is a benchmark.")
    if level not in offered or features.year is None:
        lacking = [m.indicator for m in SIMILARITY_MEASURES if level not in _geographies(metadata, m.indicator)]
        return _no_neighbours(
            f"The snapshot has no {_measure_names(lacking or list(features.absent), metadata)} figures for "
            f"{words.plural}, so similar areas cannot be found among them. They are offered for {where}."
        )
    result = similar_areas(
        features.features, measure_weights(industry_mix_columns=features.mix_columns), area_code, count
    )
    if result.missing:
        return _no_neighbours(
            f"{name} has no {_measure_names(result.missing, metadata)} figure for {features.year}, so it cannot "
            f"be compared with other {words.plural} on the same measures (a missing figure is never filled in)."
        )
    records = [_row(f"{name} (chosen)", "", values.loc[area_code], None, metadata)]
    for _, neighbour in result.table.iterrows():
        records.append(
            _row(
                str(neighbour["area_name"]),
                f"{neighbour['distance']:.2f}",
                values.loc[neighbour["area_code"]],
                neighbour,
                metadata,
            )
        )
    compared = len(features.values) - len(result.left_out)
    note = (
        f"The {len(result.table)} {words.plural} nearest to {name} of the {compared} with every measure in "
        f"{features.year}, the latest year all the measures have for {words.plural}. Distance 0 is identical; "
        "in brackets, how far each is from the chosen area in standard deviations across those "
        f"{words.plural} (size on a log scale)."
        + (
            f" The industry mix also counts the shares of GVA of {len(features.mix_columns)} other industries "
            "(SIC sections), not shown here."
            if features.mix_columns
            else ""
        )
        + " Method and weights: Data and methods."
    )
    return SimilarAreasView(
        list(result.table["area_code"]),
        pd.DataFrame(records),
        note,
        None,
        _left_out_note(result.left_out, features.year, metadata),
    )


def _geographies(metadata: Mapping[str, Indicator], indicator: str) -> tuple[str, ...]:
    return metadata[indicator].geographies if indicator in metadata else ()


def _row(
    area: str, distance: str, values: pd.Series, neighbour: pd.Series | None, metadata: Mapping[str, Indicator]
) -> dict[str, str]:
    record = {"area": area, "distance": distance}
    for measure in SIMILARITY_MEASURES:
        meta = metadata[measure.indicator]
        text = format_value(values[measure.indicator], meta.unit, int(meta.decimals))
        if neighbour is not None:
            text += f" ({format_signed(neighbour[measure.indicator + DIFFERENCE_SUFFIX], 1, 'sd')})"
        record[meta.short_label] = text
    return record


# --- Data and methods ------------------------------------------------------------------------------------


def similarity_measures_table(
    metadata: Mapping[str, Indicator], measures: Sequence[SimilarityMeasure] = SIMILARITY_MEASURES
) -> pd.DataFrame:
    """One row per measure, from the definition: aspect, indicator, its id, weight, transform, why; then the
    other sections' shares of GVA that join the industry mix (MIX_INDUSTRIES), with their weight each."""
    mix = [MIX_PREFIX + code for code in MIX_INDUSTRIES]
    weights = measure_weights(measures, industry_mix_columns=mix)
    rows = [
        {
            "aspect": measure.aspect,
            "measure": metadata[measure.indicator].label if measure.indicator in metadata else measure.indicator,
            "id": measure.indicator,
            "weight": f"{weights[measure.indicator]:.1%}",
            "transform": TRANSFORM_TEXT[measure.transform],
            "why": measure.reason,
        }
        for measure in measures
    ]
    rows.append(
        {
            "aspect": INDUSTRY_MIX,
            "measure": f"Share of GVA of each other SIC section ({len(mix)}: {', '.join(MIX_INDUSTRIES)})",
            "id": "industry_gva (current prices)",
            "weight": f"{weights[mix[0]]:.1%} each",
            "transform": TRANSFORM_TEXT["none"],
            "why": "What else the economy does: two places with the same manufacturing share can live on finance "
            "or on public services. Sections withheld for any area of a level are taken together there.",
        }
    )
    return pd.DataFrame(rows)


def similarity_levels_table(features_by_level: Mapping[str, AreaFeatures]) -> pd.DataFrame:
    """Per level: the year compared, how many areas are compared and how many are left out for want of a figure."""
    rows = []
    for key, features in features_by_level.items():
        columns = [m.indicator for m in SIMILARITY_MEASURES] + list(features.mix_columns)
        complete = features.features[columns].notna().all(axis=1)
        rows.append(
            {
                "level": LEVELS[key].plural,
                "year": str(features.year),
                "areas compared": int(complete.sum()),
                "left out (a measure missing)": int((~complete).sum()),
                "other industry shares in the mix": len(features.mix_columns),
                "sections taken together (withheld for an area)": ", ".join(features.mix_left_out) or "none",
            }
        )
    return pd.DataFrame(rows)


def similarity_method_text(metadata: Mapping[str, Indicator]) -> str:
    """The method in a few sentences, as Markdown (the indicators' names from the snapshot as plain text)."""
    where = ", ".join(LEVELS[key].plural for key in similarity_levels(metadata))
    logged = [m.indicator for m in SIMILARITY_MEASURES if m.transform == "log"]
    logs = (
        f"{plain(_measure_names(logged, metadata))} is taken as its natural log (twice as big counts the same at "
        "every size); "
        if logged
        else ""
    )
    return (
        f"For an area, the {SIMILAR_COUNT} areas of the same level most like it on the measures below, offered as "
        "comparators on Compare areas. Available for "
        f"{where}, the levels for which the snapshot has every measure.\n\n"
        "- **Year**: one year per level, the latest year that every measure has at that level (below), so no "
        "area is compared on a figure from another year.\n"
        f"- **Standardisation**: {logs}"
        "each measure is turned into z-scores across the areas of the level compared (minus their mean, "
        "over their population standard deviation).\n"
        "- **Industry mix**: the manufacturing share of GVA and, beside it, the share of GVA of each other SIC "
        f"section ({len(MIX_INDUSTRIES)}, ONS GVA by industry, current prices, the same year); they split the "
        "industry-mix weight evenly. Sections withheld by ONS for any area of a level that year are taken "
        "together at that level, as 100% minus the published shares, which every area has (table below), so no "
        "area is dropped and no share is guessed.\n"
        "- **Distance**: the square root of the weighted sum of squared z-score differences, with the weights "
        "below (they sum to 100%).\n"
        "- **Exclusions**: the area itself is never its own neighbour; an area without a figure for a measure "
        "in that year is left out and named (its figure is never filled in as zero or an average), and an area "
        "that lacks one gets no neighbours, with the reason.\n"
        "- **Reproducible**: ties are broken by area code, and the same snapshot always gives the same "
        "neighbours and distances."
    )
