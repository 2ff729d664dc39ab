"""User-defined groups of areas (e.g. the five North West LEPs), valued from additive parts.

A group's GVA per hour is the sum of its LADs' GVA over the sum of their hours (then smoothed with
ONS's filter, like the headline series); its employment rate is the sum of employed residents over
the sum of residents aged 16-64. Ratios are never averaged. LAD-based parts are summed over the
union of the member areas' LADs, so LEPs that share a district do not count it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from metrics.smoothing import PER_HOUR, PER_JOB, EndWeights, ons_smooth

MAX_MEMBERS = 60
LAD_PARENT_COLUMNS = {"lep": "parent_leps", "itl1": "parent_itl1", "rgn": "parent_rgn", "cauth": "parent_cauth"}


@dataclass(frozen=True)
class AreaGroup:
    name: str
    level: str
    members: tuple[str, ...]

    @property
    def code(self) -> str:
        return f"group:{self.name}"


@dataclass(frozen=True)
class Recipe:
    """How a group's value is built: numerator / denominator * scale, optionally smoothed."""

    numerator: str
    denominator: str | None
    scale: float = 1.0
    smoothing: EndWeights | None = None
    lad_based: bool = True  # parts exist per LAD, so sum over the union of member LADs


RECIPES: dict[str, Recipe] = {
    "gva_per_hour": Recipe("gva_current_prices", "hours_worked_weekly", 1e6 / 52, PER_HOUR),
    "gva_per_hour_unsmoothed": Recipe("gva_current_prices", "hours_worked_weekly", 1e6 / 52),
    "gva_per_job": Recipe("gva_current_prices", "filled_jobs", 1e6, PER_JOB),
    "gva_current_prices": Recipe("gva_current_prices", None),
    "hours_worked_weekly": Recipe("hours_worked_weekly", None),
    "filled_jobs": Recipe("filled_jobs", None),
    "population": Recipe("population", None),
    "employment_rate_16_64": Recipe("employment_16_64", "population_16_64", 100, lad_based=False),
    "economic_activity_rate_16_64": Recipe("economically_active_16_64", "population_16_64", 100, lad_based=False),
    "population_16_64": Recipe("population_16_64", None, lad_based=False),
    "employment_16_64": Recipe("employment_16_64", None, lad_based=False),
}


class GroupError(ValueError):
    """A group cannot be valued for an indicator; the message says why in plain words."""


def member_lads(areas: pd.DataFrame, group: AreaGroup) -> set[str]:
    """The LADs (2023 set) making up the group's areas."""
    lads = areas[areas["geography"] == "lad"]
    if group.level == "lad":
        return set(group.members)
    column = LAD_PARENT_COLUMNS.get(group.level)
    if column is None:
        raise GroupError(f"groups of {group.level} areas cannot be built from local authorities")
    members = set(group.members)
    parents = lads[column].fillna("").str.split(";")
    return set(lads.loc[parents.map(lambda codes: bool(members.intersection(codes))), "area_code"])


def overlapping_members(areas: pd.DataFrame, group: AreaGroup) -> list[str]:
    """LADs that sit in more than one member LEP (only LEPs overlap)."""
    if group.level != "lep":
        return []
    lads = areas[areas["geography"] == "lad"]
    members = set(group.members)
    shared = lads[lads["parent_leps"].fillna("").str.split(";").map(lambda codes: len(members.intersection(codes)) > 1)]
    return sorted(shared["area_name"])


def _summed(rows: pd.DataFrame, codes: set[str]) -> pd.Series:
    """Sum of the codes' values per year; a year with any code missing is left out."""
    chosen = rows[rows["area_code"].isin(codes)]
    counts = chosen.groupby("period")["value"].count()
    total = chosen.groupby("period")["value"].sum()
    return total[counts == len(codes)]


def group_series(
    group: AreaGroup, indicator: str, rows_of: Callable[[str, str], pd.DataFrame], areas: pd.DataFrame
) -> pd.Series:
    """Yearly values (index = year) of `indicator` for the group. `rows_of(indicator, level)` returns
    snapshot rows. Raises GroupError when the indicator cannot be built from additive parts."""
    if not group.members:
        raise GroupError("the group has no areas")
    recipe = RECIPES.get(indicator)
    if recipe is None:
        raise GroupError(f"{indicator} is a rate or median without published parts, so it cannot be summed "
                         "over a group")
    if recipe.lad_based:
        level, codes = "lad", member_lads(areas, group)
    else:
        overlap = overlapping_members(areas, group)
        if overlap:
            raise GroupError(f"these LEPs share {', '.join(overlap)}, whose residents would be counted twice")
        level, codes = group.level, set(group.members)
    top = _summed(rows_of(recipe.numerator, level), codes)
    if recipe.denominator is None:
        series = top
    else:
        bottom = _summed(rows_of(recipe.denominator, level), codes)
        series = (top / bottom * recipe.scale).dropna()
    if series.empty:
        raise GroupError(f"the group's areas have no complete {indicator} parts for any year")
    if recipe.smoothing is not None:
        years = series.index.to_numpy()
        if len(series) < 5 or (years[1:] - years[:-1] != 1).any():
            raise GroupError("smoothing needs at least five consecutive years of data")
        series = ons_smooth(series, recipe.smoothing)
    return series.rename(group.name)
