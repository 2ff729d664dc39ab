"""Assemble snapshot rows from the Nomis extracts (APS, UK Business Counts, BRES).

Nomis labels carry names, not codes: LEP names are matched to the May 2021 LEP codes and `ladu:`
names (which follow the December 2021 LAD set) to LAD 2021 codes, then kept where the code is in the
2023 set the rest of the snapshot uses. Districts abolished in April 2023 are dropped and listed in
the manifest. APS is the only source of LEP employment and activity rates.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.snapshot_schema import tidy_rows
from loaders.sources.area_names import match_codes
from loaders.sources.bres import SECTIONS, bres_manufacturing_share, read_bres_csv, sic_section
from loaders.sources.nomis_tables import (
    aps_employment_rates,
    aps_manufacturing_employment_share,
    aps_qualifications_nvq4,
    ubc_enterprises_by_sizeband,
)
from metrics.comparisons import location_quotient
from vocabulary.geography import BENCHMARKS, ENGLAND, ENGLAND_EXCL_LONDON

APS_T01 = "nomis_aps_T01_econ_activity_16to64_england_lep_lad_2018_2022.xlsx"
APS_T19 = "nomis_aps_T19_qualifications_nvq_england_lep_lad_2017_2021.xlsx"
APS_T13A = "nomis_aps_T13a_employment_by_industry_england_lep_lad_2018_2022.xlsx"
UBC_BY_INDUSTRY = "nomis_ubc_enterprises_by_industry_sizeband_england_lep_lad_2018_2022.xlsx"
BRES_CSV_GLOB = "nomis_bres_employment_by_industry_england_lep_gb_nuts3_*.csv"
UBC_MANUFACTURING = "3 : Manufacturing (C)"
# Nomis qualifiers that keep the published number but flag it, mapped to the snapshot vocabulary.
STATUS_MAP = {"unreliable": "estimated", "partial": "estimated"}
AREA_TYPES = {"lep": "lep", "ladu": "lad", "country": "country"}
# Additive APS counts kept so that rates for groups of areas are built as sums over sums.
APS_COUNTS = ("population_16_64", "employment_16_64", "economically_active_16_64")
LONDON_LEP = "E37000051"
NOMIS_FILES = {
    "qualifications_nvq4_plus": APS_T19,
    "manufacturing_employment_share_residence": APS_T13A,
    "manufacturing_employment_share": BRES_CSV_GLOB,
    "manufacturing_employment_lq": BRES_CSV_GLOB,
}


def nomis_file_of(indicator: str) -> str:
    """The extract (in the Nomis folder) an indicator of `nomis_rows` comes from, for messages."""
    if indicator.startswith("manufacturing_enterprises"):
        return UBC_BY_INDUSTRY
    return NOMIS_FILES.get(indicator, APS_T01)


def with_codes(
    frame: pd.DataFrame, names: dict[str, dict[str, str]], source: Path, levels: tuple[str, ...]
) -> tuple[pd.DataFrame, list[str]]:
    """Add area_code/geography for Nomis rows of the given levels (lep, lad, country).

    Returns the coded rows and the names of 2021 LADs not in the 2023 set (dropped)."""
    frame = frame[frame["area_type"].map(AREA_TYPES).isin(levels)].copy()
    frame["geography"] = frame["area_type"].map(AREA_TYPES)
    references = {"lep": names["lep"], "lad": names["lad21"], "country": {ENGLAND: "England"}}
    codes = pd.Series(index=frame.index, dtype="string")
    for level, part in frame.groupby("geography"):
        matched = match_codes(part["area_name"], references[level], source=source)
        codes.loc[part.index] = part["area_name"].map(matched)
    frame["area_code"] = codes
    abolished = frame["geography"].eq("lad") & ~frame["area_code"].isin(names["lad"])
    dropped = sorted(frame.loc[abolished, "area_name"].unique())
    frame = frame[~abolished]
    frame["area_name"] = [
        names[g].get(c, n) for g, c, n in zip(frame["geography"], frame["area_code"], frame["area_name"], strict=True)
    ]
    frame["status"] = frame["status"].replace(STATUS_MAP)
    return frame, dropped


def england_excluding_london_rates(counts: pd.DataFrame) -> list[pd.DataFrame]:
    """APS counts and rates for England excluding London: England's counts minus the London LEP's
    (E37000051, the same area as the London region), then rates as sums over sums."""
    keyed = counts[counts["area_code"].isin([ENGLAND, LONDON_LEP])]
    wide = keyed.pivot_table(index=["indicator", "period"], columns="area_code", values="value")
    rest = (wide[ENGLAND] - wide[LONDON_LEP]).unstack("indicator")
    out = []
    for indicator in APS_COUNTS:
        out.append(rest[indicator])
    rates = {
        "employment_rate_16_64": rest["employment_16_64"] / rest["population_16_64"] * 100,
        "economic_activity_rate_16_64": rest["economically_active_16_64"] / rest["population_16_64"] * 100,
    }
    frames = []
    for indicator, series in [*zip(APS_COUNTS, out, strict=True), *rates.items()]:
        frame = series.dropna().rename("value").reset_index()
        frame["area_code"], frame["area_name"] = ENGLAND_EXCL_LONDON, BENCHMARKS[ENGLAND_EXCL_LONDON].name
        frames.append(tidy_rows(frame, indicator, "benchmark", status="derived"))
    return frames


def bres_counts(bres: pd.DataFrame) -> pd.DataFrame:
    """Manufacturing (section C) and all-section (A-U) employment per area and year, the additive parts of
    the BRES share, so groups of areas are valued as sums over sums (rows as bres_manufacturing_share)."""
    section = bres["industry"].map(sic_section)
    sections = bres[section.notna()].assign(section=section[section.notna()])
    keys = ["area_type", "area_code", "area_name", "period"]
    grouped = sections.groupby(keys)
    complete = grouped["value"].count() == len(SECTIONS)
    total = grouped["value"].sum().where(complete).rename("value").reset_index()
    manufacturing = sections[sections["section"] == "C"][[*keys, "value", "status"]]
    total["status"] = ""
    parts = [manufacturing.assign(indicator="manufacturing_employment"), total.assign(indicator="employment_bres")]
    out = pd.concat(parts, ignore_index=True)
    out["status"] = out["status"].where(out["value"].notna() | out["status"].isin(["suppressed"]), "unavailable")
    return out


def _rows(frame: pd.DataFrame, indicator: str, status: str | None = None) -> list[pd.DataFrame]:
    return [tidy_rows(part, indicator, geography, status=status) for geography, part in frame.groupby("geography")]


def coded_bres(frame: pd.DataFrame, names: dict[str, dict[str, str]], source: Path) -> pd.DataFrame:
    """BRES rows of LEPs and England (matched by name) and of ITL3 regions (NUTS 2016 level 3 codes)."""
    frame = frame.assign(status=frame["status"].replace(STATUS_MAP))
    coded, _ = with_codes(frame, names, source, ("lep", "country"))
    itl3 = frame[frame["area_type"] == "nuts316"].copy()
    itl3["area_code"] = "TL" + itl3["area_code"].str[2:]  # NUTS 2016 level 3 = ITL3 2021 (GB)
    itl3 = itl3[itl3["area_code"].isin(names["itl3"])].assign(geography="itl3")
    itl3["area_name"] = itl3["area_code"].map(names["itl3"])
    return pd.concat([coded, itl3], ignore_index=True)


def nomis_rows(folder: Path, names: dict[str, dict[str, str]], lad_lep: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Rows for employment/activity rates (LEPs), NVQ4+ and residence-based manufacturing employment
    share (LEP, LAD, England), manufacturing enterprises by size band (LEP, LAD, England) and BRES
    manufacturing employment share and LQ (LEP, England, ITL3)."""
    rows: list[pd.DataFrame] = []
    dropped: set[str] = set()

    t01 = aps_employment_rates(folder / APS_T01)
    rates, _ = with_codes(t01, names, folder / APS_T01, ("lep",))
    for indicator in ("employment_rate_16_64", "economic_activity_rate_16_64"):
        rows += _rows(rates[rates["indicator"] == indicator], indicator)
    counts, lost = with_codes(t01, names, folder / APS_T01, ("lep", "lad", "country"))
    dropped |= set(lost)
    for indicator in APS_COUNTS:
        rows += _rows(counts[counts["indicator"] == indicator], indicator)
    rows += england_excluding_london_rates(counts)

    for parser, file, indicator in (
        (aps_qualifications_nvq4, APS_T19, "qualifications_nvq4_plus"),
        (aps_manufacturing_employment_share, APS_T13A, "manufacturing_employment_share_residence"),
    ):
        coded, lost = with_codes(parser(folder / file), names, folder / file, ("lep", "lad", "country"))
        dropped |= set(lost)
        rows += _rows(coded, indicator)

    ubc, lost = with_codes(
        ubc_enterprises_by_sizeband(folder / UBC_BY_INDUSTRY),
        names,
        folder / UBC_BY_INDUSTRY,
        ("lep", "lad", "country"),
    )
    dropped |= set(lost)
    manufacturing = ubc[ubc["industry"] == UBC_MANUFACTURING]
    if manufacturing.empty:
        raise ValueError(f"{UBC_BY_INDUSTRY}: no '{UBC_MANUFACTURING}' block")
    for band, part in manufacturing.groupby("sizeband"):
        suffix = "" if band == "total" else f"_{band}"
        rows += _rows(part, f"manufacturing_enterprises{suffix}")

    bres_files = sorted(folder.glob(BRES_CSV_GLOB))
    if not bres_files:
        raise FileNotFoundError(f"{folder}: no BRES CSV files ({BRES_CSV_GLOB})")
    bres = pd.concat([read_bres_csv(path) for path in bres_files], ignore_index=True)
    share = bres_manufacturing_share(bres, "manufacturing_employment_share", source=str(folder / BRES_CSV_GLOB))
    shares = coded_bres(share, names, folder / BRES_CSV_GLOB)
    england = shares[shares["area_code"] == ENGLAND].set_index("period")["value"]
    rows += _rows(shares, "manufacturing_employment_share")
    counts = coded_bres(bres_counts(bres), names, folder / BRES_CSV_GLOB)
    for indicator, part in counts.groupby("indicator"):
        rows += _rows(part, str(indicator))
    lq = shares.assign(value=location_quotient(shares["value"], shares["period"].map(england)))
    rows += _rows(lq, "manufacturing_employment_lq", status="derived")

    facts = {"nomis_ladu_names_dropped_abolished_2023": sorted(dropped), "bres_files": [p.name for p in bres_files]}
    return pd.concat(rows, ignore_index=True), facts
