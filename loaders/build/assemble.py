"""Parse every official file and assemble the snapshot's indicator table (used by loaders.build).

Besides the table it returns the build facts for the manifest (validation against ONS's published
figures, lookups recoded, areas dropped) and the provenance of every indicator x geography: the source
files its rows were made from, so that a loss or a failed check can name them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from loaders.build.derived_memberships import successors_fact
from loaders.build.els_indicators import ELS_METADATA, els_rows, read_all_els
from loaders.build.geography import LAD_ITL_LOOKUP, Geography, load_geography
from loaders.build.industry_employment import read_bres_employment, with_employment
from loaders.build.industry_gva import (
    FILE_CODES,
    PUBLISHED_NOTE,
    fill_withheld_from_itl3,
    industry_gva_facts,
    industry_gva_table,
    read_cvm,
)
from loaders.build.industry_validation import (
    TABLE_3C_PARTS,
    industry_validation,
    published_by_la_industry,
    tolerance_problem,
)
from loaders.build.manufacturing_indicators import manufacturing_rows
from loaders.build.manufacturing_validation import manufacturing_validation, read_lad_itl
from loaders.build.nomis_indicators import nomis_file_of, nomis_rows
from loaders.build.pay_indicators import workplace_pay_rows
from loaders.build.population_indicators import gdp_per_head_rows, population_rows
from loaders.build.productivity_indicators import component_rows, productivity_rows
from loaders.build.provisional import mark_provisional, provisional_rules
from loaders.build.snapshot_losses import Provenance
from loaders.build.source_files import (
    ASHE_T7_WEEKLY,
    EDITIONS,
    ELS_DIR,
    GDP_LA,
    GVA_ITL3,
    GVA_ITL_TABLE_6,
    GVA_LA_DIR,
    NOMIS_DIR,
    PRODUCTIVITY_CA,
    PRODUCTIVITY_ITL,
    PRODUCTIVITY_LAD,
)
from loaders.snapshot_schema import COLUMNS, validate_snapshot
from loaders.sources.ashe import read_ashe_table
from loaders.sources.gdp_local_authorities import read_gdp_la_table
from loaders.sources.gva_by_industry import (
    ITL3_SUBSECTORS,
    ITL3_TABLE_3C,
    MANUFACTURING,
    MANUFACTURING_SUBSECTORS,
    TOTAL,
    read_gva_by_industry,
)
from loaders.sources.productivity import read_productivity_workbook

VALIDATION_LIMIT_PCT = 0.1  # an English LAD->ITL1 aggregation difference above this fails the build
ENGLISH_ITL1 = tuple(f"TL{letter}" for letter in "CDEFGHIJK")
GVA_WORKBOOKS = f"{GVA_LA_DIR}/*.xlsx"
ELS_GVA = f"{ELS_DIR}/gross-value-added.csv"


class BuildError(RuntimeError):
    """The snapshot could not be built; the message says what failed and where."""


class Assembled(NamedTuple):
    """What assemble() hands to the writer."""

    table: pd.DataFrame  # regional_data/indicators.parquet
    geography: Geography
    facts: dict  # build facts for the manifest
    provenance: Provenance  # the source files of each indicator and geography
    industry_gva: pd.DataFrame  # regional_data/industry_gva.parquet


def validation_summary(table: pd.DataFrame) -> dict:
    """Per-area max |%| difference and the latest year's difference, plus the overall max."""
    per_area = {}
    for code, rows in table.groupby("area_code"):
        latest = rows.loc[rows["period"].idxmax()]
        per_area[code] = {
            "area_name": rows["area_name"].iloc[0],
            "max_abs_pct_difference": round(float(rows["pct_difference"].abs().max()), 4),
            "latest_year": int(latest["period"]),
            "latest_pct_difference": round(float(latest["pct_difference"]), 4),
            "years": int(len(rows)),
        }
    return {"max_abs_pct_difference": round(float(table["pct_difference"].abs().max()), 4), "areas": per_area}


def with_official_names(table: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """One name per area: sources spell some differently ("Hartlepool UA", "Durham CC"), so rows of
    areas in the area table take its official boundary name."""
    official = areas.drop_duplicates(["area_code", "geography"]).set_index(["area_code", "geography"])["area_name"]
    keys = pd.MultiIndex.from_frame(table[["area_code", "geography"]])
    names = official.reindex(keys).to_numpy()
    out = table.copy()
    out["area_name"] = pd.Series(names, index=table.index).fillna(table["area_name"])
    return out


def _record(provenance: Provenance, rows: pd.DataFrame, files: Iterable[str]) -> pd.DataFrame:
    """Note that the (indicator, geography) pairs of `rows` come from `files`; returns `rows`."""
    files = list(files)
    for key in rows[["indicator", "geography"]].drop_duplicates().itertuples(index=False, name=None):
        found = provenance.setdefault(key, [])
        found += [file for file in files if file not in found]
    return rows


def aggregation_error(english: pd.DataFrame, gva_files: list[Path], worst: float) -> BuildError:
    """The LAD->ITL1 validation failed: say by how much, where, and which files feed that comparison."""
    row = english.loc[english["pct_difference"].abs().idxmax()]
    failing = english.loc[english["pct_difference"].abs() > VALIDATION_LIMIT_PCT, "area_code"].nunique()
    region = str(row["area_code"])
    workbook = next(
        (f"{GVA_LA_DIR}/{p.name}" for p in gva_files if f"tl{region[2:].lower()}" in p.name.lower()), GVA_WORKBOOKS
    )
    return BuildError(
        f"LAD->ITL1 aggregation differs from ONS by up to {worst:,.3f}% (limit {VALIDATION_LIMIT_PCT}%) in "
        f"{failing} of {english['area_code'].nunique()} English regions; worst {region} {row['area_name']} "
        f"{int(row['period'])}: {row['ours']:,.2f} derived vs {row['ons']:,.2f} published GBP per hour. The derived "
        f"value is GVA from {workbook} over hours from {PRODUCTIVITY_LAD}; the published one is from {ELS_GVA}: "
        "check their units and values"
    )


def assemble(source: Path, progress: Callable[[str], None]) -> Assembled:
    """Parse every source and assemble the indicator table and the GVA-by-industry table."""
    provenance: Provenance = {}
    progress("boundaries and lookups")
    geography = load_geography(source)
    facts: dict = {"cauth_lookup_recoded": geography.cauth_recoded}
    memberships, names = geography.memberships, geography.names

    progress("ONS productivity workbooks")
    lad_tables = read_productivity_workbook(source / PRODUCTIVITY_LAD)
    itl_tables = read_productivity_workbook(source / PRODUCTIVITY_ITL)
    ca_tables = read_productivity_workbook(source / PRODUCTIVITY_CA)

    progress("ONS GVA by industry (12 workbooks)")
    gva_files = sorted((source / GVA_LA_DIR).glob("*.xlsx"))
    every_industry = pd.concat([read_gva_by_industry(path, FILE_CODES) for path in gva_files], ignore_index=True)
    gva = every_industry[every_industry["industry"].isin([TOTAL, MANUFACTURING, *MANUFACTURING_SUBSECTORS])]
    gva = gva.reset_index(drop=True)
    gva_cvm, money_year = read_cvm(gva_files)
    unknown = set(gva["area_code"]) - set(names["lad"])
    if unknown:
        raise BuildError(f"{GVA_WORKBOOKS}: LA codes outside the 2023 LAD set: {', '.join(sorted(unknown)[:5])}")
    gva_total = gva.loc[gva["industry"] == TOTAL, ["area_code", "period", "value"]]

    progress("Explore Local Statistics")
    els = read_all_els(source / ELS_DIR)
    els_itl1 = els[els["indicator"].isin(["gva_per_hour", "gva_per_job"])].copy()
    els_itl1["area_code"] = els_itl1["area_code"].replace({"TLB": "E92000001"})
    els_itl1 = els_itl1.drop(columns=["measure", "source_file"]).rename(columns={"indicator": "measure"})

    progress("productivity indicators and validation")
    rows, validation = productivity_rows(
        lad_tables=lad_tables,
        itl_tables=itl_tables,
        ca_tables=ca_tables,
        els_itl1=els_itl1,
        gva_total=gva_total,
        memberships=memberships,
        names=names,
    )
    parts = [_record(provenance, rows, [PRODUCTIVITY_LAD, PRODUCTIVITY_ITL, PRODUCTIVITY_CA, GVA_WORKBOOKS, ELS_GVA])]
    facts["validation"] = {key: validation_summary(table) for key, table in validation.items()}
    english = validation["itl1_gva_per_hour_smoothed"]
    english = english[english["area_code"].isin(ENGLISH_ITL1)]
    worst = float(english["pct_difference"].abs().max())
    facts["validation"]["english_itl1_max_abs_pct_difference"] = round(worst, 4)
    if worst > VALIDATION_LIMIT_PCT:
        raise aggregation_error(english, gva_files, worst)

    levels = ("lad", "lep", "itl1", "cauth", "country", "uk", "benchmark")
    parts.append(
        _record(
            provenance,
            component_rows(gva_total, lad_tables, {k: memberships[k] for k in levels}, names),
            [GVA_WORKBOOKS, PRODUCTIVITY_LAD],
        )
    )

    progress("manufacturing indicators")
    itl3_gva = read_gva_by_industry(
        source / GVA_ITL3, [MANUFACTURING, *(p for parts in ITL3_SUBSECTORS.values() for p in parts)], ITL3_TABLE_3C
    )
    manufacturing_levels = {k: memberships[k] for k in (*levels, "rgn", "itl2")}
    parts.append(
        _record(provenance, manufacturing_rows(gva, manufacturing_levels, names, itl3_gva), [GVA_WORKBOOKS, GVA_ITL3])
    )
    facts["validation"]["manufacturing_gva"] = manufacturing_validation(
        gva, read_lad_itl(source / LAD_ITL_LOOKUP), source / GVA_ITL_TABLE_6, itl3_gva
    )
    facts["itl2_2021_membership"] = geography.itl2_facts
    facts["itl3_2021_membership"] = geography.itl3_facts
    facts["lad_2023_successors"] = successors_fact(geography.lad_successors)

    progress("Nomis APS, UBC and BRES")
    nomis, nomis_facts = nomis_rows(source / NOMIS_DIR, names, geography.lad_lep)
    for indicator, part in nomis.groupby("indicator"):
        _record(provenance, part, [f"{NOMIS_DIR}/{nomis_file_of(str(indicator))}"])
    parts.append(nomis)
    facts.update(nomis_facts)

    progress("ELS levelling-up indicators, ASHE, population")
    els_part, els_facts = els_rows(els, names["lad"])
    els_file = dict(zip(els["indicator"], els["source_file"], strict=True))
    els_file["economic_activity_rate_16_64"] = els_file.get("economic_inactivity_rate_16_64", "")
    for indicator, part in els_part.groupby("indicator"):
        _record(provenance, part, [f"{ELS_DIR}/{els_file.get(indicator, '*.csv')}"])
    parts.append(els_part)
    facts.update(els_facts)
    ashe = read_ashe_table(source / ASHE_T7_WEEKLY)
    parts.append(_record(provenance, workplace_pay_rows(ashe, set(names["lad"])), [ASHE_T7_WEEKLY]))
    population = read_gdp_la_table(source / GDP_LA, "Table 6")
    gdp = read_gdp_la_table(source / GDP_LA, "Table 5")
    parts.append(_record(provenance, population_rows(population, {k: memberships[k] for k in levels}, names), [GDP_LA]))
    parts.append(
        _record(
            provenance, population_rows(gdp, {k: memberships[k] for k in levels}, names, "gdp_current_prices"), [GDP_LA]
        )
    )
    parts.append(
        _record(
            provenance,
            gdp_per_head_rows(gdp, population, {k: memberships[k] for k in ("lep", "benchmark")}, names),
            [GDP_LA],
        )
    )

    table = pd.concat(parts, ignore_index=True)[COLUMNS]
    table = with_official_names(table, geography.areas)
    rules = provisional_rules(
        gva_files,
        source / GDP_LA,
        gva,
        gdp,
        [source / ELS_DIR / name for name in ELS_METADATA],
        ("median_weekly_pay_workplace", ashe, EDITIONS[ASHE_T7_WEEKLY]),
    )
    table, facts["provisional"] = mark_provisional(table, rules)
    table = table.sort_values(["indicator", "geography", "area_code", "period"], ignore_index=True)
    problems = validate_snapshot(table)
    if problems:
        raise BuildError("snapshot failed validation: " + "; ".join(problems))
    progress("GVA by industry for every area")
    industry_gva = industry_gva_table(every_industry, gva_cvm, {**manufacturing_levels, "itl3": memberships["itl3"]})
    gva_rule = next((rule for rule in rules if rule.indicator == "gva_current_prices"), None)
    facts["industry_gva"] = industry_gva_facts(
        industry_gva, money_year, (gva_rule.year, gva_rule.source) if gva_rule else None
    )
    itl3_every_industry = read_gva_by_industry(source / GVA_ITL3, None, ITL3_TABLE_3C)
    checks, english = industry_validation(
        industry_gva, read_lad_itl(source / LAD_ITL_LOOKUP), source / GVA_ITL_TABLE_6, itl3_every_industry
    )
    facts["validation"]["industry_shares"] = checks
    # after the check, which compares the pure LAD sums with ONS
    industry_gva, filled = fill_withheld_from_itl3(
        industry_gva, published_by_la_industry(itl3_every_industry, TABLE_3C_PARTS)
    )
    facts["industry_gva"]["withheld_filled_from_table_3c"] = {"rows": filled, "method": PUBLISHED_NOTE}
    employment, bres_files = read_bres_employment(source / NOMIS_DIR, names)
    industry_gva, facts["industry_gva"]["employment"] = with_employment(industry_gva, employment)
    problem = tolerance_problem(english)
    if problem:
        raise BuildError(
            f"GVA by industry summed from LADs ({GVA_WORKBOOKS}) differs from ONS's regional figures "
            f"({GVA_ITL_TABLE_6}, Table 6): {problem}"
        )
    return Assembled(table, geography, facts, provenance, industry_gva)
