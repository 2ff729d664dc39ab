"""Memberships no single official lookup gives: 2023 LADs in the ITL2 and ITL3 regions of 2021 (the map's
vintage), and the 2021 districts each April 2023 unitary authority replaced.

ITL2 (2021): chained through two official lookups, LAD (Dec 2024) -> ITL3 (2025) and ITL3 (2021) ->
ITL3 (2025). Where the chain names two 2021 regions for a LAD (ITL3s redrawn in 2025 in Wales and
Scotland), the overlay of the official LAD Dec 2023 and ITL2/ITL3 Jan 2021 boundaries decides. A LAD that
lies in two 2021 regions (Argyll and Bute, North Ayrshire: ONS splits them by LAU1) cannot be summed
into either, so those regions get no LAD-built figures and are listed with the reason.

Successors: no official LAD 2021 -> LAD 2023 lookup is at hand, so each abolished 2021 district is
placed in the 2023 LAD that covers most of it (overlay of the official boundaries, as for LEPs).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from loaders.sources.lep_lookup import derive_lad_to_lep

SPLIT_SHARE = 0.02  # a LAD with at least this share of its area in a second region lies in both


ITL_CODE_LENGTH = {"itl2": 4, "itl3": 5}  # an ITL3 code (TLC11) starts with its ITL2 code (TLC1)


def itl_2021_membership(
    lad_itl3_2025: pd.DataFrame,
    itl3_2021_2025: pd.DataFrame,
    lads: gpd.GeoDataFrame,
    regions_2021: gpd.GeoDataFrame,
    level: str = "itl2",
) -> tuple[pd.DataFrame, dict]:
    """member_code (LAD), group_code (ITL2 or ITL3 of 2021, by `level`) and the build facts (method, LADs
    resolved by overlay, regions left out because a LAD straddles them).

    `lad_itl3_2025`: lad_code, itl3_2025; `itl3_2021_2025`: itl3_2021, itl3_2025 (official lookups);
    `regions_2021`: the official boundaries of the level's 2021 regions."""
    chain = lad_itl3_2025.merge(itl3_2021_2025, on="itl3_2025")
    chain["region"] = chain["itl3_2021"].str[: ITL_CODE_LENGTH[level]]
    candidates = chain.groupby("lad_code")["region"].agg(lambda s: sorted(set(s)))
    overlay = derive_lad_to_lep(lads, regions_2021, min_share=SPLIT_SHARE)
    by_overlay = overlay.groupby("lad_code")["lep_code"].agg(lambda s: sorted(set(s)))
    pairs, resolved, straddling = [], [], {}
    for lad, regions in candidates.items():
        if len(regions) == 1:
            pairs.append((lad, regions[0]))
            continue
        placed = [code for code in by_overlay.get(lad, []) if code in regions] or by_overlay.get(lad, [])
        if len(placed) == 1:
            pairs.append((lad, placed[0]))
            resolved.append(lad)
        else:
            straddling[lad] = placed
    left_out = sorted({region for regions in straddling.values() for region in regions})
    membership = pd.DataFrame(pairs, columns=["member_code", "group_code"])
    membership = membership[~membership["group_code"].isin(left_out)].reset_index(drop=True)
    names = dict(zip(lads["area_code"], lads["area_name"], strict=True))
    region_names = dict(zip(regions_2021["area_code"], regions_2021["area_name"], strict=True))
    facts = {
        "method": "official LAD (Dec 2024) -> ITL3 (2025) and ITL3 (2021) -> ITL3 (2025) lookups chained; "
        f"where they name two 2021 {level.upper()} regions, the overlay of LAD Dec 2023 and {level.upper()} Jan 2021 "
        "boundaries decides",
        "lads_placed_by_overlay": sorted(names.get(lad, lad) for lad in resolved),
        "regions_left_out": {
            region: {
                "name": region_names.get(region, region),
                "straddling_lads": sorted(names.get(lad, lad) for lad, regs in straddling.items() if region in regs),
            }
            for region in left_out
        },
    }
    return membership, facts


def lad_successors(lads_2021: gpd.GeoDataFrame, lads_2023: gpd.GeoDataFrame) -> pd.DataFrame:
    """successor_code, successor_name, predecessor_code, predecessor_name: each 2021 district that is
    not in the 2023 set, with the 2023 LAD covering most of its area."""
    abolished = lads_2021[~lads_2021["area_code"].isin(set(lads_2023["area_code"]))]
    if abolished.empty:
        return pd.DataFrame(columns=["successor_code", "successor_name", "predecessor_code", "predecessor_name"])
    placed = derive_lad_to_lep(abolished.reset_index(drop=True), lads_2023, min_share=0.5)
    out = placed.rename(
        columns={
            "lad_code": "predecessor_code",
            "lad_name": "predecessor_name",
            "lep_code": "successor_code",
            "lep_name": "successor_name",
        }
    )
    columns = ["successor_code", "successor_name", "predecessor_code", "predecessor_name"]
    return out[columns].sort_values(["successor_code", "predecessor_name"], ignore_index=True)


def successors_fact(successors: pd.DataFrame) -> dict:
    """The manifest entry: method and, per successor LAD, its name and the districts it replaced."""
    return {
        "method": "overlay of the official LAD Dec 2021 and Dec 2023 boundaries (each abolished 2021 district "
        "placed in the 2023 LAD covering at least half of it)",
        "successors": {
            code: {
                "name": str(rows["successor_name"].iloc[0]),
                "replaced": [
                    {"code": c, "name": n}
                    for c, n in zip(rows["predecessor_code"], rows["predecessor_name"], strict=True)
                ],
            }
            for code, rows in successors.groupby("successor_code")
        },
    }
