"""Assemble manufacturing indicators from LA GVA by industry: manufacturing GVA (£m, the additive part
that user-defined groups are summed from), share of GVA, location quotient and sub-sector mix, for LADs
and every group built from LADs (sums of £m, never means of shares)."""

from __future__ import annotations

import pandas as pd

from loaders.snapshot_schema import tidy_rows
from loaders.sources.gva_by_industry import ITL3_SUBSECTORS, MANUFACTURING, MANUFACTURING_SUBSECTORS, TOTAL
from metrics.aggregation import sum_members
from metrics.comparisons import location_quotient
from vocabulary.geography import ENGLAND, ENGLAND_EXCL_LONDON, LONDON_ITL1, UK

ENGLISH_ITL1 = tuple(f"TL{letter}" for letter in "CDEFGHIJK")


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


def _level_amount(totals: pd.DataFrame, industry: str) -> pd.DataFrame:
    """£m of one industry per group and year (area_code, period, value, status); withheld = suppressed."""
    rows = totals[totals["industry"] == industry].rename(columns={"group_code": "area_code"})
    suppressed = rows["suppressed"].to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "area_code": rows["area_code"].to_numpy(),
            "period": rows["period"].to_numpy(),
            "value": rows["value"].where(~suppressed).to_numpy(),
            "status": ["suppressed" if hit else "" for hit in suppressed],
        }
    )


def _share(totals: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
    """numerator / denominator * 100 per group and year, status "suppressed" where either was withheld."""
    keys = ["group_code", "period"]
    top = totals[totals["industry"] == numerator].set_index(keys)
    bottom = totals[totals["industry"] == denominator].set_index(keys)
    share = pd.DataFrame({"value": top["value"] / bottom["value"] * 100})
    share["status"] = (top["suppressed"] | bottom["suppressed"]).map({True: "suppressed", False: ""})
    return share.reset_index().rename(columns={"group_code": "area_code"})


def itl3_memberships(itl3_codes: set[str]) -> dict[str, pd.DataFrame]:
    """ITL3 (2025) -> England, UK, England excluding London and ITL1, by the codes' ITL1 prefix."""
    codes = sorted(itl3_codes)
    english = [c for c in codes if c[:3] in ENGLISH_ITL1]

    def frame(members: list[str], groups: list[str] | str) -> pd.DataFrame:
        return pd.DataFrame({"member_code": members, "group_code": groups})

    return {
        "country": frame(english, ENGLAND),
        "uk": frame(codes, UK),
        "benchmark": frame([c for c in english if c[:3] != LONDON_ITL1], ENGLAND_EXCL_LONDON),
        "itl1": frame(codes, [c[:3] for c in codes]),
    }


def subsector_rows_from_itl3(itl3_gva: pd.DataFrame, names: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Sub-sector shares of manufacturing for England, the UK, England excluding London and the ITL1
    regions from ONS Table 3c, where no sub-sector is withheld (the LA tables withhold some, e.g. for
    Cornwall, which would leave every total above them unknown)."""
    parts = []
    for grouping, pieces in ITL3_SUBSECTORS.items():
        rows = itl3_gva[itl3_gva["industry"].isin(pieces)]
        grouped = rows.groupby(["area_code", "period"])
        complete = grouped["value"].count() == len(pieces)
        summed = pd.DataFrame(
            {
                "value": grouped["value"].sum().where(complete),
                "status": grouped["status"].agg(lambda s: "suppressed" if (s == "suppressed").any() else ""),
            }
        ).reset_index()
        parts.append(summed.assign(industry=grouping))
    manufacturing = itl3_gva[itl3_gva["industry"] == MANUFACTURING][["area_code", "period", "value", "status"]]
    frame = pd.concat([*parts, manufacturing.assign(industry=MANUFACTURING)], ignore_index=True)
    out = []
    for level, membership in itl3_memberships(set(itl3_gva["area_code"])).items():
        totals = industry_totals(frame, membership)
        for subsector in MANUFACTURING_SUBSECTORS:
            part = _share(totals, subsector, MANUFACTURING)
            part["area_name"] = part["area_code"].map(names[level])
            out.append(tidy_rows(part, subsector_indicator_id(subsector), level, status="derived"))
    return pd.concat(out, ignore_index=True)


def manufacturing_rows(
    gva: pd.DataFrame,
    memberships: dict[str, pd.DataFrame],
    names: dict[str, dict[str, str]],
    itl3_gva: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows for manufacturing_gva_current_prices, _share, _lq and the sub-sector shares of
    manufacturing GVA, for every level in `memberships` (LAD -> group, incl. 'lad' -> itself).
    With `itl3_gva` (Table 3c), the sub-sector mix of England, the UK, England excluding London and
    the ITL1 regions comes from the ITL3 table instead of LA sums."""
    from_itl3 = set(itl3_memberships(set()).keys()) if itl3_gva is not None else set()
    england = industry_totals(gva, memberships["country"])
    england_share = _share(england[england["group_code"] == ENGLAND], MANUFACTURING, TOTAL)
    england_by_year = england_share.set_index("period")["value"]
    rows = []
    for level, membership in memberships.items():
        totals = industry_totals(gva, membership)
        amount = _level_amount(totals, MANUFACTURING)
        amount["area_name"] = amount["area_code"].map(names[level])
        status = None if level == "lad" else "derived"
        rows.append(tidy_rows(amount, "manufacturing_gva_current_prices", level, status=status))
        share = _share(totals, MANUFACTURING, TOTAL)
        share["area_name"] = share["area_code"].map(names[level])
        rows.append(tidy_rows(share, "manufacturing_gva_share", level, status=status))
        lq = share.assign(value=location_quotient(share["value"], share["period"].map(england_by_year)))
        rows.append(tidy_rows(lq, "manufacturing_gva_lq", level, status="derived"))
        if level in from_itl3:
            continue
        for subsector in MANUFACTURING_SUBSECTORS:
            part = _share(totals, subsector, MANUFACTURING)
            part["area_name"] = part["area_code"].map(names[level])
            rows.append(tidy_rows(part, subsector_indicator_id(subsector), level, status=status))
    if itl3_gva is not None:
        rows.append(subsector_rows_from_itl3(itl3_gva, names))
    return pd.concat(rows, ignore_index=True)
