"""Manufacturing enterprises by size band as shares of all an area's manufacturing enterprises (UK Business
Counts), beside England's."""

from __future__ import annotations

import pandas as pd

from vocabulary.geography import ENGLAND

ENTERPRISES = "manufacturing_enterprises"


SIZE_BANDS: tuple[tuple[str, str], ...] = (
    ("manufacturing_enterprises_micro", "Micro (0-9)"),
    ("manufacturing_enterprises_small", "Small (10-49)"),
    ("manufacturing_enterprises_medium", "Medium (50-249)"),
    ("manufacturing_enterprises_large", "Large (250+)"),
)


def enterprise_table(rows_by_indicator: dict[str, pd.DataFrame], level: str, area_code: str) -> pd.DataFrame:
    """period, band, band_order, count, total, share_pct, england_count, england_total, england_share_pct:
    the area's manufacturing enterprises per size band each year, as counts and as a % of all its
    manufacturing enterprises, beside England's % in the same band (empty if the area has none)."""
    wanted = {(level, area_code), ("country", ENGLAND)}
    values: dict[str, dict[tuple[str, str], pd.Series]] = {}
    for indicator in (ENTERPRISES, *(band_indicator for band_indicator, _ in SIZE_BANDS)):
        rows = rows_by_indicator[indicator]
        rows = rows[rows["area_code"].isin([area_code, ENGLAND])].dropna(subset=["value"])
        values[indicator] = {key: _series(rows, *key) for key in wanted}
    totals = values[ENTERPRISES][(level, area_code)]
    england_totals = values[ENTERPRISES][("country", ENGLAND)]
    frames = []
    for band_order, (indicator, band) in enumerate(SIZE_BANDS):
        counts = values[indicator][(level, area_code)]
        england = values[indicator][("country", ENGLAND)]
        frame = pd.DataFrame({"count": counts}).dropna()
        frame["band"], frame["band_order"] = band, band_order
        frame["total"] = totals.reindex(frame.index)
        frame["england_count"] = england.reindex(frame.index)
        frame["england_total"] = england_totals.reindex(frame.index)
        frames.append(frame)
    columns = [
        "period",
        "band",
        "band_order",
        "count",
        "total",
        "share_pct",
        "england_count",
        "england_total",
        "england_share_pct",
    ]
    if not frames or all(frame.empty for frame in frames):
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames).rename_axis("period").reset_index()
    table["share_pct"] = table["count"] / table["total"] * 100
    table["england_share_pct"] = table["england_count"] / table["england_total"] * 100
    return table[columns].sort_values(["period", "band_order"], ignore_index=True)


def _series(rows: pd.DataFrame, geography: str, code: str) -> pd.Series:
    """period -> value of one area (missing values dropped)."""
    match = rows[(rows["geography"] == geography) & (rows["area_code"] == code)].dropna(subset=["value"])
    return pd.Series(match["value"].to_numpy(dtype=float), index=match["period"].astype(int).to_numpy())
