"""Assemble snapshot rows from ONS Explore Local Statistics files (levelling-up indicators).

ELS publishes rates and medians, which cannot be aggregated to LEPs without their denominators,
so these indicators exist for the levels ELS publishes (LAD, region, ITL1, CA, country, UK).
Areas are classified by code (ELS labels unitary authorities "County or Unitary Authority").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.build.geography import recode_by_name
from loaders.snapshot_schema import tidy_rows
from loaders.sources.explore_local_statistics import ELS_INDICATOR_IDS, classify_area_code, read_els_csv
from vocabulary.geography import ENGLAND, UK

ELS_FILES = (
    "gross-value-added.csv",
    "employment-rate.csv",
    "gross-median-weekly-pay.csv",
    "gross-disposable-household-income-per-head.csv",
    "gigabit-capable-broadband.csv",
    "qualifications-level-3-or-above.csv",
    "modelled-unemployment.csv",
    "claimant-count.csv",
    "gdp-per-head.csv",
    "business-demography.csv",
)
ELS_METADATA = tuple(name.removesuffix(".csv") + ".json" for name in ELS_FILES)  # caveats, e.g. provisional years
# Indicators taken from ELS into the snapshot (others come from richer sources: e.g. GVA per hour
# for LADs from the ONS productivity tables, employment rates for LEPs from Nomis).
SNAPSHOT_IDS = {
    "employment_rate_16_64",
    "median_weekly_pay",
    "gdhi_per_head",
    "gigabit_coverage",
    "qualifications_l3_plus",
    "unemployment_rate",
    "claimant_rate",
    "gdp_per_head",
    "business_birth_rate",
    "business_survival_3y",
}
# ITL2/ITL3 rows in ELS use ITL 2025 codes, which our ITL2/ITL3 maps (ITL 2021) do not draw.
KEPT_LEVELS = ("uk", "country", "rgn", "itl1", "cauth", "lad")
ELS_UK_LESS_EXTRA_REGIO = "K99000002"
ELS_ENGLAND = "TLB"


def read_all_els(folder: Path) -> pd.DataFrame:
    """Every ELS file in `folder`, stacked, with our indicator id, geography level and file name."""
    frames = []
    for name in ELS_FILES:
        frame = read_els_csv(folder / name)
        frame["indicator"] = frame["indicator_label"].map(ELS_INDICATOR_IDS)
        frame["source_file"] = name
        frames.append(frame)
    stacked = pd.concat(frames, ignore_index=True)
    stacked["geography"] = stacked["area_code"].map(classify_area_code)
    return stacked


def standard_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """Recode ELS's England (TLB) to E92000001 (dropping it where the file also has E92000001), and
    its UK less Extra-Regio (K99000002) to K02000001 where an indicator has no K02000001 row of its own."""
    out = frame.copy()
    has_england = set(out.loc[out["area_code"] == ENGLAND, "indicator"])
    out = out[~((out["area_code"] == ELS_ENGLAND) & out["indicator"].isin(has_england))]
    out.loc[out["area_code"] == ELS_ENGLAND, "area_code"] = ENGLAND
    has_uk = set(out.loc[out["area_code"] == UK, "indicator"])
    swap = (out["area_code"] == ELS_UK_LESS_EXTRA_REGIO) & ~out["indicator"].isin(has_uk)
    out.loc[swap, "area_code"] = UK
    return out[out["area_code"] != ELS_UK_LESS_EXTRA_REGIO]


def lad_rows_on_2023_codes(frame: pd.DataFrame, lad_names: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """LAD rows on the statistics' 2023 LAD codes: later codes with the same name are recoded; codes
    of abolished LADs (e.g. pre-2023 Cumbria districts) are dropped and listed."""
    lads = frame[frame["geography"] == "lad"].copy()
    pairs = lads[["area_code", "area_name"]].drop_duplicates("area_code")
    known_names = set(lad_names.values())
    recodable = pairs[~pairs["area_code"].isin(lad_names) & pairs["area_name"].isin(known_names)]
    recode = recode_by_name(recodable, lad_names)
    lads["area_code"] = lads["area_code"].replace(recode)
    dropped = sorted(set(lads.loc[~lads["area_code"].isin(lad_names), "area_code"]))
    lads = lads[lads["area_code"].isin(lad_names)]
    lads["area_name"] = lads["area_code"].map(lad_names)
    return lads, dropped


def els_rows(els: pd.DataFrame, lad_names: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """Snapshot rows for SNAPSHOT_IDS plus economic_activity_rate_16_64 (100 - inactivity)."""
    els = standard_codes(els)
    lads, dropped = lad_rows_on_2023_codes(els, lad_names)
    others = els[els["geography"].isin([level for level in KEPT_LEVELS if level != "lad"])]
    kept = pd.concat([others, lads], ignore_index=True)
    rows = []
    for (indicator, geography), part in kept.groupby(["indicator", "geography"]):
        if indicator in SNAPSHOT_IDS:
            rows.append(tidy_rows(part, indicator, geography))
        elif indicator == "economic_inactivity_rate_16_64":
            active = part.assign(value=100 - part["value"], lci=100 - part["uci"], uci=100 - part["lci"])
            rows.append(tidy_rows(active, "economic_activity_rate_16_64", geography, status="derived"))
    return pd.concat(rows, ignore_index=True), {"els_lad_codes_dropped_not_in_2023_set": dropped}
