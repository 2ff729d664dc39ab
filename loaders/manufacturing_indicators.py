"""Assemble manufacturing indicators from LA GVA by industry: share of GVA, location quotient and
sub-sector mix, for LADs and every group built from LADs (sums of £m, never means of shares)."""

from __future__ import annotations

import pandas as pd

from loaders.gva_by_industry import MANUFACTURING, MANUFACTURING_SUBSECTORS, TOTAL
from loaders.snapshot_schema import ENGLAND, tidy_rows
from metrics.aggregation import sum_members
from metrics.comparisons import location_quotient


def subsector_indicator_id(industry: str) -> str:
    """'CA-CB (10-15)' -> 'manufacturing_subsector_share_ca_cb'."""
    return "manufacturing_subsector_share_" + industry.split(" ")[0].lower().replace("-", "_")


def industry_totals(gva: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """£m per group, period and industry (group_code, period, industry, value, suppressed).
    A group-year is "suppressed" when any member's value was withheld by ONS."""
    frames = []
    for industry, rows in gva.groupby("industry"):
        summed = sum_members(rows[["area_code", "period", "value"]], membership)
        withheld = rows.loc[rows["status"] == "suppressed", ["area_code", "period"]]
        hit = membership.merge(withheld, left_on="member_code", right_on="area_code")[["group_code", "period"]]
        summed["suppressed"] = pd.MultiIndex.from_frame(summed[["group_code", "period"]]).isin(
            pd.MultiIndex.from_frame(hit)
        )
        frames.append(summed.assign(industry=industry))
    return pd.concat(frames, ignore_index=True)


def _share(totals: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
    """numerator / denominator * 100 per group and year, status "suppressed" where either was withheld."""
    keys = ["group_code", "period"]
    top = totals[totals["industry"] == numerator].set_index(keys)
    bottom = totals[totals["industry"] == denominator].set_index(keys)
    share = pd.DataFrame({"value": top["value"] / bottom["value"] * 100})
    share["status"] = (top["suppressed"] | bottom["suppressed"]).map({True: "suppressed", False: ""})
    return share.reset_index().rename(columns={"group_code": "area_code"})


def manufacturing_rows(
    gva: pd.DataFrame, memberships: dict[str, pd.DataFrame], names: dict[str, dict[str, str]]
) -> pd.DataFrame:
    """Rows for manufacturing_gva_share, manufacturing_gva_lq and the sub-sector shares of
    manufacturing GVA, for every level in `memberships` (LAD -> group, incl. 'lad' -> itself)."""
    england = industry_totals(gva, memberships["country"])
    england_share = _share(england[england["group_code"] == ENGLAND], MANUFACTURING, TOTAL)
    england_by_year = england_share.set_index("period")["value"]
    rows = []
    for level, membership in memberships.items():
        totals = industry_totals(gva, membership)
        share = _share(totals, MANUFACTURING, TOTAL)
        share["area_name"] = share["area_code"].map(names[level])
        status = None if level == "lad" else "derived"
        rows.append(tidy_rows(share, "manufacturing_gva_share", level, status=status))
        lq = share.assign(value=location_quotient(share["value"], share["period"].map(england_by_year)))
        rows.append(tidy_rows(lq, "manufacturing_gva_lq", level, status="derived"))
        for subsector in MANUFACTURING_SUBSECTORS:
            part = _share(totals, subsector, MANUFACTURING)
            part["area_name"] = part["area_code"].map(names[level])
            rows.append(tidy_rows(part, subsector_indicator_id(subsector), level, status=status))
    return pd.concat(rows, ignore_index=True)
