"""LAD -> LEP membership by area overlay, standing in for the ONS LAD21->LEP21 lookup we could not get.

LEP May 2021 polygons are unions of LAD polygons (up to generalisation), so each LAD lies almost
wholly (share ~1) in its LEP(s) and a 50% threshold is unambiguous. LEPs overlapped in 2021: seven
LADs sit in two LEPs, and both memberships are kept because ONS LEP statistics count them twice.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

BNG = "EPSG:27700"
COLUMNS = ["lad_code", "lad_name", "lep_code", "lep_name", "share", "in_two_leps"]


def _projected_valid(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Geometries in metres (areas in lon/lat are meaningless), repaired so overlay cannot raise
    on the few self-intersecting generalised rings."""
    geoms = frame.to_crs(BNG).geometry.to_numpy()
    bad = ~shapely.is_valid(geoms)
    geoms[bad] = shapely.buffer(geoms[bad], 0)
    return geoms


def derive_lad_to_lep(lads: gpd.GeoDataFrame, leps: gpd.GeoDataFrame, min_share: float = 0.5) -> pd.DataFrame:
    """One row per (LAD, LEP) where the LEP covers at least `min_share` of the LAD's area.

    Inputs are read_boundaries frames (area_code, area_name, geometry). LADs outside every LEP
    (Wales, Scotland, NI) produce no rows. Columns: lad_code, lad_name, lep_code, lep_name,
    share (fraction of the LAD's area), in_two_leps.
    """
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1], got {min_share}")
    lad_geoms, lep_geoms = _projected_valid(lads), _projected_valid(leps)
    lad_idx, lep_idx = shapely.STRtree(lep_geoms).query(lad_geoms, predicate="intersects")
    overlap = shapely.area(shapely.intersection(lad_geoms[lad_idx], lep_geoms[lep_idx]))
    share = overlap / shapely.area(lad_geoms[lad_idx])
    keep = share >= min_share
    out = pd.DataFrame(
        {
            "lad_code": lads["area_code"].to_numpy()[lad_idx[keep]],
            "lad_name": lads["area_name"].to_numpy()[lad_idx[keep]],
            "lep_code": leps["area_code"].to_numpy()[lep_idx[keep]],
            "lep_name": leps["area_name"].to_numpy()[lep_idx[keep]],
            "share": share[keep],
        }
    )
    out["in_two_leps"] = out.groupby("lad_code")["lep_code"].transform("size") > 1
    return out.sort_values(["lad_code", "lep_code"]).reset_index(drop=True)[COLUMNS]


def compare_lookups(ours: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """(lad_code, lep_code) memberships present in only one of two lookups, as columns lad_code,
    lad_name, lep_code, lep_name, side ("ours" or "other"). Empty means the same code sets."""
    key = ["lad_code", "lep_code"]
    cols = key + [c for c in ("lad_name", "lep_name") if c in ours.columns or c in other.columns]
    a = ours.reindex(columns=cols).drop_duplicates(key).assign(side="ours")
    b = other.reindex(columns=cols).drop_duplicates(key).assign(side="other")
    both = pd.concat([a, b], ignore_index=True)
    only = both[~both.duplicated(key, keep=False)]
    return (
        only.reindex(columns=["lad_code", "lad_name", "lep_code", "lep_name", "side"])
        .sort_values(["lad_code", "side", "lep_code"])
        .reset_index(drop=True)
    )
