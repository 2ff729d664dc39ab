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
from vocabulary.geography import ENGLAND, LEVELS, UK

MAX_MEMBERS = 60
PROVISIONAL = "provisional"
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
    """How a group's value is built: numerator / denominator * scale (optionally smoothed), or, for an
    index or a location quotient, another grouped indicator over a reference area's value."""

    numerator: str
    denominator: str | None
    scale: float = 1.0
    smoothing: EndWeights | None = None
    lad_based: bool = True  # parts exist per LAD, so sum over the union of member LADs
    relative_to: str | None = None  # index (UK = 100) or quotient (reference = 1) of this grouped indicator


INDEX = "index"
QUOTIENT = "quotient"
RECIPES: dict[str, Recipe] = {
    "gva_per_hour": Recipe("gva_current_prices", "hours_worked_weekly", 1e6 / 52, PER_HOUR),
    "gva_per_hour_unsmoothed": Recipe("gva_current_prices", "hours_worked_weekly", 1e6 / 52),
    "gva_per_job": Recipe("gva_current_prices", "filled_jobs", 1e6, PER_JOB),
    "gva_per_hour_index": Recipe("gva_per_hour", None, 100, relative_to=INDEX),
    "gva_per_job_index": Recipe("gva_per_job", None, 100, relative_to=INDEX),
    "gva_current_prices": Recipe("gva_current_prices", None),
    "hours_worked_weekly": Recipe("hours_worked_weekly", None),
    "filled_jobs": Recipe("filled_jobs", None),
    "population": Recipe("population", None),
    "gdp_current_prices": Recipe("gdp_current_prices", None),
    "gdp_per_head": Recipe("gdp_current_prices", "population", 1e6),
    "manufacturing_gva_current_prices": Recipe("manufacturing_gva_current_prices", None),
    "manufacturing_gva_share": Recipe("manufacturing_gva_current_prices", "gva_current_prices", 100),
    "manufacturing_gva_lq": Recipe("manufacturing_gva_share", None, relative_to=QUOTIENT),
    "employment_rate_16_64": Recipe("employment_16_64", "population_16_64", 100, lad_based=False),
    "economic_activity_rate_16_64": Recipe("economically_active_16_64", "population_16_64", 100, lad_based=False),
    "population_16_64": Recipe("population_16_64", None, lad_based=False),
    "employment_16_64": Recipe("employment_16_64", None, lad_based=False),
    "economically_active_16_64": Recipe("economically_active_16_64", None, lad_based=False),
    # BRES is published for LEPs and ITL3 regions, not districts: summed over the group's own areas
    "manufacturing_employment": Recipe("manufacturing_employment", None, lad_based=False),
    "employment_bres": Recipe("employment_bres", None, lad_based=False),
    "manufacturing_employment_share": Recipe("manufacturing_employment", "employment_bres", 100, lad_based=False),
    "manufacturing_employment_lq": Recipe("manufacturing_employment_share", None, relative_to=QUOTIENT),
    # UK Business Counts for districts follow the 2021 LADs (none for the 2023 successors), so counts are
    # summed over the published areas of the group's own level
    **{
        f"manufacturing_enterprises{band}": Recipe(f"manufacturing_enterprises{band}", None, lad_based=False)
        for band in ("", "_micro", "_small", "_medium", "_large")
    },
}
NOT_ADDITIVE = (
    "it is a rate, median or share whose additive parts are not in the snapshot, so it cannot be "
    "summed over a group (averaging the areas' values would be wrong)"
)


class GroupError(ValueError):
    """A group cannot be valued for an indicator; the message says why in plain words (no indicator ids)."""


def member_lads(areas: pd.DataFrame, group: AreaGroup) -> set[str]:
    """The LADs (2023 set) making up the group's areas."""
    lads = areas[areas["geography"] == "lad"]
    if group.level == "lad":
        return set(group.members)
    column = LAD_PARENT_COLUMNS.get(group.level)
    if column is None:
        raise GroupError(f"groups of {group.level.upper()} areas cannot be built from local authorities")
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


def reference_series(indicator: str, code: str, rows_of: Callable[[str, str | None], pd.DataFrame]) -> pd.Series:
    """Yearly values of one published or derived area (e.g. England's manufacturing share)."""
    rows = rows_of(indicator, None)
    rows = rows[(rows["area_code"] == code) & rows["value"].notna()]
    return rows.drop_duplicates("period").set_index("period")["value"].astype(float).sort_index()


def group_series(
    group: AreaGroup,
    indicator: str,
    rows_of: Callable[[str, str | None], pd.DataFrame],
    areas: pd.DataFrame,
    reference: str = ENGLAND,
) -> pd.Series:
    """Yearly values (index = year) of `indicator` for the group. `rows_of(indicator, level)` returns
    snapshot rows. A location quotient is against `reference` (an area code, England by default); an
    index is against the UK. Raises GroupError when the indicator cannot be built from additive parts."""
    if not group.members:
        raise GroupError("the group has no areas")
    recipe = RECIPES.get(indicator)
    if recipe is None:
        raise GroupError(NOT_ADDITIVE)
    if recipe.relative_to is not None:
        own = group_series(group, recipe.numerator, rows_of, areas)
        base = reference_series(recipe.numerator, UK if recipe.relative_to == INDEX else reference, rows_of)
        series = (own / base.reindex(own.index) * recipe.scale).dropna()
        if series.empty:
            raise GroupError("the reference area has no value in any year the group has one")
        return series.rename(group.name)
    level, codes = _part_codes(group, recipe, areas)
    parts = [rows_of(part, level) for part in filter(None, (recipe.numerator, recipe.denominator))]
    if any(rows.empty for rows in parts):
        raise GroupError(f"the parts it is built from are not in the snapshot for {LEVELS[level].plural}")
    top = _summed(parts[0], codes)
    series = top if recipe.denominator is None else (top / _summed(parts[1], codes) * recipe.scale).dropna()
    if series.empty:
        lacking = sorted(set(codes) - set(parts[0].loc[parts[0]["value"].notna(), "area_code"]))
        names = dict(zip(areas["area_code"], areas["area_name"], strict=False))
        which = ", ".join(names.get(code, code) for code in lacking[:5]) or "some of its areas"
        raise GroupError(f"the parts it is built from are missing for {which} in every year")
    if recipe.smoothing is not None:
        years = series.index.to_numpy()
        if len(series) < 5 or (years[1:] - years[:-1] != 1).any():
            raise GroupError("smoothing needs at least five consecutive years of data")
        series = ons_smooth(series, recipe.smoothing)
    return series.rename(group.name)


def _part_codes(group: AreaGroup, recipe: Recipe, areas: pd.DataFrame) -> tuple[str, set[str]]:
    """The level and area codes whose parts are summed: the union of member LADs, or the members."""
    if recipe.lad_based:
        return "lad", member_lads(areas, group)
    overlap = overlapping_members(areas, group)
    if overlap:
        raise GroupError(f"these LEPs share {', '.join(overlap)}, whose residents would be counted twice")
    return group.level, set(group.members)


def provisional_years(
    group: AreaGroup,
    indicator: str,
    rows_of: Callable[[str, str | None], pd.DataFrame],
    areas: pd.DataFrame,
    reference: str = ENGLAND,
) -> set[int]:
    """Years in which any part of the group's value (or the reference it is divided by) is provisional."""
    recipe = RECIPES.get(indicator)
    if recipe is None or not group.members:
        return set()
    if recipe.relative_to is not None:
        base = UK if recipe.relative_to == INDEX else reference
        rows = rows_of(recipe.numerator, None)
        own = set(rows.loc[(rows["area_code"] == base) & (rows["status"] == PROVISIONAL), "period"].astype(int))
        return own | provisional_years(group, recipe.numerator, rows_of, areas)
    try:
        level, codes = _part_codes(group, recipe, areas)
    except GroupError:
        return set()
    years: set[int] = set()
    for part in filter(None, (recipe.numerator, recipe.denominator)):
        rows = rows_of(part, level)
        hit = rows["area_code"].isin(codes) & (rows["status"] == PROVISIONAL)
        years |= set(rows.loc[hit, "period"].astype(int))
    return years
