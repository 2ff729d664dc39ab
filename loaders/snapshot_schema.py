"""The snapshot contract: columns, geography levels, statuses and benchmark codes.

Later work (pages, checks, refresh) relies on this shape, so the builder validates every table
against it before anything is written.
"""

from __future__ import annotations

import math

import pandas as pd

from vocabulary.geography import LEVELS

COLUMNS = ["indicator", "geography", "area_code", "area_name", "period", "value", "status", "lci", "uci"]
# regional_data/industry_gva.parquet (loaders/build/industry_gva.py writes it, loaders/snapshot.py reads it)
INDUSTRY_GVA_FILE = "industry_gva.parquet"
INDUSTRY_GVA_COLUMNS = [
    "area_code",
    "geography",
    "period",
    "industry",
    "gva_current",
    "gva_cvm",
    "status",
    "employment",
]
GEOGRAPHIES = tuple(LEVELS)
STATUSES = ("", "provisional", "estimated", "derived", "suppressed", "unavailable")


def tidy_rows(
    frame: pd.DataFrame,
    indicator: str,
    geography: str,
    status: str | None = None,
) -> pd.DataFrame:
    """Snapshot rows from a frame with area_code, area_name, period, value (+ optional status, lci,
    uci). `status` overrides every row's status (e.g. "derived" for values we computed); a row whose
    value is missing keeps its own status (suppressed/unavailable) or becomes "unavailable"."""
    if geography not in GEOGRAPHIES:
        raise ValueError(f"unknown geography {geography!r}")
    out = pd.DataFrame(
        {
            "indicator": indicator,
            "geography": geography,
            "area_code": frame["area_code"].astype(str).to_numpy(),
            "area_name": frame["area_name"].astype(str).to_numpy(),
            "period": frame["period"].astype(int).to_numpy(),
            "value": frame["value"].astype(float).to_numpy(),
            "status": (frame["status"].fillna("").astype(str).to_numpy() if "status" in frame else ""),
            "lci": frame["lci"].astype(float).to_numpy() if "lci" in frame else math.nan,
            "uci": frame["uci"].astype(float).to_numpy() if "uci" in frame else math.nan,
        }
    )
    if status is not None:
        out.loc[out["value"].notna(), "status"] = status
    missing = out["value"].isna() & ~out["status"].isin(["suppressed", "unavailable"])
    out.loc[missing, "status"] = "unavailable"
    return out


def validate_snapshot(table: pd.DataFrame) -> list[str]:
    """Problems with a candidate indicator table (empty list = valid)."""
    problems = []
    if list(table.columns) != COLUMNS:
        problems.append(f"columns {list(table.columns)} != {COLUMNS}")
        return problems
    if bad := set(table["geography"]) - set(GEOGRAPHIES):
        problems.append(f"unknown geographies {sorted(bad)}")
    if bad := set(table["status"]) - set(STATUSES):
        problems.append(f"unknown statuses {sorted(bad)}")
    dupes = table.duplicated(["indicator", "geography", "area_code", "period"]).sum()
    if dupes:
        problems.append(f"{dupes} duplicate (indicator, geography, area_code, period) rows")
    zero_suppressed = table[(table["status"] == "suppressed") & table["value"].notna()]
    if len(zero_suppressed):
        problems.append(f"{len(zero_suppressed)} suppressed rows carry a value")
    no_status = table[table["value"].isna() & ~table["status"].isin(["suppressed", "unavailable"])]
    if len(no_status):
        problems.append(f"{len(no_status)} missing values without a suppressed/unavailable status")
    if table["area_code"].eq("").any() or table["area_name"].eq("").any():
        problems.append("empty area codes or names")
    return problems
