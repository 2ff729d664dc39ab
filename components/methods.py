"""Tables for the Data and methods page, from the build manifest and indicator metadata."""

from __future__ import annotations

import pandas as pd

from components.attribution import ATTRIBUTION

VALIDATION_KEYS = {
    "itl1_gva_per_hour_smoothed": "LADs → ITL1, GVA per hour (smoothed)",
    "itl1_gva_per_job_smoothed": "LADs → ITL1, GVA per job (smoothed)",
    "cauth_gva_per_hour_unsmoothed": "LADs → combined authorities, GVA per hour (unsmoothed)",
    "cauth_gva_per_hour_smoothed": "LADs → combined authorities, GVA per hour (smoothed)",
    "cauth_gva_per_job_unsmoothed": "LADs → combined authorities, GVA per job (unsmoothed)",
    "cauth_gva_per_job_smoothed": "LADs → combined authorities, GVA per job (smoothed)",
}


ENGLISH_ITL1 = {f"TL{letter}" for letter in "CDEFGHIJK"}


def validation_table(manifest: dict, england_only: bool = True) -> pd.DataFrame:
    """One row per check and area: max |% difference| over all years and the latest year's.

    ITL1 checks are limited to the nine English regions by default: LEPs are English, and ONS's
    Northern Ireland figures do not equal the sum of its LADs (see the page note)."""
    rows = []
    for key, label in VALIDATION_KEYS.items():
        check = manifest.get("validation", {}).get(key)
        if not check:
            continue
        for code, area in check["areas"].items():
            if england_only and key.startswith("itl1") and code not in ENGLISH_ITL1:
                continue
            rows.append({
                "check": label,
                "area_code": code,
                "area": area["area_name"],
                "years": area["years"],
                "max abs difference (%)": area["max_abs_pct_difference"],
                "difference in latest year (%)": area["latest_pct_difference"],
            })
    return pd.DataFrame(rows)


def indicator_catalogue_table(metadata: dict) -> pd.DataFrame:
    return pd.DataFrame([
        {
            "id": key,
            "indicator": meta["label"],
            "unit": meta["unit"],
            "polarity": meta["polarity"].replace("_", " "),
            "basis": meta["basis"],
            "levels": ", ".join(meta["geographies"]),
            "years": f"{meta['periods'][0]}–{meta['periods'][-1]}" if meta["periods"] else "",
            "source": meta["source"],
            "released": meta["release"],
            "link": meta["source_url"],
            "caveats": " ".join(meta["caveats"]),
        }
        for key, meta in metadata.items()
    ])


def source_files_table(manifest: dict) -> pd.DataFrame:
    return pd.DataFrame(manifest["sources"])


def tidy_table_csv(table: pd.DataFrame) -> bytes:
    """The whole tidy table as CSV with the attribution as a first comment line."""
    return (f"# {ATTRIBUTION}\n" + table.to_csv(index=False)).encode("utf-8")
