"""Which figures the sources mark provisional, read from the sources' own words, and the snapshot
rows that carry them (status "provisional").

- ONS regional accounts workbooks (GVA by industry and GDP for local authorities, April 2025): the
  Information sheet says "The latest year's data are provisional", so the latest year of their tables.
- Explore Local Statistics metadata (the JSON beside each CSV): caveats such as "2023 data are
  provisional", "Figures for 2023 are provisional" or "For Great Britain data, 2025 estimates are
  provisional".
- ASHE tables of a provisional edition: ONS names the files "PROV - ..." (the workbooks do not say it
  in their cells; see loaders/sources/ashe.py), so every value of the edition's year.

A value computed here from a provisional figure (a LEP's GVA, a group's share) is provisional too;
"provisional" then takes the place of "derived", because it is the status a reader must not miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.errors import SourceFormatError
from loaders.sources.els_metadata import read_els_metadata
from loaders.sources.excel import read_grid
from loaders.sources.explore_local_statistics import ELS_INDICATOR_IDS, els_indicator_labels

PROVISIONAL = "provisional"
REPLACEABLE = ("", "derived")  # a suppressed, unavailable or estimated row keeps its status
LATEST_YEAR_PROVISIONAL = re.compile(r"latest year'?s data are provisional", re.IGNORECASE)
YEAR_PROVISIONAL = (
    re.compile(r"\b((?:19|20)\d{2}) (?:data|estimates|figures) are provisional", re.IGNORECASE),
    re.compile(r"\bfigures for ((?:19|20)\d{2}) are provisional", re.IGNORECASE),
)
GREAT_BRITAIN_ONLY = re.compile(r"for great britain data,[^.]*provisional", re.IGNORECASE)


@dataclass(frozen=True)
class ProvisionalRule:
    """Rows of `indicator` in `year` that are provisional, optionally only at some levels or statuses."""

    indicator: str
    year: int
    source: str  # the words of the source that say so, for the manifest and the methods page
    geographies: tuple[str, ...] | None = None
    statuses: tuple[str, ...] = REPLACEABLE
    great_britain_only: bool = False


def workbook_latest_year_provisional(path: Path, sheet: str = "Information") -> bool:
    """Whether a regional accounts workbook's Information sheet says its latest year is provisional."""
    grid = read_grid(path, sheet)
    return any(isinstance(cell, str) and LATEST_YEAR_PROVISIONAL.search(cell) for cell in grid.to_numpy().ravel())


def els_provisional_years(json_path: Path) -> dict[str, tuple[int, bool]]:
    """Indicator id -> (year ELS calls provisional, whether only Great Britain's figures are), from the
    caveats of one Explore Local Statistics metadata file."""
    metadata = read_els_metadata(json_path)
    out: dict[str, tuple[int, bool]] = {}
    for label, meta in metadata["indicators"].items():
        text = " ".join(str(part) for part in (metadata.get("caveats"), meta.get("caveats")) if part)
        years = [int(match) for pattern in YEAR_PROVISIONAL for match in pattern.findall(text)]
        indicator = ELS_INDICATOR_IDS.get(label)
        if indicator is None and len(metadata["indicators"]) == 1:  # a flat file may word its label differently
            csv_labels = els_indicator_labels(json_path.with_suffix(".csv"))
            indicator = ELS_INDICATOR_IDS.get(csv_labels[0]) if len(csv_labels) == 1 else None
        if years and indicator:
            out[indicator] = (max(years), bool(GREAT_BRITAIN_ONLY.search(text)))
    return out


def mark_provisional(table: pd.DataFrame, rules: list[ProvisionalRule]) -> tuple[pd.DataFrame, dict]:
    """The table with status "provisional" on the rows the rules cover (values only: a missing value
    keeps its suppressed/unavailable status), and per indicator the year, source words and row count."""
    out = table.copy()
    facts: dict[str, dict] = {}
    for rule in rules:
        mask = (out["indicator"] == rule.indicator) & (out["period"] == rule.year) & out["value"].notna()
        mask &= out["status"].isin(rule.statuses)
        if rule.geographies is not None:
            mask &= out["geography"].isin(rule.geographies)
        if rule.great_britain_only:
            mask &= ~out["area_code"].str.startswith("N")
        out.loc[mask, "status"] = PROVISIONAL
        entry = facts.setdefault(rule.indicator, {"year": rule.year, "source": rule.source, "rows": 0})
        entry["rows"] += int(mask.sum())
    return out, {key: entry for key, entry in sorted(facts.items()) if entry["rows"]}


LATEST_YEAR_WORDS = 'ONS: "The latest year\'s data are provisional" ({workbook}, Information sheet)'
# Indicators built from the GVA-by-industry workbooks' Table 3 (every level: LAD values are published,
# the others summed here) and, for productivity, only the rows computed here from that GVA (ONS's own
# productivity tables mark no year provisional, so their published rows are left as published).
GVA_TABLE_INDICATORS = (
    "gva_current_prices",
    "manufacturing_gva_current_prices",
    "manufacturing_gva_share",
    "manufacturing_gva_lq",
    *(f"manufacturing_subsector_share_{code}" for code in ("ca_cb", "cc", "cd_cg", "ch", "ci_cl", "cm")),
)
GVA_DERIVED_PRODUCTIVITY = {
    "gva_per_hour": None,
    "gva_per_job": None,
    "gva_per_hour_unsmoothed": None,
    # the ITL1 and England indices are ONS's published £ over the UK's, not computed from LA GVA
    "gva_per_hour_index": ("lep", "benchmark", "cauth"),
    "gva_per_job_index": ("lep", "benchmark", "cauth"),
}
GDP_TABLE_INDICATORS = ("population", "gdp_current_prices")


def regional_accounts_rules(gva_latest: int | None, gdp_latest: int | None) -> list[ProvisionalRule]:
    """Rules for the figures built from the regional accounts workbooks whose latest year is provisional
    (`*_latest` is None when the workbook does not say so)."""
    rules = []
    if gva_latest is not None:
        words = LATEST_YEAR_WORDS.format(workbook="GVA by industry, local authorities")
        rules += [ProvisionalRule(indicator, gva_latest, words) for indicator in GVA_TABLE_INDICATORS]
        rules += [
            ProvisionalRule(indicator, gva_latest, words, geographies, statuses=("derived",))
            for indicator, geographies in GVA_DERIVED_PRODUCTIVITY.items()
        ]
    if gdp_latest is not None:
        words = LATEST_YEAR_WORDS.format(workbook="GDP, local authorities")
        rules += [ProvisionalRule(indicator, gdp_latest, words) for indicator in GDP_TABLE_INDICATORS]
        rules.append(ProvisionalRule("gdp_per_head", gdp_latest, words, ("lep", "benchmark"), ("derived",)))
    return rules


def els_rules(json_paths: list[Path]) -> list[ProvisionalRule]:
    """Rules from the caveats of the Explore Local Statistics metadata files."""
    rules = []
    for path in json_paths:
        for indicator, (year, gb_only) in els_provisional_years(path).items():
            words = f"Explore Local Statistics ({path.name}): {year} figures are provisional" + (
                " (Great Britain)" if gb_only else ""
            )
            rules.append(ProvisionalRule(indicator, year, words, great_britain_only=gb_only))
    return rules


def ashe_edition_rule(indicator: str, year: int, edition: str) -> ProvisionalRule | None:
    """Every value of an ASHE table whose edition is provisional (e.g. "2024 provisional")."""
    if PROVISIONAL not in edition.lower():
        return None
    return ProvisionalRule(indicator, year, f'{edition} (ONS names the files "PROV - ...")')


def provisional_rules(
    gva_workbooks: list[Path],
    gdp_workbook: Path,
    gva: pd.DataFrame,
    gdp: pd.DataFrame,
    els_metadata: list[Path],
    ashe: tuple[str, pd.DataFrame, str],
) -> list[ProvisionalRule]:
    """Every rule the build applies. The GVA workbooks must agree (all say it, or none does), because a
    LEP's GVA sums districts from several of them; `ashe` is (indicator, parsed table, edition)."""
    says = {path.name: workbook_latest_year_provisional(path) for path in gva_workbooks}
    if len(set(says.values())) > 1:
        disagree = ", ".join(name for name, flag in says.items() if not flag)
        raise SourceFormatError(
            gva_workbooks[0].parent, f"only some workbooks call their latest year provisional (not: {disagree})"
        )
    gva_latest = int(gva["period"].max()) if any(says.values()) else None
    gdp_latest = int(gdp["period"].max()) if workbook_latest_year_provisional(gdp_workbook) else None
    rules = regional_accounts_rules(gva_latest, gdp_latest) + els_rules(els_metadata)
    indicator, table, edition = ashe
    ashe_rule = ashe_edition_rule(indicator, int(table["period"].max()), edition)
    return rules + ([ashe_rule] if ashe_rule else [])
