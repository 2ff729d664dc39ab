"""Similar areas as people read them: the nearest areas to one area with the measures that make them near
(Compare areas, and later Sector strengths), and the method on Data and methods, every word of which about
the measures comes from the one definition in metrics/similar_areas.py. Pure functions (no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from components.formatting import format_signed, format_value
from components.plain_text import plain
from metrics.similar_areas import (
    DIFFERENCE_SUFFIX,
    SIMILARITY_MEASURES,
    AreaFeatures,
    SimilarityMeasure,
    area_features,
    measure_weights,
    similar_areas,
)
from vocabulary.geography import AREA_LEVELS, LEVELS
from vocabulary.indicators import Indicator

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


def level_features(by_indicator: Mapping[str, pd.DataFrame], areas: pd.DataFrame, level: str) -> AreaFeatures:
    """Every area of `level` with its measures in the comparison year, from the snapshot's rows by indicator."""
    empty = next(iter(by_indicator.values())).iloc[0:0]
    parts = [by_indicator.get(m.indicator, empty) for m in SIMILARITY_MEASURES]
    rows = pd.concat([part[part["geography"] == level] for part in parts], ignore_index=True)
    return area_features(rows, areas[areas["geography"] == level])


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
    result = similar_areas(features.features, measure_weights(), area_code, count)
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
        f"{words.plural} (size on a log scale). Method and weights: Data and methods."
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
    """One row per measure, from the definition: aspect, indicator, its id, weight, transform, why."""
    weights = measure_weights(measures)
    return pd.DataFrame(
        [
            {
                "aspect": measure.aspect,
                "measure": metadata[measure.indicator].label if measure.indicator in metadata else measure.indicator,
                "id": measure.indicator,
                "weight": f"{weights[measure.indicator]:.0%}",
                "transform": TRANSFORM_TEXT[measure.transform],
                "why": measure.reason,
            }
            for measure in measures
        ]
    )


def similarity_levels_table(features_by_level: Mapping[str, AreaFeatures]) -> pd.DataFrame:
    """Per level: the year compared, how many areas are compared and how many are left out for want of a figure."""
    rows = []
    for key, features in features_by_level.items():
        complete = features.features[[m.indicator for m in SIMILARITY_MEASURES]].notna().all(axis=1)
        rows.append(
            {
                "level": LEVELS[key].plural,
                "year": str(features.year),
                "areas compared": int(complete.sum()),
                "left out (a measure missing)": int((~complete).sum()),
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
        "- **Distance**: the square root of the weighted sum of squared z-score differences, with the weights "
        "below (they sum to 100%; further industry shares would split the industry-mix weight evenly).\n"
        "- **Exclusions**: the area itself is never its own neighbour; an area without a figure for a measure "
        "in that year is left out and named (its figure is never filled in as zero or an average), and an area "
        "that lacks one gets no neighbours, with the reason.\n"
        "- **Reproducible**: ties are broken by area code, and the same snapshot always gives the same "
        "neighbours and distances."
    )
