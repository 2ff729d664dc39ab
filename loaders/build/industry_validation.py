"""Check industry_gva's LAD sums against ONS's own GVA by industry for whole regions, industry by industry.

The method is the manufacturing check's (loaders/build/manufacturing_validation.py: the official LAD ->
ITL 2025 lookup, regions holding part of a split LAD left out): per industry, the share of total GVA
(current prices) summed from the local-authority tables against the share in ONS's regional tables.

- ITL1 and ITL2: Table 6 of the per-head and income components workbook splits industries differently
  from the LA tables (A and B, not AB; CA and CB, not CA-CB; CD-CE, CF and CG, or CD-CF and CG for ITL2,
  not CD-CG; CI, CJ, CK, CL; D and E) and has no division groups, so each LA industry is compared with
  the sum of the Table 6 rows it is made of (TABLE_6_PARTS); the 21 division groups are not in Table 6.
- ITL3: Table 3c has every LA industry, some split finer (52 and 53, 72-73 and 74-75 ...) and is
  compared the same way (TABLE_3C_PARTS).

The English ITL1 regions must agree within SHARE_TOLERANCE_POINTS for every industry and year, or the
build stops; the measured differences go to the manifest for the Data and methods page.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from loaders.build.industry_gva import sum_industries
from loaders.build.manufacturing_validation import ITL_TABLE_6, unsplit_membership
from loaders.sources.gva_by_industry import read_gva_by_industry
from vocabulary.industries import INDUSTRIES, TOTAL

ENGLISH_ITL1 = tuple(f"TL{letter}" for letter in "CDEFGHIJK")
# An English ITL1 region's industry share may differ from ONS's by this much (percentage points): each
# LA's £m is rounded, so a region of ~30 LAs can be ~15 £m off in a part and in the total.
SHARE_TOLERANCE_POINTS = 0.05
_SECTIONS = "FGHIJKLMNOPQRST"
# LA industry -> the codes (before the bracket) of the Table 6 rows that make it up.
TABLE_6_PARTS: dict[str, tuple[str, ...]] = {
    "Total": ("Total",),
    "A-E": ("A", "B", "CA", "CB", "CC", "CD-CE", "CF", "CD-CF", "CG", "CH", "CI", "CJ", "CK", "CL", "CM", "D", "E"),
    "AB": ("A", "B"),
    "C": ("CA", "CB", "CC", "CD-CE", "CF", "CD-CF", "CG", "CH", "CI", "CJ", "CK", "CL", "CM"),
    "CA-CB": ("CA", "CB"),
    "CC": ("CC",),
    "CD-CG": ("CD-CE", "CF", "CD-CF", "CG"),
    "CH": ("CH",),
    "CI-CL": ("CI", "CJ", "CK", "CL"),
    "CM": ("CM",),
    "DE": ("D", "E"),
    "G-T": tuple(_SECTIONS[1:]),
    **{letter: (letter,) for letter in _SECTIONS},
}
# LA industry -> Table 3c rows, where Table 3c splits it (otherwise the same code).
TABLE_3C_SPLITS: dict[str, tuple[str, ...]] = {
    "CA-CB": ("CA", "CB"),
    "CI-CL": ("CI-CJ", "CK-CL"),
    "52-53": ("52", "53"),
    "72-75": ("72-73", "74-75"),
    "94-95": ("94", "95"),
}
TABLE_3C_PARTS = {row.code: TABLE_3C_SPLITS.get(row.code, (row.code,)) for row in INDUSTRIES}


def published_by_la_industry(table: pd.DataFrame, parts: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """area_code, area_name, period, industry (LA short code), value (£m): ONS's rows summed into the LA
    tables' industries. An industry with none of its rows for an area is left out for that area."""
    code = table["industry"].str.split(" ").str[0]
    frames = []
    for industry, pieces in parts.items():
        rows = table[code.isin(pieces)]
        summed = rows.groupby(["area_code", "period"])["value"].sum(min_count=1).rename("value").reset_index()
        frames.append(summed.assign(industry=industry))
    out = pd.concat(frames, ignore_index=True)
    names = table.drop_duplicates("area_code").set_index("area_code")["area_name"]
    out["area_name"] = out["area_code"].map(names)
    return out


def share_differences(lad_current: pd.DataFrame, membership: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Per area, year and industry: our £m and share of the total (LAD sums) against ONS's, and the
    differences (points, £m). `lad_current`: industry_gva's LAD rows (area_code, period, industry,
    gva_current)."""
    rows = lad_current.rename(columns={"gva_current": "value"}).astype({"value": "float64", "period": "int64"})
    summed = sum_industries(rows[["area_code", "period", "industry", "value", "status"]], membership)
    ours = summed.rename(columns={"group_code": "area_code"})[["area_code", "period", "industry", "value"]]
    merged = ours.merge(published, on=["area_code", "period", "industry"], suffixes=("_ours", "_ons"))
    totals = merged[merged["industry"] == TOTAL.code].set_index(["area_code", "period"])
    keys = pd.MultiIndex.from_frame(merged[["area_code", "period"]])
    merged["share_ours"] = merged["value_ours"] / totals["value_ours"].reindex(keys).to_numpy() * 100
    merged["share_ons"] = merged["value_ons"] / totals["value_ons"].reindex(keys).to_numpy() * 100
    merged["share_point_difference"] = merged["share_ours"] - merged["share_ons"]
    merged["gbp_m_difference"] = merged["value_ours"] - merged["value_ons"]
    return merged.dropna(subset=["share_point_difference"])


def per_industry(checked: pd.DataFrame) -> dict:
    """Per industry: the largest |share difference| (points) and |£m difference|, and where."""
    out = {}
    order = {row.code: i for i, row in enumerate(INDUSTRIES)}
    for industry, rows in sorted(checked.groupby("industry"), key=lambda item: order[item[0]]):
        worst = rows.loc[rows["share_point_difference"].abs().idxmax()]
        out[industry] = {
            "max_abs_share_point_difference": round(float(rows["share_point_difference"].abs().max()), 4),
            "max_abs_gbp_m_difference": round(float(rows["gbp_m_difference"].abs().max()), 1),
            "worst": f"{worst['area_code']} {worst['area_name']} {int(worst['period'])}",
        }
    return out


def industry_validation(
    industry_gva: pd.DataFrame, lad_itl: pd.DataFrame, table_6: Path, itl3_table: pd.DataFrame
) -> tuple[dict, pd.DataFrame]:
    """The manifest facts (per level and industry) and the English ITL1 comparison rows (for the
    tolerance check). `itl3_table`: Table 3c, every industry (read_gva_by_industry(..., ITL3_TABLE_3C))."""
    lad = industry_gva[industry_gva["geography"] == "lad"]
    published_6 = published_by_la_industry(read_gva_by_industry(table_6, None, ITL_TABLE_6), TABLE_6_PARTS)
    published_3c = published_by_la_industry(itl3_table, TABLE_3C_PARTS)
    facts: dict = {
        "tolerance_share_points": SHARE_TOLERANCE_POINTS,
        "method": "share of total GVA (current prices) summed from LADs over the LAD->ITL 2025 lookup, "
        "against ONS Table 6 (ITL1, ITL2) and Table 3c (ITL3), industry codes summed to match",
    }
    english = pd.DataFrame()
    for level, published in (("itl1", published_6), ("itl2", published_6), ("itl3", published_3c)):
        membership, left_out = unsplit_membership(lad_itl, level)
        checked = share_differences(lad, membership, published)
        if level == "itl1":
            checked = checked[checked["area_code"].isin(ENGLISH_ITL1)]
            english = checked
        facts[f"{level}_2025"] = {
            "areas": int(checked["area_code"].nunique()),
            "years": int(checked["period"].nunique()),
            "industries": int(checked["industry"].nunique()),
            "max_abs_share_point_difference": round(float(checked["share_point_difference"].abs().max()), 4),
            "left_out_regions_with_split_lads": left_out,
            "by_industry": per_industry(checked),
        }
    facts["itl1_2025"]["scope"] = "the nine English ITL1 regions"
    return facts, english


def tolerance_problem(english: pd.DataFrame) -> str | None:
    """The worst English ITL1 share difference beyond the tolerance, in words (None if all within)."""
    worst = english.loc[english["share_point_difference"].abs().idxmax()]
    if abs(worst["share_point_difference"]) <= SHARE_TOLERANCE_POINTS:
        return None
    return (
        f"industry {worst['industry']} in {worst['area_code']} {worst['area_name']} {int(worst['period'])}: share "
        f"{worst['share_ours']:.3f}% summed from LADs vs {worst['share_ons']:.3f}% published (difference "
        f"{worst['share_point_difference']:+.3f} points, tolerance {SHARE_TOLERANCE_POINTS})"
    )
