"""Employment by industry beside GVA by industry: the `employment` column of regional_data/industry_gva.parquet.

Source: Nomis BRES (Business Register and Employment Survey) employment, workplace-based, by SIC 2007
section, one CSV per year 2016-2020, for LEPs (as Nomis draws them), England and GB NUTS 2016 level 3
areas (= ITL3 of 2021 in Great Britain). BRES employment counts employees plus working owners registered
for VAT or PAYE; it leaves out most self-employed people, HM Forces and government-supported trainees.

BRES has 21 sections; the GVA tables join some (AB, DE) and have no U (extraterritorial bodies), so the
sections are summed into the GVA tables' sections (SECTION_OF_BRES) and U counts only in the total. A sum
is missing where any part is (never a zero). England excluding London is England minus London LEP (whose
area is London's). Nomis publishes BRES rounded (about two significant figures), so small sections of
small areas are rough.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from loaders.build.nomis_indicators import BRES_CSV_GLOB, LONDON_LEP, coded_bres
from loaders.sources.bres import SECTIONS as BRES_SECTIONS
from loaders.sources.bres import read_bres_csv, sic_section
from vocabulary.geography import ENGLAND, ENGLAND_EXCL_LONDON
from vocabulary.industries import SECTIONS, TOTAL

# BRES section letter -> the GVA tables' section code (U, extraterritorial bodies, has no GVA row).
SECTION_OF_BRES: dict[str, str] = {
    letter: next((row.code for row in SECTIONS if letter in row.code), "") for letter in BRES_SECTIONS if letter != "U"
}
KEYS = ["area_code", "geography", "period", "industry"]


def employment_by_industry(bres: pd.DataFrame, names: dict[str, dict[str, str]], source: Path) -> pd.DataFrame:
    """area_code, geography, period, industry (the GVA tables' section codes and Total), employment: BRES
    employment summed into the GVA sections, for LEPs, England, England excluding London and ITL3 (2021)."""
    letter = bres["industry"].map(sic_section)
    sections = bres[letter.notna()].assign(letter=letter[letter.notna()])
    sections = sections.assign(value=sections["value"].where(~sections["status"].isin(["suppressed", "unavailable"])))
    keys = ["area_type", "area_code", "area_name", "period"]
    total = _whole_sum(sections, keys, len(BRES_SECTIONS)).assign(industry=TOTAL.code)
    mapped = sections[sections["letter"].isin(list(SECTION_OF_BRES))]
    mapped = mapped.assign(industry=mapped["letter"].map(SECTION_OF_BRES))
    parts_per_section = pd.Series(list(SECTION_OF_BRES.values())).value_counts()
    by_section = _whole_sum(mapped, [*keys, "industry"], None)
    complete = by_section["parts"] == by_section["industry"].map(parts_per_section)
    by_section.loc[~complete, "value"] = np.nan
    summed = pd.concat([total, by_section.drop(columns="parts")], ignore_index=True).assign(status="")
    coded = coded_bres(summed, names, source)
    out = coded.rename(columns={"value": "employment"})[KEYS + ["employment"]]
    return pd.concat([out, _england_excluding_london(out)], ignore_index=True)


def _whole_sum(frame: pd.DataFrame, keys: list[str], parts: int | None) -> pd.DataFrame:
    """The value summed per `keys` and how many parts it has; missing where a part is (or, given `parts`,
    where fewer than that many parts are present)."""
    grouped = frame.groupby(keys, sort=False)["value"]
    out = grouped.sum(min_count=1).rename("value").to_frame()
    out["parts"] = grouped.count()
    out.loc[grouped.size() != out["parts"], "value"] = np.nan
    if parts is not None:
        out.loc[out["parts"] != parts, "value"] = np.nan
        out = out.drop(columns="parts")
    return out.reset_index()


def _england_excluding_london(rows: pd.DataFrame) -> pd.DataFrame:
    england = rows[rows["area_code"] == ENGLAND].set_index(["period", "industry"])["employment"]
    london = rows[rows["area_code"] == LONDON_LEP].set_index(["period", "industry"])["employment"]
    rest = (england - london.reindex(england.index)).rename("employment").reset_index()
    return rest.assign(area_code=ENGLAND_EXCL_LONDON, geography="benchmark")[KEYS + ["employment"]]


def read_bres_employment(folder: Path, names: dict[str, dict[str, str]]) -> tuple[pd.DataFrame, list[str]]:
    """employment_by_industry of every BRES CSV in `folder` and the files' names."""
    files = sorted(folder.glob(BRES_CSV_GLOB))
    if not files:
        raise FileNotFoundError(f"{folder}: no BRES CSV files ({BRES_CSV_GLOB})")
    bres = pd.concat([read_bres_csv(path) for path in files], ignore_index=True)
    return employment_by_industry(bres, names, folder / BRES_CSV_GLOB), [path.name for path in files]


def with_employment(table: pd.DataFrame, employment: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """industry_gva with its `employment` column (missing where BRES has none) and the build facts: which
    areas and years have it, and BRES rows with no GVA row to sit beside (left out, counted)."""
    merged = table.merge(employment, on=KEYS, how="left", validate="1:1")
    placed = employment.merge(table[KEYS], on=KEYS, how="inner")
    left_out = employment[~employment.set_index(KEYS).index.isin(placed.set_index(KEYS).index)]
    has = merged[merged["employment"].notna()]
    facts = {
        "source": f"Nomis BRES employment by SIC section ({BRES_CSV_GLOB}), workplace-based, rounded by Nomis",
        "years": [int(has["period"].min()), int(has["period"].max())] if len(has) else [],
        "areas": {level: int(n) for level, n in has.groupby("geography")["area_code"].nunique().items()},
        "bres_rows_without_gva_row": {
            "rows": int(len(left_out)),
            "areas": sorted(set(left_out["area_code"])),
        },
    }
    merged["employment"] = merged["employment"].astype("float32")
    return merged, facts
