"""Check the LAD sums behind the manufacturing figures against what ONS publishes for whole regions.

ONS publishes GVA by industry for ITL1 and ITL2 regions (2025 codes: the per-head and income components
workbook, Table 6, which splits manufacturing into CA ... CM) and for ITL3 regions (Table 3c). Summing
the local-authority tables over the official LAD -> ITL lookup should reproduce them up to rounding; the
measured differences go to the manifest and the Data and methods page. The map's ITL2 regions are the
2021 ones; those whose LADs are the same in 2025 are checked directly, and the method for the others is
the same sum over the same tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from loaders.sources.gva_by_industry import MANUFACTURING, TOTAL, Layout, read_gva_by_industry
from loaders.sources.lookups import read_lookup
from metrics.aggregation import sum_members
from metrics.comparisons import percent_difference

ITL_TABLE_6 = Layout(("Table 6",), "ITL code", "Region name", "SIC07 code", "SIC07 description", "ITL")
MANUFACTURING_PARTS = re.compile(r"^C[A-M]")  # CA (10-12) ... CM (31-33); no C total in Table 6


def read_lad_itl(path: Path) -> pd.DataFrame:
    """lad_code, itl1, itl2, itl3 (2025 codes) from the official LAD (Dec 2024) -> ITL (Jan 2025) lookup."""
    columns = {"LAD24CD": "lad_code", "ITL125CD": "itl1", "ITL225CD": "itl2", "ITL325CD": "itl3"}
    return read_lookup(path, columns).astype(str)


def published_itl_manufacturing(path: Path) -> pd.DataFrame:
    """area_code, area_name, period, manufacturing, total (£m) for every area of Table 6."""
    table = read_gva_by_industry(path, None, ITL_TABLE_6)
    parts = table[table["industry"].str.match(MANUFACTURING_PARTS)]
    manufacturing = parts.groupby(["area_code", "period"])["value"].sum(min_count=1).rename("manufacturing")
    total = table[table["industry"] == TOTAL].set_index(["area_code", "period"])["value"].rename("total")
    names = table.drop_duplicates("area_code").set_index("area_code")["area_name"]
    out = pd.concat([manufacturing, total], axis=1).reset_index()
    out["area_name"] = out["area_code"].map(names)
    return out


def lad_sums(gva: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """group_code, period, manufacturing, total (£m) summed from the LA tables."""
    frames = {}
    for industry, column in ((MANUFACTURING, "manufacturing"), (TOTAL, "total")):
        rows = gva.loc[gva["industry"] == industry, ["area_code", "period", "value"]]
        frames[column] = sum_members(rows, membership).set_index(["group_code", "period"])["value"]
    return pd.DataFrame(frames).reset_index()


def compare(ours: pd.DataFrame, published: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Per area and year: % difference of our sums from ONS's for each column, and of the share."""
    merged = ours.merge(
        published, left_on=["group_code", "period"], right_on=["area_code", "period"], suffixes=("_ours", "_ons")
    )
    out = merged[["area_code", "area_name", "period"]].copy()
    for column in columns:
        out[f"{column}_pct_difference"] = percent_difference(merged[f"{column}_ours"], merged[f"{column}_ons"])
    if {"manufacturing", "total"} <= set(columns):
        share_ours = merged["manufacturing_ours"] / merged["total_ours"] * 100
        share_ons = merged["manufacturing_ons"] / merged["total_ons"] * 100
        out["share_point_difference"] = share_ours - share_ons
    return out.dropna()


def summary(table: pd.DataFrame) -> dict:
    """Largest absolute differences over every area and year, and the areas compared."""
    facts = {"areas": int(table["area_code"].nunique()), "years": int(table["period"].nunique())}
    for column in table.columns:
        if column.endswith("_difference"):
            facts[f"max_abs_{column}"] = round(float(table[column].abs().max()), 4)
    return facts


def unsplit_membership(lad_itl: pd.DataFrame, level: str) -> tuple[pd.DataFrame, list[str]]:
    """LAD -> region of one level, leaving out regions that hold part of a LAD split by LAU1 (North
    Ayrshire), which no sum of whole LADs can reproduce; returns the membership and those regions."""
    membership = lad_itl[["lad_code", level]].drop_duplicates().set_axis(["member_code", "group_code"], axis=1)
    split = sorted(set(membership.loc[membership["member_code"].duplicated(keep=False), "group_code"]))
    return membership[~membership["group_code"].isin(split)], split


def manufacturing_validation(gva: pd.DataFrame, lad_itl: pd.DataFrame, table_6: Path, itl3_gva: pd.DataFrame) -> dict:
    """LAD sums against ONS for ITL1 and ITL2 (Table 6: manufacturing, total and share) and ITL3
    (Table 3c: manufacturing). `lad_itl`: lad_code, itl1, itl2, itl3 (2025 codes, official lookup)."""
    published = published_itl_manufacturing(table_6)
    published_3c = itl3_gva[itl3_gva["industry"] == MANUFACTURING].rename(columns={"value": "manufacturing"})
    published_3c = published_3c[["area_code", "area_name", "period", "manufacturing"]]
    out = {}
    for level in ("itl1", "itl2", "itl3"):
        membership, left_out = unsplit_membership(lad_itl, level)
        ours = lad_sums(gva, membership)
        if level == "itl3":
            checked = compare(ours[["group_code", "period", "manufacturing"]], published_3c, ("manufacturing",))
        else:
            checked = compare(ours, published, ("manufacturing", "total"))
        out[f"{level}_2025"] = {**summary(checked), "left_out_regions_with_split_lads": left_out}
    return out
